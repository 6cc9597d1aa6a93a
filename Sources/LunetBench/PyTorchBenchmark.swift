import Foundation

/// Runs `bench/torch_bench.py` (Debian's python3-torch) on one network and
/// prints its figures beside lunet's; says so and goes on where torch is absent.
enum PyTorchBenchmark {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("bench/torch_bench.py").path

    static func run(_ network: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, network]
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "2"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            print("  PyTorch: cannot run /usr/bin/python3 (\(error)); install python3-torch to compare")
            return
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print("  PyTorch: not measured (python3-torch missing?): \(text.split(separator: "\n").last ?? "")")
            return
        }
        for line in text.split(separator: "\n") { print("  PyTorch: \(line)") }
    }
}
