import LunetLua
import XCTest

final class ModelsTests: LuaTestCase {
    func testBabenkoHasTheAssignmentsShapes() throws {
        let code = """
            local models = require('lunet.models')
            local net = models.babenko{classes = 190, seed = 1}
            local p = net:namedParameters()
            local x = tensor.rand({2, 3, 64, 64}, {seed = 2})
            local codes = net:evaluate():outputs(x, {'code5', 'fc6', 'fc7'})
            return #net, table.concat(p['fc6.weight']:shape(), 'x'), table.concat(p['fc8.weight']:shape(), 'x'),
              table.concat(codes.code5:shape(), 'x'), table.concat(codes.fc7:shape(), 'x'),
              table.concat(net:forward(x):shape(), 'x')
            """
        XCTAssertEqual(try run(code), ["21", "2048x16384", "190x2048", "2x16384", "2x2048", "2x190"])
    }

    func testKochEmbedsOmniglotImages() throws {
        let code = """
            local models = require('lunet.models')
            local net = models.koch{embedding = 4096, seed = 1}
            local p = net:namedParameters()
            local y = net:evaluate():forward(tensor.rand({2, 1, 105, 105}, {seed = 3}))
            return #net, table.concat(p['fc.weight']:shape(), 'x'), table.concat(p['bn4.weight']:shape(), 'x'),
              table.concat(y:shape(), 'x'), y:min() > 0 and y:max() < 1
            """
        XCTAssertEqual(try run(code), ["19", "4096x9216", "256", "2x4096", "true"])
    }

    func testSmallVariantsAndOptions() throws {
        XCTAssertEqual(try run("""
            local models = require('lunet.models')
            local a, b = models.babenko{classes = 10, size = 16, seed = 5}, models.babenko{classes = 10, size = 16, seed = 5}
            local x = tensor.rand({1, 3, 16, 16}, {seed = 1})
            return table.concat(a:namedParameters()['fc6.weight']:shape(), 'x'),
              (a:evaluate():forward(x) - b:evaluate():forward(x)):abs():max() == 0,
              models.koch{size = 65, embedding = 8, l2 = 2e-4}:namedParameters()['fc.weight']:size(2)
            """), ["2048x1024", "true", "256"])
        assertError("require('lunet.models').babenko{clases = 10}", "test:1: unknown option 'clases' for models.babenko (did you mean 'classes'?)")
        XCTAssertTrue(try eval("lunet.doc(require('lunet.models').koch)")[0].hasPrefix("models.koch{embedding = 4096"))
    }

    /// The builders check their options with the bindings' mechanism (lunet.checkOptions).
    func testBuilderOptionRanges() {
        assertError("require('lunet.models').babenko{classes = 0}", "test:1: models.babenko: classes must be a positive integer, got 0")
        assertError("require('lunet.models').babenko(3)", "test:1: models.babenko: options table expected, got number")
        assertError("require('lunet.models').koch{dropout = 1}", "test:1: models.koch: dropout must be in [0, 1), got 1")
        assertError("require('lunet.models').koch{l2 = -1}", "test:1: models.koch: l2 must be a non-negative number, got -1")
        assertError("require('lunet.models').koch{size = 'x'}", "test:1: option 'size' for models.koch: integer expected, got 'x'")
        assertError("lunet.checkOptions({}, 'f', {a = 'colour'})",
                    "bad argument #3 to '?' (unknown kind for 'a' (known: boolean, integer, non-negative integer, non-negative number, number, positive integer, positive number, probability, string))")
    }
}
