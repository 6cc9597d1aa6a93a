import Dispatch
import Foundation

/// Decodes many image files of one size into a preallocated `[N, C, H, W]`
/// byte tensor, in parallel: each worker writes only its own images' slices.
///
/// Every file must be `height` x `width`; a wrong size, a corrupt file or a
/// Ctrl-C stops the load with an error naming the file (the first failing
/// one in file order, so messages do not depend on thread timing).
public struct ImageLoader: Sendable {
    public var channels: Int
    public var height: Int
    public var width: Int
    /// 255 - v for every pixel (Omniglot's ink becomes bright).
    public var invert = false
    /// One core when false: for the benchmark's serial figure.
    public var parallel = true

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Images per work item: large enough to amortize scheduling, small enough to balance two cores.
    static let chunkSize = 32

    public func load(_ paths: [String], from source: any DataSource) throws -> Tensor<UInt8> {
        source.noteSkippedEntries()
        let itemSize = channels * height * width
        let failures = FailureRecord()
        var images = try Tensor<UInt8>(unsafeUninitializedShape: [paths.count, channels, height, width]) { _ in }
        images.withUnsafeMutableBufferPointer { buffer in
            let base = SendablePointer(buffer.baseAddress!)
            let chunks = (paths.count + Self.chunkSize - 1) / Self.chunkSize
            let work: @Sendable (Int) -> Void = { chunk in
                guard !failures.stopped else { return }
                if Interruption.poll() { failures.record(-1, LunetError("interrupted")); return }
                for i in chunk * Self.chunkSize..<min(paths.count, (chunk + 1) * Self.chunkSize) {
                    do {
                        try decode(paths[i], from: source, into: base.pointer + i * itemSize)
                    } catch {
                        failures.record(i, error)
                        return
                    }
                }
            }
            if parallel {
                DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
            } else {
                for chunk in 0..<chunks { work(chunk) }
            }
        }
        if let error = failures.first { throw error }
        return images
    }

    /// Decodes one file into its `[C, H, W]` slot, checking its size.
    func decode(_ path: String, from source: any DataSource, into slot: UnsafeMutablePointer<UInt8>) throws {
        let bytes = try source.read(path)
        let image = try ImageDecoder.decode(bytes, channels: channels, name: source.describe(path))
        guard image.width == width, image.height == height else {
            throw LunetError("'\(source.describe(path))': expected a \(width)x\(height) image, got \(image.width)x\(image.height)")
        }
        image.writePlanar(to: slot, invert: invert)
    }
}
