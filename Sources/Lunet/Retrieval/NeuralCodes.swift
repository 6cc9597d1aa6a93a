/// The outputs of named layers for every image of a dataset: the neural codes
/// of Babenko et al. Runs in evaluation mode (dropout off, batch-norm running
/// statistics) and puts the model's mode back afterwards; holds one batch of
/// activations at a time plus the results, each flattened to Float32 `[N, D]`.
///
/// ```lua
/// local codes = retrieval.codes(net, ood, {"code5", "fc6", "fc7"}, {batch = 100})
/// print(codes.fc6)   -- [Float32 tensor of shape 5000x2048]
/// ```
public enum NeuralCodes {
    public static func extract(_ model: Sequential, from dataset: Dataset, layers: [String],
                               batchSize: Int = 100) throws -> [String: Tensor<Float>] {
        guard !layers.isEmpty else { throw LunetError("codes: no layer names given") }
        guard dataset.count > 0 else { throw LunetError("codes: the dataset has no images") }
        if let repeated = layers.first(where: { name in layers.filter { $0 == name }.count > 1 }) {
            throw LunetError("codes: layer '\(repeated)' is named twice")
        }
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var generator = RandomGenerator(seed: 0)
        let batches = try BatchIterator(dataset, batchSize: batchSize, generator: &generator)
        var codes: [String: Tensor<Float>] = [:]
        var done = 0
        while let (images, _) = try batches.next() {
            let outputs = try model.outputs(images, names: layers)
            for name in layers {
                let output = outputs[name]!
                let width = images.shape[0] == 0 ? 0 : output.count / images.shape[0]
                if codes[name] == nil {
                    codes[name] = try Tensor(shape: [dataset.count, width], repeating: 0)
                }
                guard codes[name]!.shape[1] == width else {
                    throw LunetError("codes: layer '\(name)' gave \(width) values per image, earlier \(codes[name]!.shape[1])")
                }
                output.withUnsafeBufferPointer { source in
                    codes[name]!.withUnsafeMutableBufferPointer { target in
                        (target.baseAddress! + done * width).update(from: source.baseAddress!, count: source.count)
                    }
                }
            }
            done += images.shape[0]
        }
        return codes
    }
}
