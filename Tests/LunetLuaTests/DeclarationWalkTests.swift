@testable import Lunet
@testable import LunetLua
import XCTest

/// Walks every Lua function that takes an options table: its help must be
/// its declaration's, and a call given an unknown key, a value of the wrong
/// type or one out of range must fail with exactly the error the declaration
/// itself gives (so the keys, kinds and ranges a binding accepts are those
/// it documents, held in one place).
final class DeclarationWalkTests: LuaTestCase {
    /// Lua that defines what the calls below use.
    static let setUp = """
        ds = data.dataset(tensor.zeros({8, 1, 4, 4}, {dtype = 'uint8'}), tensor.from({1, 1, 2, 2, 3, 3, 4, 4}, {dtype = 'int32'}))
        net = nn.Sequential{nn.Flatten(), nn.Linear(16, 4)}
        codes = tensor.rand({8, 4}, {seed = 1})
        labels = tensor.from({1, 1, 2, 2, 3, 3, 4, 4}, {dtype = 'int32'})
        found = retrieval.search(codes, {k = 1})
        """

    /// For each function with an options table, a call with `OPTS` where the table goes.
    static let calls: [String: String] = [
        "tensor.zeros": "tensor.zeros({2}, OPTS)",
        "tensor.ones": "tensor.ones({2}, OPTS)",
        "tensor.full": "tensor.full({2}, 3, OPTS)",
        "tensor.rand": "tensor.rand({2}, OPTS)",
        "tensor.randn": "tensor.randn({2}, OPTS)",
        "tensor.arange": "tensor.arange(3, OPTS)",
        "tensor.from": "tensor.from({1, 2}, OPTS)",
        "x:topk": "codes:topk(2, OPTS)",
        "x:sort": "codes:sort(OPTS)",
        "x:float": "codes:float(OPTS)",
        "x:byte": "codes:byte(OPTS)",
        "data.tinyimagenet": "data.tinyimagenet('/nonexistent', OPTS)",
        "data.omniglot": "data.omniglot('/nonexistent', OPTS)",
        "data.omniglotRuns": "data.omniglotRuns('/nonexistent', OPTS)",
        "data.fashionmnist": "data.fashionmnist(OPTS)",
        "data.imagefolder": "data.imagefolder('/nonexistent', OPTS)",
        "data.download": "data.download('omniglot', '/nonexistent', OPTS)",
        "data.dataset": "data.dataset(ds.images, labels, OPTS)",
        "data.augment": "data.augment(OPTS)",
        "ds:batches": "ds:batches(2, OPTS)",
        "ds:splitClasses": "ds:splitClasses(OPTS)",
        "ds:shuffle": "ds:shuffle(OPTS)",
        "retrieval.codes": "retrieval.codes(net, ds, '2', OPTS)",
        "retrieval.search": "retrieval.search(codes, OPTS)",
        "retrieval.averagePrecision": "retrieval.averagePrecision(codes, labels, OPTS)",
        "retrieval.mAP": "retrieval.mAP(codes, labels, OPTS)",
        "retrieval.precisionAt": "retrieval.precisionAt(codes, labels, 1, OPTS)",
        "retrieval.figure": "retrieval.figure(ds, found, '/nonexistent/x.png', OPTS)",
        "plot.lines": "plot.lines('/nonexistent/x.png', {{y = {1, 2}}}, OPTS)",
        "plot.history": "plot.history({epochs = {{epoch = 1, loss = 1}}}, '/nonexistent/x.png', OPTS)",
        "triplet.random": "triplet.random(OPTS)",
        "triplet.hardest": "triplet.hardest(OPTS)",
        "triplet.semihard": "triplet.semihard(OPTS)",
        "triplet.batchhard": "triplet.batchhard(OPTS)",
        "triplet.fit": "triplet.fit(net, ds, OPTS)",
        "oneshot.evaluate": "oneshot.evaluate(net, ds, OPTS)",
        "oneshot.runs": "oneshot.runs(net, {}, OPTS)",
        "train.fit": "train.fit(net, ds, OPTS)",
        "train.evaluate": "train.evaluate(net, ds, OPTS)",
        "optim.SGD": "optim.SGD(net, OPTS)",
        "optim.Adam": "optim.Adam(net, OPTS)",
        "nn.TripletLoss": "nn.TripletLoss(OPTS)",
        "nn.CrossEntropy": "nn.CrossEntropy(OPTS)",
    ]

    /// Every library function whose signature shows an options table (`{key=`), or that declares
    /// one, with its Lua name.
    static var functionsWithOptions: [(name: String, function: LuaFunction)] {
        FunctionTable.entries.flatMap { entry in
            entry.library.functions.compactMap { function in
                let showsOptions = function.signature.range(of: #"\{ ?[A-Za-z]+ ?="#, options: .regularExpression) != nil
                guard showsOptions || function.declaration != nil else { return nil }
                return (String(function.signature.prefix { $0 != "(" }), function)
            }
        }
    }

    func testEveryOptionsTableHasADeclarationThatDocumentsIt() {
        for (name, function) in Self.functionsWithOptions {
            guard let declaration = function.declaration else {
                XCTFail("\(function.signature) takes an options table but declares none")
                continue
            }
            XCTAssertEqual(function.doc, declaration.luaHelp, name)
        }
    }

    func testEveryOptionIsCheckedAsDeclared() throws {
        try run(Self.setUp)
        var walked = 0
        for (name, function) in Self.functionsWithOptions {
            // nn.Sequential's braces are its list of layers, not options.
            guard let declaration = function.declaration, !declaration.options.isEmpty else { continue }
            guard let template = Self.calls[name] ?? Self.layerCall(declaration, name) else {
                XCTFail("no call for \(name): add one to DeclarationWalkTests.calls")
                continue
            }
            for (given, lua) in Self.badValues(declaration) {
                let expected = Self.expectedError(declaration, given.merging(Self.positionalValues(declaration)) { given, _ in given })
                assertError(template.replacingOccurrences(of: "OPTS", with: lua), "test:1: " + expected)
            }
            walked += 1
        }
        XCTAssertGreaterThanOrEqual(walked, Self.calls.count)
    }

    /// A layer's call: its required positional arguments, then the options.
    static func layerCall(_ declaration: Declaration, _ name: String) -> String? {
        guard name.hasPrefix("nn.") else { return nil }
        let required = declaration.positional.filter { declaration.option($0)?.defaultValue == nil }
        let arguments = required.map { positionalValues(declaration)[$0].map { if case .value(let v) = $0 { v.luaText } else { "" } } ?? "" }
        return "\(name)(" + (arguments + ["OPTS"]).joined(separator: ", ") + ")"
    }

    /// The values `layerCall` gives the required positional arguments: sizes 4, numbers 0.5.
    static func positionalValues(_ declaration: Declaration) -> [String: OptionValue] {
        var values: [String: OptionValue] = [:]
        for name in declaration.positional {
            guard let option = declaration.option(name), option.defaultValue == nil else { continue }
            if case .number = option.kind { values[name] = .value(.double(0.5)) } else { values[name] = .value(.int(4)) }
        }
        return values
    }

    /// An unknown key, then per option a value of the wrong kind and one out of its range (where it has one).
    static func badValues(_ declaration: Declaration) -> [(given: [String: OptionValue], lua: String)] {
        var cases: [([String: OptionValue], String)] = [(["zzz": .value(.int(1))], "{zzz = 1}")]
        for option in declaration.tableOptions {
            let wrong: ConfigurationValue = if case .boolean = option.kind { .string("x") } else { .bool(true) }
            cases.append(([option.name: .value(wrong)], "{\(option.name) = \(wrong.luaText)}"))
            if let outside = outOfRange(option.kind) {
                cases.append(([option.name: .value(outside)], "{\(option.name) = \(outside.luaText)}"))
            }
        }
        return cases
    }

    static func outOfRange(_ kind: OptionKind) -> ConfigurationValue? {
        switch kind {
        case .integer(let range) where range.lowerBound > Int.min: .int(range.lowerBound - 1)
        case .number(let range) where !range.contains(-1): .int(-1)
        case .number(let range) where !range.contains(2): .int(2)
        case .choice: .string("nonexistent")
        case .positions: .int(0)
        default: nil
        }
    }

    /// The declaration's own error for `given`, in Lua's words.
    static func expectedError(_ declaration: Declaration, _ given: [String: OptionValue]) -> String {
        do {
            _ = try declaration.check(given)
            return "(no error)"
        } catch let error as LunetError {
            return error.phrased(by: LuaPhrasing())
        } catch {
            return "\(error)"
        }
    }
}
