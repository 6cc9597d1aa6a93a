/// An 8-bit RGB colour.
public struct RGB: Equatable, Sendable {
    public let red, green, blue: UInt8
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }
}

/// An RGB image being drawn: rectangles, dataset images, text in the built-in
/// font. Drawing outside the canvas is clipped.
struct Canvas {
    let width: Int
    let height: Int
    /// `[height, width, 3]`.
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: RGB) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    mutating func set(_ x: Int, _ y: Int, _ color: RGB) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let at = (y * width + x) * 3
        pixels[at] = color.red
        pixels[at + 1] = color.green
        pixels[at + 2] = color.blue
    }

    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: RGB) {
        for row in Swift.max(y, 0)..<Swift.max(Swift.min(y + h, height), Swift.max(y, 0)) {
            for column in Swift.max(x, 0)..<Swift.max(Swift.min(x + w, width), Swift.max(x, 0)) { set(column, row, color) }
        }
    }

    /// The outline of a rectangle, `thickness` pixels wide, inside its bounds.
    mutating func frame(x: Int, y: Int, width w: Int, height h: Int, thickness t: Int, _ color: RGB) {
        fill(x: x, y: y, width: w, height: t, color)
        fill(x: x, y: y + h - t, width: w, height: t, color)
        fill(x: x, y: y, width: t, height: h, color)
        fill(x: x + w - t, y: y, width: t, height: h, color)
    }

    /// A `[C, H, W]` image (1 or 3 channels) with its top-left corner at `(x, y)`,
    /// each pixel drawn as a `scale x scale` square.
    mutating func draw(_ image: Tensor<UInt8>, x: Int, y: Int, scale: Int) {
        let (channels, h, w) = (image.shape[0], image.shape[1], image.shape[2])
        image.withUnsafeBufferPointer { src in
            for row in 0..<h * scale {
                for column in 0..<w * scale {
                    let at = (row / scale) * w + column / scale
                    let red = src[at], green = channels == 3 ? src[h * w + at] : red, blue = channels == 3 ? src[2 * h * w + at] : red
                    set(x + column, y + row, RGB(red, green, blue))
                }
            }
        }
    }

    /// `text` in the 5x7 font, centred on `centerX`, top at `y`, cut to `maxWidth` pixels.
    mutating func text(_ text: String, centerX: Int, y: Int, maxWidth: Int, _ color: RGB) {
        let fitting = Swift.max(0, (maxWidth + 1) / BitmapFont.advance)
        let shown = Array(text.count > fitting ? text.prefix(Swift.max(fitting - 1, 0)) + (fitting > 0 ? "." : "") : Substring(text))
        let drawnWidth = shown.count * BitmapFont.advance - 1
        var left = centerX - drawnWidth / 2
        for character in shown {
            for column in 0..<BitmapFont.width {
                for row in 0..<BitmapFont.height where BitmapFont.isInk(character, x: column, y: row) {
                    set(left + column, y + row, color)
                }
            }
            left += BitmapFont.advance
        }
    }

    var image: DecodedImage { DecodedImage(width: width, height: height, channels: 3, pixels: pixels) }
}

extension Canvas {
    /// A line two pixels wide from `a` to `b` (Bresenham's, each point doubled below).
    mutating func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int), _ color: RGB) {
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var (x, y, error) = (a.x, a.y, dx + dy)
        while true {
            set(x, y, color)
            set(x, y + 1, color)
            if x == b.x && y == b.y { return }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }
}
