import Glibc

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
