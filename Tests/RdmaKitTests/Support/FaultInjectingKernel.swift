import RdmaKit

/// Wraps a kernel and makes chosen verbs fail, like swift-system's fault injection but passed in
/// explicitly: `readAttribute` of a path answers an errno (real sysfs EINVAL/ENODEV cases), a
/// link read can fail once (a device removed between listing and reading), and every call is
/// recorded so a test can assert what was (not) touched.
final class FaultInjectingKernel: Kernel, @unchecked Sendable {
    let base: any Kernel
    let readFaults: [String: Errno]
    let linkFaults: [String: Errno]
    let listFaults: [String: Errno]
    /// false: `directoriesBeside` answers nil, as on a file system that keeps no link count.
    let countsDirectories: Bool
    let calls = Locked<[String]>([])

    init(_ base: any Kernel, readFaults: [String: Errno] = [:], linkFaults: [String: Errno] = [:],
         listFaults: [String: Errno] = [:], countsDirectories: Bool = true) {
        self.base = base; self.readFaults = readFaults; self.linkFaults = linkFaults; self.listFaults = listFaults
        self.countsDirectories = countsDirectories
    }

    var kind: KernelKind { base.kind }
    private func note(_ s: String) { calls.withLock { $0.append(s) } }
    var recorded: [String] { calls.withLock { $0 } }

    func listDirectory(_ path: String) throws(KernelError) -> [String] {
        note("list " + path)
        if let e = listFaults[path] { throw KernelError(e) }
        return try base.listDirectory(path)
    }
    func readAttribute(_ path: String, limit: Int) throws(KernelError) -> [UInt8] {
        note("read " + path)
        if let e = readFaults[path] { throw KernelError(e) }
        return try base.readAttribute(path, limit: limit)
    }
    func readLink(_ path: String) throws(KernelError) -> String {
        note("readlink " + path)
        if let e = linkFaults[path] { throw KernelError(e) }
        return try base.readLink(path)
    }
    func directoriesBeside(_ path: String) throws(KernelError) -> Int? {
        note("directories beside " + path)
        return countsDirectories ? try base.directoriesBeside(path) : nil
    }
    func subdirectoryCount(_ directory: String) throws(KernelError) -> Int? {
        note("subdirectories " + directory)
        return countsDirectories ? try base.subdirectoryCount(directory) : nil
    }
    func deviceNode(_ path: String) throws(KernelError) -> DeviceNodeInfo { note("stat " + path); return try base.deviceNode(path) }
    func predictOpen(_ path: String) -> Bool? { note("access " + path); return base.predictOpen(path) }
    func predictOpen(_ path: String, node: DeviceNodeInfo) -> Bool? {
        note("access " + path); return base.predictOpen(path, node: node)
    }
    func open(_ path: String, flags: OpenFlags) throws(KernelError) -> KernelHandle { note("open " + path); return try base.open(path, flags: flags) }
    func close(_ handle: KernelHandle) { base.close(handle) }
    func ioctl(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> Int {
        try base.ioctl(handle, request: request, argument: argument)
    }
    func driverOpsRequest(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> KernelHandle {
        try base.driverOpsRequest(handle, request: request, argument: argument)
    }
    func stat(_ handle: KernelHandle) throws(KernelError) -> DeviceNodeInfo { try base.stat(handle) }
    func write(_ handle: KernelHandle, _ bytes: [UInt8]) throws(KernelError) -> Int { try base.write(handle, bytes) }
    func read(_ handle: KernelHandle, count: Int) throws(KernelError) -> [UInt8] { try base.read(handle, count: count) }
    func allocateUserMemory(count: Int) throws(KernelError) -> UserMemory { try base.allocateUserMemory(count: count) }
    func netlinkRDMA(_ request: [UInt8]) throws(KernelError) -> [[UInt8]] {
        // nlmsg_type (host order, bytes 4-5) names the nldev op: "netlink 0x1405" is PORT_GET.
        if request.count >= 6 { note("netlink 0x" + String(UInt16(request[4]) | UInt16(request[5]) << 8, radix: 16)) }
        return try base.netlinkRDMA(request)
    }
    func udevEnumerate(subsystem: String) throws(KernelError) -> [UdevDevice] { try base.udevEnumerate(subsystem: subsystem) }
    func events() throws(KernelError) -> AsyncStream<KernelEvent> { try base.events() }
}
