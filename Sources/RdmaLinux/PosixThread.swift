import Glibc
import Synchronization

/// A POSIX thread running a closure (no Foundation.Thread or Dispatch below the seam): the one
/// place RdmaLinux creates threads — the event readers (detached), the discovery workers
/// (joined, ParallelWork) and the monitor's executor (detached).
struct Thread {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }

    /// Starts it detached. False when the thread could not be created (the body never runs).
    @discardableResult
    func start() -> Bool {
        guard let tid = spawn() else { return false }
        pthread_detach(tid)
        return true
    }

    /// Starts it joinable; nil when the thread could not be created, so the caller can run the
    /// work itself instead.
    func startJoinable() -> pthread_t? { spawn() }

    private func spawn() -> pthread_t? {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        guard pthread_create(&tid, nil, { arg in
            Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue().body()
            return nil
        }, box) == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return nil
        }
        return tid
    }

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

/// A stop flag a reader thread polls and a stream's termination handler sets.
final class Cancelled: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    func get() -> Bool { flag.load(ordering: .acquiring) }
}
