import CRdmaSys
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
    static var slot: Int { threadValue & slotMask }

    /// Whether this thread is a worker with a descriptor table of its own (`perform`'s
    /// `privateDescriptors`): a descriptor it opens means nothing on any other thread, and
    /// /proc/self/fd (the thread group leader's table) is not its table — /proc/thread-self/fd is.
    static var hasPrivateDescriptors: Bool { threadValue & privateBit != 0 }

    /// Whether this thread is running `perform`'s work — a worker, or the caller while its
    /// work runs: work started there runs in order on it (LinuxKernel.concurrentlyPerform).
    static var isInsideWork: Bool { threadValue != 0 }

    private static let slotMask = 0xff, privateBit = 0x100, callerBit = 0x200
    private static var threadValue: Int { slotKey.map { Int(bitPattern: pthread_getspecific($0)) } ?? 0 }
    private static func setThreadValue(_ value: Int) {
        if let slotKey { pthread_setspecific(slotKey, UnsafeRawPointer(bitPattern: value)) }
    }

    /// nil when the process has no key left (PTHREAD_KEYS_MAX): every thread is then slot 0.
    private static let slotKey: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key, nil) == 0 ? key : nil
    }()

    /// The cores online, asked once a process: glibc reads /sys/devices/system/cpu/online for
    /// each sysconf (three syscalls), and discovery runs a pass or two per command.
    static let onlineCores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// Runs `body` for every index on the caller's thread and up to `cores - 1` workers.
    /// `privateDescriptors`: each worker first takes a copy of the descriptor table
    /// (unshare(CLONE_FILES), CRdmaSys `rdmasys_unshare_files`), so that the thousands of
    /// opens and closes of a discovery pass no longer contend for one table's lock and
    /// descriptor look-ups take the kernel's single-user path (fs/file.c): about 2 % less CPU for a
    /// rooted listing of 1,024 devices, more in wall time (Docs/performance.md). A descriptor
    /// such a worker opens stays in its table and is closed when it exits: bodies may use
    /// descriptors opened before the work, never keep one they open. Returns the worker slots
    /// that did get a table of their own (a failed unshare leaves a worker sharing, as without).
    @discardableResult
    static func perform(_ count: Int, privateDescriptors: Bool = false, _ body: @Sendable (Int) -> Void) -> Set<Int> {
        let callerValue = threadValue
        setThreadValue(callerValue | callerBit)
        defer { setThreadValue(callerValue) }
        let threads = count < minimumItems ? 1 : min(maximumThreads, max(1, onlineCores), count / (minimumItems / 2))
        guard threads > 1 else {
            for i in 0..<count { body(i) }
            return []
        }
        let unshared = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            let work = Work(count: count, body: body)
            var tids: [pthread_t] = []
            for worker in 1..<threads {
                if let tid = Thread({
                    var value = worker
                    if privateDescriptors, rdmasys_unshare_files() == 0 {
                        value |= privateBit
                        unshared.bitwiseOr(1 << worker, ordering: .relaxed)
                    }
                    setThreadValue(value)
                    work.run()
                }).startJoinable() { tids.append(tid) }
            }
            work.run()
            // pthread_join: every body has returned, and its writes happen-before ours.
            for tid in tids { pthread_join(tid, nil) }
        }
        let bits = unshared.load(ordering: .relaxed)
        return Set((1..<maximumThreads).filter { bits & (1 << $0) != 0 })
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
