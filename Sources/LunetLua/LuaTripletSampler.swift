import CLua
import LuaShim
import Lunet

/// A sampler written in Lua: `triplet.sampler(function(ctx, n) ... end)`.
/// Swift calls the function every step through `LuaCall.callback`, on the
/// state of the binding that runs the training (`call`), with one context
/// object kept for the whole run; what it returns is checked.
final class LuaTripletSampler: TripletSampler, LuaNamed {
    let function: LuaReference
    /// The binding currently running this sampler (set by triplet.fit and sampler:sample).
    var call: LuaCall?
    /// The `ctx` userdata of the current run and the context it shows.
    private var contextObject: (context: TripletContext, reference: LuaReference)?

    init(function: LuaReference) { self.function = function }

    var luaTypeName: String { "triplet sampler" }
    /// Declared so errors and tostring name it as `triplet.sampler` (it takes a function, no options).
    static let declaration = Declaration("LuaTripletSampler", doc: """
        A sampler written in Lua, called every step with a context (ctx.labels, ctx:classCount(), ctx:indicesOf(c), \
        ctx:embed(i), ctx:distances(a, b), ctx.random:integer(lo, hi), ctx.step); what it returns is checked.
        """)
    var subject: Subject { Self.declaration.subject }
    var usesEmbeddings: Bool { true }

    func sample(_ context: TripletContext, count: Int) throws -> TripletIndices {
        guard let call else { throw LunetError("\(subject: subject): a Lua sampler runs only inside triplet.fit or sampler:sample") }
        let ctx = try contextReference(for: context, call)
        let triplets = try call.callback(function, results: 3, arguments: { call in
            ctx.push(call.L)
            call.push(count)
            return 2
        }) { call, first in
            TripletIndices(anchors: try indices(call, first, "anchors"), positives: try indices(call, first + 1, "positives"),
                           negatives: try indices(call, first + 2, "negatives"))
        }
        try triplets.validate(against: context.dataset, owner: subject)
        return triplets
    }

    private func contextReference(for context: TripletContext, _ call: LuaCall) throws -> LuaReference {
        if let contextObject, contextObject.context === context { return contextObject.reference }
        call.pushObject(try TripletContextBox(context), metatable: TripletContextBox.metatable,
                        externalBytes: context.dataset.labels.byteCount)
        let reference = LuaReference(popping: call.L)
        contextObject = (context, reference)
        return reference
    }

    /// 0-based positions from a returned table or Int32 tensor of 1-based ones.
    private func indices(_ call: LuaCall, _ index: Int32, _ role: String) throws -> [Int] {
        let notInteger = { (k: Int, item: LuaValue) -> Error in
            LunetError("triplet.sampler: \(role)[\(k)] must be an integer index, got \(item.typeName)")
        }
        if let list = try call.value(index).zeroBasedIndices(notInteger: notInteger) { return list }
        throw LunetError("triplet.sampler: the function must return anchors, positives and negatives as tables or Int32 tensors of 1-based indices; \(role) is \(call.typeName(at: index))")
    }
}
