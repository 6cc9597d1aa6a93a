import Lunet

/// `plot`: PNG line charts drawn by lunet itself (`LineChart`). Series and
/// histories come in as Lua tables; positions in messages are 1-based.
enum PlotBindings {
    static let module = LuaLibrary(.module("plot"), doc: "Line charts as PNG files, drawn by lunet (no Python, no gnuplot): plot.lines for any series, plot.history for a train.fit or triplet.fit history.", functions: [
        // plot.lines(path, series[, options]) -> nothing; writes the PNG.
        LuaFunction("plot.lines", declaration: LineChart.declaration, leading: ["path", "series"]) { call in
            let path = try call.path(1)
            let series = try seriesList(call, 2)
            let options = try call.options(3, declaredBy: LineChart.declaration)
            try LineChart(series: series, options: options).write(to: path)
            return 0
        },
        // plot.history(history, path[, options]) -> nothing; writes the PNG.
        LuaFunction("plot.history", declaration: LineChart.historyDeclaration, leading: ["history", "path"]) { call in
            let (unit, rows) = try historyRows(call, 1)
            let path = try call.path(2)
            let options = try call.options(3, declaredBy: LineChart.historyDeclaration)
            let columns = try options.list("columns")?.compactMap(\.stringValue) ?? defaultColumns(rows)
            var chartOptions = options.values
            chartOptions["columns"] = nil
            if (try options.string("xlabel")).isEmpty { chartOptions["xlabel"] = .value(.string(unit)) }
            let series = try columns.map { column in
                guard rows.contains(where: { $0[column] != nil }) else {
                    let known = defaultColumns(rows).map { "'\($0)'" }.joined(separator: ", ")
                    throw call.argumentError(3, "the history has no column '\(column)' (it has \(known))")
                }
                let errors = rows.contains { $0[column + "_stderr"] != nil } ? rows.map { $0[column + "_stderr"] ?? .nan } : nil
                return LineChart.Series(name: column, y: rows.map { $0[column] ?? .nan }, error: errors)
            }
            try LineChart(series: series, options: OptionValues(declaration: LineChart.declaration, values: chartOptions)).write(to: path)
            return 0
        },
    ])

    /// Columns a history logs that are not bookkeeping: losses, metrics, validation.
    static let bookkeeping: Set<String> = ["epoch", "round", "lr", "seconds", "imagesPerSecond", "steps", "mining", "training", "embedded"]

    static func defaultColumns(_ rows: [[String: Double]]) -> [String] {
        var seen: [String] = []
        for row in rows {
            for key in row.keys.sorted() where !bookkeeping.contains(key) && !key.hasSuffix("_stderr") && !seen.contains(key) {
                seen.append(key)
            }
        }
        // Training's columns then validation's, the loss first in each.
        func key(_ name: String) -> (Int, Int, String) {
            (name.hasPrefix("val_") ? 1 : 0, name.hasSuffix("loss") ? 0 : 1, name)
        }
        return seen.sorted { key($0) < key($1) }
    }

    /// The rows of a history table (`epochs` of train.fit, `rounds` of
    /// triplet.fit) as their numeric fields, with the unit's name.
    static func historyRows(_ call: LuaCall, _ index: Int32) throws -> (unit: String, rows: [[String: Double]]) {
        guard case .table(let history) = try call.value(index) else { throw call.typeError(index, expected: "history table") }
        for (unit, key) in [("epoch", "epochs"), ("round", "rounds")] {
            guard case .table(let list)? = history.fields[key] else { continue }
            let rows = list.array.map { item -> [String: Double] in
                guard case .table(let row) = item else { return [:] }
                return row.fields.compactMapValues(\.doubleValue)
            }
            guard !rows.isEmpty else { throw call.argumentError(index, "the history has no \(key) to draw") }
            return (unit, rows)
        }
        throw call.argumentError(index, "expected a train.fit or triplet.fit history (a table with epochs or rounds)")
    }

    /// `{{name =, y =, x =, err =}, ...}`: each list a table of numbers or a 1-d tensor.
    static func seriesList(_ call: LuaCall, _ index: Int32) throws -> [LineChart.Series] {
        guard case .table(let table) = try call.value(index), table.fields.isEmpty, !table.array.isEmpty else {
            throw call.argumentError(index, "expected a list of series {name =, y = {...}[, x = {...}][, err = {...}]}")
        }
        return try table.array.enumerated().map { position, item in
            guard case .table(let fields) = item else {
                throw call.argumentError(index, "series \(position + 1) must be a table {name =, y = {...}}, got \(item.typeName)")
            }
            func numbers(_ key: String) throws -> [Double]? {
                guard let value = fields.fields[key] else { return nil }
                if case .tensor(let tensor) = value, tensor.shape.count == 1 { return try tensor.asFloat().scalars.map(Double.init) }
                guard case .table(let list) = value, list.fields.isEmpty, let values = Optional(list.array.compactMap(\.doubleValue)),
                      values.count == list.array.count else {
                    throw call.argumentError(index, "series \(position + 1): \(key) must be a list of numbers or a 1-d tensor")
                }
                return values
            }
            for key in fields.fields.keys where !["name", "x", "y", "err"].contains(key) {
                throw call.argumentError(index, "series \(position + 1): unknown field '\(key)' (name, x, y, err)")
            }
            guard let y = try numbers("y") else { throw call.argumentError(index, "series \(position + 1) has no y values") }
            var name = "series \(position + 1)"
            if let given = fields.fields["name"] {
                guard case .string(let text) = given else { throw call.argumentError(index, "series \(position + 1): name must be a string") }
                name = text
            }
            return LineChart.Series(name: name, x: try numbers("x"), y: y, error: try numbers("err"))
        }
    }
}
