import Glibc
import RdmaKit
@testable import RdmaLinux
import Testing

/// `Pending`: the value is computed once, on a thread of its own, and every reader — however
/// many at once — gets that one value.
@Suite("Pending")
struct PendingTests {
    @Test func computedOnceOffTheCallersThread() {
        let calls = Locked(0)
        let caller = pthread_self()
        let computedOn = Locked<pthread_t?>(nil)
        let pending = Pending { () -> [Int] in
            calls.withLock { $0 += 1 }
            computedOn.withLock { $0 = pthread_self() }
            return Array(0..<1000)
        }
        let seen = Locked<[[Int]]>([])
        ParallelWork.perform(64) { _ in
            let value = pending.value
            seen.withLock { $0.append(value) }
        }
        #expect(calls.withLock { $0 } == 1)
        #expect(seen.withLock { $0 }.count == 64)
        #expect(seen.withLock { $0 }.allSatisfy { $0 == Array(0..<1000) })
        let thread = computedOn.withLock { $0 }
        #expect(thread != nil && pthread_equal(thread!, caller) == 0)
    }

    /// Never read: dropping it still waits for the worker (nothing it uses may go away first).
    @Test func droppedUnreadStillFinishes() {
        let finished = Locked(false)
        do {
            _ = Pending { () -> Int in
                usleep(20_000)
                finished.withLock { $0 = true }
                return 1
            }
        }
        #expect(finished.withLock { $0 })
    }
}
