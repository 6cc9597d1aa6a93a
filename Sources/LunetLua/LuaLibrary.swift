import Lunet

/// The body of a binding: reads its arguments from `call`, pushes its results
/// and returns how many. Throwing is how a binding raises a Lua error.
public typealias LuaFunctionBody = @Sendable (LuaCall) throws -> Int32

/// One Swift function callable from Lua, with the documentation `help` prints.
public struct LuaFunction: Sendable {
    public let name: String
    /// `tensor.zeros(shape)`; methods are written `x:matmul(other)`.
    public let signature: String
    public let doc: String
    public let body: LuaFunctionBody
    /// The engine declaration whose options this function takes: its errors
    /// name this function, and help lists its options.
    public let declaration: Declaration?

    public init(_ name: String, _ signature: String, _ doc: String, _ body: @escaping LuaFunctionBody) {
        self.name = name
        self.signature = signature
        self.doc = doc
        self.body = body
        declaration = nil
    }

    /// A function whose signature and documentation come from `declaration`:
    /// `qualifiedName` is how Lua spells it (`optim.Adam`), `leading` the
    /// arguments before the declared ones (`model`).
    public init(_ qualifiedName: String, declaration: Declaration, leading: [String] = [], _ body: @escaping LuaFunctionBody) {
        name = String(qualifiedName.split(whereSeparator: { $0 == "." || $0 == ":" }).last ?? "")
        signature = declaration.luaSignature(qualifiedName, leading: leading)
        doc = declaration.luaHelp
        self.body = body
        self.declaration = declaration
    }
}

/// A set of bindings installed together: a global module table (`tensor`,
/// `nn`) or the methods and metamethods of a boxed Swift type.
public struct LuaLibrary: Sendable {
    public enum Kind: Sendable {
        /// A table at this dotted global path (`nn`, `nn.init`).
        case module(String)
        /// A metatable named `lunet.<Type>` whose `__index` holds the methods.
        case type(metatable: String)
    }

    public let kind: Kind
    public let doc: String
    public let functions: [LuaFunction]
    /// `__add`, `__tostring`, ...; `__gc` and `__index` are added for types.
    public let metamethods: [LuaFunction]
    /// When set, field reads that are not methods go here (`ds.images`):
    /// pushes the value of the field named by the string at index 2, or returns 0.
    public let fieldGetter: LuaFunctionBody?

    public init(_ kind: Kind, doc: String, functions: [LuaFunction], metamethods: [LuaFunction] = [],
                fieldGetter: LuaFunctionBody? = nil) {
        self.kind = kind
        self.doc = doc
        self.functions = functions
        self.metamethods = metamethods
        self.fieldGetter = fieldGetter
    }

    public var name: String {
        switch kind {
        case .module(let name): name
        case .type(let metatable): metatable
        }
    }
}

/// Every binding of the program, numbered once for the C trampoline: the same
/// IDs serve every `LuaState`.
enum FunctionTable {
    /// A library with the IDs of its functions, metamethods and field getter.
    struct Entry {
        let library: LuaLibrary
        let functionIDs: [Int]
        let metamethodIDs: [Int]
        let fieldGetterID: Int?
    }

    /// Libraries in installation order; an area adds its own in `extraLibraries`.
    static let libraries: [LuaLibrary] = [
        CoreBindings.library,
        CoreBindings.system,
        TensorBindings.module,
        TensorBindings.methods,
    ] + extraLibraries

    static let gcFunction = LuaFunction("__gc", "", "Releases the boxed Swift object.") { call in
        call.releaseBox(at: 1)
        return 0
    }

    private static let table: (functions: [LuaFunction], entries: [Entry]) = {
        var functions = [gcFunction]
        func add(_ list: [LuaFunction]) -> [Int] {
            defer { functions += list }
            return Array(functions.count..<functions.count + list.count)
        }
        let entries = libraries.map { library in
            Entry(
                library: library,
                functionIDs: add(library.functions),
                metamethodIDs: add(library.metamethods),
                fieldGetterID: library.fieldGetter.map {
                    add([LuaFunction("__field", "", "Field lookup.", $0)])[0]
                })
        }
        return (functions, entries)
    }()

    static var functions: [LuaFunction] { table.functions }
    static var entries: [Entry] { table.entries }
    static let gcID = 0

    static func function(_ id: Int) -> LuaFunction? {
        id >= 0 && id < table.functions.count ? table.functions[id] : nil
    }
}
