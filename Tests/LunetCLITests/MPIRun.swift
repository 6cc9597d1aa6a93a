import Foundation
import XCTest

/// Runs the built `lunet` under `mpirun -np N`, with a deadline: a job that
/// hangs is killed and reported, never waited on forever.
enum MPIRun {
    /// Debian's launcher; `LUNET_TEST_MPIRUN` names another (a path that does not
    /// exist shows what a machine without Open MPI does: the tests skip).
    static let launcher = (ProcessInfo.processInfo.environment["LUNET_TEST_MPIRUN"].map { [$0] }
        ?? ["/usr/bin/mpirun", "/usr/local/bin/mpirun"]).first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Skips the test with a visible message where Open MPI's launcher is absent.
    static func requireLauncher() throws -> String {
        guard let launcher else {
            throw XCTSkip("mpirun is absent: install openmpi-bin and libopenmpi3 (make test does) to run the multi-rank tests")
        }
        return launcher
    }

    struct Result {
        let status: Int32
        let output: String
        let seconds: Double
        let timedOut: Bool
    }

    /// `mpirun -np ranks lunet arguments`, stdout and stderr together; with
    /// `signal`, that signal is sent to mpirun a second after its file exists.
    static func run(ranks: Int, _ arguments: [String], timeout: Double = 60,
                    signal: (number: Int32, afterFile: String)? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requireLauncher())
        process.arguments = ["-np", String(ranks), "--oversubscribe", "--allow-run-as-root",
                             LunetProcess.executable.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        // Containers often forbid the cross-memory attach Open MPI uses for large messages.
        environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
        // The tests' ranks share one machine, where the average follows backward by
        // default; the overlapped average, the default across machines, is the one
        // the equality tests must hold (the other is the engine tests').
        environment["LUNET_OVERLAP"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let collected = OutputCollector(pipe.fileHandleForReading)
        let start = Date()
        try process.run()
        var timedOut = false, signalled = false
        while process.isRunning {
            if let signal, !signalled, FileManager.default.fileExists(atPath: signal.afterFile) {
                Thread.sleep(forTimeInterval: 1)
                kill(process.processIdentifier, signal.number)
                signalled = true
            }
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                process.terminate()  // mpirun passes SIGTERM on to its ranks
                process.waitUntilExit()
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: collected.finish(),
                      seconds: Date().timeIntervalSince(start), timedOut: timedOut)
    }
}

/// Reads a pipe on a background thread so a chatty child never blocks on a full pipe.
final class OutputCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
