import CLua
import Lunet

/// `retrieval.*`: neural codes, exact k-NN, average precision, mAP and the
/// retrieval figure. Indices are 1-based here and 0-based in the engine;
/// labels only need to be equal or not, so any Int32 labels work as they are.
enum RetrievalBindings {
    static let module = LuaLibrary(.module("retrieval"), doc: "Image retrieval with neural codes: codes from named layers, exact k-NN (cosine, dot, euclidean), average precision, mAP, precision@k, figures.", functions: [
        LuaFunction("codes", "retrieval.codes(model, set, names[, {batch=100}])", "The outputs of the layers called names (a list, or one name) for every image of set, in evaluation mode (the model's mode is restored): a table name -> Float32 [N, D], flattened.") { call in
            let model = try call.object(1, Sequential.self, expected: "nn.Sequential")
            let dataset = try call.dataset(2)
            let names = try layerNames(call, 3)
            let options = try call.options(4, for: "retrieval.codes", allowed: ["batch"])
            let batch = try options.integer("batch", default: 100)
            guard batch >= 1 else { throw LunetError("option 'batch' for retrieval.codes must be positive, got \(batch)") }
            let codes = try NeuralCodes.extract(model, from: dataset, layers: names, batchSize: batch)
            lua_createtable(call.L, 0, Int32(codes.count))
            for name in names { call.setField(name) { call.push(codes[name]!) } }
            return 1
        },
        LuaFunction("search", "retrieval.search(codes[, {queries=all, k=5, excludeSelf=true, metric='cosine'}])", "The k nearest codes to each query (queries: 1-based indices as a table or Int32 tensor, or a count n for the first n), best first, ties to the lower index: {indices = Int32 [q, k] (1-based), scores = Float32 [q, k] (similarity, or distance for euclidean), queries = Int32 [q]}.") { call in
            let codes = try matrix(call, 1)
            let options = try call.options(2, for: "retrieval.search", allowed: ["queries", "k", "excludeSelf", "metric"])
            let queries = try queryList(options, count: codes.shape[0])
            let search = NeighborSearch(metric: try metric(options), k: try options.integer("k", default: 5),
                                        excludeSelf: try options.boolean("excludeSelf", default: true))
            let result = try search(codes, queries: queries)
            let queryTensor = try Tensor<Int32>(shape: [queries.count], scalars: queries.map { Int32($0 + 1) })
            let indices = try result.indices.mapped { $0 + 1 }
            lua_createtable(call.L, 0, 3)
            call.setField("indices") { call.push(indices) }
            call.setField("scores") { call.push(result.scores) }
            call.setField("queries") { call.push(queryTensor) }
            return 1
        },
        LuaFunction("averagePrecision", "retrieval.averagePrecision(codes, labels[, {queries=all, metric='cosine', atR=false}])", "Average precision of each query against every other code (relevant = same label; ties to the lower index): a list of numbers, NaN where no other code has the query's label.") { call in
            let codes = try matrix(call, 1)
            let labels = try call.intTensor(2)
            let options = try call.options(3, for: "retrieval.averagePrecision", allowed: ["queries", "metric", "atR"])
            let queries = try queryList(options, count: codes.shape[0])
            let values = try AveragePrecision.perQuery(codes, labels: labels, queries: queries, metric: try metric(options),
                                                       atR: try options.boolean("atR", default: false))
            var list = LuaTable()
            list.array = values.map { .number($0) }
            call.push(list)
            return 1
        },
        LuaFunction("mAP", "retrieval.mAP(codes, labels[, {metric='cosine', atR=false}])", "Mean average precision, every code a query against all the others (queries whose label no other code has are left out); atR gives MAP@R. Uses the symmetry of the similarity matrix: about half a full product.") { call in
            let codes = try matrix(call, 1)
            let labels = try call.intTensor(2)
            let options = try call.options(3, for: "retrieval.mAP", allowed: ["metric", "atR"])
            let mAP = MeanAveragePrecision(metric: try metric(options), atR: try options.boolean("atR", default: false))
            call.push(try mAP(codes, labels: labels))
            return 1
        },
        LuaFunction("precisionAt", "retrieval.precisionAt(codes, labels, k[, {metric='cosine'}])", "Mean over every code of the fraction of its k nearest other codes with its label.") { call in
            let codes = try matrix(call, 1)
            let labels = try call.intTensor(2)
            let k = try call.integer(3)
            let options = try call.options(4, for: "retrieval.precisionAt", allowed: ["metric"])
            call.push(try AveragePrecision.precisionAt(k, codes: codes, labels: labels, metric: try metric(options)))
            return 1
        },
        LuaFunction("figure", "retrieval.figure(set, result, path[, {queries=all, classNames=true}])", "Writes a PNG (atomically): one row per query of a retrieval.search result over set's images, the query then its results, framed green when the label matches the query's and red otherwise; queries picks rows of the result (a count n or a list of 1-based rows).") { call in
            let dataset = try call.dataset(1)
            let (queries, results) = try searchResult(call, 2)
            let path = try call.path(3)
            let options = try call.options(4, for: "retrieval.figure", allowed: ["queries", "classNames"])
            let rows = try queryList(options, count: queries.count, what: "rows of the result")
            let figure = try RetrievalFigure(dataset: dataset, queries: rows.map { queries[$0] }, results: rows.map { results[$0] },
                                             classNames: try options.boolean("classNames", default: true))
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

    static func metric(_ options: LuaOptions) throws -> DistanceMetric {
        DistanceMetric(rawValue: try options.choice("metric", NeighborSearch.metrics.map(\.rawValue), default: "cosine"))!
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

    /// Option `queries`: a count n (the first n), 1-based positions as a table
    /// or Int32 tensor, or absent (all `count`); returned 0-based and checked.
    static func queryList(_ options: LuaOptions, count: Int, what: String = "codes") throws -> [Int] {
        let list: [Int]
        switch options.values["queries"] {
        case nil:
            return Array(0..<count)
        case .integer(let n)?:
            guard n >= 1 else { throw LunetError("option 'queries' for \(options.owner): a count of at least 1 expected, got \(n)") }
            guard n <= count else {
                throw LunetError("option 'queries' for \(options.owner): \(n) quer\(n == 1 ? "y" : "ies") asked for, but there are \(count) \(what)")
            }
            return Array(0..<n)
        case let value?:
            let notInteger = { (_: Int, item: LuaValue) -> Error in
                LunetError("option 'queries' for \(options.owner): 1-based indices expected, got a \(item.typeName)")
            }
            guard let indices = try value.zeroBasedIndices(notInteger: notInteger) else {
                throw LunetError("option 'queries' for \(options.owner): a count, a list of indices or an Int32 vector expected, got \(value.typeName)")
            }
            list = indices
        }
        if let wrong = list.first(where: { $0 < 0 || $0 >= count }) {
            throw LunetError("option 'queries' for \(options.owner): index \(wrong + 1) out of range for \(count) \(what)")
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
