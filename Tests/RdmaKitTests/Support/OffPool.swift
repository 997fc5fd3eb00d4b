import Glibc
import RdmaKit

/// Runs a blocking body (an in-process `rdmactl monitor`, which waits on a condition variable)
/// on its own thread and awaits it, so no Swift Concurrency pool thread is blocked: the
/// monitor's event pump is a task and needs one.
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        let box = Unmanaged.passRetained(OffPoolBox { continuation.resume(returning: body()) }).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            Unmanaged<OffPoolBox>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed")
        pthread_detach(thread)
    }
}

private final class OffPoolBox {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// `rdmactl(…)` on its own thread: tests that run many in-process commands (gather, fleet)
/// leave the concurrency pool free for the monitor tests' event pump, which needs a pool thread
/// while they wait. Only the command runs off the pool; expectations stay in the test's task.
func rdmactlOffPool(_ arguments: [String], environment: [String: String] = [:], stdin: [UInt8] = [],
                    runEngine: (@Sendable (EngineInvocation) throws(RdmaError) -> EngineOutcome)? = nil) async -> CLIResult {
    await offPool { rdmactl(arguments, environment: environment, stdin: stdin, runEngine: runEngine) }
}
