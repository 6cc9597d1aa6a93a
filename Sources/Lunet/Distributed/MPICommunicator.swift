import MPIShim

/// `MPI_COMM_WORLD` of Open MPI, loaded at run time (see `Distributed.start`).
/// Calls may come from any thread, never two at once (`MPI_THREAD_SERIALIZED`,
/// where Open MPI grants it: `callableFromOtherThreads`).
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public let callableFromOtherThreads: Bool

    /// Loads libmpi and calls `MPI_Init_thread`; use `Distributed.start()`.
    init() throws {
        var message = [CChar](repeating: 0, count: 512)
        guard lunet_mpi_start(&message, message.count) == 0 else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw LunetError("dist: \(reason)")
        }
        rank = Int(lunet_mpi_rank())
        size = Int(lunet_mpi_size())
        callableFromOtherThreads = lunet_mpi_serializes_threads() != 0
    }

    public func barrier() throws {
        try check(lunet_mpi_barrier(), "MPI_Barrier")
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try check(lunet_mpi_allreduce_float(base, buffer.count, operation.mpi), "MPI_Allreduce")
        if operation == .mean { scale(buffer, by: 1 / Float(size)) }
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try check(lunet_mpi_allreduce_double(base, buffer.count, operation.mpi), "MPI_Allreduce")
        if operation == .mean { for i in buffer.indices { buffer[i] /= Double(size) } }
    }

    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {
        try checkRoot(root)
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try check(lunet_mpi_broadcast_float(base, buffer.count, Int32(root)), "MPI_Bcast")
    }

    public func broadcast(bytes buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        try checkRoot(root)
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try check(lunet_mpi_broadcast_bytes(base, buffer.count, Int32(root)), "MPI_Bcast")
    }

    public func allGather(_ local: UnsafeBufferPointer<Float>, counts: [Int]) throws -> [Float] {
        guard counts.count == size, counts[rank] == local.count else {
            throw LunetError("allGather: \(counts.count) counts for \(size) ranks, this rank's is \(counts.indices.contains(rank) ? counts[rank] : -1) for \(local.count) values")
        }
        let counts32 = counts.map { Int32($0) }
        var output = [Float](repeating: 0, count: counts.reduce(0, +))
        let status = output.withUnsafeMutableBufferPointer { out in
            lunet_mpi_allgatherv_float(local.baseAddress, out.baseAddress, counts32)
        }
        try check(status, "MPI_Allgatherv")
        return output
    }

    /// With Open MPI's default error handler a failed collective ends the job
    /// before returning; this covers handlers that return.
    private func check(_ status: Int32, _ call: String) throws {
        guard status == 0 else { throw LunetError("dist: \(call) failed with MPI error \(status)") }
    }

    private func scale(_ buffer: UnsafeMutableBufferPointer<Float>, by factor: Float) {
        for i in buffer.indices { buffer[i] *= factor }
    }
}

extension ReduceOperation {
    /// `mean` is a sum followed by a division.
    var mpi: lunet_mpi_op { self == .max ? LUNET_MPI_MAX : LUNET_MPI_SUM }
}
