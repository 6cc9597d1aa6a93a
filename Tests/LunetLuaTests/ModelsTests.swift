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
        assertError("require('lunet.models').babenko{clases = 10}", "test:1: unknown option 'clases' for models.babenko")
        XCTAssertTrue(try eval("lunet.doc(require('lunet.models').koch)")[0].hasPrefix("models.koch{embedding = 4096"))
    }
}
