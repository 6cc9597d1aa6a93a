import Foundation

/// Runs `bench/torch_bench.py` (Debian's python3-torch) on one network and
/// prints its figures beside lunet's; says so and goes on where torch is absent.
/// Returns PyTorch's seconds per training step, nil when not measured.
enum PyTorchBenchmark {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("bench/torch_bench.py").path

    @discardableResult
    static func run(_ network: String) -> Double? {
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
            return nil
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print("  PyTorch: not measured (python3-torch missing?): \(text.split(separator: "\n").last ?? "")")
            return nil
        }
        for line in text.split(separator: "\n") { print("  PyTorch: \(line)") }
        return stepSeconds(in: text)
    }

    /// The number before " s per step" in the script's output: `Q1 (...): 5.54 s per step (median of 3), ...`.
    static func stepSeconds(in text: String) -> Double? {
        guard let range = text.range(of: " s per step") else { return nil }
        let number = text[..<range.lowerBound].reversed().prefix { $0.isNumber || $0 == "." }
        return Double(String(number.reversed()))
    }
}
