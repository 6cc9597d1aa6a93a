import Foundation
import Lunet

/// Data-parallel training steps of the Q1 and Koch networks: one process of 2
/// threads against `mpirun -np 2` processes of 1 thread each, at the same global
/// batch, with the time each step spends averaging gradients.
/// `swift build -c release --product LunetBench && .build/release/LunetBench dist`.
enum DistBenchmark {
    static let steps = 3

    /// Starts each configuration in processes of their own (mpirun for 2 ranks).
    static func run() throws {
        guard let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first(where: FileManager.default.isExecutableFile) else {
            print("dist: mpirun is absent (install openmpi-bin); skipped")
            return
        }
        for network in ["q1", "koch"] {
            try launch(CommandLine.arguments[0], ["dist-step", network], threads: 2)
            try launch(mpirun, ["-np", "2", "--allow-run-as-root", "--bind-to", "core",
                                "-x", "OPENBLAS_NUM_THREADS", "-x", "LUNET_LOOP_THREADS",
                                CommandLine.arguments[0], "dist-step", network], threads: 1)
        }
    }

    private static func launch(_ executable: String, _ arguments: [String], threads: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = String(threads)
        environment["LUNET_LOOP_THREADS"] = String(threads)
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LunetError("LunetBench \(arguments.joined(separator: " ")) failed") }
    }

    /// One rank's part: `LunetBench dist-step q1|koch`, alone or under mpirun.
    static func step(_ name: String) throws {
        try Distributed.start()
        let world = Distributed.world
        let network = name == "q1" ? try NNBenchmark.babenko() : try NNBenchmark.koch()
        let batch = network.inputShape[0]
        let shard = BatchShard(globalCount: batch, communicator: world)
        let x = try Tensor<Float>.rand([shard.count] + network.inputShape.dropFirst(), seed: UInt64(1 + world.rank))
        let labels = try Tensor<Int32>(shape: [shard.count], scalars: (0..<shard.count).map { Int32($0 % (network.classes ?? 1)) })
        let model = network.model
        let optimizer = try Adam(parameters: model.parameters, learningRate: 1e-4, amsgrad: true)
        let parallel = try DataParallel(module: model, communicator: world)
        let averager = parallel.averager
        /// Median step, averaging and exposed-averaging seconds over ranks, with or without overlap.
        func measure(overlap: Bool) throws -> (step: Double, reduce: Double, exposed: Double) {
            averager.overlapsBackward = overlap
            var times: [[Double]] = []
            for step in 0...steps {  // step 0 warms up
                try world.barrier()
                var exposed = 0.0
                let seconds = try Stopwatch.seconds {
                    let output = try model.forward(x)
                    let gradient = network.classes == nil
                        ? try Tensor<Float>.randn(output.shape, seed: 2)
                        : try CrossEntropyLoss().lossAndGradient(output, labels).gradient
                    if overlap {
                        try parallel.backward(x, gradient, shard: shard)
                        exposed = averager.lastWaitSeconds
                    } else {
                        try model.accumulateParameterGradients(x, gradient)
                        try world.barrier()  // waiting for the slower rank is not averaging
                        try averager.average(shard: shard)
                        exposed = averager.lastSeconds
                    }
                    try optimizer.step()
                    optimizer.zeroGrad()
                }
                let mean = try world.sum([seconds, averager.lastSeconds, exposed]).map { $0 / Double(world.size) }
                if step > 0 { times.append(mean) }
            }
            let median = { (i: Int) in times.map { $0[i] }.sorted()[steps / 2] }
            return (median(0), median(1), median(2))
        }
        let after = try measure(overlap: false)
        let overlapped = world.size > 1 ? try measure(overlap: true) : after
        let bare = try bareAllReduceSeconds(count: model.parameterCount, world)
        guard world.isMain else { return Distributed.finish() }
        let megabytes = Double(model.parameterCount * 4) / 1e6
        print(String(format: "%@: %d rank(s) x %@ thread(s), batch %d: %.2f s/step, %.1f images/s, gradient averaging %.3f s/step (%.0f MB)",
                     network.name, world.size, ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "?",
                     batch, after.step, Double(batch) / after.step, after.reduce, megabytes))
        if world.size > 1 {
            print(String(format: "  one MPI_Allreduce of all %.0f MB, nothing else: %.3f s (median of 3)", megabytes, bare))
            // The all-reduces' own time is not comparable: overlapped, a bucket
            // also waits for the other rank's backward to reach it.
            print(String(format: "  overlapped with backward: %.2f s/step, %.1f images/s; averaging left after backward %.3f s against %.3f: %.0f%% hidden",
                         overlapped.step, Double(batch) / overlapped.step, overlapped.exposed, after.reduce,
                         100 * (1 - overlapped.exposed / after.reduce)))
        }
        Distributed.finish()
    }

    /// The bare all-reduce of one buffer of `count` floats, without packing or scaling.
    private static func bareAllReduceSeconds(count: Int, _ world: Communicator) throws -> Double {
        guard world.size > 1 else { return 0 }
        var buffer = [Float](repeating: 1, count: count)
        var times: [Double] = []
        for _ in 0..<3 {
            try world.barrier()
            times.append(try Stopwatch.seconds { try buffer.withUnsafeMutableBufferPointer { try world.allReduce($0, .sum) } })
        }
        return try world.sum([times.sorted()[1]])[0] / Double(world.size)
    }
}
