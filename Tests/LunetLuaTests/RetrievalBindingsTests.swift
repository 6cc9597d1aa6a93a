import Foundation
import LunetLua
import XCTest

/// `retrieval.*` from Lua: 1-based indices, the reference values of the engine
/// tests (bench/reference/make_retrieval_references.py), exact error messages.
final class RetrievalBindingsTests: LuaTestCase {
    /// Case A of the reference script, labels 1-based.
    let caseA = """
        local codes = tensor.from({{1, 1, 6, -1}, {5, -8, 1, -3}, {-9, 2, -1, -9}, {-4, 7, -8, 7}, {7, -9, -7, 6}, {-9, -6, 6, 4},
          {0, -7, -5, 4}, {-5, 9, -1, 9}, {-3, 3, -6, -6}, {7, -2, 5, -4}, {-9, 9, 9, -4}, {7, 1, -2, -2}})
        local labels = tensor.from({1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5}, {dtype = 'int32'})
        """
    let line = """
        local points = tensor.from({{0, 1}, {1, 1}, {3, 1}, {4, 1}, {-2, 1}, {1, 0}})
        """

    func testMetricsEqualTheReferenceValues() throws {
        XCTAssertEqual(try run(caseA + """
            return string.format('%.12f', retrieval.mAP(codes, labels, {metric = 'dot'})),
                   string.format('%.12f', retrieval.mAP(codes, labels, {metric = 'euclidean', atR = true})),
                   string.format('%.12f', retrieval.precisionAt(codes, labels, 3, {metric = 'dot'}))
            """), ["0.333697691198", "0.060416666667", "0.138888888889"])
        XCTAssertEqual(try run(caseA + """
            local ap = retrieval.averagePrecision(codes, labels, {queries = {2, 11}, metric = 'dot'})
            return #ap, string.format('%.12f', ap[1]), ap[2] ~= ap[2]
            """), ["2", "0.543750000000", "true"])
    }

    func testSearchGivesOneBasedNeighbours() throws {
        XCTAssertEqual(try run(line + """
            local r = retrieval.search(points, {queries = {1, 3}, k = 3, metric = 'euclidean'})
            return r.indices:type(), tostring(r.indices:equal(tensor.from({{2, 6, 5}, {4, 2, 6}}, {dtype = 'int32'}))),
                   r.scores:get(2, 2), r.queries:get(2)
            """), ["Int32", "true", "2.0", "3"])
        XCTAssertEqual(try run(line + """
            local r = retrieval.search(points, {queries = 2, k = 1, excludeSelf = false, metric = 'dot'})
            return r.indices:get(1, 1), r.indices:get(2, 1), r.indices:size(1)
            """), ["1", "4", "2"])  // from (0, 1) every point but (1, 0) ties at 1: the lowest index, itself
        XCTAssertEqual(try run(line + """
            local r = retrieval.search(points, {queries = tensor.from({6}, {dtype = 'int32'}), k = 2, metric = 'dot'})
            return r.indices:get(1, 1), r.scores:get(1, 2)
            """), ["4", "3.0"])
    }

    func testCodesFromNamedLayers() throws {
        XCTAssertEqual(try run("""
            local images = tensor.arange(5 * 12, {dtype = 'uint8'}):reshape({5, 3, 2, 2})
            local ds = data.dataset(images, tensor.from({1, 2, 1, 2, 1}, {dtype = 'int32'}))
            local net = nn.Sequential{nn.Flatten():named('code'), nn.Dropout(0.5), nn.Linear(12, 3, {seed = 1}):named('fc'), nn.ReLU()}
            local codes = retrieval.codes(net, ds, {'fc', 'code'}, {batch = 2})
            local one = retrieval.codes(net, ds, 'fc')
            return codes.code:size(1), codes.code:size(2), codes.fc:size(2), tostring(codes.fc:equal(one.fc)), net.training
            """), ["5", "12", "3", "true", "true"])
    }

    /// Query lists are read as every index list is: `2.0` is the integer 2.
    func testQueriesAcceptIntegerValuedFloats() throws {
        XCTAssertEqual(try run(line + """
            local a = retrieval.search(points, {queries = {2.0, 4}, k = 1})
            local b = retrieval.search(points, {queries = tensor.from({2, 4}, {dtype = 'int32'}), k = 1})
            return tostring(a.indices:equal(b.indices)), a.queries:get(2)
            """), ["true", "4"])
    }

    func testErrors() {
        assertError(line + "retrieval.search(points, {k = 6})",
                    "test:1: k = 6 is more than the 5 codes each query can be compared with (N - 1 with excludeSelf)")
        assertError(line + "retrieval.search(points, {metric = 'manhattan'})",
                    "test:1: retrieval.search: metric must be one of 'cosine', 'dot', 'euclidean', got 'manhattan'")
        assertError(line + "retrieval.search(points, {queries = 7})",
                    "test:1: retrieval.search: queries asks for 7 queries, but there are 6 codes")
        assertError(line + "retrieval.search(points, {queries = {0}})",
                    "test:1: retrieval.search: queries holds index 0, out of range for 6 codes")
        assertError(line + "retrieval.search(points, {queries = {1, 2.5}})",
                    "test:1: option 'queries' for retrieval.search: list of integer indices expected, got table")
        assertError(line + "retrieval.search(points, {queries = 'all'})",
                    "test:1: option 'queries' for retrieval.search: count, a list of indices or an Int32 vector expected, got 'all'")
        assertError(line + "retrieval.search(points, {kk = 2})",
                    "test:1: unknown option 'kk' for retrieval.search (did you mean 'k'?)")
        assertError("retrieval.search(tensor.zeros({2, 3, 4}))",
                    "test:1: bad argument #1 to 'search' (codes must be a matrix [N, D], got Float32 tensor of shape 2x3x4)")
        assertError(line + "retrieval.mAP(points, tensor.from({1, 2, 1}, {dtype = 'int32'}))",
                    "test:1: labels must be a vector of 6 (one per code), got Int32 tensor of shape 3")
        assertError(line + "retrieval.mAP(points, tensor.from({1, 2, 1, 2, 1, 2}))",
                    "test:1: bad argument #2 to 'mAP' (Int32 tensor expected, got Float32 tensor)")
        assertError(line + "retrieval.precisionAt(points, tensor.from({1, 2, 1, 2, 1, 2}, {dtype = 'int32'}), 9)",
                    "test:1: k = 9 is more than the 5 codes each query can be compared with (N - 1 with excludeSelf)")
        assertError("retrieval.codes(nn.Linear(2, 2), nil, {'fc'})",
                    "test:1: bad argument #1 to 'codes' (nn.Sequential expected, got nn module)")
        assertError(line + "retrieval.figure(data.dataset(tensor.zeros({6, 1, 4, 4}, {dtype = 'uint8'}), tensor.from({1, 2, 1, 2, 1, 2}, {dtype = 'int32'})), {}, 'x.png')",
                    "test:1: bad argument #2 to 'figure' (result of retrieval.search ({indices, scores, queries}) expected, got table)")
    }

    /// NaN or infinite codes are an error naming the row, counted from 1, in every function that ranks them.
    func testNonFiniteCodesAreAnErrorNamingTheRow() {
        let setup = line + "points:set(3, 2, 0/0) local labels = tensor.from({1, 2, 1, 2, 1, 2}, {dtype = 'int32'})\n"
        let message = "test:2: codes row 3 holds NaN: codes must be finite to be ranked"
        assertError(setup + "retrieval.search(points, {queries = {1}, k = 1})", message)
        assertError(setup + "retrieval.averagePrecision(points, labels, {queries = {1}})", message)
        assertError(setup + "retrieval.mAP(points, labels, {metric = 'dot'})", message)
        assertError(setup + "retrieval.precisionAt(points, labels, 2)", message)
        assertError(line + "points:set(6, 1, -1/0) retrieval.mAP(points, tensor.from({1, 2, 1, 2, 1, 2}, {dtype = 'int32'}))",
                    "test:1: codes row 6 holds an infinity: codes must be finite to be ranked")
    }

    /// Empty code matrices, k = 0 and query counts out of range, for every function.
    func testEmptyCodesAndBadCounts() {
        for shape in ["{0, 4}", "{3, 0}"] {
            let codes = "local codes = tensor.zeros(\(shape)) local labels = tensor.zeros({codes:size(1)}, {dtype = 'int32'})\n"
            let message = "test:2: codes must be a matrix [N, D] with at least one row and one column, got Float32 tensor of shape \(shape.dropFirst().dropLast().replacingOccurrences(of: ", ", with: "x"))"
            assertError(codes + "retrieval.search(codes)", message)
            assertError(codes + "retrieval.averagePrecision(codes, labels)", message)
            assertError(codes + "retrieval.mAP(codes, labels)", message)
            assertError(codes + "retrieval.precisionAt(codes, labels, 1)", message)
        }
        let labels = "local labels = tensor.from({1, 2, 1, 2, 1, 2}, {dtype = 'int32'})\n"
        assertError(line + labels + "retrieval.search(points, {k = 0})", "test:2: retrieval.search: k must be a positive integer, got 0")
        assertError(line + labels + "retrieval.precisionAt(points, labels, 0)", "test:2: k must be at least 1, got 0")
        assertError(line + labels + "retrieval.search(points, {queries = 0})",
                    "test:2: retrieval.search: queries must be a count of at least 1, got 0")
        assertError(line + labels + "retrieval.averagePrecision(points, labels, {queries = {7}})",
                    "test:2: retrieval.averagePrecision: queries holds index 7, out of range for 6 codes")
        assertError("retrieval.search(tensor.zeros({1, 2}))",
                    "test:1: k = 5 is more than the 0 codes each query can be compared with (N - 1 with excludeSelf)")
    }

    func testFigureIsWritten() throws {
        let path = NSTemporaryDirectory() + "lunet-retrieval-\(getpid()).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try run("""
            local ds = data.dataset(tensor.rand({6, 3, 16, 16}, {seed = 1, high = 255}):byte(), tensor.from({1, 2, 1, 2, 1, 2}, {dtype = 'int32'}))
            local codes = ds.images:float():reshape({6, 3 * 16 * 16})
            local r = retrieval.search(codes, {k = 3})
            retrieval.figure(ds, r, '\(path)', {queries = 2, classNames = false})
            """)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    func testDocumented() throws {
        XCTAssertTrue(try eval("lunet.doc(retrieval.mAP)")[0].hasPrefix("retrieval.mAP(codes, labels[, {metric='cosine'|'dot'|'euclidean', atR=false}])\n"))
    }
}
