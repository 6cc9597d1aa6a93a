import CPNG
import ImageShim

/// PNG (libpng's simplified API) and JPEG (libjpeg, through ImageShim, which
/// keeps libjpeg's setjmp error handling in C) from bytes in memory. Safe to
/// call from several threads at once.
public enum ImageDecoder {
    /// Decodes `bytes` to `channels` (1 or 3) per pixel. A grayscale file
    /// becomes 3 equal channels when 3 are asked for; a color PNG where 1 is
    /// asked for is an error (a JPEG is converted by libjpeg). `name` is what
    /// error messages call the file.
    public static func decode(_ bytes: UnsafeRawBufferPointer, channels: Int, name: String) throws -> DecodedImage {
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3")
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return try decodePNG(bytes, channels: channels, name: name)
        }
        if bytes.starts(with: [0xFF, 0xD8]) {
            return try decodeJPEG(bytes, channels: channels, name: name)
        }
        let what = bytes.isEmpty ? "it is empty" : "it does not start like a PNG or JPEG file"
        throw LunetError("'\(name)' is not an image: \(what)")
    }

    public static func decode(_ bytes: [UInt8], channels: Int, name: String) throws -> DecodedImage {
        try bytes.withUnsafeBytes { try decode($0, channels: channels, name: name) }
    }

    /// The channel count a PNG or JPEG holds (1 gray, 3 color), read from its header only.
    public static func channelCount(_ bytes: UnsafeRawBufferPointer) -> Int? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            var image = png_image()
            image.version = png_uint_32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else { return nil }
            defer { png_image_free(&image) }
            return image.format & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1
        }
        return bytes.starts(with: [0xFF, 0xD8]) ? 3 : nil
    }

    /// Larger sides are refused before allocating: a corrupt or hostile header
    /// must not ask for terabytes.
    static let maximumSide = 1 << 15

    static func decodePNG(_ bytes: UnsafeRawBufferPointer, channels: Int, name: String) throws -> DecodedImage {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        // On failure the simplified API frees its own state; only a success needs png_image_free.
        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
            throw LunetError("'\(name)' is not a readable PNG: \(message(of: &image))")
        }
        if channels == 1, image.format & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0 {
            png_image_free(&image)
            throw LunetError("'\(name)': expected a 1-channel (grayscale) image, got a color PNG")
        }
        // PNG_FORMAT_GRAY is 0; PNG_FORMAT_RGB is the color flag alone (its macro does not import).
        image.format = channels == 1 ? 0 : png_uint_32(PNG_FORMAT_FLAG_COLOR)
        let (width, height) = (Int(image.width), Int(image.height))
        guard width <= maximumSide, height <= maximumSide else {
            png_image_free(&image)
            throw LunetError("'\(name)': a \(width)x\(height) image is larger than the \(maximumSide)x\(maximumSide) lunet decodes")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard ok != 0 else {
            throw LunetError("'\(name)' is a corrupt or truncated PNG: \(message(of: &image))")
        }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// libpng's NUL-terminated message from a failed simplified call.
    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    static func decodeJPEG(_ bytes: UnsafeRawBufferPointer, channels: Int, name: String) throws -> DecodedImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        var error = [CChar](repeating: 0, count: 256)
        let ok = bytes.withMemoryRebound(to: UInt8.self) { data in
            lunet_jpeg_decode(data.baseAddress, data.count, Int32(channels), &pixels, &width, &height, &error, error.count)
        }
        guard ok != 0, let pixels else {
            let text = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw LunetError("'\(name)' is a corrupt or truncated JPEG: \(text)")
        }
        defer { lunet_image_free(pixels) }
        let count = Int(width) * Int(height) * channels
        return DecodedImage(width: Int(width), height: Int(height), channels: channels,
                            pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }
}
