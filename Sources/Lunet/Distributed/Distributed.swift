import Foundation
import MPIShim

/// The job this process belongs to. Open MPI is loaded (dlopen of
/// libmpi.so.40) only when the process was started by an MPI launcher, so
/// lunet builds, starts and runs without MPI installed, and a run outside
/// `mpirun` never initialises it.
///
/// ```lua
/// -- mpirun -np 4 lunet train.lua
/// if dist.isMain() then print("rank " .. dist.rank() .. " of " .. dist.size()) end
/// ```
public enum Distributed {
    /// Set by `start()` on the Lua thread before any script runs; read-only afterwards.
    nonisolated(unsafe) public private(set) static var world: Communicator = SingleProcessCommunicator()

    /// The launcher variables that say this process is one rank of a job:
    /// Open MPI's `mpirun` sets `OMPI_COMM_WORLD_SIZE`, PMIx launchers (Slurm's
    /// `srun --mpi=pmix`) set `PMIX_RANK`.
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK"]

    /// True when the environment says a launcher started this process;
    /// `LUNET_MPI=0` forces a single-process run.
    public static func launchedByMPI(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if environment["LUNET_MPI"] == "0" { return false }
        return launcherVariables.contains { environment[$0] != nil }
    }

    /// Starts MPI when the process was launched by `mpirun`, else keeps the single-process world.
    public static func start() throws {
        guard launchedByMPI(), world is SingleProcessCommunicator else { return }
        world = try MPICommunicator()
        if let threads = threadsPerRank() {
            setenv("LUNET_LOOP_THREADS", String(threads), 1)  // read by ParallelLoop at each loop
            BLAS.setThreadCount(threads)
        }
    }

    /// Ranks on one machine share its cores: unless `OPENBLAS_NUM_THREADS` or
    /// `LUNET_LOOP_THREADS` says otherwise, each of Open MPI's
    /// `OMPI_COMM_WORLD_LOCAL_SIZE` ranks takes `cores / local ranks` threads
    /// (2 ranks on 2 cores: 1 thread each). Nil leaves the counts alone.
    public static func threadsPerRank(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                      cores: Int = ProcessInfo.processInfo.processorCount) -> Int? {
        guard environment["OPENBLAS_NUM_THREADS"] == nil, environment["LUNET_LOOP_THREADS"] == nil,
              let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init), local > 1 else { return nil }
        return max(1, cores / local)
    }

    /// Whether training overlaps the gradient average with backward
    /// (`GradientAverager.overlapsBackward`). `LUNET_OVERLAP=1` or `0` decides;
    /// by default it does unless every rank runs on this machine: there the
    /// averaging thread takes cores that backward is using (measured on 2
    /// cores and 2 ranks: 83-97% of the averaging hidden, yet steps 4-13%
    /// slower), where across machines the network does the moving.
    public static func overlapsGradientAverage(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let forced = environment["LUNET_OVERLAP"] { return forced != "0" }
        guard let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init),
              let size = environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) else { return true }
        return local < size
    }

    /// True when MPI is running with more than one rank.
    public static var isMultiRank: Bool { world.size > 1 }

    /// Calls `MPI_Finalize`, so the launcher sees a clean exit; call before `exit(0)`.
    public static func finish() {
        lunet_mpi_finish()
    }

    /// Ends a failed run. Under MPI with several ranks the message is printed
    /// with this rank's (1-based) number and every rank is ended by
    /// `MPI_Abort`, so no other rank waits forever in a collective. A rank
    /// other than the main one first waits `grace` seconds: when every rank
    /// fails the same way (a mistake in the script), the main rank prints
    /// the message and ends the job before the others repeat it.
    public static func abortJob(message: String, code: Int32 = 1, grace: Double = 1.0,
                                print: (String) -> Void) -> Never {
        guard isMultiRank else {
            print(message)
            exit(code)
        }
        if !world.isMain { Thread.sleep(forTimeInterval: grace) }
        print("[rank \(world.rank + 1) of \(world.size), MPI rank \(world.rank)] \(message)")
        lunet_mpi_abort(code)
        exit(code)  // lunet_mpi_abort does not return
    }
}
