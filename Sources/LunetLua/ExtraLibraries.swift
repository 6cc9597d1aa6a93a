/// Libraries of the later areas (nn, optim, data, ...), listed here so each
/// area only adds one line.
extension FunctionTable {
    static let extraLibraries: [LuaLibrary] = [
        NNBindings.module, ModuleBindings.methods,
        LossBindings.module, LossBindings.methods, DefinitionBindings.module,
        OptimBindings.module, OptimBindings.methods,
        ModelFileBindings.models, ModelFileBindings.tensors,
        DataBindings.module, DatasetBindings.methods, DatasetBindings.classList, DatasetBindings.iterator,
        AugmentationBindings.methods,
        RetrievalBindings.module,
        TrainingBindings.module,
        TripletBindings.module, TripletBindings.sampler, TripletBindings.oneshot, TripletContextBindings.context, TripletContextBindings.random,
        DistBindings.module,
        PlotBindings.module,
    ]
}
