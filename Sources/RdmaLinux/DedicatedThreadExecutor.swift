import Glibc

/// A task executor with a thread of its own, for `EventWaiter`'s pump: the pump must not wait
/// for the cooperative pool, which a busy process may have fully occupied with blocking work
/// (on a 2-core machine the pool has two threads; a test runner's synchronous tests took both
/// and held `monitor`'s events back for half a minute). The thread ends when `stop` is called
/// and the jobs enqueued before it have run.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
        // The thread holds the executor until its loop ends (after `stop`).
        Thread { [self] in runLoop() }.start()
    }

    deinit {
        pthread_cond_destroy(cond); cond.deallocate()
        pthread_mutex_destroy(mutex); mutex.deallocate()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        jobs.append(job)
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// No more jobs after the ones already enqueued: the thread finishes them and exits.
    func stop() {
        pthread_mutex_lock(mutex)
        stopped = true
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    private func runLoop() {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty && !stopped { pthread_cond_wait(cond, mutex) }
            if jobs.isEmpty { pthread_mutex_unlock(mutex); return }
            let job = jobs.removeFirst()
            pthread_mutex_unlock(mutex)
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
