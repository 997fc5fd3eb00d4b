import Glibc
import Synchronization

/// `Kernel.concurrentlyPerform` for the real kernel: indices handed out from one atomic
/// counter to the caller's thread and up to `cores - 1` joined threads (PosixThread.swift). Small batches stay on the caller's thread: a thread costs tens of
/// microseconds, a device's reads about as much.
enum ParallelWork {
    /// Below this many items the work runs in order.
    static let minimumItems = 32
    /// At most this many threads (each reader is mostly waiting on syscalls, more do not pay
    /// on the 2- to 8-core machines measured; Docs/performance.md).
    static let maximumThreads = 8

    /// Which of the work's threads this is: 0 on the caller's thread (and any thread that is
    /// not a worker), 1 … on the workers, by a thread-specific value the worker sets first.
    /// Keys per-thread state such as the rooted kernel's directory caches.
    static var slot: Int { slotKey.map { Int(bitPattern: pthread_getspecific($0)) } ?? 0 }

    /// nil when the process has no key left (PTHREAD_KEYS_MAX): every thread is then slot 0.
    private static let slotKey: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key, nil) == 0 ? key : nil
    }()

    /// The cores online, asked once a process: glibc reads /sys/devices/system/cpu/online for
    /// each sysconf (three syscalls), and discovery runs a pass or two per command.
    static let onlineCores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    static func perform(_ count: Int, _ body: @Sendable (Int) -> Void) {
        guard count >= minimumItems else {
            for i in 0..<count { body(i) }
            return
        }
        let threads = min(maximumThreads, max(1, onlineCores), count / (minimumItems / 2))
        guard threads > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = Work(count: count, body: body)
            var tids: [pthread_t] = []
            let key = slotKey
            for worker in 1..<threads {
                if let tid = Thread({
                    if let key { pthread_setspecific(key, UnsafeRawPointer(bitPattern: worker)) }
                    work.run()
                }).startJoinable() { tids.append(tid) }
            }
            work.run()
            // pthread_join: every body has returned, and its writes happen-before ours.
            for tid in tids { pthread_join(tid, nil) }
        }
    }

    final class Work: @unchecked Sendable {
        let count: Int
        let body: @Sendable (Int) -> Void
        let next = Atomic<Int>(0)
        init(count: Int, body: @escaping @Sendable (Int) -> Void) { self.count = count; self.body = body }
        func run() {
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < count else { return }
                body(i)
            }
        }
    }
}
