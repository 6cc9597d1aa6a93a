/// One decoded image: interleaved 8-bit pixels, `[H, W, C]`.
public struct DecodedImage: Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `[H, W, C]`, row-major.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels, "pixels do not match the image size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Writes the pixels planar, `[C, H, W]`, at `destination` (which holds
    /// `channels * height * width` bytes); `invert` maps v to 255 - v.
    public func writePlanar(to destination: UnsafeMutablePointer<UInt8>, invert: Bool = false) {
        let plane = width * height
        pixels.withUnsafeBufferPointer { src in
            if channels == 1 {
                if invert {
                    for i in 0..<plane { destination[i] = 255 &- src[i] }
                } else {
                    destination.update(from: src.baseAddress!, count: plane)
                }
                return
            }
            for c in 0..<channels {
                let out = destination + c * plane
                for i in 0..<plane {
                    let v = src[i * channels + c]
                    out[i] = invert ? 255 &- v : v
                }
            }
        }
    }
}
