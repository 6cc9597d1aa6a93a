import Lunet

/// How a declaration reads in Lua: its signature and help text.
extension Declaration {
    /// `optim.Adam(model[, {lr=0.001, amsgrad=false}])`, `nn.Dropout([p=0.5][, {seed=}])`.
    func luaSignature(_ qualifiedName: String, leading: [String] = []) -> String {
        var arguments = leading + positional.map { name in
            guard let value = option(name)?.defaultValue else { return name }
            return "[\(name)=\(value.luaText)]"
        }
        let table = tableOptions.map(\.luaText)
        if !table.isEmpty { arguments.append((arguments.isEmpty ? "[" : "[, ") + "{" + table.joined(separator: ", ") + "}]") }
        return "\(qualifiedName)(" + arguments.joined(separator: ", ").replacingOccurrences(of: ", [, ", with: "[, ") + ")"
    }

    /// The documentation, then one line per documented option, then the ranges.
    var luaHelp: String {
        var lines = [doc]
        for option in options where !option.doc.isEmpty {
            var line = "    \(option.name): \(option.doc)"
            if case .table(let nested) = option.kind {  // the nested table's keys and defaults
                line += " {" + nested.tableOptions.map(\.luaText).joined(separator: ", ") + "}"
            }
            lines.append(line)
        }
        let ranges = options.compactMap(\.rangeText)
        if !ranges.isEmpty { lines.append("    Ranges: " + ranges.joined(separator: ", ") + ".") }
        return lines.joined(separator: "\n")
    }
}

extension OptionDeclaration {
    /// `l2=0`, `init='glorot'|'he'`, `seed=`, `stride=kernel`.
    var luaText: String {
        if case .choice(let choices) = kind {
            let fallback = defaultValue?.stringValue
            let ordered = fallback.map { [$0] + choices.filter { $0 != fallback } } ?? choices
            return "\(name)=" + (fallback == nil ? "nil|" : "") + ordered.map { "'\($0)'" }.joined(separator: "|")
        }
        if case .padding(let explicit) = kind {
            return "\(name)='valid'|'same'" + (explicit ? "|n" : "")
        }
        return "\(name)=" + (defaultText ?? defaultValue?.luaText ?? "")
    }
}

extension ConfigurationValue {
    /// A value as Lua code writes it: `0.5`, `1e-12`, `true`, `'glorot'`, `{2, 3}`.
    var luaText: String {
        switch self {
        case .double(let d) where d == d.rounded() && Swift.abs(d) < 1e6: "\(Int(d))"
        case .double(let d): String(format: "%.14g", d).replacingOccurrences(of: "e-0", with: "e-")
            .replacingOccurrences(of: "e+0", with: "e+")
        case .list(let items): "{" + items.map(\.luaText).joined(separator: ", ") + "}"
        case .object(let fields): "{" + fields.keys.sorted().map { "\($0) = \(fields[$0]!.luaText)" }.joined(separator: ", ") + "}"
        default: messageText
        }
    }
}
