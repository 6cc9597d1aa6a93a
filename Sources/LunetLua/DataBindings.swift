import CLua
import LuaShim
import Lunet

/// `data.*`: loaders for the collections of the assignment, the cache, and
/// datasets built from tensors.
enum DataBindings {
    static let module = LuaLibrary(.module("data"), doc: "Datasets: Tiny ImageNet, Omniglot, IDX/Fashion-MNIST, image folders, cached datasets.", functions: [
        LuaFunction("tinyimagenet", "data.tinyimagenet(path[, {split='train'|'val'}])", "Tiny ImageNet from its folder or tiny-imagenet-200.zip: UInt8 3x64x64 images, classes in sorted wnid order (ds.descriptions has their words).") { call in
            let options = try call.options(2, for: "data.tinyimagenet", allowed: ["split"])
            let split = try options.choice("split", TinyImageNet.Split.allCases.map(\.rawValue), default: "train")
            call.push(try TinyImageNet.load(try call.path(1), split: TinyImageNet.Split(rawValue: split)!))
            return 1
        },
        LuaFunction("omniglot", "data.omniglot(path[, {invert=false}])", "Omniglot from a folder or official zip of <alphabet>/<character>/*.png: 1x105x105 images, one class per character, alphabets as groups; invert makes ink 255.") { call in
            let options = try call.options(2, for: "data.omniglot", allowed: ["invert"])
            call.push(try Omniglot.load(try call.path(1), invert: try options.boolean("invert", default: false)))
            return 1
        },
        LuaFunction("omniglotRuns", "data.omniglotRuns(path[, {invert=false}])", "The official 20-way one-shot runs (all_runs.zip): a list of {name, support, query, answers}, answers[i] the support index of query i.") { call in
            let options = try call.options(2, for: "data.omniglotRuns", allowed: ["invert"])
            let runs = try Omniglot.loadRuns(try call.path(1), invert: try options.boolean("invert", default: false))
            pushRuns(call, runs)
            return 1
        },
        LuaFunction("idx", "data.idx(imagesPath, labelsPath)", "A dataset from MNIST-format IDX files (gzipped or not): 1xHxW images, classes '0', '1', ...") { call in
            call.push(try IDXDataset.load(images: try call.path(1), labels: try call.path(2)))
            return 1
        },
        LuaFunction("fashionmnist", "data.fashionmnist([{split='train'|'test', path=}])", "Fashion-MNIST from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist): 1x28x28 images, 10 named classes.") { call in
            let options = try call.options(1, for: "data.fashionmnist", allowed: ["split", "path"])
            call.push(try IDXDataset.fashionMNIST(split: try options.choice("split", ["train", "test"], default: "train"),
                                                  folder: try options.path("path") ?? IDXDataset.fashionMNISTFolder))
            return 1
        },
        LuaFunction("imagefolder", "data.imagefolder(path[, {channels=}])", "A dataset from <class>/<image> PNG or JPEG files of one size (folder or zip); channels 1 or 3, by default the first image's.") { call in
            let options = try call.options(2, for: "data.imagefolder", allowed: ["channels"])
            call.push(try ImageFolder.load(try call.path(1), channels: try options.integer("channels")))
            return 1
        },
        LuaFunction("load", "data.load(path)", "A dataset written by ds:save(path) (images.npy, labels.npy, dataset.json).") { call in
            call.push(try DatasetCache.load(try call.path(1)))
            return 1
        },
        LuaFunction("download", "data.download(name, folder[, {url=}])", "Fetches 'tinyimagenet' or 'omniglot' with curl into folder, checks MD5s, returns the archive paths (the loaders read them as they are).") { call in
            let options = try call.options(3, for: "data.download", allowed: ["url"])
            call.push(list: try DatasetDownload.fetch(try call.string(1), into: try call.path(2), url: try options.string("url").map { try FilePath.checked($0, "url") }))
            return 1
        },
        LuaFunction("dataset", "data.dataset(images, labels[, {classes=}])", "A dataset from a UInt8 [N, C, H, W] tensor and 1-based Int32 labels; classes names them (default '1', '2', ...).") { call in
            let images = try call.byteTensor(1)
            let labels = try call.intTensor(2)
            let options = try call.options(3, for: "data.dataset", allowed: ["classes"])
            call.push(try fromTensors(images, labels, classes: try options.table("classes")))
            return 1
        },
        LuaFunction("isDataset", "data.isDataset(x)", "True when x is a Dataset.") { call in
            call.push(call.boxedObject(at: 1) is DatasetBox)
            return 1
        },
    ])

    static func pushRuns(_ call: LuaCall, _ runs: [OneShotRun]) {
        lua_createtable(call.L, Int32(runs.count), 0)
        for (i, run) in runs.enumerated() {
            lua_createtable(call.L, 0, 4)
            call.setField("name") { call.push(run.name) }
            call.setField("support") { call.push(run.support) }
            call.setField("query") { call.push(run.query) }
            call.setField("answers") { call.push(list: run.answers.map { $0 + 1 }) }
            lua_rawseti(call.L, -2, lua_Integer(i + 1))
        }
    }

    static func fromTensors(_ images: Tensor<UInt8>, _ labels: Tensor<Int32>, classes: LuaTable?) throws -> Dataset {
        let highest = Int(labels.scalars.max() ?? 0)
        guard labels.scalars.allSatisfy({ $0 >= 1 }), classes != nil || highest <= Swift.max(labels.count, 1) else {
            throw LunetError("data.dataset: labels must be 1-based class numbers (1..\(labels.count) without a 'classes' list)")
        }
        let zeroBased = try labels.withUnsafeBufferPointer { src in
            try Tensor<Int32>(unsafeUninitializedShape: labels.shape) { dst in
                for i in 0..<dst.count { dst[i] = src[i] - 1 }
            }
        }
        let names: [String]
        if let classes {
            names = try classes.array.map {
                guard case .string(let s) = $0 else { throw LunetError("option 'classes' for data.dataset: list of strings expected") }
                return s
            }
        } else {
            names = (0..<Int(labels.scalars.max() ?? 0)).map { String($0 + 1) }
        }
        return try Dataset(images: images, labels: zeroBased, classes: names)
    }
}
