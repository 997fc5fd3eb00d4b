import RdmaKit

/// The in-process kernel (DESIGN §2, §5): the RDMA core plus hfi1 and qib devices, with the sysfs
/// and /dev a real kernel would show for them, behind the same `Kernel` verbs as `LinuxKernel`.
///
/// Thread-safe: one lock (`Locked`, RdmaKit/Concurrency) guards all mutable state (the tree,
/// open files, user memory, device counters); no verb blocks. Handles are emulator-private ids, not descriptors. The caller's
/// identity is a parameter — the emulator never asks the OS who is running it — and node modes
/// are checked against it, root bypassing them.
///
/// Sysfs verbs are here; files, user memory and leak reporting in EmulatedKernel+Files.swift;
/// netlink, udev and events in EmulatedKernel+Events.swift.
public final class EmulatedKernel: Kernel {
    public let kind: KernelKind
    public let devices: DeviceSet
    public let profile: Profile
    /// Whom the emulated kernel believes it serves: the process's real ids (the CLI passes
    /// them) or `--emulated-user UID[:GID]`.
    public let credentials: Credentials
    /// The ib device names in probe order, e.g. ["hfi1_0", "qib0"].
    public let deviceNames: [String]
    let box: StateBox

    public init(devices: DeviceSet = .default, profile: Profile = .default, credentials: Credentials) {
        self.devices = devices
        self.profile = profile
        self.credentials = credentials
        kind = .emulated(profile: profile.rawValue)
        let (names, state) = EmulatedKernel.bootState(devices, profile)
        deviceNames = names
        box = StateBox(state)
    }

    /// The state a kernel boots into: probe, tree, drivers, device counters. A pure function of
    /// the device set and the profile, and a value (the tree, drivers and counters are structs),
    /// so it is built once per pair and each kernel starts from its own copy — building the tree
    /// was ~10% of each fuzz-arguments input, which opens a fresh kernel per command.
    private static let booted = Locked<[(devices: DeviceSet, profile: Profile, names: [String], state: KernelState)]>([])

    private static func bootState(_ devices: DeviceSet, _ profile: Profile) -> ([String], KernelState) {
        let hit = booted.withLock { (cache) -> ([String], KernelState)? in
            // Least recently used first: a hit moves to the end.
            guard let i = cache.firstIndex(where: { $0.devices == devices && $0.profile == profile }) else { return nil }
            let known = cache.remove(at: i)
            cache.append(known)
            return (known.names, known.state)
        }
        if let hit { return hit }
        let probed = Probe.run(devices)
        let built = SysfsBuilder.build(probed, profile: profile)
        var drivers: [DriverKey: any EmulatedDriver] = [:]
        for key in built.driverKeys { drivers[key] = makeDriver(key, profile: profile) }
        var deviceStates: [String: DeviceState] = [:]
        for device in probed { deviceStates[device.name] = DeviceState(probe: device, freeContexts: device.fixture.contexts) }
        var state = KernelState(tree: built.tree, devices: deviceStates, drivers: drivers)
        state.hotplug = HotplugRegistry(footprints: built.footprints, nextIndex: probed.count)
        let names = probed.map(\.name)
        booted.withLock { cache in
            // A few sets and profiles are what a process uses; a fuzzer's stream of sets (its
            // corpus holds dozens) must not grow the cache without bound.
            if cache.count >= 16 { cache.removeFirst() }
            cache.append((devices, profile, names, state))
        }
        return (names, state)
    }

    /// Runs `body` on the state under the lock (tests: build loops, unbind a driver).
    func withState<R: Sendable>(_ body: (inout KernelState) -> R) -> R {
        box.state.withLock { body(&$0) }
    }

    // MARK: sysfs

    public func listDirectory(_ path: String) throws(KernelError) -> [String] {
        try box.state.withLock { (state) throws(KernelError) -> [String] in
            let (_, entry) = try state.tree.lookup(path)
            guard case .directory(let names) = entry.kind else { throw KernelError(.ENOTDIR) }
            return names.sorted()
        }
    }

    /// Counts the directories in the tree beside `path` (links followed), as kernfs's
    /// `kn->dir.subdirs` does.
    public func directoriesBeside(_ path: String) throws(KernelError) -> Int? {
        try box.state.withLock { (state) throws(KernelError) -> Int? in
            let (canonical, _) = try state.tree.lookup(path)
            return try Self.subdirectories(of: KernelPath.dirname(canonical), in: state.tree)
        }
    }

    /// Counts the directories `directory` holds; nil when it is a link.
    public func subdirectoryCount(_ directory: String) throws(KernelError) -> Int? {
        try box.state.withLock { (state) throws(KernelError) -> Int? in
            let (resolved, entry) = try state.tree.lookup(directory, followLast: false)
            if case .symlink = entry.kind { return nil }
            return try Self.subdirectories(of: resolved, in: state.tree)
        }
    }

    private static func subdirectories(of directory: String, in tree: Tree) throws(KernelError) -> Int {
        guard let entry = tree.entry(directory), case .directory(let names) = entry.kind else { throw KernelError(.ENOTDIR) }
        let prefix = directory == "/" ? "/" : directory + "/"
        return names.count { tree.entry(prefix + $0)?.isDirectory == true }
    }

    /// Follows links. A directory is EISDIR, a device node EINVAL with `.notRegular` (never
    /// read, like `LinuxKernel`), a file the caller may not read EACCES, a write-only attribute
    /// EACCES, a failing `show()` its errno, more than `limit` bytes EFBIG.
    public func readAttribute(_ path: String, limit: Int) throws(KernelError) -> [UInt8] {
        try box.state.withLock { (state) throws(KernelError) -> [UInt8] in
            let (_, entry) = try state.tree.lookup(path)
            let content: FileContent
            switch entry.kind {
            case .directory: throw KernelError(.EISDIR)
            case .characterDevice: throw KernelError(.EINVAL, .notRegular(.characterDevice))
            case .symlink: throw KernelError(.ELOOP)   // unreachable: lookup follows links
            case .file(let c): content = c
            }
            guard credentials.permits(entry, read: true, write: false) else { throw KernelError(.EACCES) }
            let bytes: [UInt8]
            switch content {
            case .bytes(let b): bytes = b
            case .computed(let show): bytes = try show(state)
            case .failure(let errno): throw KernelError(errno)
            case .writeOnly: throw KernelError(.EACCES)
            }
            if bytes.count > limit { throw KernelError(.EFBIG, .tooLarge(limit: limit)) }
            return bytes
        }
    }

    /// The link's target resolved against the link's (canonical) directory. EINVAL for a
    /// non-link, ENOENT when absent, EXDEV `.leavesRoot` for a target climbing above "/".
    public func readLink(_ path: String) throws(KernelError) -> String {
        try box.state.withLock { (state) throws(KernelError) -> String in
            let (parent, entry) = try state.tree.lookupNoFollow(path)
            guard case .symlink(let contents) = entry.kind else { throw KernelError(.EINVAL) }
            guard let resolved = KernelPath.resolve(contents, against: parent) else {
                throw KernelError(.EXDEV, .leavesRoot(target: contents))
            }
            return resolved
        }
    }
}
