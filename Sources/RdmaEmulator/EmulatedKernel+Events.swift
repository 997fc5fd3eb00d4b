import RdmaKit

/// Netlink, udev enumeration and the event stream.
extension EmulatedKernel {
    /// NETLINK_RDMA: the nldev model (Netlink/Nldev.swift) answers with the kernel's raw
    /// messages, NLMSG_ERROR included; under the lock, never blocking. A SET that renames a
    /// device publishes its uevent after the lock is let go.
    public func netlinkRDMA(_ request: [UInt8]) throws(KernelError) -> [[UInt8]] {
        let (profile, credentials) = (self.profile, self.credentials)
        let (replies, events) = try box.state.withLock { (state) throws(KernelError) -> ([[UInt8]], [KernelEvent]) in
            let replies = try Nldev.respond(to: request, state: &state, profile: profile, credentials: credentials)
            defer { state.outbox = [] }
            return (replies, state.outbox)
        }
        publish(events)   // a rename's move uevent (RDMA_NLDEV_CMD_SET)
        return replies
    }

    /// What libudev's enumeration of a subsystem finds (it reads sysfs, udevd or not): the
    /// entries of `/sys/class/<subsystem>` that are devices (a directory with `uevent`), each
    /// with its canonical syspath, sorted by syspath as libudev sorts. An unknown subsystem is
    /// empty.
    public func udevEnumerate(subsystem: String) throws(KernelError) -> [UdevDevice] {
        guard KernelPath.isPlainName(subsystem) else { return [] }
        return box.state.withLock { state -> [UdevDevice] in
            let classDir = "/sys/class/" + subsystem
            guard case .directory(let names)? = state.tree.entry(classDir)?.kind else { return [] }
            var found: [UdevDevice] = []
            for name in names {
                guard let (path, entry) = try? state.tree.lookup(classDir + "/" + name),
                      entry.isDirectory, state.tree.entry(path + "/uevent") != nil else { continue }
                found.append(UdevDevice(sysname: name, syspath: path))
            }
            return found.sorted { $0.syspath < $1.syspath }
        }
    }

    /// Device events from now on: the uevents of hot-unplug and replug (Hotplug/), as the
    /// kernel's NETLINK_KOBJECT_UEVENT socket would carry them. The subscription is live when
    /// this returns. The stream finishes when the consuming task is cancelled (AsyncStream's
    /// iterator is cancellation-aware) and never blocks the kernel.
    public func events() throws(KernelError) -> AsyncStream<KernelEvent> {
        let (stream, continuation) = AsyncStream<KernelEvent>.makeStream()
        let id = box.state.withLock { state -> Int in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = continuation
            return id
        }
        let box = self.box
        continuation.onTermination = { _ in
            box.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Delivers events to every subscriber. Continuations are collected under the lock and fed
    /// outside it, so a subscriber's termination handler (which takes the lock) cannot deadlock.
    func publish(_ events: [KernelEvent]) {
        let subscribers = box.state.withLock { Array($0.subscribers.values) }
        for continuation in subscribers {
            for event in events { continuation.yield(event) }
        }
    }
}
