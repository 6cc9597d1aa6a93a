import CLua
import Foundation
import Lunet

/// `dist`: the ranks of a job started by `mpirun` (or Slurm), and the
/// collectives between them. Ranks are 1-based in Lua, like every other index:
/// `dist.rank()` runs from 1 to `dist.size()`, the main rank is 1 (MPI's rank 0).
/// Outside `mpirun` there is one rank and every collective is an identity.
enum DistBindings {
    static let module = LuaLibrary(.module("dist"), doc: "Ranks of an mpirun/Slurm job (1-based; main rank 1) and collectives over Open MPI; one rank outside mpirun. Under mpirun only the main rank's print writes (io.write works on every rank).", functions: [
        LuaFunction("rank", "dist.rank()", "This process's rank, 1 to dist.size() (MPI rank + 1); 1 outside mpirun.") { call in
            call.push(Distributed.world.rank + 1)
            return 1
        },
        LuaFunction("size", "dist.size()", "The number of ranks in the job; 1 outside mpirun.") { call in
            call.push(Distributed.world.size)
            return 1
        },
        LuaFunction("isMain", "dist.isMain()", "True on the main rank (rank 1), the one that prints and writes checkpoints; true outside mpirun.") { call in
            call.push(Distributed.world.isMain)
            return 1
        },
        LuaFunction("barrier", "dist.barrier()", "Waits until every rank has reached this call.") { call in
            try Distributed.world.barrier()
            return 0
        },
        LuaFunction("allreduce", "dist.allreduce(x[, 'sum'|'mean'|'max'])", "Replaces the Float32 tensor x, in place on every rank, by its sum, mean or maximum over ranks (default 'sum'); returns x.") { call in
            let box = try floatBox(call, 1)
            let name = try call.optionalString(2) ?? "sum"
            guard let operation = ReduceOperation(rawValue: name) else {
                throw call.argumentError(2, "'sum', 'mean' or 'max' expected, got '\(name)'")
            }
            return try inPlace(call, box) { try Distributed.world.allReduce(&$0, operation) }
        },
        LuaFunction("broadcast", "dist.broadcast(x[, root])", "Replaces the Float32 tensor x, in place on every rank, by its value on rank root (default 1, the main rank); returns x.") { call in
            let box = try floatBox(call, 1)
            let root = try rootRank(call, 2)
            return try inPlace(call, box) { try Distributed.world.broadcast(&$0, root: root) }
        },
        LuaFunction("shard", "dist.shard(count)", "This rank's slice of a global batch of count items: the 1-based first item and the number of items (balanced; may be 0).") { call in
            let count = try call.integer(1)
            guard count >= 0 else { throw call.argumentError(1, "non-negative count expected, got \(count)") }
            let shard = BatchShard(globalCount: count, communicator: Distributed.world)
            call.push(shard.range.lowerBound + 1)
            call.push(shard.count)
            return 2
        },
        LuaFunction("averageGradients", "dist.averageGradients(model, batch)", "After backward over this rank's dist.shard(batch): makes every rank's parameter gradients the gradient of the mean loss over the whole batch of batch items.") { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let batch = try call.positiveInteger(2)
            let averager = GradientAverager(parameters: model.parameters, communicator: Distributed.world, bucketBytes: 0)
            try averager.average(shard: BatchShard(globalCount: batch, communicator: Distributed.world))
            return 0
        },
        LuaFunction("broadcastParameters", "dist.broadcastParameters(model[, root])", "Copies rank root's parameters and buffers (batch-norm statistics) to every rank (default root 1); call once before training.") { call in
            let model = try call.object(1, Module.self, expected: "nn module")
            let root = try rootRank(call, 2)
            let averager = GradientAverager(parameters: model.parameters, communicator: Distributed.world, bucketBytes: 0)
            try averager.broadcastState(of: model, root: root)
            return 0
        },
    ])

    private static func floatBox(_ call: LuaCall, _ index: Int32) throws -> TensorBox {
        let box = try call.tensorBox(index)
        guard case .float = box.tensor else { throw call.typeError(index, expected: "Float32 tensor") }
        return box
    }

    /// Runs a collective on the Float32 tensor of `box` (argument 1) in place
    /// and returns that same userdata. The box lets go of its reference
    /// meanwhile, so the storage is uniquely held and not copied on write.
    private static func inPlace(_ call: LuaCall, _ box: TensorBox, _ collective: (inout Tensor<Float>) throws -> Void) throws -> Int32 {
        guard case .float(var tensor) = box.tensor else { throw call.typeError(1, expected: "Float32 tensor") }
        box.tensor = .float(Tensor(scalar: 0))
        defer { box.tensor = .float(tensor) }
        try collective(&tensor)
        lua_pushvalue(call.L, 1)
        return 1
    }

    /// A 1-based rank argument (default 1), returned 0-based.
    private static func rootRank(_ call: LuaCall, _ index: Int32) throws -> Int {
        guard !call.isNoneOrNil(index) else { return 0 }
        let root = try call.zeroBasedIndex(index)
        let size = Distributed.world.size
        guard (0..<size).contains(root) else {
            throw call.argumentError(index, "root must be a rank from 1 to \(size), got \(root + 1)")
        }
        return root
    }
}
