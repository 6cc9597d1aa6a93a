import Foundation
import Lunet

/// `LunetBench <name>...` runs the named benchmarks (all without names).
/// Run in release mode: `swift run -c release LunetBench matmul`.
let benchmarks: [(name: String, run: () throws -> Void)] = [
    ("matmul", MatmulBenchmark.run),
    ("data", DataBenchmark.run),
    ("nn", NNBenchmark.run),
    ("nn-q1", { try NNBenchmark.run(q1: true, q2: false) }),
    ("nn-q2", { try NNBenchmark.run(q1: false, q2: true) }),
    ("conv", ConvBenchmark.run),
    ("layers", LayerBenchmark.run),
    ("retrieval", RetrievalBenchmark.run),
    ("train", { try TrainBenchmark.run() }),
    ("guard", TrainBenchmark.guardCosts),
    ("triplet", TripletBenchmark.run),
    ("dist", DistBenchmark.run),
    ("lua-layers", LuaLayersBenchmark.run),
    ("augment", AugmentBenchmark.run),
]

// `LunetBench dist-step q1|koch`: one rank's part of `dist`, started by it.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "dist-step" {
    do { try DistBenchmark.step(CommandLine.arguments[2]) } catch { print("dist-step: \(error)"); exit(1) }
    exit(0)
}
let requested = Array(CommandLine.arguments.dropFirst())
let unknown = requested.filter { name in !benchmarks.contains { $0.name == name } }
guard unknown.isEmpty else {
    print("unknown benchmark \(unknown.joined(separator: ", ")); available: \(benchmarks.map(\.name).joined(separator: ", "))")
    exit(1)
}
// The kernels decide every figure below; say which ran.
print("OpenBLAS kernels: \(BLAS.coreName)"
      + (BLAS.chosenCore != nil ? " (chosen by lunet: OpenBLAS does not know this CPU)" : ""))
#if DEBUG
print("warning: a debug build; run with 'swift run -c release LunetBench' for real figures")
#endif
for benchmark in benchmarks where requested.isEmpty || requested.contains(benchmark.name) {
    do {
        try benchmark.run()
    } catch {
        print("\(benchmark.name): \(error)")
        exit(1)
    }
}
