import CPNG

/// Writes PNG through libpng's simplified API (figures, test fixtures).
public enum ImageEncoder {
    /// The PNG bytes of an 8-bit gray (1 channel) or RGB (3 channels) image.
    public static func png(_ image: DecodedImage) throws -> [UInt8] {
        guard image.channels == 1 || image.channels == 3 else {
            throw LunetError("PNG: expected 1 or 3 channels, got \(image.channels)")
        }
        var info = png_image()
        info.version = png_uint_32(PNG_IMAGE_VERSION)
        info.width = png_uint_32(image.width)
        info.height = png_uint_32(image.height)
        info.format = image.channels == 1 ? 0 : png_uint_32(PNG_FORMAT_FLAG_COLOR)
        var size: png_alloc_size_t = 0
        // First call measures, second writes.
        guard image.pixels.withUnsafeBytes({ png_image_write_to_memory(&info, nil, &size, 0, $0.baseAddress, 0, nil) }) != 0 else {
            throw LunetError("PNG: cannot encode a \(image.width)x\(image.height) image")
        }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let ok = bytes.withUnsafeMutableBytes { out in
            image.pixels.withUnsafeBytes { png_image_write_to_memory(&info, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard ok != 0 else { throw LunetError("PNG: cannot encode a \(image.width)x\(image.height) image") }
        return Array(bytes.prefix(Int(size)))
    }
}
