import CRdmaABI
import CRdmaSys
import CUdev
import Glibc
import Synchronization
@_spi(KernelSeam) import RdmaKit

/// The real kernel (DESIGN §2): syscalls, netlink and libudev. The only code in rdmactl that
/// calls open/ioctl/read/write. Also reads a tree under a directory (`rooted(at:)`): a
/// snapshot or a simulated sysfs, with every path and link resolved inside that directory
/// (openat2 RESOLVE_IN_ROOT; link targets resolved lexically and refused when they climb out).
public final class LinuxKernel: Kernel, @unchecked Sendable {
    /// What stands behind this kernel. For a system root with a snapshot manifest, whether the
    /// capture saw /dev at all is the manifest's to say (`device_nodes_captured`), so the kind
    /// is known once the manifest is decoded (`manifest`).
    public var kind: KernelKind {
        if let manifest, !manifest.value.nodesCaptured, case .systemRoot(let path) = declaredKind { return .sysfsRoot(path: path) }
        return declaredKind
    }
    private let declaredKind: KernelKind
    /// A descriptor on the root directory ("/" for the live system). Immutable after init.
    let rootFD: Int32
    let isLive: Bool
    /// The root-relative directory that holds sysfs ("sys" or "" for a SYSFS_PATH-style root).
    let sysPrefix: String
    /// The root-relative directory that holds device nodes, nil when there is none (a
    /// SYSFS_PATH-style root, or a snapshot of one: its manifest says it never saw /dev).
    var devPrefix: String? {
        if let manifest, !manifest.value.nodesCaptured { return nil }
        return declaredDevPrefix
    }
    private let declaredDevPrefix: String?
    /// A system root's snapshot manifest, decoded on a thread of its own from the moment the
    /// root is opened (Pending): discovery needs it only when it checks nodes. nil: no manifest
    /// to read (the live system, a SYSFS_PATH-style root).
    let manifest: Pending<LoadedManifest>?
    /// Node metadata from a snapshot manifest, by /dev path.
    var manifestNodes: [String: DeviceNodeInfo] { manifest?.value.nodes ?? [:] }
    let credentials: Credentials
    /// What opening a rooted tree noticed (an unusable snapshot manifest).
    public var openingDiagnostics: [Diagnostic] { manifest?.value.problems ?? [] }
    /// The snapshot manifest's `netlink_devices`, by name.
    public var recordedNetlink: [String: SnapshotManifest.NetlinkDevice] { manifest?.value.recorded ?? [:] }
    /// Directories links and nodes were looked up in, kept open (rooted kernels only): all the
    /// links of /sys/class/infiniband cost one directory open. Bounded (DirectoryCache). One
    /// cache per discovery thread (`ParallelWork.slot`): every attribute read takes and gives
    /// a directory, and with one cache for all threads its lock was the most contended thing
    /// in a rooted listing (futex waits and wake-ups, issue 9). A device's directories are
    /// read by the one thread that reads the device; a class directory is opened once per
    /// thread. Each keeps its lock: slot 0 serves every thread that is not a worker (the caller,
    /// a test's threads).
    let directoryCaches = (0..<ParallelWork.maximumThreads).map { _ in Locked(DirectoryCache()) }
    /// The calling thread's cache.
    var directoryCache: Locked<DirectoryCache> { directoryCaches[ParallelWork.slot % directoryCaches.count] }
    /// The descriptors this kernel handed out as handles, by handle id (a serial number never
    /// reused). Only these are ever closed or passed to ioctl/read/write: a forged or stale
    /// handle is EBADF, and fd 0–2, the root fd and netlink sockets are out of reach.
    let handles = Locked<(next: Int, fds: [Int: Int32])>((next: 1, fds: [:]))
    /// Held while `concurrentlyPerform`'s work runs: its workers' slots are that call's.
    let performing = Locked(())
    /// Whether a tree's attributes are opened without a look first (`openUnlooked`): the root
    /// is on a mount where no device node can be opened (nodev, or sysfs itself:
    /// `rdmasys_mount_refuses_device_opens`) and every directory and attribute is opened with
    /// RESOLVE_NO_XDEV, so on that mount. Cleared for good the first time an open meets another
    /// mount (EXDEV): one inside the tree may allow device nodes, and from then on the tree is
    /// read as any other. Directories opened after that are not confined; attributes opened
    /// after that are looked at first — the store comes before any such directory exists.
    let unlooked: Atomic<Bool>

    init(kind: KernelKind, rootFD: Int32, isLive: Bool, sysPrefix: String, devPrefix: String?,
         manifest: Pending<LoadedManifest>? = nil, refusesDeviceOpens: Bool = false) {
        self.unlooked = Atomic(!isLive && refusesDeviceOpens)
        self.declaredKind = kind; self.rootFD = rootFD; self.isLive = isLive
        self.sysPrefix = sysPrefix; self.declaredDevPrefix = devPrefix; self.manifest = manifest
        self.credentials = Credentials(uid: geteuid(), gid: getegid(), groups: LinuxKernel.supplementaryGroups())
    }

    deinit {
        // The manifest's thread reads through rootFD.
        manifest?.wait()
        Glibc.close(rootFD)
        for cache in directoryCaches {
            for fd in cache.withLock({ $0.allDescriptors }) { Glibc.close(fd) }
        }
    }

    /// The running system.
    public static func live() throws(KernelError) -> LinuxKernel {
        let fd = Glibc.open("/", RDMAABI_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return LinuxKernel(kind: .live, rootFD: fd, isLive: true, sysPrefix: "sys", devPrefix: "dev")
    }

    /// Why a directory cannot serve as a root.
    public enum RootProblem: Error, Equatable {
        /// The directory does not exist or cannot be opened (exit 66).
        case cannotOpen(Errno)
        /// Neither `sys/class` nor `class` inside (exit 65).
        case notASysfsTree
    }

    /// DESIGN §3: `DIR/sys/class` → a system root (`DIR/sys`, `DIR/dev`); else `DIR/class` → a
    /// SYSFS_PATH-style root without device nodes; else not a tree.
    public static func rooted(at path: String) throws(RootProblem) -> LinuxKernel {
        let fd = Glibc.open(path, RDMAABI_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(Errno(rawValue: errno)) }
        var lastErrno: Int32 = 0
        func isDirectory(_ rel: String) -> Bool {
            var st = Glibc.stat()
            guard fstatat(fd, rel, &st, 0) == 0 else { lastErrno = errno; return false }
            return (st.st_mode & S_IFMT) == S_IFDIR
        }
        if isDirectory("sys/class") {
            // A snapshot of a SYSFS_PATH-style tree never saw /dev: nodes are unknown, not
            // missing (`kind` and `devPrefix` follow the manifest).
            // A thread only for a manifest worth one: starting and joining a thread costs about
            // what decoding 100 kB does (a listing of an empty tree took 0.6 ms longer with one).
            var st = Glibc.stat()
            let large = fstatat(fd, SnapshotManifest.fileName, &st, AT_SYMLINK_NOFOLLOW) == 0
                && st.st_mode & S_IFMT == S_IFREG && st.st_size > Self.backgroundManifestBytes
            let size = large ? Int(st.st_size) : 0
            let manifest = large ? Pending { readManifest(rootFD: fd, expectedBytes: size) } : Pending(value: readManifest(rootFD: fd))
            return LinuxKernel(kind: .systemRoot(path: path), rootFD: fd, isLive: false, sysPrefix: "sys",
                               devPrefix: "dev", manifest: manifest, refusesDeviceOpens: rdmasys_mount_refuses_device_opens(fd) == 1)
        }
        let sysErrno = lastErrno
        if isDirectory("class") {
            return LinuxKernel(kind: .sysfsRoot(path: path), rootFD: fd, isLive: false, sysPrefix: "", devPrefix: nil,
                               refusesDeviceOpens: rdmasys_mount_refuses_device_opens(fd) == 1)
        }
        Glibc.close(fd)
        // An O_PATH open needs no permission; the look inside does.
        if sysErrno == EACCES || lastErrno == EACCES { throw .cannotOpen(.EACCES) }
        throw .notASysfsTree
    }

    /// A manifest larger than this is decoded on a thread of its own (about 150 devices' worth).
    static let backgroundManifestBytes = 100 * 1024

    /// What a system root's snapshot manifest says, as the kernel uses it.
    /// A class: every node check and `kind` asks for it, on both discovery threads, and a
    /// reference is one count to change where a struct's copy was four (issue 9).
    final class LoadedManifest: Sendable {
        let nodes: [String: DeviceNodeInfo]
        /// false: the capture never saw /dev (absent, or no usable manifest: true).
        let nodesCaptured: Bool
        let recorded: [String: SnapshotManifest.NetlinkDevice]
        let problems: [Diagnostic]

        init(nodes: [String: DeviceNodeInfo] = [:], nodesCaptured: Bool = true,
             recorded: [String: SnapshotManifest.NetlinkDevice] = [:], problems: [Diagnostic] = []) {
            self.nodes = nodes; self.nodesCaptured = nodesCaptured; self.recorded = recorded; self.problems = problems
        }
    }

    /// The snapshot manifest's nodes. An absent manifest is normal (a hand-made tree); one that
    /// is there but unusable is said, since every node then loses its mode and owner.
    /// `expectedBytes`: the size the root's fstatat saw, read at once into storage of that size
    /// (a 684 kB manifest grown by reads four times larger each was copied three times over and
    /// touched twice its pages, issue 9); a size that changed since only costs more reads.
    private static func readManifest(rootFD: Int32, expectedBytes: Int = 0) -> LoadedManifest {
        let name = SnapshotManifest.fileName
        let fd: Int32
        do { fd = try openRegular(rootFD: rootFD, name, path: name) } catch {
            if error.errno == .ENOENT { return LoadedManifest() }
            return LoadedManifest(problems: [Diagnostic("MALFORMED_MANIFEST", path: name, "\(name): \(error); device nodes without metadata",
                                                        errno: error.errno)])
        }
        defer { Glibc.close(fd) }
        let bytes: [UInt8]
        do { bytes = try readAll(fd, limit: 4 << 20, expectedBytes: expectedBytes) } catch {
            return LoadedManifest(problems: [Diagnostic("MALFORMED_MANIFEST", path: name, "\(name): \(error)", errno: error.errno)])
        }
        guard let manifest = SnapshotManifest.decode(bytes) else {
            return LoadedManifest(problems: [Diagnostic("MALFORMED_MANIFEST", path: name, "\(name): not a \(SnapshotManifest.currentSchema) manifest")])
        }
        var nodes: [String: DeviceNodeInfo] = [:]
        nodes.reserveCapacity(manifest.nodes.count)
        var problems: [Diagnostic] = []
        for node in manifest.nodes {
            if let info = node.info { nodes[node.path] = info } else {
                problems.append(Diagnostic("MALFORMED_MANIFEST", path: name,
                                           "\(name): entry \(node.path) has type \"\(node.type)\" or mode \"\(node.mode)\" that do not parse"))
            }
        }
        var recorded: [String: SnapshotManifest.NetlinkDevice] = [:]
        recorded.reserveCapacity(manifest.netlinkDevices?.count ?? 0)
        for device in manifest.netlinkDevices ?? [] where KernelPath.isPlainName(device.name) {
            recorded[device.name] = device
        }
        return LoadedManifest(nodes: nodes, nodesCaptured: manifest.deviceNodesCaptured ?? true, recorded: recorded, problems: problems)
    }

    static func supplementaryGroups() -> [UInt32] {
        let n = getgroups(0, nil)
        guard n > 0 else { return [] }
        var groups = [gid_t](repeating: 0, count: Int(n))
        let got = getgroups(n, &groups)
        return got > 0 ? Array(groups.prefix(Int(got))) : []
    }

    // MARK: path mapping

    /// Maps a kernel path to a path relative to `rootFD`, or nil when this kernel has no such
    /// tree (e.g. /dev under a SYSFS_PATH-style root).
    func relative(_ path: String) -> String? {
        // After "/sys" or "/dev" and its "/"s, on the bytes like the prefix test.
        func rest() -> Substring { Substring(path.utf8.dropFirst(4).drop { $0 == 0x2f }) }
        if KernelPath.isWithin(path, "/sys") {
            let rest = rest()
            if sysPrefix.isEmpty { return rest.isEmpty ? "." : String(rest) }
            return rest.isEmpty ? sysPrefix : sysPrefix + "/" + rest
        }
        if KernelPath.isWithin(path, "/dev") {
            guard let devPrefix else { return nil }
            let rest = rest()
            return rest.isEmpty ? devPrefix : devPrefix + "/" + rest
        }
        // The user-space side (RdmaKit UserSpacePaths: rdma-core's configuration and provider
        // libraries, /proc/self/{limits,cgroup}) lives beside sys/ in a system root; a
        // SYSFS_PATH-style root (sysfs at the top) has none of it.
        if !sysPrefix.isEmpty {
            for top in Self.userSpaceTops where path.hasPrefix(top + "/") {
                return String(path.dropFirst())
            }
        }
        return nil
    }

    /// `relative(path) != nil`, without building the relative path (a check per attribute).
    func maps(_ path: String) -> Bool {
        if KernelPath.isWithin(path, "/sys") { return true }
        if KernelPath.isWithin(path, "/dev") { return devPrefix != nil }
        return relative(path) != nil
    }

    /// Top-level directories a system root may hold besides sys/ and dev/.
    static let userSpaceTops = ["/etc", "/usr", "/proc"]

    /// Opens a kernel path inside the root. Live: a plain openat (the root is "/").
    /// `confined`: a directory attributes are read from, kept on the root's mount while they are
    /// opened unlooked (`unlooked`).
    func openInRoot(_ path: String, flags: Int32, confined: Bool = false) throws(KernelError) -> Int32 {
        let fd: Int32
        if isLive {
            fd = Glibc.open(path, flags | O_CLOEXEC)
        } else {
            guard let rel = relative(path) else { throw KernelError(.ENOENT) }
            let confinement = confined ? self.confinement : 0
            do {
                return try RootResolver.open(rootFD: rootFD, rel, flags: flags, extraResolve: confinement)
            } catch where confinement != 0 && error.errno == .EXDEV {
                unlooked.store(false, ordering: .sequentiallyConsistent)
                return try RootResolver.open(rootFD: rootFD, rel, flags: flags)
            }
        }
        guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return fd
    }

    /// Whether attributes are opened without a look first now (`unlooked`).
    /// Without openat2 (the userspace resolver: nothing confined), never.
    var opensUnlooked: Bool {
        unlooked.load(ordering: .sequentiallyConsistent) && RootResolver.openat2Available.load(ordering: .relaxed)
    }

    /// RESOLVE_NO_XDEV while attributes are opened unlooked, else nothing.
    var confinement: UInt64 { opensUnlooked ? RDMAABI_RESOLVE_NO_XDEV : 0 }

    /// openat2 of a directory below `parent` (plain names, no link followed), kept on the root's
    /// mount while attributes are opened unlooked; a mount in the way (EXDEV) ends that, and
    /// the directory is opened again without it. -1 on failure, errno set.
    func openDirectoryBeneath(_ parent: Int32, _ path: String, flags: Int32) -> Int32 {
        let confinement = self.confinement
        let resolve = RDMAABI_RESOLVE_BENEATH | RDMAABI_RESOLVE_NO_SYMLINKS | RDMAABI_RESOLVE_NO_MAGICLINKS
        let fd = rdmaabi_openat2(parent, path, UInt64(flags | O_DIRECTORY | O_CLOEXEC), 0, resolve | confinement)
        guard fd < 0, confinement != 0, errno == EXDEV else { return fd }
        unlooked.store(false, ordering: .sequentiallyConsistent)
        return rdmaabi_openat2(parent, path, UInt64(flags | O_DIRECTORY | O_CLOEXEC), 0, resolve)
    }

    // MARK: sysfs

    /// Opens a directory of the tree. Where its parent's descriptor is cached and its name is
    /// plain (one component), relative to that descriptor with O_NOFOLLOW|O_DIRECTORY: the
    /// kernel walks one component instead of the whole path from the root (half of a rooted
    /// listing's kernel time went to openat2 path walks, issue 9), and no link is followed, so
    /// the parent's confinement to the root carries over. A link there (a hand-made tree's
    /// `ports -> ...`) or any other failure of the short way takes the long one,
    /// `openat2(RESOLVE_IN_ROOT)` from the root. Live: the plain path.
    func openDirectory(_ path: String, flags: Int32, listing: Bool = false) throws(KernelError) -> Int32 {
        if !isLive {
            let name = KernelPath.basename(path)
            // Where the parent was listed, a name it lists as anything but a directory goes the
            // long way at once rather than failing the short way first; a large listing (a class
            // directory: a thousand links) is not searched — its names are links: the long way.
            if KernelPath.isPlainName(name), !Self.isClassEntry(path),
               let fd = withCachedDirectory(KernelPath.dirname(path), { parent, listing -> Int32 in
                   if let listing, !listing.isSmall { return -1 }
                   if let type = listing?.type(of: name), type != UInt8(RDMASYS_DT_DIR) { return -1 }
                   // A mount on `name` is crossed by openat: confined, openat2 does not cross it.
                   if opensUnlooked { return openDirectoryBeneath(parent, name, flags: flags | O_NOFOLLOW) }
                   return openat(parent, name, flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }), fd >= 0 {
                return fd
            }
            // Two components below a cached directory (a device's ports/1 when ports/ was
            // counted, not opened): openat2 beneath it with no link followed at all, so it
            // cannot leave it either.
            let parent = KernelPath.dirname(path), parentName = KernelPath.basename(parent)
            if KernelPath.isPlainName(name), KernelPath.isPlainName(parentName), RootResolver.openat2Available.load(ordering: .relaxed),
               let fd = withCachedDirectory(KernelPath.dirname(parent), { grandparent, _ -> Int32 in
                   openDirectoryBeneath(grandparent, parentName + "/" + name, flags: flags) }), fd >= 0 {
                return fd
            }
            // A device's directory, P/infiniband/NAME (a class device sits in a directory named
            // for its class under its parent: drivers/base/core.c get_device_parent), is opened
            // below P, resolved inside the root first and kept: discovery reads P's driver link
            // (and, for a full record, its PCI ids) next, so P is opened either way, and its
            // walk is not made twice — once within the device's path, once for P (issue 9:
            // openat2's component walks were the costliest syscall of a rooted listing).
            // `listing` carries over: a device read in full has its PCI directory read too.
            if parentName == "infiniband", KernelPath.isPlainName(name), RootResolver.openat2Available.load(ordering: .relaxed) {
                let deviceParent = KernelPath.dirname(parent)
                if let fd = try? withDirectory(deviceParent, listing: listing, { p, _ -> Int32 in
                    openDirectoryBeneath(p, "infiniband/" + name, flags: flags) }), fd >= 0 {
                    return fd
                }
            }
        }
        return try openInRoot(path, flags: flags | O_DIRECTORY, confined: true)
    }

    /// A device's directory, P/infiniband/NAME, read for a few attributes (`list`): opened
    /// `O_PATH` from the root with no link followed anywhere on its path (RESOLVE_BENEATH |
    /// RESOLVE_NO_SYMLINKS), so it is where its path says and the links of its parent P are
    /// read through it ("../../driver", DirectoryCache.takeForLink) — P itself is not opened
    /// (an openat2 and a close a device, issue 9). "../.." from there cannot leave the root:
    /// the directory is at least two levels below it, and ".." is physical. nil (the usual way
    /// then) when the path holds a link (a hand-made tree), anything fails, or it is no
    /// device's directory.
    func openDeviceDirectoryExactly(_ path: String) -> Int32? {
        guard !isLive, RootResolver.openat2Available.load(ordering: .relaxed), Self.isDeviceDirectory(path),
              let rel = relative(path) else { return nil }
        let fd = openDirectoryBeneath(rootFD, rel, flags: RDMAABI_O_PATH)
        return fd >= 0 ? fd : nil
    }

    /// P/infiniband/NAME: where sysfs puts an ib device's directory, in a directory named for
    /// its class under its parent (drivers/base/core.c get_device_parent).
    static func isDeviceDirectory(_ path: String) -> Bool {
        // basename(path) plain and basename(dirname(path)) "infiniband", on the bytes: asked for
        // every attribute a tree reads, it made three Strings a call that way (issue 9).
        var path = path
        return path.withUTF8(isDeviceDirectory)
    }

    private static func isDeviceDirectory(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        var end = b.count
        while end > 0, b[end - 1] == slash { end -= 1 }                 // basename: trailing "/"s off
        var start = end
        while start > 0, b[start - 1] != slash { start -= 1 }
        guard start > 0, KernelPath.isPlainComponent(UnsafeBufferPointer(rebasing: b[start..<end])) else { return false }
        var cut = start - 1
        while cut > 0, b[cut - 1] == slash { cut -= 1 }                 // dirname: the "/"s before it off
        var groupStart = cut
        while groupStart > 0, b[groupStart - 1] != slash { groupStart -= 1 }
        return isInfinibandGroup(b, groupStart, cut)
    }

    /// `directory` = DEVICE/REST, DEVICE a device's directory ("…/infiniband/NAME") and REST one
    /// to three components: DEVICE, and REST. nil for anything else.
    static func deviceDirectory(above directory: String) -> (String, Substring)? {
        var path = directory
        let split: Int? = path.withUTF8 { b in
            // Each "/" from the end that leaves at most three components below: is what is
            // before it a device's directory?
            var end = b.count, levels = 0
            while levels < 3 {
                var slash = end - 1
                while slash >= 0, b[slash] != UInt8(ascii: "/") { slash -= 1 }
                guard slash > 0, slash < end - 1 else { return nil }
                levels += 1
                let device = UnsafeBufferPointer(rebasing: b[0..<slash])
                if device.last != UInt8(ascii: "/"), isDeviceDirectory(device) { return slash }
                end = slash
            }
            return nil
        }
        guard let split else { return nil }
        let utf8 = directory.utf8
        let cut = utf8.index(utf8.startIndex, offsetBy: split)
        return (String(directory[..<cut]), directory[directory.utf8.index(after: cut)...])
    }

    private static func isInfinibandGroup(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let group: StaticString = "infiniband"
        return end - start == group.utf8CodeUnitCount && memcmp(b.baseAddress! + start, group.utf8Start, group.utf8CodeUnitCount) == 0
    }


    /// "/sys/class/C/NAME": an entry of a class directory, which sysfs makes a link to the
    /// device's directory (drivers/base/core.c device_add_class_symlinks), so the short way's
    /// O_NOFOLLOW open would only fail with ELOOP first — in a thread whose cache never listed
    /// the class directory it does not know that from the entry's type. A hand-made tree's
    /// plain directory there opens the long way as well.
    static func isClassEntry(_ path: String) -> Bool {
        guard KernelPath.isWithin(path, "/sys/class") else { return false }
        var path = path
        return path.withUTF8 { b in
            // After "/sys/class/": "C/NAME", one slash, not at the end.
            let rest = b.dropFirst(11)
            return rest.count(where: { $0 == 0x2f }) == 1 && rest.first != 0x2f && b.last != 0x2f
        }
    }

    public func listDirectory(_ path: String) throws(KernelError) -> [String] {
        let fd = try openDirectory(path, flags: O_RDONLY)
        // Kept for the directories below it (ports/ → ports/1) and the links in it; cached
        // only after the listing, so no other thread reads this descriptor's offset.
        // Every batch, kept with the descriptor: the entries' types (d_type) spare an fstatat
        // per attribute and a failed open per link below it.
        var batches: [UInt8] = []
        defer { if isLive { Glibc.close(fd) } else { keepDirectory(path, fd, listing: RegularFiles(batch: batches)) } }
        var names: [String] = []
        var failure: Int32 = 0
        // getdents64 into one buffer (no opendir: its fcntl and fstat were two syscalls a
        // directory, and discovery lists one per device).
        withUnsafeTemporaryAllocation(byteCount: 32 * 1024, alignment: 8) { buffer in
            while true {
                let n = rdmasys_getdents64(fd, buffer.baseAddress, UInt(buffer.count))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { return }
                if !isLive { batches.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
                var offset = 0
                while offset < n {
                    let length = Int(buffer.load(fromByteOffset: offset + Int(RDMASYS_DIRENT64_RECLEN_OFFSET), as: UInt16.self))
                    guard length > 0 else { return }
                    let start = offset + Int(RDMASYS_DIRENT64_NAME_OFFSET)
                    var end = start
                    while end < offset + length, buffer[end] != 0 { end += 1 }
                    // A name that is not UTF-8 comes back with its bad bytes as \xNN (SysfsText),
                    // which no kernel name contains: callers can tell it from a real name.
                    let bytes = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                    if !(bytes.count == 1 && bytes[0] == 0x2e) && !(bytes.count == 2 && bytes[0] == 0x2e && bytes[1] == 0x2e) {
                        names.append(SysfsText(bytes: Array(bytes)).value)
                    }
                    offset += length
                }
            }
        }
        if failure != 0 { throw KernelError(Errno(rawValue: failure)) }
        return names
    }

    public func readAttribute(_ path: String, limit: Int) throws(KernelError) -> [UInt8] {
        try readAttribute(path, limit: limit, fewInDirectory: false)
    }

    public func readAttribute(_ path: String, limit: Int, fewInDirectory: Bool) throws(KernelError) -> [UInt8] {
        try withOpenedAttribute(in: path, named: nil, fewInDirectory: fewInDirectory) { fd, looked throws(KernelError) in
            try Self.readTreeAttribute(fd, looked: looked, limit: limit)
        }
    }

    public func readAttribute(in directory: String, named name: String, limit: Int, fewInDirectory: Bool) throws(KernelError) -> [UInt8] {
        try withOpenedAttribute(in: directory, named: name, fewInDirectory: fewInDirectory) { fd, looked throws(KernelError) in
            try Self.readTreeAttribute(fd, looked: looked, limit: limit)
        }
    }

    public func readAttributeText(in directory: String, named name: String?, limit: Int, fewInDirectory: Bool) throws(KernelError) -> SysfsText {
        try withOpenedAttribute(in: directory, named: name, fewInDirectory: fewInDirectory) { fd, looked throws(KernelError) in
            try Self.readText(fd, looked: looked, limit: limit)
        }
    }

    /// `directory`/`name` (`directory` itself when `name` is nil) opened for reading the way this
    /// kernel opens an attribute, `body` given the descriptor and whether it was looked at before
    /// it was opened (live: always, as sysfs holds no device nodes), then closed.
    /// A tree: `name` opened relative to `directory`'s descriptor, no path joined or split (the
    /// joined path is made only where a link or a name that is not plain needs it). Live sysfs:
    /// the two joined in temporary storage for the open. Anything else: the joined path.
    private func withOpenedAttribute<R>(in directory: String, named name: String?, fewInDirectory: Bool,
                                        _ body: (Int32, Bool) throws(KernelError) -> R) throws(KernelError) -> R {
        let fd: Int32, looked: Bool
        if let name {
            if isLive && KernelPath.isWithin(directory, "/sys") {
                (fd, looked) = (try Self.openLiveSysfsAttribute(directory, name), true)
            } else if !isLive && KernelPath.isPlainName(name) {
                (fd, looked) = try openTreeRegular(in: directory, named: name, path: nil, listing: !fewInDirectory)
            } else {
                return try withOpenedAttribute(in: directory + "/" + name, named: nil, fewInDirectory: fewInDirectory, body)
            }
        } else if isLive {
            (fd, looked) = (try openLiveRegular(directory), true)
        } else {
            (fd, looked) = try openTreeRegular(in: KernelPath.dirname(directory), named: KernelPath.basename(directory),
                                               path: directory, listing: !fewInDirectory)
        }
        defer { Glibc.close(fd) }
        return try body(fd, looked)
    }

    /// `readTreeAttribute` as text, one trailing newline removed. The first read takes up to 256
    /// bytes into temporary storage, as `readAll`'s first does into an array; fewer are the whole
    /// of a regular file (as there) and become the text with no array made. A longer attribute
    /// keeps those bytes and reads on with `readAll`.
    static func readText(_ fd: Int32, looked: Bool, limit: Int) throws(KernelError) -> SysfsText {
        try checkingUnlooked(fd, looked: looked) { () throws(KernelError) -> (SysfsText, empty: Bool) in
            let read = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: firstRead) { buffer -> Result<(SysfsText, empty: Bool), KernelError> in
                var n: Int
                repeat { n = Glibc.read(fd, buffer.baseAddress, firstRead) } while n < 0 && errno == EINTR
                if n < 0 { return .failure(KernelError(Errno(rawValue: errno))) }
                return Result { () throws(KernelError) in
                    (try text(firstRead: UnsafeBufferPointer(rebasing: buffer[0..<n]), of: fd, limit: limit), n == 0)
                }
            }
            return try read.get()
        }
    }

    /// Bytes an attribute's first read asks for: nearly every attribute is the whole of it.
    static let firstRead = 256

    /// An attribute's text, one trailing newline removed, from what its first read gave: the
    /// whole of a regular file when it is fewer than `firstRead` bytes (a short read is EOF),
    /// made into the String with no array between; else those bytes and the rest, read on from
    /// `fd` to the bound (`readText`, and the batch's reads, which C made).
    static func text(firstRead first: UnsafeBufferPointer<UInt8>, of fd: Int32, limit: Int) throws(KernelError) -> SysfsText {
        if first.count > limit { throw KernelError(.EFBIG, .tooLarge(limit: limit)) }
        guard first.count == firstRead else {
            let end = first.last == 0x0a ? first.count - 1 : first.count
            return SysfsText(utf8: UnsafeBufferPointer(rebasing: first[0..<end]))
        }
        var bytes = Array(first)
        do throws(KernelError) { bytes += try readAll(fd, limit: limit - first.count, regularFile: true) } catch {
            // Too large for what was left of the bound is too large for the bound.
            throw error.errno == .EFBIG ? KernelError(.EFBIG, .tooLarge(limit: limit)) : error
        }
        if bytes.last == 0x0a { bytes.removeLast() }
        return SysfsText(bytes: bytes)
    }

    /// Reads a tree's attribute (`checkingUnlooked`).
    static func readTreeAttribute(_ fd: Int32, looked: Bool, limit: Int) throws(KernelError) -> [UInt8] {
        try checkingUnlooked(fd, looked: looked) { () throws(KernelError) -> ([UInt8], empty: Bool) in
            let bytes = try readAll(fd, limit: limit, regularFile: true)
            return (bytes, bytes.isEmpty)
        }
    }

    /// `read` of an attribute's descriptor, under the rule for one opened unlooked
    /// (`openUnlooked`): it may be a directory or a FIFO — never a device node — and where the
    /// read fails or finds nothing (`empty`), which is what those answer (EISDIR; EOF or
    /// EAGAIN), an fstat says what it is, as the look would have. A FIFO with a writer that has
    /// written is read like a file: the tree's owner could have written those bytes to one.
    private static func checkingUnlooked<R>(_ fd: Int32, looked: Bool,
                                            _ read: () throws(KernelError) -> (R, empty: Bool)) throws(KernelError) -> R {
        let result: (R, empty: Bool)
        do { result = try read() } catch {
            if !looked { try requireRegular(fd) }
            throw error
        }
        if result.empty && !looked { try requireRegular(fd) }
        return result.0
    }

    /// Live sysfs (openLiveRegular): `directory`/`name` joined in temporary storage for the
    /// open, not in a String (joining one on the heap per attribute cost more than the rest of
    /// the read's user space).
    static func openLiveSysfsAttribute(_ directory: String, _ name: String) throws(KernelError) -> Int32 {
        var directory = directory, name = name
        let (fd, failure) = directory.withUTF8 { d in
            name.withUTF8 { n in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: d.count + n.count + 2) { path -> (Int32, Int32) in
                    UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: path[0..<d.count])).copyMemory(from: UnsafeRawBufferPointer(d))
                    path[d.count] = UInt8(ascii: "/")
                    UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: path[(d.count + 1)..<(d.count + 1 + n.count)]))
                        .copyMemory(from: UnsafeRawBufferPointer(n))
                    path[d.count + 1 + n.count] = 0
                    // errno is read right after the call: nothing may run between them.
                    let fd = path.baseAddress!.withMemoryRebound(to: CChar.self, capacity: path.count) {
                        Glibc.open($0, liveAttributeFlags | O_CLOEXEC)
                    }
                    return (fd, fd < 0 ? errno : 0)
                }
            }
        }
        guard fd >= 0 else { throw KernelError(Errno(rawValue: failure)) }
        return fd
    }

    /// A tree on disk may hold device nodes (a tarball unpacked as root keeps them), and opening
    /// one has side effects, so an attribute is looked at before it is opened: through its
    /// directory's descriptor — resolved inside the root once per directory and kept — either
    /// in the directory's first `getdents64` (d_type DT_REG: one syscall per directory) or with
    /// fstatat (no link followed), then opened relative to it only when it is a regular file.
    /// Three syscalls an attribute (open, read, close) plus one per directory, where resolving
    /// each path from the root cost six. A link where an attribute should be (a hand-made tree) takes the full
    /// in-root resolution; nothing is followed out of the root either way.
    /// `listing`: a directory first opened here is listed (the caller reads most of it); else
    /// each attribute is looked at with fstatat — for one or two attributes of a directory
    /// that is cheaper than a `getdents64` of all its entries (a tmpfs listing walks every
    /// entry, `offset_readdir`: a quarter of all a rooted `list`'s samples, issue 9).
    /// `path`: `directory`/`name` when the caller has it joined already; nil to join it only
    /// where it is needed.
    /// On a mount where no device node can be opened (`unlooked`) the look is skipped: open,
    /// read, close, with no directory opened but a device's own (`openUnlooked`,
    /// `openUnlookedOnce`). `looked` false: what was opened may be no regular file
    /// (readTreeAttribute).
    func openTreeRegular(in directory: String, named name: String, path: String?, listing: Bool) throws(KernelError)
        -> (fd: Int32, looked: Bool) {
        guard KernelPath.isPlainName(name), maps(directory) else {
            let path = path ?? directory + "/" + name
            return (try Self.openRegular(rootFD: rootFD, relative(path), path: path), true)
        }
        let unlooked = opensUnlooked
        // Unlooked, a directory is opened for its attributes only when it is a device's own
        // (kept: its links are read through it); any other costs no open and no close, each
        // attribute one walk from an open ancestor or the root. Measured on tmpfs, a longer walk
        // costs about what the directory's open and close did (a full record 112,951 → 98,664
        // syscalls at 1,024 devices, its time the same within 1 %, 60 alternating pairs).
        if unlooked, !Self.isDeviceDirectory(directory),
           let opened = openUnlookedOnce(in: directory, named: name) {
            if opened.fd >= 0 { return (opened.fd, false) }
            if opened.failure == ENOENT { throw KernelError(.ENOENT) }
        }
        enum Looked { case opened(Int32), unlooked(Int32), failed(Int32), link, notRegular(mode_t) }
        // Read a few at a time (`list`), only a device's own directory is read again (its other
        // attributes and links, its parent's links through it): any other is read once. Asked
        // only when the directory is not cached.
        // Unlooked, a listing would only name what needs no look: the directory is kept
        // unlisted (a getdents64 fewer a directory: eight a device for a full record).
        let looked = try withDirectory(directory, listing: listing && !unlooked, keep: listing || Self.isDeviceDirectory(directory)) { directory, regular -> Looked in
            let flags = Self.treeAttributeFlags
            // Listed as a regular file (d_type): open at once — open, read, close (issue 9).
            if regular?.contains(name) == true {
                let fd = openat(directory, name, flags)
                return fd >= 0 ? .opened(fd) : .failed(errno)
            }
            if opensUnlooked {
                let (fd, failure) = openUnlooked(directory, name)
                if fd >= 0 { return .unlooked(fd) }
                if failure == ENOENT { return .failed(ENOENT) }
            }
            var st = Glibc.stat()
            guard fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return .failed(errno) }
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                let fd = openat(directory, name, flags)
                return fd >= 0 ? .opened(fd) : .failed(errno)
            case S_IFLNK: return .link
            default: return .notRegular(st.st_mode)
            }
        }
        switch looked {
        case .opened(let fd): return (fd, true)
        case .unlooked(let fd): return (fd, false)
        case .failed(let e): throw KernelError(Errno(rawValue: e))
        case .link:
            let path = path ?? directory + "/" + name
            return (try Self.openRegular(rootFD: rootFD, relative(path), path: path), true)
        case .notRegular(let mode):
            if mode & S_IFMT == S_IFDIR { throw KernelError(.EISDIR) }
            throw KernelError(.EINVAL, .notRegular(Self.nodeType(mode)))
        }
    }

    /// How a tree's attribute is opened: never a link, never blocking (a FIFO), never taking a
    /// terminal.
    static let treeAttributeFlags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW

    /// `path` (plain names) opened for reading below `directory`, a descriptor opened on the
    /// root's mount, without a look: RESOLVE_NO_XDEV keeps the open on that mount, where a device
    /// node answers EACCES and nothing else has side effects; no link is followed. `fd` -1 and
    /// `failure` the errno on any failure: callers then take the looked way, which says what is
    /// there (a link, a device node), except after ENOENT, which the looked way would answer
    /// too (no name on the way is a link, or the answer would be ELOOP); EXDEV (a mount on the
    /// way) ends unlooked opens for this kernel.
    func openUnlooked(_ directory: Int32, _ path: String) -> (fd: Int32, failure: Int32) {
        path.withCString { openUnlooked(directory, $0) }
    }

    func openUnlooked(_ directory: Int32, _ path: UnsafePointer<CChar>) -> (fd: Int32, failure: Int32) {
        let resolve = RDMAABI_RESOLVE_BENEATH | RDMAABI_RESOLVE_NO_SYMLINKS | RDMAABI_RESOLVE_NO_MAGICLINKS | RDMAABI_RESOLVE_NO_XDEV
        return unlookedResult(rdmaabi_openat2(directory, path, UInt64(Self.treeAttributeFlags), 0, resolve))
    }

    /// errno read right after the call: nothing may run between them.
    private func unlookedResult(_ fd: Int32) -> (fd: Int32, failure: Int32) {
        if fd >= 0 { return (fd, 0) }
        let failure = errno
        if failure == EXDEV { unlooked.store(false, ordering: .sequentiallyConsistent) }
        return (-1, failure)
    }

    /// An attribute of a directory that is not a device's own (a port's `state`, a class
    /// device's `uevent`), opened unlooked in one openat2 instead of the directory's open, the
    /// attribute's and the directory's close: relative to the directory when it is cached,
    /// else to an ancestor within three levels that is (a device's directory, for
    /// `ports/N/state` and `ports/N/gids/0`), else from the root (RESOLVE_IN_ROOT, links inside
    /// the root followed on the way as the directory's own open follows them; the attribute
    /// itself no link).
    /// As `openUnlooked`; nil when the open was not tried (the root's way: no such tree).
    func openUnlookedOnce(in directory: String, named name: String) -> (fd: Int32, failure: Int32)? {
        if !Self.isClassEntry(directory) {
            // A port's attribute: its device's directory first, found on the path's bytes (one
            // cache look-up, where walking up from the port tried two that miss, with a path
            // made for each, issue 9).
            if let (device, rest) = Self.deviceDirectory(above: directory),
               let opened = withCachedDirectory(device, { fd, _ in
                   Self.withJoinedPath(nil, rest, name) { openUnlooked(fd, $0) }
               }) {
                return opened
            }
            var ancestor = directory, below = name
            for _ in 0..<4 {
                if let opened = withCachedDirectory(ancestor, { fd, _ in openUnlooked(fd, below) }) { return opened }
                let up = KernelPath.dirname(ancestor)
                guard up != "/", up != ancestor else { break }
                below = KernelPath.basename(ancestor) + "/" + below
                ancestor = up
            }
        }
        let resolve = RDMAABI_RESOLVE_IN_ROOT | RDMAABI_RESOLVE_NO_MAGICLINKS | RDMAABI_RESOLVE_NO_XDEV
        // A class device's attribute (sys/class/C/NAME/name): relative(directory) and the name
        // joined in temporary storage, not in two Strings (issue 9).
        if KernelPath.isWithin(directory, "/sys") {
            var utf8 = directory
            return utf8.withUTF8 { d in
                var start = 4
                while start < d.count, d[start] == UInt8(ascii: "/") { start += 1 }
                let rest = UnsafeBufferPointer(rebasing: d[start...])
                return Self.withJoinedPath(sysPrefix.isEmpty ? nil : sysPrefix, rest, name) {
                    unlookedResult(rdmaabi_openat2(rootFD, $0, UInt64(Self.treeAttributeFlags), 0, resolve))
                }
            }
        }
        guard let rel = relative(directory) else { return nil }
        return unlookedResult(rdmaabi_openat2(rootFD, rel + "/" + name, UInt64(Self.treeAttributeFlags), 0, resolve))
    }

    /// `prefix/middle/name` ("." for an empty prefix and middle, as `relative` makes it; no
    /// prefix: `middle/name`), NUL-terminated in temporary storage, for `body`.
    static func withJoinedPath<R>(_ prefix: String?, _ middle: Substring, _ name: String,
                                  _ body: (UnsafePointer<CChar>) -> R) -> R {
        var middle = middle
        return middle.withUTF8 { withJoinedPath(prefix, $0, name, body) }
    }

    static func withJoinedPath<R>(_ prefix: String?, _ middle: UnsafeBufferPointer<UInt8>, _ name: String,
                                  _ body: (UnsafePointer<CChar>) -> R) -> R {
        var prefix = prefix ?? "", name = name
        return prefix.withUTF8 { p in
            name.withUTF8 { n in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: p.count + middle.count + n.count + 3) { out in
                    var i = 0
                    func put(_ b: UnsafeBufferPointer<UInt8>) {
                        guard let base = b.baseAddress, b.count > 0 else { return }
                        (out.baseAddress! + i).update(from: base, count: b.count)
                        i += b.count
                    }
                    put(p)
                    if p.count > 0 && middle.count > 0 { out[i] = UInt8(ascii: "/"); i += 1 }
                    put(middle)
                    if p.count == 0 && middle.count == 0 { out[i] = UInt8(ascii: "."); i += 1 }
                    out[i] = UInt8(ascii: "/"); i += 1
                    put(n)
                    out[i] = 0
                    return out.baseAddress!.withMemoryRebound(to: CChar.self, capacity: i + 1) { body($0) }
                }
            }
        }
    }

    /// How a live attribute is opened (openInRoot adds O_CLOEXEC).
    static let liveAttributeFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY

    /// Live sysfs holds only attributes, directories and links (fs/sysfs): an attribute costs
    /// open, read, close and nothing else — a directory answers the read with EISDIR. Anything
    /// outside /sys is opened, then its type checked. O_NONBLOCK: a FIFO where an attribute
    /// should be must not block the open.
    func openLiveRegular(_ path: String) throws(KernelError) -> Int32 {
        let fd = try openInRoot(path, flags: Self.liveAttributeFlags)
        if KernelPath.isWithin(path, "/sys") { return fd }
        do { try Self.requireRegular(fd) } catch { Glibc.close(fd); throw error }
        return fd
    }

    /// The path-by-path way (a link where an attribute should be, the manifest): look first
    /// through an O_PATH descriptor resolved in the root, then reopen a regular file for
    /// reading through /proc/thread-self/fd.
    static func openRegular(rootFD: Int32, _ relative: String?, path: String) throws(KernelError) -> Int32 {
        guard let relative else { throw KernelError(.ENOENT) }
        let pathFD = try RootResolver.open(rootFD: rootFD, relative, flags: RDMAABI_O_PATH)
        defer { Glibc.close(pathFD) }
        try requireRegular(pathFD)
        // The calling thread's table: a discovery worker has one of its own (ParallelWork),
        // which /proc/self/fd — the thread group leader's — is not (Linux 3.17+).
        var fd = Glibc.open("/proc/thread-self/fd/\(pathFD)", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        if fd < 0, errno == ENOENT, !ParallelWork.hasPrivateDescriptors {
            fd = Glibc.open("/proc/self/fd/\(pathFD)", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        }
        guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return fd
    }

    static func requireRegular(_ fd: Int32) throws(KernelError) {
        var st = Glibc.stat()
        guard fstat(fd, &st) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        if let error = notRegularError(st.st_mode) { throw error }
    }

    /// What reading a file of `mode` as an attribute answers when it is no regular file.
    static func notRegularError(_ mode: mode_t) -> KernelError? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: KernelError(.EISDIR)
        default: KernelError(.EINVAL, .notRegular(nodeType(mode)))
        }
    }

    /// Reads to EOF, refusing more than `limit` bytes (never trusting st_size: sysfs says 4096).
    /// On a regular file a short read is EOF (read(2)), so a sysfs attribute costs one read.
    static func readAll(_ fd: Int32, limit: Int, regularFile: Bool = false, expectedBytes: Int = 0) throws(KernelError) -> [UInt8] {
        var out: [UInt8] = []
        // Most attributes are a few dozen bytes: the first read asks for 256 into an array of
        // that size (a small allocation malloc recycles at once, not a page per attribute);
        // anything longer continues in reads four times larger each, up to 64 KiB (a snapshot
        // manifest of a thousand devices: 15 reads, not 170). A caller that knows the size to
        // expect (a regular file's st_size, a hint only) has the first read ask for one byte
        // more, so that a file of that size takes one read and the one that says EOF.
        var size = expectedBytes > 0 ? min(expectedBytes, limit) + 1 : 256
        while true {
            var failure: Int32 = 0
            // Read straight into uninitialised storage: no zero-fill, no second copy.
            let chunk = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                let n = Glibc.read(fd, buffer.baseAddress, size)
                if n < 0 { failure = errno; count = 0 } else { count = n }
            }
            if failure == EINTR { continue }
            if failure != 0 { throw KernelError(Errno(rawValue: failure)) }
            if chunk.isEmpty { return out }
            if out.isEmpty { out = chunk } else { out.append(contentsOf: chunk) }
            if out.count > limit { throw KernelError(.EFBIG, .tooLarge(limit: limit)) }
            if regularFile && chunk.count < size { return out }
            size = min(size * 4, 64 * 1024)
        }
    }

    /// Runs `body` on a descriptor of `directory`, opened inside the root once and kept, and —
    /// when it was first opened to read attributes (`listing`) — the regular files its first
    /// `getdents64` named (RegularFiles). `body` runs outside the cache lock; the descriptor
    /// stays open until it returns.
    /// `keep`: false for a directory one attribute is read from and nothing else (`list`'s
    /// `ports/N` and uverbs class device): one not cached already is opened, used and closed
    /// without entering the cache — a cached one would only be evicted unused later (its
    /// insertion, eviction and look-ups were a tenth of a rooted listing's user time, issue 9).
    func withDirectory<R>(_ directory: String, listing: Bool = false, keep: @autoclosure () -> Bool = true,
                          _ body: (Int32, RegularFiles?) -> R) throws(KernelError) -> R {
        let fd: Int32
        let regular: RegularFiles?
        let directoryCache = directoryCache
        if let cached = directoryCache.withLock({ $0.take(directory) }) {
            (fd, regular) = cached
        } else if !listing, !keep() {
            let once = try openDirectory(directory, flags: RDMAABI_O_PATH)
            defer { Glibc.close(once) }
            return body(once, nil)
        } else {
            // Read (not O_PATH) when it is to be listed: getdents64 needs a readable descriptor.
            // Listed before it is shared, so no two threads move one directory offset.
            let exactly = listing ? nil : openDeviceDirectoryExactly(directory)
            let opened: Int32
            if let exactly { opened = exactly } else {
                opened = try openDirectory(directory, flags: listing ? O_RDONLY : RDMAABI_O_PATH, listing: listing)
            }
            let listed = listing ? RegularFiles(fd: opened) : nil
            let (kept, keptRegular, closing) = directoryCache.withLock { $0.insert(directory, fd: opened, regular: listed, exact: exactly != nil) }
            for old in closing { Glibc.close(old) }
            (fd, regular) = (kept, keptRegular)
        }
        defer { directoryCache.withLock { $0.give(directory) } }
        return body(fd, regular)
    }

    /// `body` on the cached descriptor of `directory`, nil when it is not cached (nothing is
    /// opened).
    func withCachedDirectory<R>(_ directory: String, _ body: (Int32, RegularFiles?) -> R) -> R? {
        let directoryCache = directoryCache
        guard let (fd, listing) = directoryCache.withLock({ $0.take(directory) }) else { return nil }
        defer { directoryCache.withLock { $0.give(directory) } }
        return body(fd, listing)
    }

    /// Caches `fd` (a directory just listed, with its entries) for later look-ups, or closes it
    /// when the directory is cached already.
    func keepDirectory(_ directory: String, _ fd: Int32, listing: RegularFiles) {
        // insert hands back `fd` among those to close when the directory was cached already.
        let closing = directoryCache.withLock { cache -> [Int32] in
            let (_, _, closing) = cache.insert(directory, fd: fd, regular: listing)
            cache.give(directory)
            return closing
        }
        for old in closing { Glibc.close(old) }
    }

    public func readLink(_ path: String) throws(KernelError) -> String {
        let directory = KernelPath.dirname(path)
        // A link target is read into uninitialised storage rather than a zero-filled array per
        // call (discovery reads six a device): 256 bytes, on the stack — a sysfs target is well
        // under that — and only a target that fills them is read again into a page (PATH_MAX;
        // 4 KiB of temporary storage was a heap allocation per link, issue 9).
        var target = ""
        var failure: Int32 = 0
        var capacity = 256
        while true {
            let filled = try withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { (buffer) throws(KernelError) -> Bool in
                let n: Int
                if isLive {
                    // withCString lends the string's own NUL-terminated storage; passing `path`
                    // as a pointer made a C copy of it each call (callgrind, issue 9).
                    n = path.withCString { readlink($0, buffer.baseAddress!, capacity) }
                    if n < 0 { failure = errno }
                } else {
                    // errno is read right after the call: nothing may run between them.
                    let name = KernelPath.basename(path)
                    let directoryCache = directoryCache
                    let count: Int, e: Int32
                    if let (fd, prefix, key) = directoryCache.withLock({ $0.takeForLink(in: directory) }) {
                        (count, e) = (readlinkat(fd, prefix.isEmpty ? name : prefix + name, buffer.baseAddress!, capacity), errno)
                        directoryCache.withLock { $0.give(key) }
                    } else {
                        (count, e) = try withDirectory(directory) { fd, _ in (readlinkat(fd, name, buffer.baseAddress!, capacity), errno) }
                    }
                    n = count
                    if n < 0 { failure = e }
                }
                guard n >= 0 else { return false }
                if n == capacity && capacity < 4096 { return true }
                target = UnsafeRawBufferPointer(start: buffer.baseAddress, count: n).withMemoryRebound(to: UInt8.self) {
                    String(decoding: $0, as: UTF8.self)
                }
                return false
            }
            if !filled { break }
            capacity = 4096
        }
        guard failure == 0 else { throw KernelError(Errno(rawValue: failure)) }
        guard let resolved = KernelPath.resolve(target, against: directory),
              isLive || maps(resolved) else {
            throw KernelError(.EXDEV, .leavesRoot(target: target))
        }
        return resolved
    }

    /// Live: stat of the link's directory. A tree: fstatat(".."), no link followed, on the
    /// descriptor of `path` when it is cached (a device's directory, just read), else fstat of
    /// the directory opened inside the root.
    public func directoriesBeside(_ path: String) throws(KernelError) -> Int? {
        var st = Glibc.stat()
        var failure: Int32 = 0
        if isLive {
            if fstatat(AT_FDCWD, KernelPath.dirname(path), &st, 0) != 0 { failure = errno }
        } else if let e = withCachedDirectory(path, { fd, _ in fstatat(fd, "..", &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno }) {
            failure = e
        } else {
            failure = try withDirectory(KernelPath.dirname(path)) { fd, _ in fstat(fd, &st) == 0 ? 0 : errno }
        }
        return try Self.subdirectories(st, failure: failure)
    }

    /// No link followed, so a link answers nil everywhere. Live: fstatat. A tree: fstatat on the
    /// cached descriptor of its parent (a device's directory, for its `ports/`: one syscall),
    /// else fstat of it opened `O_PATH|O_NOFOLLOW` inside the root.
    public func subdirectoryCount(_ directory: String) throws(KernelError) -> Int? {
        var st = Glibc.stat()
        var failure: Int32 = 0
        let name = KernelPath.basename(directory)
        if isLive {
            if fstatat(AT_FDCWD, directory, &st, AT_SYMLINK_NOFOLLOW) != 0 { failure = errno }
        } else if KernelPath.isPlainName(name),
                  let e = withCachedDirectory(KernelPath.dirname(directory), { fd, _ in fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno }) {
            failure = e
        } else {
            let fd = try openInRoot(directory, flags: RDMAABI_O_PATH | O_NOFOLLOW)
            if fstat(fd, &st) != 0 { failure = errno }
            Glibc.close(fd)
        }
        return try Self.subdirectories(st, failure: failure)
    }

    /// st_nlink − 2 of a directory; nil for anything else, or a count below 2 (btrfs).
    static func subdirectories(_ st: Glibc.stat, failure: Int32) throws(KernelError) -> Int? {
        guard failure == 0 else { throw KernelError(Errno(rawValue: failure)) }
        guard st.st_mode & S_IFMT == S_IFDIR, st.st_nlink >= 2 else { return nil }
        return Int(st.st_nlink) - 2
    }

    // MARK: device nodes

    public func deviceNode(_ path: String) throws(KernelError) -> DeviceNodeInfo {
        if let info = manifestNodes[path] { return info }
        var st = Glibc.stat()
        if isLive {
            guard fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        } else {
            let directory = KernelPath.dirname(path)
            let (rc, e) = try withDirectory(directory) { fd, _ in (fstatat(fd, KernelPath.basename(path), &st, AT_SYMLINK_NOFOLLOW), errno) }
            if rc != 0 { errno = e }
            guard rc == 0 else { throw KernelError(Errno(rawValue: errno)) }
        }
        var type = Self.nodeType(st.st_mode)
        if !isLive && type == .regular { type = .placeholder }
        return DeviceNodeInfo(type: type, major: rdmaabi_major(UInt64(st.st_rdev)), minor: rdmaabi_minor(UInt64(st.st_rdev)),
                              mode: UInt32(st.st_mode) & 0o7777, uid: st.st_uid, gid: st.st_gid)
    }

    static func nodeType(_ mode: mode_t) -> NodeType {
        switch mode & S_IFMT {
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        case S_IFLNK: return .symlink
        case S_IFIFO: return .fifo
        default: return .socket
        }
    }

    public func predictOpen(_ path: String) -> Bool? {
        if isLive { return faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == 0 }
        guard let node = try? deviceNode(path) else { return nil }
        return predictOpen(path, node: node)
    }

    public func predictOpen(_ path: String, node: DeviceNodeInfo) -> Bool? {
        if isLive { return faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == 0 }
        return credentials.mayReadWrite(mode: node.mode, uid: node.uid, gid: node.gid)
    }

    // MARK: handles

    /// Registers a descriptor this kernel opened and returns its handle.
    private func adopt(_ fd: Int32) -> KernelHandle {
        handles.withLock { table in
            let id = table.next
            table.next += 1
            table.fds[id] = fd
            return KernelHandle(id: id)
        }
    }

    /// The descriptor behind a handle this kernel made and has not closed, else EBADF.
    private func descriptor(_ handle: KernelHandle) throws(KernelError) -> Int32 {
        guard let fd = handles.withLock({ $0.fds[handle.id] }) else {
            throw KernelError(.EBADF, .other("not an open handle of this kernel"))
        }
        return fd
    }

    public func open(_ path: String, flags: OpenFlags) throws(KernelError) -> KernelHandle {
        guard isLive else {
            throw KernelError(.EOPNOTSUPP, .other("a --root tree has no live device nodes"))
        }
        var oflags = O_CLOEXEC | O_NOCTTY
        oflags |= flags.contains(.readOnly) ? O_RDONLY : O_RDWR
        if flags.contains(.nonBlocking) { oflags |= O_NONBLOCK }
        let fd = Glibc.open(path, oflags)
        guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return adopt(fd)
    }

    /// Closes a handle once; a handle already closed (or never made here) is ignored.
    public func close(_ handle: KernelHandle) {
        if let fd = handles.withLock({ $0.fds.removeValue(forKey: handle.id) }) { Glibc.close(fd) }
    }

    public func ioctl(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> Int {
        if DriverOpsABI.yieldsDescriptor(request) { throw .descriptorRequestRefused }
        let r = rdmaabi_ioctl_ulong(try descriptor(handle), request, UInt(argument))
        guard r >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return Int(r)
    }

    /// RDMA_GET_DRIVER_OPS_FD: no kernel has it yet (ENOTTY); on one that does, the returned
    /// descriptor becomes a handle at once.
    public func driverOpsRequest(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> KernelHandle {
        guard DriverOpsABI.yieldsDescriptor(request) else { throw KernelError(.EINVAL, .other("not a driver-ops request")) }
        let r = rdmaabi_ioctl_ulong(try descriptor(handle), request, UInt(argument))
        guard r >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return adopt(Int32(r))
    }

    public func stat(_ handle: KernelHandle) throws(KernelError) -> DeviceNodeInfo {
        var st = Glibc.stat()
        guard fstat(try descriptor(handle), &st) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        let type: NodeType = st.st_mode & S_IFMT == 0 ? .anonymous : Self.nodeType(st.st_mode)
        return DeviceNodeInfo(type: type, major: rdmaabi_major(UInt64(st.st_rdev)), minor: rdmaabi_minor(UInt64(st.st_rdev)),
                              mode: UInt32(st.st_mode) & 0o7777, uid: st.st_uid, gid: st.st_gid)
    }

    public func write(_ handle: KernelHandle, _ bytes: [UInt8]) throws(KernelError) -> Int {
        let fd = try descriptor(handle)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return n
    }

    public func read(_ handle: KernelHandle, count: Int) throws(KernelError) -> [UInt8] {
        let fd = try descriptor(handle)
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return Array(buffer.prefix(n))
    }

    public func allocateUserMemory(count: Int) throws(KernelError) -> UserMemory {
        LinuxUserMemory(count: count)
    }

    // MARK: netlink, udev, events

    public func netlinkRDMA(_ request: [UInt8]) throws(KernelError) -> [[UInt8]] {
        guard isLive else { throw KernelError(.EPROTONOSUPPORT, .other("a --root tree has no netlink")) }
        return try NetlinkSocket.transact(protocol: RDMAABI_NETLINK_RDMA, request: request)
    }

    public func udevEnumerate(subsystem: String) throws(KernelError) -> [UdevDevice] {
        guard isLive else { throw KernelError(.EOPNOTSUPP, .other("libudev cannot read a --root tree")) }
        return try Udev.enumerate(subsystem: subsystem)
    }

    /// Work on the machine's cores, each worker with a descriptor table of its own
    /// (ParallelWork `privateDescriptors`) and so with a directory cache of its own: a worker's
    /// slot cache holds descriptors of its table only, and is emptied when the work is done —
    /// without a close where the worker's table went with it. Hence one call's work at a time
    /// per kernel (`performing`), and work started from inside work runs in order where it
    /// was started: worker slots are per call.
    public func concurrentlyPerform(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if ParallelWork.isInsideWork {
            for i in 0..<count { body(i) }
            return
        }
        performing.withLock { _ in
            let unshared = ParallelWork.perform(count, privateDescriptors: true, body)
            for slot in 1..<directoryCaches.count {
                let kept = directoryCaches[slot].withLock { cache -> [Int32] in
                    defer { cache = DirectoryCache() }
                    return cache.allDescriptors
                }
                if !unshared.contains(slot) { for fd in kept { Glibc.close(fd) } }
            }
        }
    }

    /// udevd's events when it runs (`/run/udev/control` exists): they arrive after its rules
    /// ran, so /dev nodes and symlinks are in place. Without udevd the libudev "udev" monitor
    /// receives nothing (ABI-FACTS §11), so the kernel's own uevents are read instead.
    public func events() throws(KernelError) -> AsyncStream<KernelEvent> {
        guard isLive else { throw KernelError(.EOPNOTSUPP, .other("a --root tree has no events")) }
        return UdevMonitor.udevdRuns ? try UdevMonitor.stream() : try UeventSocket.stream()
    }

    public var eventSource: String {
        guard isLive else { return "none" }
        return UdevMonitor.udevdRuns ? "udev" : "kernel"
    }
}

/// Real memory for payload pointers: the address is the buffer's own.
final class LinuxUserMemory: UserMemory, @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let count: Int
    init(count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }
    deinit { pointer.deallocate() }
    var address: UInt64 { UInt64(UInt(bitPattern: pointer)) }
    func load() -> [UInt8] { Array(UnsafeRawBufferPointer(start: pointer, count: count)) }
    func store(_ bytes: [UInt8], at offset: Int) {
        precondition(offset >= 0 && offset + bytes.count <= count, "store outside user memory")
        bytes.withUnsafeBytes { (pointer + offset).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }
}
