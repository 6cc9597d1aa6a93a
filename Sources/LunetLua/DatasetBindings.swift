import CLua
import LuaShim
import Lunet

/// Methods and fields of `lunet.Dataset` and of the class-name list
/// (`ds.classes`, which is also callable as `ds:classes{...}`).
enum DatasetBindings {
    static let classListMetatable = "lunet.ClassList"

    static let methods = LuaLibrary(.type(metatable: DatasetBox.metatable), doc: "Images (UInt8 [N, C, H, W]) with 1-based labels and class names; fields images, labels, classes, descriptions, groups, classGroups.",
                                    functions: queries + selections, metamethods: metamethods, fieldGetter: field)

    /// `ds.classes` is a list of names whose call selects classes.
    static let classList = LuaLibrary(.type(metatable: classListMetatable), doc: "Class names in label order; ds:classes{...} selects classes.", functions: [], metamethods: [
        LuaFunction("__call", "ds:classes{names or numbers}", "The images of the given classes (names or 1-based numbers), relabelled 1..k in the order given.") { call in
            let ds = try call.dataset(2)
            call.push(try ds.selectingClasses(try classNumbers(call, 3, ds)))
            return 1
        },
        LuaFunction("__tostring", "tostring(ds.classes)", "The class names, the first and last three of a long list: {'a', 'b', 'c', ..., 'z'} (26 classes).") { call in
            guard case .table(let table) = try call.value(1) else { throw call.typeError(1, expected: "class list") }
            call.push(classListText(table.array.map { if case .string(let name) = $0 { "'\(name)'" } else { call.describe($0) } }))
            return 1
        },
    ])

    /// `{'a', 'b'} (2 classes)`; past ten names, the first and last three with `...` between.
    static func classListText(_ names: [String]) -> String {
        let shown = names.count > 10 ? names.prefix(3) + ["..."] + names.suffix(3) : names[...]
        return "{\(shown.joined(separator: ", "))} (\(names.count) class\(names.count == 1 ? "" : "es"))"
    }

    static let metamethods: [LuaFunction] = [
        LuaFunction("__len", "#ds", "The number of images.") { call in
            call.push(try call.dataset(1).count)
            return 1
        },
        LuaFunction("__tostring", "tostring(ds)", "[Dataset: N images CxHxW, K classes]") { call in
            call.push(try call.dataset(1).summary)
            return 1
        },
    ]

    /// `ds.images`, `ds.labels` (1-based), `ds.classes`, `ds.descriptions`, `ds.groups`, `ds.classGroups` (1-based).
    static let field: LuaFunctionBody = { call in
        let ds = try call.dataset(1)
        switch try call.string(2) {
        case "images": call.push(ds.images)
        case "labels": try call.pushOneBased(ds.labels)
        case "classes": pushClassList(call, ds.classes)
        case "descriptions": if let d = ds.descriptions { call.push(list: d) } else { return 0 }
        case "groups": call.push(list: ds.groups)
        case "classGroups": if let g = ds.classGroups { call.push(list: g.map { $0 + 1 }) } else { return 0 }
        default: return 0
        }
        return 1
    }

    static func pushClassList(_ call: LuaCall, _ names: [String]) {
        call.push(list: names)
        call.push(classListMetatable)
        lua_rawget(call.L, lunet_registryindex())
        lua_setmetatable(call.L, -2)
    }

    /// 0-based class numbers from a Lua list of names or 1-based numbers.
    static func classNumbers(_ call: LuaCall, _ index: Int32, _ ds: Dataset) throws -> [Int] {
        guard case .table(let table) = try call.value(index), table.fields.isEmpty else {
            throw call.typeError(index, expected: "list of class names or numbers")
        }
        return try table.array.map { try classNumber($0, ds) }
    }

    static func classNumber(_ value: LuaValue, _ ds: Dataset) throws -> Int {
        switch (value, value.integerValue) {
        case (.string(let name), _): return try ds.classIndex(named: name)
        case (_, let n?):
            guard n >= 1, n <= ds.classCount else { throw LunetError("class \(n) out of range for \(ds.classCount) classes") }
            return n - 1
        default: throw LunetError("a class is a name or a 1-based number, got a \(value.typeName)")
        }
    }

    static let queries: [LuaFunction] = [
        LuaFunction("classCount", "ds:classCount()", "The number of classes.") { call in
            call.push(try call.dataset(1).classCount)
            return 1
        },
        LuaFunction("indicesOf", "ds:indicesOf(class)", "The 1-based positions of the images of a class (name or 1-based number), as a table.") { call in
            let ds = try call.dataset(1)
            call.push(list: try ds.indices(ofClass: classNumber(call.value(2), ds)).map { $0 + 1 })
            return 1
        },
        LuaFunction("image", "ds:image(i)", "Image i (1-based) as a UInt8 tensor [C, H, W], and its 1-based label.") { call in
            let ds = try call.dataset(1)
            let i = try call.positiveInteger(2) - 1
            call.push(try ds.image(i))
            call.push(ds.label(i) + 1)
            return 2
        },
        LuaFunction("ds:batches", declaration: DataDeclarations.batches, leading: ["size"]) { call in
            let ds = try call.dataset(1)
            let size = try call.positiveInteger(2)
            let options = try call.options(3, declaredBy: DataDeclarations.batches)
            let shuffle = try options.bool("shuffle")
            if options.has("seed"), !shuffle { throw options.invalid("seed", "applies only with shuffle = true") }
            var generator = try options.seed().map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
            let iterator = try BatchIterator(ds, batchSize: size, shuffle: shuffle,
                                             generator: &generator, dropLast: try options.bool("dropLast"))
            call.pushObject(BatchIteratorBox(iterator), metatable: BatchIteratorBox.metatable)
            return 1
        },
        LuaFunction("save", "ds:save(path)", "Writes the decoded dataset to folder path (images.npy, labels.npy, dataset.json), for data.load.") { call in
            try DatasetCache.save(try call.dataset(1), to: try call.path(2))
            return 0
        },
    ]

    static let selections: [LuaFunction] = [
        LuaFunction("subset", "ds:subset(indices)", "The images at the 1-based indices (table or Int32 tensor), in that order.") { call in
            call.push(try call.dataset(1).subset(try call.indices(2)))
            return 1
        },
        LuaFunction("ds:splitClasses", declaration: DataDeclarations.splitClasses) { call in
            let ds = try call.dataset(1)
            let options = try call.options(2, declaredBy: DataDeclarations.splitClasses)
            let parts: (Dataset, Dataset)
            if let last = try options.optionalInt("last") {
                guard !options.has("count") else { throw options.invalid("last", "and count cannot both be given") }
                parts = try ds.splittingClasses(last: last)
            } else if let count = try options.optionalInt("count") {
                var generator = try options.seed().map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
                parts = try ds.splittingClasses(count: count, generator: &generator)
            } else {
                throw options.invalid("last", "or count must be given: {last = n} or {count = n, seed = s}")
            }
            call.push(parts.0)
            call.push(parts.1)
            return 2
        },
        LuaFunction("ds:shuffle", declaration: DataDeclarations.shuffle) { call in
            let ds = try call.dataset(1)
            let options = try call.options(2, declaredBy: DataDeclarations.shuffle)
            var generator = try options.seed().map(RandomGenerator.init(seed:)) ?? GlobalRandom.makeGenerator()
            call.push(try ds.shuffled(generator: &generator))
            return 1
        },
        LuaFunction("split", "ds:split{0.8, 0.1, 0.1}", "Consecutive parts of the given fractions, cut as NumPy slicing x[int(a*n):int(b*n)] does.") { call in
            let ds = try call.dataset(1)
            guard case .table(let table) = try call.value(2), table.fields.isEmpty,
                  table.array.allSatisfy({ $0.doubleValue != nil }) else {
                throw call.typeError(2, expected: "list of fractions")
            }
            let parts = try ds.split(table.array.map { $0.doubleValue! })
            try call.reserveStack(parts.count)
            for part in parts { call.push(part) }
            return Int32(parts.count)
        },
        LuaFunction("take", "ds:take(n)", "The first n images.") { call in
            call.push(try call.dataset(1).take(try call.integer(2)))
            return 1
        },
        LuaFunction("perClass", "ds:perClass(n)", "The first n images of each class, for quick scaled-down runs.") { call in
            call.push(try call.dataset(1).perClass(try call.integer(2)))
            return 1
        },
    ]

    /// `for x, y in ds:batches(n)`: the iterator object is called with (state, control) and ignores them.
    static let iterator = LuaLibrary(.type(metatable: BatchIteratorBox.metatable), doc: "Batches of a dataset; call it (or use it in a for loop) for the next x, y.", functions: [], metamethods: [
        LuaFunction("__call", "it()", "The next batch x, y, or nil at the end.") { call in
            let box = try call.object(1, BatchIteratorBox.self, expected: "BatchIterator")
            guard let (x, y) = try box.iterator.next() else { return 0 }
            call.push(x)
            try call.pushOneBased(y)
            return 2
        },
        LuaFunction("__len", "#it", "The number of batches in all.") { call in
            call.push(try call.object(1, BatchIteratorBox.self, expected: "BatchIterator").iterator.batchCount)
            return 1
        },
        LuaFunction("__tostring", "tostring(it)", "[BatchIterator: k of n batches of B]") { call in
            let it = try call.object(1, BatchIteratorBox.self, expected: "BatchIterator").iterator
            call.push("[BatchIterator: \(it.position / it.batchSize) of \(it.batchCount) batches of \(it.batchSize)]")
            return 1
        },
    ])
}
