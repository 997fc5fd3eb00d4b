import RdmaKit

/// A kernel that answers every read-only verb (listings, attributes, links, device nodes, open
/// predictions, netlink, udev) once from `base` and then from memory: the same bytes or the
/// same KernelError, without the tree walk, the lock and the `show()` formatting on each call.
/// Exact only while nothing changes `base` — the fuzz harnesses that use it never open, write
/// or hot-plug anything on it (open, ioctl, write… are forwarded, not memoized, and must not
/// be called). Profiling fuzz-sysfs showed ~40% of each input in the emulator's path walk
/// (`Tree.resolve`) rather than in the discovery code being fuzzed (Docs/security.md).
///
/// Not thread-safe: `OverlayKernel`'s `concurrentlyPerform` is the protocol default (in order,
/// on the caller's thread), and libFuzzer runs one input at a time.
public final class MemoizedKernel: Kernel, @unchecked Sendable {
    public let base: any Kernel
    private var listings: [String: Result<[String], KernelError>] = [:]
    /// Whole contents (read without a limit); the limit is applied per call, as the base does.
    private var attributes: [String: Result<[UInt8], KernelError>] = [:]
    private var links: [String: Result<String, KernelError>] = [:]
    private var nodes: [String: Result<DeviceNodeInfo, KernelError>] = [:]
    private var predictions: [String: Bool?] = [:]
    private var netlink: [[UInt8]: Result<[[UInt8]], KernelError>] = [:]
    private var udev: [String: Result<[UdevDevice], KernelError>] = [:]
    private var beside: [String: Result<Int?, KernelError>] = [:]
    private var subdirectories: [String: Result<Int?, KernelError>] = [:]

    public init(base: any Kernel) { self.base = base }

    private func memo<K: Hashable, V>(_ table: inout [K: Result<V, KernelError>], _ key: K,
                                      _ body: () throws(KernelError) -> V) throws(KernelError) -> V {
        if let known = table[key] { return try known.get() }
        let result: Result<V, KernelError>
        do { result = .success(try body()) } catch { result = .failure(error) }
        table[key] = result
        return try result.get()
    }

    public var kind: KernelKind { base.kind }
    public var openingDiagnostics: [Diagnostic] { base.openingDiagnostics }
    public var recordedNetlink: [String: SnapshotManifest.NetlinkDevice] { base.recordedNetlink }
    public var eventSource: String { base.eventSource }

    public func listDirectory(_ path: String) throws(KernelError) -> [String] {
        try memo(&listings, path) { () throws(KernelError) in try base.listDirectory(path) }
    }
    public func readAttribute(_ path: String, limit: Int) throws(KernelError) -> [UInt8] {
        let bytes = try memo(&attributes, path) { () throws(KernelError) in try base.readAttribute(path, limit: Int.max) }
        // EmulatedKernel and LinuxKernel: more than `limit` bytes is EFBIG .tooLarge(limit).
        if bytes.count > limit { throw KernelError(.EFBIG, .tooLarge(limit: limit)) }
        return bytes
    }
    public func readLink(_ path: String) throws(KernelError) -> String {
        try memo(&links, path) { () throws(KernelError) in try base.readLink(path) }
    }
    public func directoriesBeside(_ path: String) throws(KernelError) -> Int? {
        try memo(&beside, path) { () throws(KernelError) in try base.directoriesBeside(path) }
    }
    public func subdirectoryCount(_ directory: String) throws(KernelError) -> Int? {
        try memo(&subdirectories, directory) { () throws(KernelError) in try base.subdirectoryCount(directory) }
    }
    public func deviceNode(_ path: String) throws(KernelError) -> DeviceNodeInfo {
        try memo(&nodes, path) { () throws(KernelError) in try base.deviceNode(path) }
    }
    public func predictOpen(_ path: String) -> Bool? {
        if let known = predictions[path] { return known }
        let answer = base.predictOpen(path)
        predictions[path] = .some(answer)
        return answer
    }
    public func predictOpen(_ path: String, node: DeviceNodeInfo) -> Bool? { predictOpen(path) }
    public func netlinkRDMA(_ request: [UInt8]) throws(KernelError) -> [[UInt8]] {
        try memo(&netlink, request) { () throws(KernelError) in try base.netlinkRDMA(request) }
    }
    public func udevEnumerate(subsystem: String) throws(KernelError) -> [UdevDevice] {
        try memo(&udev, subsystem) { () throws(KernelError) in try base.udevEnumerate(subsystem: subsystem) }
    }

    public func open(_ path: String, flags: OpenFlags) throws(KernelError) -> KernelHandle { try base.open(path, flags: flags) }
    public func close(_ handle: KernelHandle) { base.close(handle) }
    public func ioctl(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> Int {
        try base.ioctl(handle, request: request, argument: argument)
    }
    public func driverOpsRequest(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> KernelHandle {
        try base.driverOpsRequest(handle, request: request, argument: argument)
    }
    public func stat(_ handle: KernelHandle) throws(KernelError) -> DeviceNodeInfo { try base.stat(handle) }
    public func write(_ handle: KernelHandle, _ bytes: [UInt8]) throws(KernelError) -> Int { try base.write(handle, bytes) }
    public func read(_ handle: KernelHandle, count: Int) throws(KernelError) -> [UInt8] { try base.read(handle, count: count) }
    public func allocateUserMemory(count: Int) throws(KernelError) -> UserMemory { try base.allocateUserMemory(count: count) }
    public func events() throws(KernelError) -> AsyncStream<KernelEvent> { try base.events() }
}
