import CRdmaLock

/// A value behind a pthread mutex, with `Mutex.withLock`'s shape. Used instead of
/// `Synchronization.Mutex` wherever state is shared between threads, because on Linux that Mutex
/// parks on a raw futex the thread sanitizer does not see: under `swift test --sanitize=thread`
/// every access it guards is reported as a race (issue 10). This lock is intercepted, so TSan
/// checks the code instead of flagging it. Not reentrant: `body` must not take the same lock.
public final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is touched only between rdmalock_lock and rdmalock_unlock.
    // @usableFromInline: `withLock` is inlined into the modules that use it, so each call is
    // specialized for its closure there; called through the generic entry point from another
    // module, every take and give of the rooted kernel's directory cache went through the
    // runtime's generic machinery (issue 9: 15 % of a rooted listing's user time).
    @usableFromInline let lock: OpaquePointer
    @usableFromInline var value: Value

    public init(_ initial: Value) {
        lock = rdmalock_create()
        value = initial
    }

    deinit { rdmalock_destroy(lock) }

    @inlinable
    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        rdmalock_lock(lock)
        defer { rdmalock_unlock(lock) }
        return try body(&value)
    }
}
