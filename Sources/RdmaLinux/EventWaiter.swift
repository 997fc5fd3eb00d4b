import Glibc
import RdmaKit

/// Lets synchronous code (a command) wait for the next event of an `AsyncStream` with a
/// deadline. A task on a thread of its own moves events from the stream into a queue; `next` waits on a condition
/// variable on CLOCK_MONOTONIC, so a timeout fires whether or not anything ever arrives.
/// `cancel` ends the task, which ends the stream's iteration, whose termination handler tells
/// the kernel's reader thread (UeventSocket, UdevMonitor) or the emulator to stop.
public final class EventWaiter: @unchecked Sendable {
    public enum Next: Sendable, Equatable {
        case event(KernelEvent)
        case timedOut
        /// The stream ended (its source failed or was cancelled).
        case finished
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [KernelEvent] = []
    private var finished = false
    private var task: Task<Void, Never>?

    public init(_ stream: AsyncStream<KernelEvent>) {
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
        // Its own thread, not the cooperative pool (see DedicatedThreadExecutor): the thread
        // ends with the pump.
        let executor = DedicatedThreadExecutor()
        task = Task.detached(executorPreference: executor) { [self] in
            for await event in stream { self.push(event) }
            self.finish()
            executor.stop()
        }
    }

    deinit {
        task?.cancel()
        pthread_cond_destroy(cond); cond.deallocate()
        pthread_mutex_destroy(mutex); mutex.deallocate()
    }

    private func push(_ event: KernelEvent) {
        pthread_mutex_lock(mutex)
        queue.append(event)
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    private func finish() {
        pthread_mutex_lock(mutex)
        finished = true
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// The next event, waiting at most `timeout` (not at all when it is zero or negative).
    public func next(waitingAtMost timeout: Duration) -> Next {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let (seconds, attoseconds) = max(timeout, .zero).components
        var deadline = timespec(tv_sec: now.tv_sec + Int(seconds), tv_nsec: now.tv_nsec + Int(attoseconds / 1_000_000_000))
        if deadline.tv_nsec >= 1_000_000_000 { deadline.tv_sec += 1; deadline.tv_nsec -= 1_000_000_000 }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while queue.isEmpty && !finished {
            if pthread_cond_timedwait(cond, mutex, &deadline) == ETIMEDOUT { break }
        }
        if !queue.isEmpty { return .event(queue.removeFirst()) }
        return finished ? .finished : .timedOut
    }

    /// Stops listening; the kernel's reader stops within its poll interval.
    public func cancel() { task?.cancel() }
}
