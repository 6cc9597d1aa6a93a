@testable import Lunet
import XCTest

/// A stand-in for a 2-rank job whose other rank holds `other` times this
/// rank's values: a sum gives `(1 + other) * x`. Records each reduction's size.
private final class MirrorCommunicator: Communicator, @unchecked Sendable {
    let other: Float
    let callableFromOtherThreads: Bool
    /// Appended by one reduction at a time (the averaging thread's queue is serial).
    var reductionSizes: [Int] = []
    var reducedOnCallersThread: [Bool] = []
    let caller = Thread.current
    init(other: Float, threaded: Bool = false) {
        self.other = other
        callableFromOtherThreads = threaded
    }
    var rank: Int { 0 }
    var size: Int { 2 }
    func barrier() throws {}
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {
        XCTAssertEqual(operation, .sum)
        reductionSizes.append(buffer.count)
        reducedOnCallersThread.append(Thread.current == caller)
        for i in buffer.indices { buffer[i] *= 1 + other }
    }
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReduceOperation) throws {
        for i in buffer.indices { buffer[i] *= Double(1 + other) }
    }
    func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {}
    func broadcast(bytes buffer: UnsafeMutableRawBufferPointer, root: Int) throws {}
    func allGather(_ local: UnsafeBufferPointer<Float>, counts: [Int]) throws -> [Float] { Array(local) + Array(local) }
}

final class DistributedEngineTests: XCTestCase {
    func testBatchShardsAreBalancedContiguousAndCoverTheBatch() {
        XCTAssertEqual((0..<4).map { BatchShard(globalCount: 10, rank: $0, size: 4).range }, [0..<2, 2..<5, 5..<7, 7..<10])
        XCTAssertEqual((0..<3).map { BatchShard(globalCount: 2, rank: $0, size: 3).count }, [0, 1, 1])
        XCTAssertEqual(BatchShard(globalCount: 10, rank: 1, size: 4).weight, 0.3)
        XCTAssertEqual(BatchShard(globalCount: 0, rank: 0, size: 2).weight, 0)
    }

    func testBucketsPackSmallParametersAndIsolateLargeOnes() {
        XCTAssertEqual(GradientAverager.buckets(counts: [3, 4, 2, 10, 1, 1], capacity: 8), [0..<2, 2..<3, 3..<4, 4..<6])
        XCTAssertEqual(GradientAverager.buckets(counts: [20], capacity: 8), [0..<1])
        XCTAssertEqual(GradientAverager.buckets(counts: [], capacity: 8), [])
    }

    private func parameters(_ counts: [Int]) throws -> [Parameter] {
        try counts.enumerated().map { index, count in
            let p = try Parameter(name: "p\(index)", value: try Tensor(shape: [count], repeating: 0))
            p.gradient = try Tensor(shape: [count], scalars: (0..<count).map { Float(index * 10 + $0) })
            return p
        }
    }

    func testEqualShardsAverageToTheMeanOfTheRanks() throws {
        let communicator = MirrorCommunicator(other: 3)  // the other rank's gradients are 3x this one's
        let parameters = try parameters([3, 4, 2, 10])
        let averager = GradientAverager(parameters: parameters, communicator: communicator, bucketBytes: 8 * 4)
        try averager.average(shard: BatchShard(globalCount: 8, rank: 0, size: 2))
        // In backward's order, last parameters first: 10 in place, [4, 2] packed, then 3.
        XCTAssertEqual(communicator.reductionSizes, [10, 6, 3])
        for (index, p) in parameters.enumerated() {
            XCTAssertEqual(p.gradient.scalars, (0..<p.value.count).map { Float(index * 10 + $0) * 2 }, p.name)
        }
    }

    /// Each bucket starts reducing, on the averaging thread, when backward
    /// reports its layer done, before backward ends; the gradients are those
    /// of the average after backward.
    func testBucketsReduceWhileBackwardGoesOn() throws {
        let net = Sequential([try Linear(4, 3, seed: 1), ReLU(), try Linear(3, 2, seed: 2)])
        let x = try Tensor<Float>(shape: [2, 4], scalars: [0.5, -1, 2, 0.25, 1, 0.5, -0.5, 3])
        let dy = try Tensor<Float>(shape: [2, 2], scalars: [1, -2, 0.5, 1.5])
        _ = try net.forward(x)
        try net.accumulateParameterGradients(x, dy)
        let expected = net.parameters.map { $0.gradient.scalars.map { $0 * 2 } }  // (1 + 3) x / 2 ranks
        net.zeroGrad()

        let communicator = MirrorCommunicator(other: 3, threaded: true)
        let averager = GradientAverager(parameters: net.parameters, communicator: communicator, bucketBytes: 4 * 4)
        net.onLayerGradients = { averager.gradientsReady(of: $0) }
        _ = try net.forward(x)
        try averager.begin(shard: BatchShard(globalCount: 4, rank: 0, size: 2))
        try net.accumulateParameterGradients(x, dy)
        try averager.finish()
        XCTAssertEqual(communicator.reductionSizes, [2, 6, 3, 12], "the last layer's bias and weight first")
        XCTAssertEqual(communicator.reducedOnCallersThread, [false, false, false, false])
        XCTAssertEqual(net.parameters.map(\.gradient.scalars), expected)
    }

    func testOverlapIsTheDefaultAcrossMachinesOnly() {
        XCTAssertTrue(Distributed.overlapsGradientAverage(["OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"]))
        XCTAssertFalse(Distributed.overlapsGradientAverage(["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"]))
        XCTAssertTrue(Distributed.overlapsGradientAverage(["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_SIZE": "2", "LUNET_OVERLAP": "1"]))
        XCTAssertFalse(Distributed.overlapsGradientAverage(["OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_LOCAL_SIZE": "2", "LUNET_OVERLAP": "0"]))
        XCTAssertTrue(Distributed.overlapsGradientAverage(["PMIX_RANK": "0"]), "a launcher that does not say: overlap")
    }

    func testUnequalShardsWeighEachRankByItsShareOfTheBatch() throws {
        let communicator = MirrorCommunicator(other: 1)
        let parameters = try parameters([2])
        let averager = GradientAverager(parameters: parameters, communicator: communicator)
        // 3 of 10 items here: this rank's mean gradient counts 0.3, summed over 2 identical ranks: 0.6.
        try averager.average(shard: BatchShard(globalCount: 10, rank: 1, size: 4))
        XCTAssertEqual(parameters[0].gradient.scalars[1], 0.6, accuracy: 1e-6)
    }

    func testWeightedMeanOfMetricsCountsItems() throws {
        let single = SingleProcessCommunicator()
        XCTAssertEqual(try single.weightedMean([2.5, 0.5], count: 4), [2.5, 0.5])
        XCTAssertTrue(try single.weightedMean([1], count: 0)[0].isNaN)
    }

    func testRanksOnOneMachineShareItsCores() {
        XCTAssertEqual(Distributed.threadsPerRank(["OMPI_COMM_WORLD_LOCAL_SIZE": "2"], cores: 2), 1)
        XCTAssertEqual(Distributed.threadsPerRank(["OMPI_COMM_WORLD_LOCAL_SIZE": "2"], cores: 16), 8)
        XCTAssertEqual(Distributed.threadsPerRank(["OMPI_COMM_WORLD_LOCAL_SIZE": "3"], cores: 2), 1)
        XCTAssertNil(Distributed.threadsPerRank(["OMPI_COMM_WORLD_LOCAL_SIZE": "1"], cores: 2))
        XCTAssertNil(Distributed.threadsPerRank(["OMPI_COMM_WORLD_LOCAL_SIZE": "2", "OPENBLAS_NUM_THREADS": "2"], cores: 2))
        XCTAssertNil(Distributed.threadsPerRank([:], cores: 2))
    }

    func testLaunchIsDetectedFromTheLauncherVariables() {
        XCTAssertFalse(Distributed.launchedByMPI([:]))
        XCTAssertTrue(Distributed.launchedByMPI(["OMPI_COMM_WORLD_SIZE": "2"]))
        XCTAssertTrue(Distributed.launchedByMPI(["PMIX_RANK": "0"]))
        XCTAssertFalse(Distributed.launchedByMPI(["PMIX_RANK": "0", "LUNET_MPI": "0"]))
    }

    func testDataParallelIsOffInOneProcessUnlessAskedFor() throws {
        let model = try Linear(3, 2, seed: 1)
        XCTAssertNil(try DataParallel.make(for: model, enabled: nil, communicator: SingleProcessCommunicator()))
        XCTAssertNil(try DataParallel.make(for: model, enabled: false, communicator: MirrorCommunicator(other: 1)))
        let forced = try XCTUnwrap(try DataParallel.make(for: model, enabled: true, communicator: SingleProcessCommunicator()))
        XCTAssertEqual(forced.shard(5).range, 0..<5)
        // One rank's generator is its own: the shuffles of a one-process run are unchanged.
        var original = RandomGenerator(seed: 9)
        var common = try forced.commonGenerator(original)
        XCTAssertEqual((0..<4).map { _ in common.next() }, (0..<4).map { _ in original.next() })
    }

    func testGradientsThatChangedSizeAreRefused() throws {
        let parameters = try parameters([3])
        let averager = GradientAverager(parameters: parameters, communicator: MirrorCommunicator(other: 1))
        parameters[0].gradient = try Tensor(shape: [4], repeating: 0)
        XCTAssertThrowsError(try averager.average(shard: BatchShard(globalCount: 4, rank: 0, size: 2))) { error in
            XCTAssertEqual((error as? LunetError)?.message, "gradient averaging: 'p0' has 4 values, 3 when training began")
        }
    }
}
