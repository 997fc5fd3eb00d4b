import RdmaKit

/// A kernel that answers like `base` except where the fuzzer rewrote it: attribute contents,
/// link targets, directory listings and link counts by path, and netlink replies. Discovery and rendering
/// run over it unchanged, so a fuzzed value reaches the same parsing a hostile tree would
/// (`--root` on a tree someone else wrote).
public final class OverlayKernel: Kernel, @unchecked Sendable {
    // @unchecked: the overlays are set before the first verb and never change.
    public let base: any Kernel
    public var attributes: [String: [UInt8]] = [:]
    public var links: [String: String] = [:]
    public var listings: [String: [String]] = [:]
    /// Directory counts by directory (`subdirectoryCount`, and `directoriesBeside` of what it
    /// holds): a tree whose link counts disagree with its listings. nil: no count kept.
    public var counts: [String: Int?] = [:]
    public var netlinkReplies: [[UInt8]]?

    public init(base: any Kernel) { self.base = base }

    public var kind: KernelKind { base.kind }
    public func listDirectory(_ path: String) throws(KernelError) -> [String] {
        if let names = listings[path] { return names }
        return try base.listDirectory(path)
    }
    public func readAttribute(_ path: String, limit: Int) throws(KernelError) -> [UInt8] {
        if let bytes = attributes[path] {
            if bytes.count > limit { throw KernelError(.EFBIG, .tooLarge(limit: limit)) }
            return bytes
        }
        return try base.readAttribute(path, limit: limit)
    }
    public func readLink(_ path: String) throws(KernelError) -> String {
        if let target = links[path] { return target }
        return try base.readLink(path)
    }
    public func directoriesBeside(_ path: String) throws(KernelError) -> Int? {
        if let count = counts[KernelPath.dirname(path)] { return count }
        return try base.directoriesBeside(path)
    }
    public func subdirectoryCount(_ directory: String) throws(KernelError) -> Int? {
        if let count = counts[directory] { return count }
        return try base.subdirectoryCount(directory)
    }
    public func deviceNode(_ path: String) throws(KernelError) -> DeviceNodeInfo { try base.deviceNode(path) }
    public func predictOpen(_ path: String) -> Bool? { base.predictOpen(path) }
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
    public func netlinkRDMA(_ request: [UInt8]) throws(KernelError) -> [[UInt8]] {
        if let replies = netlinkReplies { return replies }
        return try base.netlinkRDMA(request)
    }
    public func udevEnumerate(subsystem: String) throws(KernelError) -> [UdevDevice] { try base.udevEnumerate(subsystem: subsystem) }
    public func events() throws(KernelError) -> AsyncStream<KernelEvent> { try base.events() }
}

/// Every regular file and link under `roots`, walked once (the fuzzer picks among them).
public func walkTree(_ kernel: any Kernel, roots: [String]) -> (files: [String], links: [String], dirs: [String]) {
    var files: [String] = [], links: [String] = [], dirs: [String] = []
    var pending = roots
    var seen: Set<String> = []
    while let dir = pending.popLast() {
        guard seen.insert(dir).inserted, let names = try? kernel.listDirectory(dir) else { continue }
        dirs.append(dir)
        for name in names {
            let path = dir + "/" + name
            if (try? kernel.readLink(path)) != nil { links.append(path); continue }
            if (try? kernel.readAttribute(path, limit: 4096)) != nil { files.append(path); continue }
            pending.append(path)
        }
    }
    return (files.sorted(), links.sorted(), dirs.sorted())
}
