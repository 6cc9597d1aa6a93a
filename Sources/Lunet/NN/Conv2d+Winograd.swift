/// How a convolution computes one input size.
enum ConvolutionPath: Equatable, CustomStringConvertible {
    /// Patches unfolded into a matrix, one sgemm per chunk of images.
    case im2col
    case winograd(WinogradConvolution)

    var description: String {
        switch self {
        case .im2col: "im2col + sgemm"
        case .winograd(let winograd): winograd.description
        }
    }
}

extension Conv2d {
    /// The forward pass by `winograd`; the caller holds `workspaceLock`.
    func forward(_ input: Tensor<Float>, geometry g: ConvolutionGeometry, winograd: WinogradConvolution) throws -> Tensor<Float> {
        let batch = input.shape[0]
        let biasValues = bias?.value
        return try input.withUnsafeBufferPointer { x in
            try weight.value.withUnsafeBufferPointer { w in
                try Tensor(unsafeUninitializedShape: [batch, outputChannels, g.outputHeight, g.outputWidth]) { y in
                    let run = { (b: UnsafePointer<Float>?) throws in
                        try winograd.forward(x.baseAddress!, batch: batch, geometry: g, outputChannels: self.outputChannels,
                                         weight: w.baseAddress!, bias: b, into: y.baseAddress!)
                    }
                    if let biasValues { try biasValues.withUnsafeBufferPointer { try run($0.baseAddress!) } } else { try run(nil) }
                }
            }
        }
    }

    /// The weight gradient by `winograd`, and the input gradient when `inputGradient`
    /// (else nil); the caller holds `workspaceLock`.
    func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>, geometry g: ConvolutionGeometry,
                  winograd: WinogradConvolution, inputGradient: Bool) throws -> Tensor<Float>? {
        let batch = input.shape[0], outputChannels = outputChannels
        return try input.withUnsafeBufferPointer { x in
            try gradOutput.withUnsafeBufferPointer { dy in
                try weight.value.withUnsafeBufferPointer { w in
                    let run = { (dx: UnsafeMutablePointer<Float>?) throws in
                        try self.weight.gradient.withUnsafeMutableBufferPointer { dw in
                            try winograd.backward(x.baseAddress!, dy.baseAddress!, batch: batch, geometry: g,
                                                  outputChannels: outputChannels, weight: w.baseAddress!,
                                                  weightGradient: dw.baseAddress!, inputGradient: dx)
                        }
                    }
                    guard inputGradient else {
                        try run(nil)
                        return nil
                    }
                    return try Tensor(unsafeUninitializedShape: input.shape) { try run($0.baseAddress!) }
                }
            }
        }
    }
}
