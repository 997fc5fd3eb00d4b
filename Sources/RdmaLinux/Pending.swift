import Glibc
import Synchronization
@_spi(KernelSeam) import RdmaKit

/// A value computed on a thread of its own from the moment it is made, and waited for only where
/// it is first needed. A `--root` tree's snapshot manifest is decoded this way (4–5 ms for a
/// thousand devices, issue 9) while discovery lists the class directory and reads the devices,
/// none of which needs it: only the node check and the recorded netlink answers do, later.
final class Pending<Value: Sendable>: @unchecked Sendable {
    /// Where the worker leaves the value. Not the Pending itself: a worker holding that would
    /// keep it alive, and its deinit would then run on the worker and could not join it.
    private final class Result: @unchecked Sendable {
        // @unchecked: written once, by the worker before it exits or by `init` when no thread
        // could be made, and read only after pthread_join (which orders the write before the
        // read), under `unjoined`'s lock — or after `ready` reads true (acquire), which is
        // stored (release) only once the value is there for good.
        var value: Value?
    }
    private let result = Result()
    /// The worker not yet joined; nil once joined (or when there never was one).
    private let unjoined = Locked<pthread_t?>(nil)
    /// Set (release) once `result` holds the value for good: then it is read without the lock
    /// (acquire), as the node check does on every discovery thread (issue 9).
    private let ready = Atomic<Bool>(false)

    init(_ compute: @escaping @Sendable () -> Value) {
        let result = result
        if let tid = Thread({ result.value = compute() }).startJoinable() {
            unjoined.withLock { $0 = tid }
        } else {
            result.value = compute()
            ready.store(true, ordering: .releasing)
        }
    }

    /// A value already computed: no thread (for work too small to be worth one).
    init(value: Value) {
        result.value = value
        ready.store(true, ordering: .releasing)
    }

    /// The value, waiting for the worker the first time.
    var value: Value {
        if ready.load(ordering: .acquiring) { return result.value! }
        return unjoined.withLock { tid -> Value in
            if let worker = tid {
                pthread_join(worker, nil)
                tid = nil
            }
            ready.store(true, ordering: .releasing)
            return result.value!
        }
    }

    /// Waits for the worker (an owner that is going away and closes what it reads).
    func wait() { _ = value }

    deinit {
        // Dropped unread: wait for the worker all the same (what it reads must outlive it).
        if let worker = unjoined.withLock({ $0 }) { pthread_join(worker, nil) }
    }
}
