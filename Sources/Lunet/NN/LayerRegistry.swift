/// Every layer type lunet can build by name: `nn.<Type>` in Lua and the
/// layers of a model file. A new layer declares itself (`static let
/// declaration`) and is listed here, nowhere else.
public enum LayerRegistry {
    public static let declarations: [LayerDeclaration] = [
        Linear.declaration, Conv2d.declaration, MaxPool2d.declaration,
        BatchNorm.declaration1d, BatchNorm.declaration2d, Dropout.declaration,
        ReLU.declaration, Sigmoid.declaration, Tanh.declaration, Flatten.declaration, L2Normalize.declaration,
    ]

    /// Every declaration of the engine that names a module: the layers and containers.
    public static func declaration(named typeName: String) -> LayerDeclaration? {
        declarations.first { $0.typeName == typeName }
    }
}
