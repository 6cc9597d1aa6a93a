import CLua
import LuaShim
import Lunet

/// `data.*`: loaders for the collections of the assignment, the cache, and
/// datasets built from tensors.
enum DataBindings {
    static let module = LuaLibrary(.module("data"), doc: "Datasets: Tiny ImageNet, Omniglot, IDX/Fashion-MNIST, image folders, cached datasets; augmentation.", functions: [
        LuaFunction("data.tinyimagenet", declaration: DataDeclarations.tinyImageNet, leading: ["path"]) { call in
            let split = try call.options(2, declaredBy: DataDeclarations.tinyImageNet).string("split")
            call.push(try TinyImageNet.load(try call.path(1), split: TinyImageNet.Split(rawValue: split)!))
            return 1
        },
        LuaFunction("data.omniglot", declaration: DataDeclarations.omniglot, leading: ["path"]) { call in
            let options = try call.options(2, declaredBy: DataDeclarations.omniglot)
            call.push(try Omniglot.load(try call.path(1), invert: try options.bool("invert")))
            return 1
        },
        LuaFunction("data.omniglotRuns", declaration: DataDeclarations.omniglotRuns, leading: ["path"]) { call in
            let options = try call.options(2, declaredBy: DataDeclarations.omniglotRuns)
            let runs = try Omniglot.loadRuns(try call.path(1), invert: try options.bool("invert"))
            pushRuns(call, runs)
            return 1
        },
        LuaFunction("idx", "data.idx(imagesPath, labelsPath)", "A dataset from MNIST-format IDX files (gzipped or not): 1xHxW images, classes '0', '1', ...") { call in
            call.push(try IDXDataset.load(images: try call.path(1), labels: try call.path(2)))
            return 1
        },
        LuaFunction("data.fashionmnist", declaration: DataDeclarations.fashionMNIST) { call in
            let options = try call.options(1, declaredBy: DataDeclarations.fashionMNIST)
            call.push(try IDXDataset.fashionMNIST(split: try options.string("split"),
                                                  folder: try options.optionalString("path") ?? IDXDataset.fashionMNISTFolder))
            return 1
        },
        LuaFunction("data.imagefolder", declaration: DataDeclarations.imageFolder, leading: ["path"]) { call in
            let options = try call.options(2, declaredBy: DataDeclarations.imageFolder)
            call.push(try ImageFolder.load(try call.path(1), channels: try options.optionalInt("channels")))
            return 1
        },
        LuaFunction("load", "data.load(path)", "A dataset written by ds:save(path) (images.npy, labels.npy, dataset.json).") { call in
            call.push(try DatasetCache.load(try call.path(1)))
            return 1
        },
        LuaFunction("data.download", declaration: DataDeclarations.download, leading: ["name", "folder"]) { call in
            let options = try call.options(3, declaredBy: DataDeclarations.download)
            call.push(list: try DatasetDownload.fetch(try call.string(1), into: try call.path(2), url: try options.optionalString("url")))
            return 1
        },
        LuaFunction("data.dataset", declaration: DataDeclarations.fromTensors, leading: ["images", "labels"]) { call in
            let images = try call.byteTensor(1)
            let labels = try call.intTensor(2)
            let options = try call.options(3, declaredBy: DataDeclarations.fromTensors)
            call.push(try fromTensors(images, labels, classes: try options.list("classes")?.compactMap(\.stringValue)))
            return 1
        },
        AugmentationBindings.constructor,
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

    static func fromTensors(_ images: Tensor<UInt8>, _ labels: Tensor<Int32>, classes: [String]?) throws -> Dataset {
        let highest = Int(labels.scalars.max() ?? 0)
        guard labels.scalars.allSatisfy({ $0 >= 1 }), classes != nil || highest <= Swift.max(labels.count, 1) else {
            throw LunetError("data.dataset: labels must be 1-based class numbers (1..\(labels.count) without a 'classes' list)")
        }
        let zeroBased = try labels.withUnsafeBufferPointer { src in
            try Tensor<Int32>(unsafeUninitializedShape: labels.shape) { dst in
                for i in 0..<dst.count { dst[i] = src[i] - 1 }
            }
        }
        let names = classes ?? (0..<Int(labels.scalars.max() ?? 0)).map { String($0 + 1) }
        return try Dataset(images: images, labels: zeroBased, classes: names)
    }
}
