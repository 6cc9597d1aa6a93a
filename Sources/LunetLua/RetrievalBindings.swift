import CLua
import Lunet

/// `retrieval.*`: neural codes, exact k-NN, average precision, mAP and the
/// retrieval figure. Indices are 1-based here and 0-based in the engine;
/// labels only need to be equal or not, so any Int32 labels work as they are.
enum RetrievalBindings {
    static let module = LuaLibrary(.module("retrieval"), doc: "Image retrieval with neural codes: codes from named layers, exact k-NN (cosine, dot, euclidean), average precision, mAP, precision@k, figures.", functions: [
        LuaFunction("retrieval.codes", declaration: RetrievalDeclarations.codes, leading: ["model", "set", "names"]) { call in
            let model = try call.object(1, Sequential.self, expected: "nn.Sequential")
            let dataset = try call.dataset(2)
            let names = try layerNames(call, 3)
            let options = try call.options(4, declaredBy: RetrievalDeclarations.codes)
            let codes = try NeuralCodes.extract(model, from: dataset, layers: names, batchSize: options.int("batch"))
            lua_createtable(call.L, 0, Int32(codes.count))
            for name in names { call.setField(name) { call.push(codes[name]!) } }
            return 1
        },
        LuaFunction("retrieval.search", declaration: RetrievalDeclarations.search, leading: ["codes"]) { call in
            let codes = try matrix(call, 1)
            let options = try call.options(2, declaredBy: RetrievalDeclarations.search)
            let queries = try queryList(options, count: codes.shape[0])
            let search = NeighborSearch(metric: try RetrievalDeclarations.metric(options), k: try options.int("k"),
                                        excludeSelf: try options.bool("excludeSelf"))
            let result = try search(codes, queries: queries)
            let queryTensor = try Tensor<Int32>(shape: [queries.count], scalars: queries.map { Int32($0 + 1) })
            let indices = try result.indices.mapped { $0 + 1 }
            lua_createtable(call.L, 0, 3)
            call.setField("indices") { call.push(indices) }
            call.setField("scores") { call.push(result.scores) }
            call.setField("queries") { call.push(queryTensor) }
            return 1
        },
        LuaFunction("retrieval.averagePrecision", declaration: RetrievalDeclarations.averagePrecision, leading: ["codes", "labels"]) { call in
            let codes = try matrix(call, 1)
            let labels = try call.intTensor(2)
            let options = try call.options(3, declaredBy: RetrievalDeclarations.averagePrecision)
            let queries = try queryList(options, count: codes.shape[0])
            let values = try AveragePrecision.perQuery(codes, labels: labels, queries: queries, metric: RetrievalDeclarations.metric(options),
                                                       atR: try options.bool("atR"))
            var list = LuaTable()
            list.array = values.map { .number($0) }
            call.push(list)
            return 1
        },
        LuaFunction("retrieval.mAP", declaration: RetrievalDeclarations.meanAveragePrecision, leading: ["codes", "labels"]) { call in
            let codes = try matrix(call, 1)
            let labels = try call.intTensor(2)
            let options = try call.options(3, declaredBy: RetrievalDeclarations.meanAveragePrecision)
            let mAP = MeanAveragePrecision(metric: try RetrievalDeclarations.metric(options), atR: try options.bool("atR"))
            call.push(try mAP(codes, labels: labels))
            return 1
        },
        LuaFunction("retrieval.precisionAt", declaration: RetrievalDeclarations.precisionAt, leading: ["codes", "labels", "k"]) { call in
            let codes = try matrix(call, 1)
            let labels = try call.intTensor(2)
            let k = try call.integer(3)
            let options = try call.options(4, declaredBy: RetrievalDeclarations.precisionAt)
            call.push(try AveragePrecision.precisionAt(k, codes: codes, labels: labels, metric: RetrievalDeclarations.metric(options)))
            return 1
        },
        LuaFunction("retrieval.figure", declaration: RetrievalDeclarations.figure, leading: ["set", "result", "path"]) { call in
            let dataset = try call.dataset(1)
            let (queries, results) = try searchResult(call, 2)
            let path = try call.path(3)
            let options = try call.options(4, declaredBy: RetrievalDeclarations.figure)
            let rows = try queryList(options, count: queries.count, what: "rows of the result")
            let figure = try RetrievalFigure(dataset: dataset, queries: rows.map { queries[$0] }, results: rows.map { results[$0] },
                                             classNames: try options.bool("classNames"))
            try figure.write(to: path)
            return 0
        },
    ])

    /// Codes: a Float32 matrix `[N, D]`.
    static func matrix(_ call: LuaCall, _ index: Int32) throws -> Tensor<Float> {
        let codes = try call.floatTensor(index)
        guard codes.rank == 2 else { throw call.argumentError(index, "codes must be a matrix [N, D], got \(codes.summary)") }
        return codes
    }

    /// The layer names at `index`: a list of strings or one string.
    static func layerNames(_ call: LuaCall, _ index: Int32) throws -> [String] {
        if call.type(at: index) == LUA_TSTRING { return [try call.string(index)] }
        guard case .table(let table) = try call.value(index), table.fields.isEmpty, !table.array.isEmpty else {
            throw call.typeError(index, expected: "list of layer names")
        }
        return try table.array.map {
            guard case .string(let name) = $0 else { throw call.argumentError(index, "layer names must be strings") }
            return name
        }
    }

    /// Option `queries`: a count n (the first n), 1-based positions as a list
    /// or Int32 vector, or absent (all `count`); returned 0-based and checked.
    static func queryList(_ options: OptionValues, count: Int, what: String = "codes") throws -> [Int] {
        let list: [Int]
        switch options.values["queries"] {
        case nil:
            return Array(0..<count)
        case .value(.int(let n))?:
            guard n <= count else { throw options.invalid("queries", "asks for \(n) quer\(n == 1 ? "y" : "ies"), but there are \(count) \(what)") }
            return Array(0..<n)
        case .value(.list(let items))?:
            list = items.map { $0.integerValue! &- 1 }
        case .object(let vector as Tensor<Int32>, _)?:
            guard vector.rank == 1 else { throw options.invalid("queries", "must be an Int32 vector, got \(vector.summary)") }
            list = vector.scalars.map { Int($0) - 1 }
        default:
            throw options.invalid("queries", "must be a count, a list of indices or an Int32 vector")
        }
        if let wrong = list.first(where: { $0 < 0 || $0 >= count }) {
            throw options.invalid("queries", "holds index \(oneBased(wrong)), out of range for \(count) \(what)")
        }
        return list
    }

    /// The query images and the result rows of a `retrieval.search` result, 0-based.
    static func searchResult(_ call: LuaCall, _ index: Int32) throws -> (queries: [Int], results: [[Int]]) {
        guard case .table(let table) = try call.value(index),
              case .tensor(.int(let indices))? = table.fields["indices"], indices.rank == 2,
              case .tensor(.int(let queries))? = table.fields["queries"], queries.rank == 1,
              queries.shape[0] == indices.shape[0] else {
            throw call.typeError(index, expected: "result of retrieval.search ({indices, scores, queries})")
        }
        let k = indices.shape[1], flat = indices.scalars
        return (queries.scalars.map { Int($0) - 1 }, (0..<queries.shape[0]).map { row in flat[row * k..<(row + 1) * k].map { Int($0) - 1 } })
    }
}
