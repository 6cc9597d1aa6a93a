extension Conv2d {
    /// The forward pass by `winograd`; the caller holds `workspaceLock`.
    func forward(_ input: Tensor<Float>, geometry g: ConvolutionGeometry, winograd: WinogradConvolution) -> Tensor<Float> {
        let batch = input.shape[0]
        let biasValues = bias?.value
        return input.withUnsafeBufferPointer { x in
            weight.value.withUnsafeBufferPointer { w in
                Tensor(unsafeUninitializedShape: [batch, outputChannels, g.outputHeight, g.outputWidth]) { y in
                    let run = { (b: UnsafePointer<Float>?) in
                        winograd.forward(x.baseAddress!, batch: batch, geometry: g, outputChannels: self.outputChannels,
                                         weight: w.baseAddress!, bias: b, into: y.baseAddress!)
                    }
                    if let biasValues { biasValues.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
                }
            }
        }
    }

    /// Bias, weight and input gradients by `winograd`; the caller holds `workspaceLock`.
    func backward(_ input: Tensor<Float>, _ gradOutput: Tensor<Float>, geometry g: ConvolutionGeometry,
                  winograd: WinogradConvolution) -> Tensor<Float> {
        let batch = input.shape[0], outputChannels = outputChannels
        return input.withUnsafeBufferPointer { x in
            gradOutput.withUnsafeBufferPointer { dy in
                weight.value.withUnsafeBufferPointer { w in
                    bias?.gradient.withUnsafeMutableBufferPointer { db in
                        for i in 0..<batch {
                            for o in 0..<outputChannels {
                                let plane = dy.baseAddress! + (i * outputChannels + o) * g.outputPlane
                                var sum: Float = 0
                                for p in 0..<g.outputPlane { sum += plane[p] }
                                db[o] += sum
                            }
                        }
                    }
                    weight.gradient.withUnsafeMutableBufferPointer { dw in
                        winograd.accumulateWeightGradient(x.baseAddress!, dy.baseAddress!, batch: batch, geometry: g,
                                                          outputChannels: outputChannels, into: dw.baseAddress!)
                    }
                    return Tensor(unsafeUninitializedShape: input.shape) { dx in
                        winograd.inputGradient(dy.baseAddress!, batch: batch, geometry: g, outputChannels: outputChannels,
                                               weight: w.baseAddress!, into: dx.baseAddress!)
                    }
                }
            }
        }
    }
}
