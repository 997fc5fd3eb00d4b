// The one seam between rdmactl's client code and a kernel (DESIGN §2).
//
// Everything above this protocol — discovery, negotiation, commands, output — is written once
// and runs unchanged against the live kernel (`LinuxKernel`), a sysfs/dev tree under a directory
// (`LinuxKernel(root:)`) and the in-process model (`EmulatedKernel`). Verbs take kernel paths
// ("/sys/class/infiniband", "/dev/infiniband/uverbs0"); the implementation maps them into its
// root and never lets a path or link escape it.

/// What stands behind a `Kernel`: reported in every output so a reader knows what was looked at.
public enum KernelKind: Sendable, Equatable {
    /// The running kernel: /sys, /dev, netlink, libudev.
    case live
    /// A directory holding `sys/` and `dev/` (a snapshot or a hand-made system root).
    case systemRoot(path: String)
    /// A directory holding the contents of /sys itself (SYSFS_PATH style): no /dev at all.
    case sysfsRoot(path: String)
    /// The in-process emulator.
    case emulated(profile: String)

    /// True when character devices can be seen (a system root or the live system).
    public var hasDeviceNodes: Bool {
        if case .sysfsRoot = self { return false }
        return true
    }
}

/// The kernel verbs rdmactl needs. Every implementation is thread-safe.
public protocol Kernel: AnyObject, Sendable {
    var kind: KernelKind { get }

    /// Problems noticed while opening the kernel that are not errors (an unusable snapshot
    /// manifest under a root): commands report them with their own warnings.
    var openingDiagnostics: [Diagnostic] { get }

    /// What netlink said when a tree was captured (a snapshot manifest's `netlink_devices`), by
    /// device name: a tree on disk has no netlink of its own. Empty for the live kernel and the
    /// emulator, which answer netlink themselves.
    var recordedNetlink: [String: SnapshotManifest.NetlinkDevice] { get }

    // MARK: sysfs

    /// Names in a directory, without "." and "..", in no particular order. A name that is not
    /// valid UTF-8 has its bad bytes as `\xNN` escapes; it cannot be opened by that name.
    func listDirectory(_ path: String) throws(KernelError) -> [String]

    /// The contents of a regular file, at most `limit` bytes. Files larger than `limit` fail with
    /// `EFBIG`; FIFOs, sockets and devices are never opened for reading (`.notRegular`).
    func readAttribute(_ path: String, limit: Int) throws(KernelError) -> [UInt8]

    /// `readAttribute`, from a caller that reads only one or two attributes of `path`'s
    /// directory (`list`'s columns): a tree on disk then looks at the file with one `fstatat`
    /// instead of listing the whole directory first, which pays only when most of it is read
    /// (issue 9). The same bytes and errors either way.
    func readAttribute(_ path: String, limit: Int, fewInDirectory: Bool) throws(KernelError) -> [UInt8]

    /// `readAttribute` of `directory`/`name`, for a caller that holds the two apart: a tree on
    /// disk opens `name` relative to the directory's descriptor, so the path is never joined
    /// and split again (issue 9: joining and splitting a path per attribute was a tenth of
    /// `list --json`'s instructions). The same bytes and errors as the joined path's.
    func readAttribute(in directory: String, named name: String, limit: Int, fewInDirectory: Bool) throws(KernelError) -> [UInt8]

    /// An attribute as text, one trailing newline removed: `directory`/`name` as
    /// `readAttribute(in:named:…)` reads it, or `directory` itself when `name` is nil. The same
    /// bytes and errors; a kernel on disk reads a short attribute into storage lent for the call
    /// and makes the String from it, without an array between (an `[UInt8]` per attribute —
    /// its allocation, the look-up of its type's metadata, its free — was 900 of the 1,400
    /// instructions a read took in user space, issue 9).
    func readAttributeText(in directory: String, named name: String?, limit: Int, fewInDirectory: Bool) throws(KernelError) -> SysfsText

    /// `readAttributeText` of each of `names` in `directory`, in order: the same texts and
    /// errors, each attribute read once. A kernel may read them in one call below the seam
    /// (issue 9: a tree's device directory, port and class device are read attribute after
    /// attribute, and the way down to each open — the reader's policy, the root's checks, the
    /// directory's look-up — cost more user time than the open, read and close themselves).
    func readAttributeTexts(in directory: String, named names: AttributeNames, limit: Int,
                            fewInDirectory: Bool) -> [Result<SysfsText, KernelError>]

    /// Where the symbolic link at `path` points, as a normalised absolute kernel path resolved
    /// against the link's directory. `EINVAL` when `path` is not a link; `.leavesRoot` when the
    /// target climbs above the root.
    func readLink(_ path: String) throws(KernelError) -> String

    /// How many directories the directory holding `path` holds (`path`'s own included), from
    /// that directory's link count: st_nlink is 2 plus its subdirectories on sysfs — kernfs sets
    /// `set_nlink(inode, kn->dir.subdirs + 2)` on every stat (fs/kernfs/inode.c
    /// kernfs_refresh_inode), counting subdirectories of every network namespace — as on tmpfs
    /// and ext4. nil when the file system keeps no such count (btrfs says 1). One stat where
    /// counting by a listing costs an open, two getdents64 and a close (issue 9).
    func directoriesBeside(_ path: String) throws(KernelError) -> Int?

    /// How many directories `directory` holds, by its own link count as `directoriesBeside`
    /// counts; nil when the file system keeps no such count or `directory` is a link (not
    /// followed: the caller lists instead).
    func subdirectoryCount(_ directory: String) throws(KernelError) -> Int?

    // MARK: device nodes

    /// Metadata of a node under /dev (no link following). `ENOENT` when absent.
    func deviceNode(_ path: String) throws(KernelError) -> DeviceNodeInfo

    /// Whether the caller could open `path` read-write — a prediction (`faccessat(AT_EACCESS)` on
    /// a live system, mode bits against the caller's credentials elsewhere). nil: unknown.
    func predictOpen(_ path: String) -> Bool?

    /// The same prediction for a node the caller has just looked at with `deviceNode`, so a
    /// kernel that decides from mode bits need not look again.
    func predictOpen(_ path: String, node: DeviceNodeInfo) -> Bool?

    /// Opens a device node. The handle is opaque: an emulated handle is not an OS descriptor.
    func open(_ path: String, flags: OpenFlags) throws(KernelError) -> KernelHandle
    func close(_ handle: KernelHandle)
    /// `ioctl(2)` with a pointer-sized argument (an address in user memory, or a plain value).
    /// A request whose success is a new descriptor (`DriverOpsABI.yieldsDescriptor`) is refused
    /// here with EINVAL: it goes through `driverOpsRequest`, so no descriptor escapes as an Int.
    func ioctl(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> Int
    /// RDMA_GET_DRIVER_OPS_FD (Docs/ABI.md §2) on a uverbs handle: `argument` is the address of a
    /// `struct rdma_driver_ops_req` in user memory (the kernel writes `offered_*` back there);
    /// `request` is the number sent (the real one unless a test probes a malformed one). Success
    /// is a new handle the caller owns and must close.
    func driverOpsRequest(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> KernelHandle
    /// fstat(2) of an open handle: which node was really opened (`st_rdev`), as rdma-core's
    /// `open_cdev` checks it against the dev_t sysfs or GET_CHARDEV named.
    func stat(_ handle: KernelHandle) throws(KernelError) -> DeviceNodeInfo
    func write(_ handle: KernelHandle, _ bytes: [UInt8]) throws(KernelError) -> Int
    func read(_ handle: KernelHandle, count: Int) throws(KernelError) -> [UInt8]

    // MARK: user memory

    /// A zero-filled buffer whose `address` can be placed inside ioctl/write payloads.
    func allocateUserMemory(count: Int) throws(KernelError) -> UserMemory

    // MARK: netlink, udev, events

    /// Sends one NETLINK_RDMA request and returns every reply message up to NLMSG_DONE or the
    /// acknowledgement, raw. `EPROTONOSUPPORT` when the kernel has no RDMA netlink.
    func netlinkRDMA(_ request: [UInt8]) throws(KernelError) -> [[UInt8]]

    /// Devices of a subsystem as udev enumerates them. `EOPNOTSUPP` where there is no udev.
    func udevEnumerate(subsystem: String) throws(KernelError) -> [UdevDevice]

    // MARK: work

    /// Runs `body(i)` for every `i` in `0..<count`, possibly on several threads at once, and
    /// returns when all have run. Discovery reads independent devices through it (issue 9: a
    /// listing of a thousand devices should use the cores it has). The live kernel and a tree
    /// on disk run bodies on OS threads; the default runs them in order on the caller's.
    func concurrentlyPerform(_ count: Int, _ body: @Sendable (Int) -> Void)

    /// A stream of device events (uevents: add, remove, move…), starting now: the subscription
    /// is live when this returns, so nothing sent after it is lost.
    func events() throws(KernelError) -> AsyncStream<KernelEvent>

    /// Where `events()` listens, as reported by `monitor`: "udev" (udevd's processed events),
    /// "kernel" (NETLINK_KOBJECT_UEVENT) or "emulated".
    var eventSource: String { get }
}

extension Kernel {
    public var openingDiagnostics: [Diagnostic] { [] }

    public var recordedNetlink: [String: SnapshotManifest.NetlinkDevice] { [:] }

    /// A kernel that does not say: the caller counts by listing.
    public func directoriesBeside(_ path: String) throws(KernelError) -> Int? { nil }
    public func subdirectoryCount(_ directory: String) throws(KernelError) -> Int? { nil }

    public func concurrentlyPerform(_ count: Int, _ body: @Sendable (Int) -> Void) {
        for i in 0..<count { body(i) }
    }

    /// `transform` of every element, through `concurrentlyPerform`; results in `items`' order.
    public func concurrentMap<T: Sendable, R>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) -> [R] {
        let slots = Slots<R>(count: items.count)
        concurrentlyPerform(items.count) { i in slots.set(i, transform(items[i])) }
        return (0..<items.count).map(slots.take)
    }

    public var eventSource: String {
        if case .emulated = kind { return "emulated" }
        return "kernel"
    }

    public func predictOpen(_ path: String, node: DeviceNodeInfo) -> Bool? { predictOpen(path) }

    /// RDMA_GET_DRIVER_OPS_FD with the real request number.
    public func driverOpsRequest(_ handle: KernelHandle, argument: UInt64) throws(KernelError) -> KernelHandle {
        try driverOpsRequest(handle, request: DriverOpsABI.requestNumber, argument: argument)
    }

    public func readAttribute(_ path: String, limit: Int, fewInDirectory: Bool) throws(KernelError) -> [UInt8] {
        try readAttribute(path, limit: limit)
    }

    public func readAttribute(in directory: String, named name: String, limit: Int, fewInDirectory: Bool) throws(KernelError) -> [UInt8] {
        try readAttribute(directory + "/" + name, limit: limit, fewInDirectory: fewInDirectory)
    }

    public func readAttributeText(in directory: String, named name: String?, limit: Int, fewInDirectory: Bool) throws(KernelError) -> SysfsText {
        var bytes = if let name {
            try readAttribute(in: directory, named: name, limit: limit, fewInDirectory: fewInDirectory)
        } else {
            try readAttribute(directory, limit: limit, fewInDirectory: fewInDirectory)
        }
        if bytes.last == 0x0a { bytes.removeLast() }
        return SysfsText(bytes: bytes)
    }

    /// One `readAttributeText` after another.
    public func readAttributeTexts(in directory: String, named names: AttributeNames, limit: Int,
                                   fewInDirectory: Bool) -> [Result<SysfsText, KernelError>] {
        names.names.map { name in
            Result { () throws(KernelError) in try readAttributeText(in: directory, named: name, limit: limit, fewInDirectory: fewInDirectory) }
        }
    }

    /// An attribute read with the project-wide bound (DESIGN §3: 64 KiB; never trust st_size).
    public func readAttribute(_ path: String) throws(KernelError) -> [UInt8] {
        try readAttribute(path, limit: attributeReadLimit)
    }
}

/// DESIGN §3: an attribute is read to at most 64 KiB; sysfs itself caps at a page.
public let attributeReadLimit = 64 * 1024
