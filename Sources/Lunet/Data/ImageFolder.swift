/// A folder (or zip) of `<class>/<image>` PNG or JPEG files, classes and
/// images in sorted order, all one size (taken from the first image).
///
/// ```lua
/// local ds = data.imagefolder("flowers", {channels = 3})
/// ```
public enum ImageFolder {
    static func isImage(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".png", ".jpg", ".jpeg"].contains { lower.hasSuffix($0) }
    }

    /// `channels` 1 or 3; by default that of the first image.
    public static func load(_ path: String, channels: Int? = nil, parallel: Bool = true) throws -> Dataset {
        let source = try openDataSource(path)
        let classes = try source.folders(in: "")
        guard !classes.isEmpty else { throw LunetError("'\(source.location)' has no class folders: expected <class>/<image>") }
        var files: [String] = [], labels: [Int32] = []
        for (label, name) in classes.enumerated() {
            let images = try source.files(in: name).filter(isImage)
            guard !images.isEmpty else {
                throw LunetError("class '\(name)' has no images: no PNG or JPEG file in '\(source.describe(name))'")
            }
            files += images.map { "\(name)/\($0)" }
            labels += Array(repeating: Int32(label), count: images.count)
        }
        let first = try source.read(files[0])
        let wanted = try channels ?? first.withUnsafeBytes { bytes in
            guard let count = ImageDecoder.channelCount(bytes) else {
                return try ImageDecoder.decode(bytes, channels: 3, name: source.describe(files[0])).channels
            }
            return count
        }
        guard wanted == 1 || wanted == 3 else { throw LunetError("imagefolder: channels must be 1 or 3, got \(wanted)") }
        let sample = try ImageDecoder.decode(first, channels: wanted, name: source.describe(files[0]))
        var loader = ImageLoader(channels: wanted, height: sample.height, width: sample.width)
        loader.parallel = parallel
        return try Dataset(images: loader.load(files, from: source), labels: Tensor(shape: [labels.count], scalars: labels),
                           classes: classes)
    }
}
