import RdmaKit

/// What reading a file returns: a sysfs `show()` callback in miniature (fs/kernfs/file.c,
/// fs/sysfs/file.c).
enum FileContent: Sendable {
    /// Fixed bytes.
    case bytes([UInt8])
    /// Computed from the kernel's state at read time, like `nfreectxts` (hfi1/sysfs.c
    /// `nfreectxts_show` reads `dd->freectxts` on every read). Runs under the kernel lock: it
    /// must only look at the state it is given, never call back into the kernel.
    case computed(@Sendable (borrowing KernelState) throws(KernelError) -> [UInt8])
    /// `show()` fails with this errno, e.g. core/sysfs.c `print_ndev` → EINVAL for a GID entry
    /// without a netdev.
    case failure(Errno)
    /// A write-only attribute (`chip_reset`, 0200): kernfs_fop_open refuses a read open with
    /// EACCES because the attribute has no `show()` — for root too.
    case writeOnly

    static func text(_ string: String) -> FileContent { .bytes(Array(string.utf8)) }
}

/// One node of the emulated file system.
struct Entry: Sendable {
    enum Kind: Sendable {
        case directory(Set<String>)
        case file(FileContent)
        /// The link's contents exactly as `readlink(2)` returns them (relative, like the kernel's).
        case symlink(String)
        /// A character device node; `driver` is what `open` binds to (nil: no driver → ENXIO).
        case characterDevice(major: UInt32, minor: UInt32, driver: DriverKey?)
    }

    var kind: Kind
    /// Permission bits only.
    var mode: UInt32
    var uid: UInt32 = 0
    var gid: UInt32 = 0

    var isDirectory: Bool {
        if case .directory = kind { return true }
        return false
    }

    var nodeType: NodeType {
        switch kind {
        case .directory: return .directory
        case .file: return .regular
        case .symlink: return .symlink
        case .characterDevice: return .characterDevice
        }
    }

    /// What stat says about the entry: type, rdev (char devices), mode and owner.
    var nodeInfo: DeviceNodeInfo {
        var major: UInt32 = 0, minor: UInt32 = 0
        if case .characterDevice(let ma, let mi, _) = kind { major = ma; minor = mi }
        return DeviceNodeInfo(type: nodeType, major: major, minor: minor, mode: mode, uid: uid, gid: gid)
    }
}

/// A tiny in-memory VFS keyed by canonical absolute path ("/sys/class/infiniband"). Building it
/// is a sequence of `mkdir -p`-style insertions; lookups that follow links are in PathWalk.swift.
struct Tree: Sendable {
    private(set) var entries: [String: Entry] = ["/": Entry(kind: .directory([]), mode: 0o755)]
    /// While not nil, every path created is appended (SysfsBuilder records a device's footprint).
    var insertions: [String]?

    func entry(_ path: String) -> Entry? { entries[path] }

    /// Creates `path` and any missing parents (mode 0755, root:root). An existing directory is
    /// left as it is.
    mutating func makeDirectory(_ path: String, mode: UInt32 = 0o755) {
        if let existing = entries[path] {
            precondition(existing.isDirectory, "emulator tree: \(path) exists and is not a directory")
            return
        }
        insert(path, Entry(kind: .directory([]), mode: mode))
    }

    /// A sysfs attribute: mode 0444 unless told (node_desc and uevent are 0644).
    mutating func addFile(_ path: String, _ content: FileContent, mode: UInt32 = 0o444) {
        insert(path, Entry(kind: .file(content), mode: mode))
    }

    mutating func addFile(_ path: String, text: String, mode: UInt32 = 0o444) {
        addFile(path, .text(text), mode: mode)
    }

    /// A symbolic link to the absolute `target`, stored relative to the link's directory the way
    /// sysfs stores it, e.g. class/infiniband/hfi1_0 → ../../devices/pci0000:80/….
    mutating func addLink(_ path: String, to target: String) {
        addSymlink(path, contents: Tree.sysfsLinkContents(link: path, target: target))
    }

    /// fs/kernfs/symlink.c `kernfs_get_target_path`: "../" from the link's directory up to the
    /// nearest ancestor of the target's *parent*, then down to the target — so a link to an
    /// ancestor still names it (`<pci>/infiniband/hfi1_0/device` → "../../../0000:81:00.0",
    /// not "../..").
    static func sysfsLinkContents(link: String, target: String) -> String {
        // Scalars, not Characters (a name may begin with a combining mark: PathWalk.swift).
        let from: [String] = KernelPath.dirname(link).unicodeScalars.split(separator: "/").map { String($0) }
        let toParent: [String] = KernelPath.dirname(target).unicodeScalars.split(separator: "/").map { String($0) }
        var common = 0
        while common < from.count && common < toParent.count && from[common] == toParent[common] { common += 1 }
        let up: [String] = Array(repeating: "..", count: from.count - common)
        return (up + Array(toParent[common...]) + [KernelPath.basename(target)]).joined(separator: "/")
    }

    /// A symbolic link with verbatim contents (tests use it for loops and dangling links).
    mutating func addSymlink(_ path: String, contents: String) {
        insert(path, Entry(kind: .symlink(contents), mode: 0o777))
    }

    mutating func addCharacterDevice(_ path: String, major: UInt32, minor: UInt32, mode: UInt32,
                                     uid: UInt32 = 0, gid: UInt32 = 0, driver: DriverKey?) {
        insert(path, Entry(kind: .characterDevice(major: major, minor: minor, driver: driver),
                           mode: mode, uid: uid, gid: gid))
    }

    /// chmod/chown (tests: a node a udev rule or an administrator changed).
    mutating func setOwnership(_ path: String, mode: UInt32, uid: UInt32, gid: UInt32) {
        guard entries[path] != nil else { return }
        entries[path]!.mode = mode
        entries[path]!.uid = uid
        entries[path]!.gid = gid
    }

    /// Removes the entries at `paths` that are not directories, then the directories among them
    /// that are left empty, deepest first: what `device_del` takes away, without touching a
    /// directory another device still has entries in (a shared `devices/virtual/<class>`).
    mutating func removeFootprint(_ paths: Set<String>) {
        for path in paths where entries[path].map({ !$0.isDirectory }) ?? false { remove(path) }
        for path in paths.sorted(by: { $0.count > $1.count }) {
            if case .directory(let children)? = entries[path]?.kind, children.isEmpty { remove(path) }
        }
    }

    /// Moves the entry at `from`, with everything below it, to `to` (kernfs_rename: a device
    /// rename moves its directory). `to` must not exist; its parent must.
    mutating func move(_ from: String, to: String) {
        precondition(entries[to] == nil && entries[from] != nil && Tree.isCanonicalForm(to),
                     "emulator tree: cannot move \(from) to \(to)")
        let prefix = from + "/"
        for path in entries.keys where path == from || path.hasPrefix(prefix) {
            entries[to + String(path.unicodeScalars.dropFirst(from.unicodeScalars.count))] = entries.removeValue(forKey: path)
        }
        for (parent, name, add) in [(KernelPath.dirname(from), KernelPath.basename(from), false),
                                    (KernelPath.dirname(to), KernelPath.basename(to), true)] {
            guard case .directory(var children)? = entries[parent]?.kind else { continue }
            if add { children.insert(name) } else { children.remove(name) }
            entries[parent]?.kind = .directory(children)
        }
    }

    /// Replaces the contents of an existing file, keeping its mode and owner.
    mutating func replaceFile(_ path: String, _ content: FileContent) {
        guard case .file? = entries[path]?.kind else { return }
        entries[path]?.kind = .file(content)
    }

    /// Removes `path` and everything below it (no-op when absent). For hotplug and tests.
    mutating func remove(_ path: String) {
        guard path != "/", let entry = entries.removeValue(forKey: path) else { return }
        if case .directory(let children) = entry.kind {
            for child in children { remove(KernelPath.join(path, child)) }
        }
        let parent = KernelPath.dirname(path)
        if case .directory(var siblings) = entries[parent]?.kind {
            siblings.remove(KernelPath.basename(path))
            entries[parent]?.kind = .directory(siblings)
        }
    }

    private mutating func insert(_ path: String, _ entry: Entry) {
        // Canonical form (no "", "." or ".." component): Tree.resolve's fast path relies on it.
        precondition(Tree.isCanonicalForm(path), "emulator tree: bad path \(path)")
        precondition(entries[path] == nil, "emulator tree: \(path) created twice")
        let parent = KernelPath.dirname(path)
        makeDirectory(parent)
        guard case .directory(var children) = entries[parent]!.kind else {
            preconditionFailure("emulator tree: parent of \(path) is not a directory")
        }
        // Drop the table's reference first, so the insert mutates in place instead of copying
        // the set (a quadratic build for directories like gids/ with hundreds of entries).
        entries[parent]!.kind = .directory([])
        children.insert(KernelPath.basename(path))
        entries[parent]!.kind = .directory(children)
        entries[path] = entry
        insertions?.append(path)
    }
}
