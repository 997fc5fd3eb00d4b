import Foundation
import Testing
import RdmaKit
@testable import RdmaLinux
import Glibc
import CRdmaSys

/// A tree on a mount where no device node can be opened has its attributes opened without a
/// look first (LinuxKernel `unlooked`): on a `nodev` mount opening a block or character device
/// fails with EACCES before any driver runs (fs/namei.c may_open → may_open_dev), and sysfs
/// holds no device nodes at all (fs/kernfs). These tests hold that shortcut to the looked way:
/// the same bytes and errors, and a device node never opened — by inotify, which reports every
/// open of an inode (fs/open.c do_dentry_open → fsnotify_open) and nothing for an open refused
/// before it.
@Suite("Unlooked tree attributes")
struct UnlookedAttributeTests {
    static let rxe = "devices/virtual/infiniband/rxe0"

    /// sysfs itself, as a SYSFS_PATH-style root: unlooked, and reads what the live kernel reads.
    @Test func sysfsAsARootOpensUnlooked() throws {
        let rooted = try LinuxKernel.rooted(at: "/sys")
        #expect(rooted.opensUnlooked)
        let live = try LinuxKernel.live()
        for name in ["online", "possible", "cpu0", "no_such_attribute"] {
            LinuxKernelTests.expectSameRead(live, rooted, "/sys/devices/system/cpu", name, fewInDirectory: true)
        }
        #expect(rooted.opensUnlooked)
    }

    /// A tree is opened unlooked exactly when its mount refuses device nodes: on the test's
    /// /tmp, whatever that is here (statvfs's ST_NODEV, asked independently of the kernel's
    /// fstatfs), it is looked at before each open unless /tmp is nodev.
    @Test func aTreeWhereDevicesOpenIsLookedAt() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "looked")
        #expect(try LinuxKernel.rooted(at: tree.path).opensUnlooked == !Self.mountAllowsDevices(tree.path))
    }

    /// On a nodev tmpfs: every kind of entry where an attribute should be — a file, links in
    /// and out of the tree, a directory, a FIFO, a character device, nothing, names that are not
    /// plain, a port's attribute, a class entry's — reads as it does from a copy on a mount
    /// that allows devices, joined and split, few or many in a directory; the device node is
    /// never opened, and unlooked opens go on throughout.
    @Test(.enabled(if: geteuid() == 0, "mounts need root"))
    func unlookedReadsAnswerAsLookedOnes() throws {
        try Self.withLookedAndNodevCopies(decorate: Self.decorate) { lookedPath, mountPoint in
            let node = mountPoint + "/" + Self.rxe + "/sys_image_guid"
            let watch = try OpenWatch(node)
            let names = ["node_guid", "fw_ver", "hw_rev", "ports", "board_id", "sys_image_guid", "no_such_attribute",
                         "ports/1/state", "..", "node_type"]
            for directory in ["/sys/" + Self.rxe, "/sys/class/infiniband/rxe0", "/sys/" + Self.rxe + "/ports/1"] {
                for few in [false, true] {
                    let reference = try LinuxKernel.rooted(at: lookedPath)
                    let unlooked = try LinuxKernel.rooted(at: mountPoint)
                    #expect(!reference.opensUnlooked)
                    #expect(unlooked.opensUnlooked)
                    for name in names {
                        LinuxKernelTests.expectSameRead(reference, unlooked, directory, name, fewInDirectory: few)
                        let joined = Result { () throws(KernelError) in try unlooked.readAttribute(directory + "/" + name, limit: 4096, fewInDirectory: few) }
                        let other = Result { () throws(KernelError) in try reference.readAttribute(directory + "/" + name, limit: 4096, fewInDirectory: few) }
                        Self.expectSame(joined, other, directory + "/" + name)
                    }
                    #expect(unlooked.opensUnlooked)
                }
            }
            #expect(watch.opens() == 0, "a device node in a nodev tree was opened")
            // The watch sees opens: the node, opened here where it may be (EACCES on nodev,
            // so /dev/null itself), and then the node's twin on the looked copy.
            let control = try OpenWatch(lookedPath + "/" + Self.rxe + "/sys_image_guid")
            let fd = Glibc.open(lookedPath + "/" + Self.rxe + "/sys_image_guid", O_RDONLY | O_CLOEXEC)
            if fd >= 0 { Glibc.close(fd) }
            #expect(fd >= 0 && control.opens() == 1)
        }
    }

    /// A mount inside a nodev tree may allow device nodes: an open that meets one (EXDEV)
    /// ends unlooked opens for that kernel, and the device node on it is looked at, not opened.
    @Test(.enabled(if: geteuid() == 0, "mounts need root"))
    func aMountInsideTheTreeEndsUnlookedOpens() throws {
        try Self.withMountInsideANodevTree { mountPoint, watch in
            // Few: the attribute opened in one walk from the device's directory, which meets the
            // mount. Not few: the port's directory opened first (listed), which meets it.
            for few in [true, false] {
                let kernel = try LinuxKernel.rooted(at: mountPoint)
                #expect(kernel.opensUnlooked)
                #expect(try kernel.readAttribute("/sys/" + Self.rxe + "/node_guid").count == 20)
                let read = Result { () throws(KernelError) in
                    try kernel.readAttribute(in: "/sys/" + Self.rxe + "/ports/1", named: "state", limit: 4096, fewInDirectory: few)
                }
                #expect(throws: KernelError(.EINVAL, .notRegular(.characterDevice))) { try read.get() }
                #expect(!kernel.opensUnlooked)
                #expect(watch.opens() == 0, "a device node on a mount inside the tree was opened")
            }
        }
    }

    // MARK: helpers

    /// rxe-sysfs copied to /tmp and decorated, and that copy copied to a nodev tmpfs, in a private
    /// mount namespace: `body(looked copy, nodev copy)`.
    static func withLookedAndNodevCopies(decorate: (String) -> Void,
                                         _ body: @escaping @Sendable (String, String) throws -> Void) throws {
        let lookedTree = TempTree.copy(of: "rxe-sysfs", label: "looked"), mountTree = TempTree("nodev")
        let lookedPath = lookedTree.path, mountPoint = mountTree.path
        decorate(lookedPath)
        try inPrivateMountNamespace {
            try mountTmpfs(at: mountPoint, nodev: true)
            try shell("cp -a '\(lookedPath)/.' '\(mountPoint)/'")
            try body(lookedPath, mountPoint)
        }
    }

    /// rxe-sysfs copied to a nodev tmpfs, in a private mount namespace, with a tmpfs that allows
    /// devices mounted over rxe0's `ports/1` and a character device (/dev/null's number) where
    /// its `state` was, watched for opens: `body(root, watch)`.
    static func withMountInsideANodevTree(_ body: @escaping @Sendable (String, OpenWatch) throws -> Void) throws {
        let mountTree = TempTree("nodev-inner")
        let mountPoint = mountTree.path, fixture = fixturePath("rxe-sysfs")
        try inPrivateMountNamespace {
            try mountTmpfs(at: mountPoint, nodev: true)
            try shell("cp -a '\(fixture)/.' '\(mountPoint)/'")
            let port = mountPoint + "/" + rxe + "/ports/1"
            try mountTmpfs(at: port, nodev: false)
            guard mknod(port + "/state", S_IFCHR | 0o644, devNull) == 0 else { throw POSIXError(.init(rawValue: errno)!) }
            try body(mountPoint, try OpenWatch(port + "/state"))
        }
    }

    /// /dev/null's number (1:3, Documentation/admin-guide/devices.txt): a device whose open
    /// does nothing, should the test fail.
    static let devNull = dev_t(rdmasys_makedev(1, 3))

    /// What `attributesByDirectoryAndNameReadAsTheirJoinedPaths` adds to a copy of rxe-sysfs,
    /// and a character device where `sys_image_guid` was.
    static func decorate(_ root: String) {
        let dir = root + "/" + rxe
        unlink(dir + "/fw_ver"); Glibc.symlink("node_guid", dir + "/fw_ver")
        unlink(dir + "/hw_rev"); Glibc.symlink("/etc/hostname", dir + "/hw_rev")
        unlink(dir + "/board_id"); Glibc.mkfifo(dir + "/board_id", 0o644)
        unlink(dir + "/sys_image_guid")
        if geteuid() == 0 { _ = mknod(dir + "/sys_image_guid", S_IFCHR | 0o644, devNull) }
    }

    static func expectSame(_ a: Result<[UInt8], KernelError>, _ b: Result<[UInt8], KernelError>, _ what: String) {
        switch (a, b) {
        case let (.success(x), .success(y)): #expect(x == y, "\(what)")
        case let (.failure(x), .failure(y)): #expect(x.errno == y.errno && x.detail == y.detail, "\(what): \(x) / \(y)")
        default: Issue.record("\(what): \(a) / \(b)")
        }
    }

    static func mountAllowsDevices(_ path: String) -> Bool {
        var st = statvfs()
        // ST_NODEV (4, glibc <bits/statvfs.h>, hidden without _GNU_SOURCE): the mount's MS_NODEV.
        return statvfs(path, &st) == 0 && st.f_flag & 4 == 0
    }

    static func mountTmpfs(at path: String, nodev: Bool) throws {
        guard mount("rdmactl-test", path, "tmpfs", UInt(nodev ? MS_NODEV : 0), "size=16m") == 0 else {
            throw POSIXError(.init(rawValue: errno)!)
        }
    }

    static func shell(_ command: String) throws {
        guard system(command) == 0 else { throw POSIXError(.EIO) }
    }

    /// Runs `body` on a thread of its own in a private mount namespace: unshare(CLONE_NEWNS)
    /// moves only the calling thread (kernel/fork.c ksys_unshare copies its nsproxy and, with
    /// it, its fs_struct), and the namespace, with every mount made in it, goes when the thread
    /// ends. Threads and processes it starts (`system`) are in it too.
    static func inPrivateMountNamespace(_ body: @escaping @Sendable () throws -> Void) throws {
        let failure = Locked<String?>(nil)
        let thread = RdmaLinux.Thread {
            guard rdmasys_unshare(Int32(CLONE_NEWNS)) == 0 else { failure.withLock { $0 = "unshare: \(errno)" }; return }
            guard mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
                failure.withLock { $0 = "mount --make-rprivate /: \(errno)" }; return
            }
            do { try body() } catch { failure.withLock { $0 = "\(error)" } }
        }
        guard let tid = thread.startJoinable() else { throw POSIXError(.EAGAIN) }
        pthread_join(tid, nil)
        if let message = failure.withLock({ $0 }) { Issue.record(Comment(rawValue: message)) }
    }
}

/// Counts opens of one inode (inotify IN_OPEN).
final class OpenWatch {
    let fd: Int32

    init(_ path: String) throws {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0, inotify_add_watch(fd, path, UInt32(IN_OPEN)) >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
    }

    deinit { Glibc.close(fd) }

    /// Opens reported since the last call.
    func opens() -> Int {
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { return count }
            var offset = 0
            while offset + 16 <= n {
                let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
                let length = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) }
                if mask & UInt32(IN_OPEN) != 0 { count += 1 }
                offset += 16 + Int(length)
            }
        }
    }
}
