import Foundation

/// MNIST's IDX format (gzipped or not): unsigned-byte images `[N, H, W]`
/// and labels `[N]`; Fashion-MNIST as Debian's `dataset-fashion-mnist`
/// installs it.
///
/// ```lua
/// local train = data.fashionmnist()                    -- 60000 images 1x28x28
/// local test = data.idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
/// ```
public enum IDXDataset {
    public static let fashionMNISTFolder = "/usr/share/datasets/fashion-mnist"
    public static let fashionMNISTClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// `classes` names the labels; by default `"0"`, `"1"`, ... up to the largest label.
    public static func load(images imagesPath: String, labels labelsPath: String, classes: [String]? = nil) throws -> Dataset {
        let (imageShape, pixels) = try read(imagesPath, rank: 3)
        let (labelShape, labelBytes) = try read(labelsPath, rank: 1)
        guard labelShape[0] == imageShape[0] else {
            throw LunetError("labels do not match the images: '\(labelsPath)' has \(labelShape[0]) labels, '\(imagesPath)' \(imageShape[0]) images")
        }
        let names = classes ?? (0...Int(labelBytes.max() ?? 0)).map(String.init)
        if let wrong = labelBytes.first(where: { Int($0) >= names.count }) {
            throw LunetError("'\(labelsPath)': label \(wrong) is out of range for \(names.count) classes")
        }
        let images = try Tensor<UInt8>(shape: [imageShape[0], 1, imageShape[1], imageShape[2]], scalars: pixels)
        return try Dataset(images: images, labels: Tensor(shape: [labelBytes.count], scalars: labelBytes.map(Int32.init)),
                           classes: names)
    }

    /// Fashion-MNIST's `train` (60000) or `test` (10000) split from `folder`.
    public static func fashionMNIST(split: String = "train", folder: String = fashionMNISTFolder) throws -> Dataset {
        let prefix = split == "test" ? "t10k" : "train"
        let images = "\(folder)/\(prefix)-images-idx3-ubyte.gz", labels = "\(folder)/\(prefix)-labels-idx1-ubyte.gz"
        guard FileManager.default.fileExists(atPath: images), FileManager.default.fileExists(atPath: labels) else {
            throw LunetError("Fashion-MNIST is not at '\(folder)' (no \(prefix)-images-idx3-ubyte.gz): install Debian's package (apt-get install dataset-fashion-mnist) or give its folder as the path option")
        }
        return try load(images: images, labels: labels, classes: fashionMNISTClasses)
    }

    /// The dimensions and bytes of an unsigned-byte IDX file of `rank` dimensions.
    static func read(_ path: String, rank: Int) throws -> ([Int], [UInt8]) {
        // Inflating stops once past the size the header gives (a gzip bomb
        // is refused with bounded memory).
        let bytes = try GzipFile.read(path) { prefix in
            guard prefix.count >= 4 + 4 * rank else { return nil }
            let (dims, header) = try dimensions(prefix, path, rank: rank)
            return header + (try Tensor<UInt8>.elementCount(of: dims))
        }
        let (dims, header) = try dimensions(bytes, path, rank: rank)
        let needed = try Tensor<UInt8>.elementCount(of: dims)
        guard bytes.count - header == needed else {
            throw LunetError("'\(path)': its header says \(formatShape(dims)) (\(needed) bytes), the file holds \(bytes.count - header)")
        }
        return (dims, Array(bytes[header...]))
    }

    /// The dimensions an IDX header gives, and the header's size.
    static func dimensions(_ bytes: [UInt8], _ path: String, rank: Int) throws -> ([Int], Int) {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw LunetError("'\(path)' is not an IDX file: it does not start with the IDX magic number")
        }
        guard bytes[2] == 0x08, Int(bytes[3]) == rank else {
            throw LunetError("'\(path)': expected unsigned-byte IDX data of \(rank) dimension\(rank == 1 ? "" : "s"), got type 0x\(String(bytes[2], radix: 16)) with \(bytes[3])")
        }
        guard bytes.count >= 4 + 4 * rank else { throw LunetError("'\(path)' is truncated: its header is cut short") }
        let dims = (0..<rank).map { d in (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * d + $1]) } }
        return (dims, 4 + 4 * rank)
    }
}
