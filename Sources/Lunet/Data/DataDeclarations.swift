/// The options of the data loaders and of the dataset methods that take an
/// options table, declared once: the front end parses by them and prints
/// them as help.
public enum DataDeclarations {
    static let invert = OptionDeclaration("invert", .boolean, default: .bool(false), doc: "ink 255 on 0 instead of the files' 0 on 255")

    public static let tinyImageNet = Declaration("TinyImageNet.load", options: [
        OptionDeclaration("split", .choice(TinyImageNet.Split.allCases.map(\.rawValue)), default: .string("train")),
    ], doc: "Tiny ImageNet from its folder or tiny-imagenet-200.zip: UInt8 3x64x64 images, classes in sorted wnid order (ds.descriptions has their words).")

    public static let omniglot = Declaration("Omniglot.load", options: [invert], doc: """
        Omniglot from a folder or official zip of <alphabet>/<character>/*.png: 1x105x105 images, one class per \
        character, alphabets as groups.
        """)

    public static let omniglotRuns = Declaration("Omniglot.loadRuns", options: [invert], doc: """
        The official 20-way one-shot runs (all_runs.zip): a list of {name, support, query, answers}, answers[i] the \
        support image of query i.
        """)

    public static let fashionMNIST = Declaration("IDXDataset.fashionMNIST", options: [
        OptionDeclaration("split", .choice(["train", "test"]), default: .string("train")),
        OptionDeclaration("path", .path, defaultText: "'\(IDXDataset.fashionMNISTFolder)'", doc: "the folder of the four IDX files"),
    ], doc: "Fashion-MNIST from Debian's dataset-fashion-mnist: 1x28x28 images, 10 named classes.")

    public static let imageFolder = Declaration("ImageFolder.load", options: [
        OptionDeclaration("channels", .integer(1...3),
                          defaultText: "the first image's", doc: "1 (grey) or 3 (RGB)"),
    ], doc: "A dataset from <class>/<image> PNG or JPEG files of one size (a folder or a zip).")

    public static let download = Declaration("DatasetDownload.fetch", options: [
        OptionDeclaration("url", .path, doc: "a mirror to fetch from instead of the official address"),
    ], doc: "Fetches 'tinyimagenet' or 'omniglot' with curl into folder, checks MD5s, returns the archive paths (the loaders read them as they are).")

    public static let fromTensors = Declaration("Dataset.fromTensors", options: [
        OptionDeclaration("classes", .list(.string, minimum: 1), defaultText: "{'1', '2', ...}", doc: "the classes' names"),
    ], doc: "A dataset from a UInt8 [N, C, H, W] tensor and class numbers from 1 (Int32).")

    public static let batches = Declaration("Dataset.batches", options: [
        OptionDeclaration("shuffle", .boolean, default: .bool(false)),
        OptionDeclaration("seed", .seed, doc: "seeds the shuffle (with shuffle = true); none: the global stream"),
        OptionDeclaration("dropLast", .boolean, default: .bool(false), doc: "leave out a last, smaller batch"),
    ], doc: "An iterator of (x, y): x Float32 [B, C, H, W] in [0, 1], y Int32 labels.")

    public static let splitClasses = Declaration("Dataset.splitClasses", options: [
        OptionDeclaration("last", .integer(0...Int.max), doc: "the second part is the last n classes (in class order)"),
        OptionDeclaration("count", .integer(0...Int.max), doc: "the second part is n classes chosen at random"),
        OptionDeclaration("seed", .seed, doc: "seeds the choice (with count); none: the global stream"),
    ], doc: "Two datasets by class: all but the last n classes and the last n, or the rest and n classes chosen at random.")

    public static let shuffle = Declaration("Dataset.shuffle", options: [
        OptionDeclaration("seed", .seed, doc: "makes the order reproducible; none: the global stream"),
    ], doc: "The images in a random order.")
}
