import Foundation
import Testing
import RdmaKit
@testable import RdmaLinux
import Glibc
import CRdmaABI
import CRdmaSys
import Synchronization

/// The real-kernel implementation of the seam on this host (no RDMA here: see the VM stage for
/// a real device).
@Suite("LinuxKernel")
struct LinuxKernelTests {
    @Test func udevEnumerationWorksAndFindsNoRDMAHere() throws {
        let kernel = try LinuxKernel.live()
        // libudev works without udevd: it finds the loopback netdev…
        let net = try kernel.udevEnumerate(subsystem: "net")
        #expect(net.contains { $0.sysname == "lo" && $0.syspath.hasPrefix("/sys/devices/virtual/net/lo") })
        // …and, on a host without RDMA, no infiniband devices, without an error.
        if !FileManager.default.fileExists(atPath: "/sys/class/infiniband") {
            #expect(try kernel.udevEnumerate(subsystem: "infiniband").isEmpty)
        }
    }

    @Test func netlinkRDMAIsReportedAsUnsupportedHere() throws {
        let kernel = try LinuxKernel.live()
        guard !FileManager.default.fileExists(atPath: "/sys/class/infiniband") else { return }
        #expect(throws: KernelError.self) { _ = try kernel.netlinkRDMA([UInt8](repeating: 0, count: 16)) }
    }

    /// The kernel uevent stream starts, and a consumer that stops listening ends it: the reader
    /// thread notices within its 200 ms poll, so nothing hangs.
    @Test func ueventStreamStartsAndStops() async throws {
        let kernel = try LinuxKernel.live()
        let stream = try kernel.events()
        let reader = Task { () -> Int in
            var seen = 0
            for await _ in stream { seen += 1 }
            return seen
        }
        try await Task.sleep(for: .milliseconds(300))
        reader.cancel()
        _ = await reader.value
        // A rooted tree has no events.
        let tree = TempTree.copy(of: "rxe-sysfs", label: "events")
        #expect(throws: KernelError.self) { _ = try LinuxKernel.rooted(at: tree.path).events() }
    }

    @Test func rootedReadsStayInsideTheRoot() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "confine")
        // An absolute link inside a rooted tree resolves against the root, not the host.
        tree.symlink("devices/virtual/infiniband/rxe0/fw_ver", to: "/etc/hostname")
        let kernel = try LinuxKernel.rooted(at: tree.path)
        #expect(throws: KernelError.self) { _ = try kernel.readAttribute("/sys/devices/virtual/infiniband/rxe0/fw_ver") }
        // A relative link climbing out of the root is refused by readLink.
        tree.symlink("devices/virtual/infiniband/rxe0/device", to: "../../../../../../../../etc")
        do {
            _ = try kernel.readLink("/sys/devices/virtual/infiniband/rxe0/device")
            Issue.record("a link leaving the root was followed")
        } catch {
            #expect(error.errno == .EXDEV)
        }
        // A SYSFS_PATH-style root has no /dev.
        #expect(throws: KernelError.self) { _ = try kernel.deviceNode("/dev/infiniband/uverbs0") }
        #expect(throws: KernelError.self) { _ = try kernel.open("/dev/infiniband/uverbs0", flags: .probe) }
    }

    /// Attributes are opened relative to their directory's descriptor after a look (fstatat):
    /// a link in the tree still reads through the in-root resolution, a directory is EISDIR,
    /// and a second read from the same directory needs no new directory descriptor.
    @Test func rootedAttributeKinds() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "kinds")
        let dir = "devices/virtual/infiniband/rxe0"
        tree.symlink(dir + "/fw_ver", to: "node_guid")
        let kernel = try LinuxKernel.rooted(at: tree.path)
        let guid = try kernel.readAttribute("/sys/" + dir + "/node_guid")
        #expect(try kernel.readAttribute("/sys/" + dir + "/fw_ver") == guid)
        #expect(try kernel.readAttribute("/sys/class/infiniband/rxe0/node_guid") == guid)
        do {
            _ = try kernel.readAttribute("/sys/" + dir + "/ports")
            Issue.record("a directory was read as an attribute")
        } catch { #expect(error.errno == .EISDIR) }
        do {
            _ = try kernel.readAttribute("/sys/" + dir + "/no_such_attribute")
            Issue.record("a missing attribute was read")
        } catch { #expect(error.errno == .ENOENT) }
    }

    /// `readAttribute(in:named:)` — a directory and a name held apart, opened relative to the
    /// directory's descriptor without joining them — answers what the joined path answers, for
    /// every kind `rootedAttributeKinds` reads and more: a regular file, a link inside the
    /// tree, a link leaving it, a directory, a FIFO, a missing name, names that are not plain
    /// ("a/b", ".."), a directory through a class link, and with and without a listing.
    @Test func attributesByDirectoryAndNameReadAsTheirJoinedPaths() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "split")
        let dir = "devices/virtual/infiniband/rxe0"
        tree.symlink(dir + "/fw_ver", to: "node_guid")
        tree.symlink(dir + "/hw_rev", to: "/etc/hostname")
        tree.mkfifo(dir + "/board_id")
        let names = ["node_guid", "fw_ver", "hw_rev", "ports", "board_id", "no_such_attribute", "ports/1/state", "..", "node_type"]
        for directory in ["/sys/" + dir, "/sys/class/infiniband/rxe0"] {
            for few in [false, true] {
                // Separate kernels: what one way caches must not answer for the other.
                let joined = try LinuxKernel.rooted(at: tree.path), split = try LinuxKernel.rooted(at: tree.path)
                for name in names { Self.expectSameRead(joined, split, directory, name, fewInDirectory: few) }
            }
        }
        let split = try LinuxKernel.rooted(at: tree.path)
        #expect(try split.readAttribute(in: "/sys/" + dir, named: "fw_ver", limit: 4096, fewInDirectory: false)
                == (try split.readAttribute(in: "/sys/" + dir, named: "node_guid", limit: 4096, fewInDirectory: false)))
        #expect(throws: KernelError.self) { _ = try split.readAttribute(in: "/sys/" + dir, named: "board_id", limit: 4096, fewInDirectory: true) }
    }

    /// A link target is read into 256 bytes first and again into a page only when it fills
    /// them: targets of 255, 256, 257 and 3,000 bytes (each "./" repeated, then a name) read
    /// whole, live and in a tree.
    @Test func longLinkTargetsReadWhole() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "longlinks")
        let live = try LinuxKernel.live()
        for length in [255, 256, 257, 3000] {
            let name = "node_guid"
            let padding = String(repeating: "./", count: (length - name.count) / 2) + (((length - name.count) % 2 == 1) ? "/" : "")
            let target = padding + name
            #expect(target.utf8.count == length)
            tree.symlink("devices/virtual/infiniband/rxe0/long\(length)", to: target)
            let rooted = try LinuxKernel.rooted(at: tree.path)
            #expect(try rooted.readLink("/sys/devices/virtual/infiniband/rxe0/long\(length)") == "/sys/devices/virtual/infiniband/rxe0/node_guid")
            #expect(try live.readLink(tree.path + "/devices/virtual/infiniband/rxe0/long\(length)")
                    == tree.path + "/devices/virtual/infiniband/rxe0/node_guid")
        }
    }

    /// `directory`/`name` read joined by `joined` and split by `split`: the same bytes, or the
    /// same errno.
    static func expectSameRead(_ joined: LinuxKernel, _ split: LinuxKernel, _ directory: String, _ name: String,
                               fewInDirectory few: Bool) {
        let a = Result { () throws(KernelError) in try joined.readAttribute(directory + "/" + name, limit: 4096, fewInDirectory: few) }
        let b = Result { () throws(KernelError) in try split.readAttribute(in: directory, named: name, limit: 4096, fewInDirectory: few) }
        switch (a, b) {
        case let (.success(x), .success(y)): #expect(x == y, "\(directory) \(name)")
        case let (.failure(x), .failure(y)): #expect(x.errno == y.errno, "\(directory) \(name): \(x) / \(y)")
        default: Issue.record("\(directory) \(name): \(a) / \(b)")
        }
        // The text verb, both ways, answers the bytes as text (one newline removed), or the error.
        let texts = [Result { () throws(KernelError) in try joined.readAttributeText(in: directory + "/" + name, named: nil, limit: 4096, fewInDirectory: few) },
                     Result { () throws(KernelError) in try split.readAttributeText(in: directory, named: name, limit: 4096, fewInDirectory: few) }]
        for text in texts { expectText(text, isRead: a, "\(directory) \(name)") }
    }

    /// `text` is `read`'s bytes as SysfsText, one trailing newline removed, or its errno.
    static func expectText(_ text: Result<SysfsText, KernelError>, isRead read: Result<[UInt8], KernelError>, _ what: String) {
        switch (text, read) {
        case let (.success(t), .success(bytes)):
            #expect(t == SysfsText(bytes: bytes.last == 0x0a ? Array(bytes.dropLast()) : bytes), "\(what)")
        case let (.failure(x), .failure(y)): #expect(x.errno == y.errno && x.detail == y.detail, "\(what): \(x) / \(y)")
        default: Issue.record("\(what): \(text) / \(read)")
        }
    }

    /// An attribute is read as text into 256 bytes first, and on with the array's reads only
    /// when it fills them: files around that edge and the 64 KiB bound (DESIGN §3), with and
    /// without their newline, ASCII, UTF-8 and not UTF-8, read as text answer their bytes.
    @Test func attributesReadAsTextAnswerTheirBytes() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "text")
        let dir = "devices/virtual/infiniband/rxe0"
        var files: [String] = []
        for size in [0, 1, 2, 254, 255, 256, 257, 300, 1025, 4096, 65_536, 65_537] {
            for (kind, fill) in [("ascii", [UInt8(0x61)]), ("utf8", Array("é".utf8)), ("bad", [UInt8(0xff)])] {
                for newline in [false, true] where size > 0 || !newline {
                    var bytes = Array(repeatElement(fill, count: size / fill.count + 1).joined().prefix(size))
                    if newline { bytes[bytes.count - 1] = 0x0a }
                    let name = "t_\(size)_\(kind)_\(newline)"
                    tree.write(dir + "/" + name, bytes)
                    files.append(name)
                }
            }
        }
        for few in [false, true] {
            let kernel = try LinuxKernel.rooted(at: tree.path)
            for name in files {
                let read = Result { () throws(KernelError) in try kernel.readAttribute(in: "/sys/" + dir, named: name, limit: attributeReadLimit, fewInDirectory: few) }
                let text = Result { () throws(KernelError) in try kernel.readAttributeText(in: "/sys/" + dir, named: name, limit: attributeReadLimit, fewInDirectory: few) }
                Self.expectText(text, isRead: read, name)
                if name.hasPrefix("t_65537") { #expect(throws: KernelError.self) { try text.get() } }
            }
        }
    }

    /// Live, the split verb joins the two in temporary storage for the open: the same bytes and
    /// errors as the joined path, on files every Linux sysfs has (drivers/base/cpu.c `online`,
    /// `possible`), a directory, a missing name and a name that is not plain.
    @Test func liveAttributesByDirectoryAndNameReadAsTheirJoinedPaths() throws {
        let kernel = try LinuxKernel.live()
        let directory = "/sys/devices/system/cpu"
        for name in ["online", "possible", "cpu0", "no_such_attribute", "cpu0/online", ""] {
            Self.expectSameRead(kernel, kernel, directory, name, fewInDirectory: false)
        }
        #expect(String(decoding: try kernel.readAttribute(in: directory, named: "online", limit: 4096, fewInDirectory: false), as: UTF8.self)
                    .hasPrefix("0"))
    }

    /// A directory below one already open (ports/ → ports/1) is opened relative to it, one
    /// component with O_NOFOLLOW (issue 9); where that name is a link the in-root resolution
    /// takes over, so a link leaving the root is not followed whether or not the parent was
    /// listed first.
    @Test func directoriesBelowAnOpenParentStayInsideTheRoot() throws {
        let outside = TempTree("outside")
        outside.write("state", "4: ACTIVE\n")
        outside.write("lid", "0xdead\n")
        let ports = "devices/virtual/infiniband/rxe0/ports"
        for listedFirst in [true, false, nil] {
            let tree = TempTree.copy(of: "rxe-sysfs", label: "below")
            let kernel = try LinuxKernel.rooted(at: tree.path)
            // The short way, on a real directory: the attribute as the tree has it.
            let state = try kernel.readAttribute("/sys/\(ports)/1/state")
            #expect(state == Array(try String(contentsOfFile: tree.path + "/\(ports)/1/state", encoding: .utf8).utf8))
            // ports/2: a link to a directory outside the root, relative and climbing.
            tree.symlink("\(ports)/2", to: "../../../../../../../../../../../.." + outside.path)
            tree.symlink("\(ports)/3", to: outside.path)
            let fresh = try LinuxKernel.rooted(at: tree.path)
            switch listedFirst {
            case true?: #expect(try fresh.listDirectory("/sys/\(ports)").sorted() == ["1", "2", "3"])
            case false?: _ = try? fresh.readLink("/sys/\(ports)/2") // caches ports/ without a listing
            case nil:
                // Only the device's directory is open (ports/ counted, not opened): ports/N is
                // opened two components below it, no link followed.
                _ = try fresh.readAttribute("/sys/devices/virtual/infiniband/rxe0/node_type")
                #expect(try fresh.subdirectoryCount("/sys/\(ports)") != 0)
            }
            for port in ["2", "3"] {
                let read = try? fresh.readAttribute("/sys/\(ports)/\(port)/lid")
                #expect(read != Array("0xdead\n".utf8), "ports/\(port) read outside the root (listed first: \(listedFirst))")
            }
        }
    }

    /// A device's directory P/infiniband/NAME is opened below its parent P (kept: the driver
    /// link is read there next), with no link followed below P — an `infiniband` that leads
    /// out of the root is resolved inside it, the long way, like any other link.
    @Test func deviceDirectoriesBelowTheirParentStayInsideTheRoot() throws {
        let outside = TempTree("outside-ib")
        outside.write("d/node_type", "1: CA\n")
        outside.write("d/node_guid", "dead:dead:dead:dead\n")
        let tree = TempTree("device-below")
        tree.mkdir("class/infiniband")
        tree.write("devices/p/infiniband/a/node_guid", "0000:0000:0000:0001\n")
        tree.mkdir("devices/q")
        tree.symlink("devices/q/infiniband", to: "../../../../../../../../../../.." + outside.path)
        let kernel = try LinuxKernel.rooted(at: tree.path)
        #expect(try kernel.readAttribute("/sys/devices/p/infiniband/a/node_guid") == Array("0000:0000:0000:0001\n".utf8))
        #expect(kernel.directoryCache.withLock { $0.entries["/sys/devices/p"] } != nil)
        let read = try? kernel.readAttribute("/sys/devices/q/infiniband/d/node_guid")
        #expect(read != Array("dead:dead:dead:dead\n".utf8), "a device directory was read outside the root")
    }

    /// `list`'s few reads of a device's directory open it exactly — from the root, no link on
    /// its path — and read its parent's links through it ("../../driver"), so the parent is
    /// never opened; where a link is on the path (a hand-made tree), the usual way, and the
    /// parent's link is the parent's named by the path, not the one ".." would reach.
    @Test func aDeviceDirectoryReadForAFewAttributesIsOpenedExactly() throws {
        let tree = TempTree("device-exact")
        tree.mkdir("class/infiniband")
        tree.write("devices/p/infiniband/a/node_guid", "0000:0000:0000:0001\n")
        tree.symlink("devices/p/driver", to: "../../bus/pci/drivers/pdrv")
        tree.write("devices/r/ib/b/node_guid", "0000:0000:0000:0002\n")
        tree.symlink("devices/r/driver", to: "../../bus/pci/drivers/rdrv")
        tree.mkdir("devices/q")
        tree.symlink("devices/q/infiniband", to: "../r/ib")
        tree.symlink("devices/q/driver", to: "../../bus/pci/drivers/qdrv")
        let outside = TempTree("outside-exact")
        outside.write("d/node_guid", "dead:dead:dead:dead\n")
        tree.mkdir("devices/o")
        tree.symlink("devices/o/infiniband", to: "../../../../../../../../../../.." + outside.path)
        let kernel = try LinuxKernel.rooted(at: tree.path)
        let entries = { kernel.directoryCache.withLock { $0.entries } }

        #expect(try kernel.readAttribute("/sys/devices/p/infiniband/a/node_guid", limit: 256, fewInDirectory: true)
                == Array("0000:0000:0000:0001\n".utf8))
        #expect(entries()["/sys/devices/p/infiniband/a"]?.exact == true)
        #expect(try kernel.readLink("/sys/devices/p/driver") == "/sys/bus/pci/drivers/pdrv")
        #expect(entries()["/sys/devices/p"] == nil, "the parent was opened")
        // A port's state is the one read of its directory: read, and the directory not kept.
        tree.write("devices/p/infiniband/a/ports/1/state", "4: ACTIVE\n")
        #expect(try kernel.readAttribute("/sys/devices/p/infiniband/a/ports/1/state", limit: 256, fewInDirectory: true)
                == Array("4: ACTIVE\n".utf8))
        #expect(entries()["/sys/devices/p/infiniband/a/ports/1"] == nil)
        #expect(entries()["/sys/devices/p/infiniband/a"] != nil)

        #expect(try kernel.readAttribute("/sys/devices/q/infiniband/b/node_guid", limit: 256, fewInDirectory: true)
                == Array("0000:0000:0000:0002\n".utf8))
        #expect(entries()["/sys/devices/q/infiniband/b"]?.exact == false)
        #expect(try kernel.readLink("/sys/devices/q/driver") == "/sys/bus/pci/drivers/qdrv")

        let read = try? kernel.readAttribute("/sys/devices/o/infiniband/d/node_guid", limit: 256, fewInDirectory: true)
        #expect(read != Array("dead:dead:dead:dead\n".utf8), "a device directory was read outside the root")
    }

    /// Discovery's workers take descriptor tables of their own (unshare CLONE_FILES): what a
    /// worker opens is in its table only, so a link where an attribute should be — reopened
    /// through /proc/…/fd — must be reopened through the worker's table (/proc/thread-self),
    /// not the process's (/proc/self is the thread group leader's). 32 devices: enough for
    /// the work to run on threads; every node_guid a link, so workers take that way too.
    @Test func workersReadThroughTheirOwnDescriptorTables() throws {
        let dir = "/tmp/rdmactl-private-fds-\(getpid())"
        defer { try? HostFiles.removeTree(dir) }
        #expect(rdmactl(["--emulated-set", "hfi1:16,qib:16", "snapshot", dir]).status == 0)
        let before = try Discovery(kernel: try LinuxKernel.rooted(at: dir)).run(source: .sysfs, detail: .summary)
        #expect(before.devices.count == 32 && before.warnings.isEmpty)
        for device in before.devices {
            let guid = dir + device.sysfsPath + "/node_guid"
            try HostFiles.rename(guid, to: guid + ".real")
            try HostFiles.symlink(guid, target: "node_guid.real")
        }
        let kernel = try LinuxKernel.rooted(at: dir)
        for _ in 0..<3 {
            let after = try Discovery(kernel: kernel).run(source: .sysfs, detail: .summary)
            #expect(after.warnings.isEmpty, "\(after.warnings.map(\.message))")
            #expect(after.devices.map(\.nodeGUID) == before.devices.map(\.nodeGUID))
            // The workers' caches are emptied with their tables once the work is done.
            #expect(kernel.directoryCaches.dropFirst().allSatisfy { $0.withLock { $0.entries.isEmpty } })
        }
    }

    /// A size to expect (the manifest's st_size) only sizes the first read: a file that grew or
    /// shrank since is read whole all the same, and the limit holds.
    @Test(arguments: [0, 99_990, 100_000, 100_010, 1])
    func readAllTakesTheExpectedSizeAsAHint(expected: Int) throws {
        let tree = TempTree("read-all")
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        tree.write("f", bytes)
        let fd = open(tree.path + "/f", O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        #expect(try LinuxKernel.readAll(fd, limit: 4 << 20, expectedBytes: expected) == bytes)
        #expect(lseek(fd, 0, SEEK_SET) == 0)
        #expect(throws: KernelError.self) { _ = try LinuxKernel.readAll(fd, limit: 50_000, expectedBytes: expected) }
    }

    /// `directoriesBeside` counts what kernfs counts — st_nlink is subdirectories + 2
    /// (fs/kernfs/inode.c kernfs_refresh_inode) — so directories only, not files or links;
    /// on a descriptor already open (fstatat "..") and without one. A file system that keeps
    /// no count (btrfs: 1) answers nil.
    @Test func directoriesBesideCountsSubdirectories() throws {
        let tree = TempTree("beside")
        tree.mkdir("class/infiniband")
        tree.mkdir("devices/p/infiniband/a")
        tree.mkdir("devices/p/infiniband/b")
        tree.write("devices/p/infiniband/file", "x\n")
        tree.symlink("devices/p/infiniband/link", to: "a")
        tree.write("devices/p/infiniband/a/node_type", "1: CA\n")
        let keepsCount = Self.keepsDirectoryCounts(tree.path + "/devices/p/infiniband")
        let kernel = try LinuxKernel.rooted(at: tree.path)
        let a = "/sys/devices/p/infiniband/a"
        #expect(try kernel.directoriesBeside(a) == (keepsCount ? 2 : nil))
        _ = try kernel.readAttribute(a + "/node_type")   // a/ is now open and cached
        #expect(try kernel.directoriesBeside(a) == (keepsCount ? 2 : nil))
        tree.mkdir("devices/p/infiniband/c")
        #expect(try kernel.directoriesBeside(a) == (keepsCount ? 3 : nil))
        #expect(throws: KernelError.self) { try kernel.directoriesBeside("/sys/devices/q/infiniband/a") }
    }

    /// Kernel paths map into the root on their bytes: a name that begins with a combining mark
    /// is still below /sys ("/" and the mark are one Character, not "/").
    @Test func pathsMapOnTheirBytes() throws {
        let tree = TempTree("map")
        tree.mkdir("class/infiniband")
        let kernel = try LinuxKernel.rooted(at: tree.path)
        #expect(kernel.relative("/sys/\u{301}x") == "\u{301}x")
        #expect(kernel.relative("/sys//class") == "class")
        #expect(kernel.relative("/sys") == ".")
        #expect(kernel.relative("/system") == nil)
        #expect(kernel.maps("/sys/\u{301}x") && !kernel.maps("/sysx"))
        // The joined form an unlooked open uses: what relative() and "/" + name make.
        func joined(_ prefix: String?, _ middle: String, _ name: String) -> String {
            LinuxKernel.withJoinedPath(prefix, Substring(middle), name) { String(cString: $0) }
        }
        #expect(joined("sys", "class/infiniband_verbs/uverbs0", "ibdev") == "sys/class/infiniband_verbs/uverbs0/ibdev")
        #expect(joined(nil, "class/x", "uevent") == "class/x/uevent")
        #expect(joined("sys", "", "abi_version") == "sys/abi_version")
        #expect(joined(nil, "", "abi_version") == "./abi_version")
        #expect(joined(nil, "ports/1", "gids/0") == "ports/1/gids/0")
        #expect(joined(nil, "é", "\u{301}") == "é/\u{301}")
    }

    /// A device's directory is told on the path's bytes as dirname and basename tell it
    /// ("…/infiniband/NAME", NAME plain), and a port's directory finds its device's above it.
    @Test func deviceDirectoriesAreToldOnTheirBytes() {
        let paths = ["/sys/devices/pci0000:00/0000:00:02.0/infiniband/hfi1_0", "/sys/class/infiniband/rxe0",
                     "/sys/class/infiniband/rxe0/", "/sys/class/infiniband//rxe0", "/sys/class/infiniband/..",
                     "/sys/class/infiniband/.", "infiniband/x", "/infiniband/x", "/infiniband", "infiniband", "/",
                     "", "/sys/class/infinibandx/rxe0", "/sys/class/xinfiniband/rxe0", "/sys/class/infiniband_verbs/uverbs0",
                     "//infiniband//x//", "/sys/class/infiniband/rxe0/ports"]
        for path in paths {
            let byName = KernelPath.isPlainName(KernelPath.basename(path)) && KernelPath.basename(KernelPath.dirname(path)) == "infiniband"
            #expect(LinuxKernel.isDeviceDirectory(path) == byName, "\(path)")
        }
        let device = "/sys/devices/pci0000:00/0000:00:02.0/infiniband/hfi1_0"
        #expect(LinuxKernel.deviceDirectory(above: device + "/ports/1").map { "\($0.0)|\($0.1)" } == device + "|ports/1")
        #expect(LinuxKernel.deviceDirectory(above: device + "/ports/1/gids").map { "\($0.0)|\($0.1)" } == device + "|ports/1/gids")
        #expect(LinuxKernel.deviceDirectory(above: device + "/ports").map { "\($0.0)|\($0.1)" } == device + "|ports")
        #expect(LinuxKernel.deviceDirectory(above: device + "/a/b/c/d") == nil)    // more than three levels below
        #expect(LinuxKernel.deviceDirectory(above: device) == nil)
        #expect(LinuxKernel.deviceDirectory(above: device + "/ports/") == nil)
        #expect(LinuxKernel.deviceDirectory(above: "/sys/class/infiniband_mad/umad0") == nil)
    }

    /// `subdirectoryCount` of a directory, both ways: fstatat on its parent's open descriptor and
    /// fstat of it opened in the root. No link is followed either way: a link answers nil, not
    /// its target's count.
    @Test func subdirectoryCountCountsOnlyDirectories() throws {
        let tree = TempTree("count")
        tree.mkdir("class/infiniband")
        tree.mkdir("devices/d/ports/1")
        tree.mkdir("devices/d/ports/2")
        tree.write("devices/d/ports/x", "x\n")
        tree.write("devices/d/node_type", "1: CA\n")
        tree.symlink("devices/d/linked", to: "ports")
        let keepsCount = Self.keepsDirectoryCounts(tree.path + "/devices/d/ports")
        for parentOpen in [false, true] {
            let kernel = try LinuxKernel.rooted(at: tree.path)
            if parentOpen { _ = try kernel.readAttribute("/sys/devices/d/node_type") }   // d/ cached
            #expect(try kernel.subdirectoryCount("/sys/devices/d/ports") == (keepsCount ? 2 : nil))
            #expect(try kernel.subdirectoryCount("/sys/devices/d/linked") == nil)
            #expect(throws: KernelError.self) { try kernel.subdirectoryCount("/sys/devices/d/none") }
        }
    }

    /// Whether this file system keeps a directory's subdirectory count in st_nlink (tmpfs and
    /// ext4 do, btrfs does not): what the count verbs must then report.
    static func keepsDirectoryCounts(_ path: String) -> Bool {
        var st = Glibc.stat()
        return lstat(path, &st) == 0 && st.st_nlink >= 2
    }

    @Test func attributeReadsAreBounded() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "bound")
        tree.write("devices/virtual/infiniband/rxe0/fw_ver", [UInt8](repeating: 0x30, count: 70_000))
        let kernel = try LinuxKernel.rooted(at: tree.path)
        do {
            _ = try kernel.readAttribute("/sys/devices/virtual/infiniband/rxe0/fw_ver")
            Issue.record("a 70 kB attribute was read")
        } catch {
            #expect(error.errno == .EFBIG)
        }
        let exact = [UInt8](repeating: 0x31, count: 4096)
        tree.write("devices/virtual/infiniband/rxe0/fw_ver", exact)
        #expect(try kernel.readAttribute("/sys/devices/virtual/infiniband/rxe0/fw_ver") == exact)
    }
}

/// The userspace resolver used where openat2 is missing (ENOSYS: kernels before 5.6, valgrind):
/// same answers as RESOLVE_IN_ROOT.
@Suite("RootResolver fallback")
struct RootResolverTests {
    @Test func resolvesLikeResolveInRoot() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "resolver")
        let root = open(tree.path, RDMAABI_O_PATH | O_DIRECTORY)
        defer { close(root) }
        #expect(try RootResolver.resolve(rootFD: root, "class/infiniband/rxe0/ports/1/state")
                == "devices/virtual/infiniband/rxe0/ports/1/state")
        tree.symlink("abs", to: "/devices/virtual/infiniband/rxe0")
        #expect(try RootResolver.resolve(rootFD: root, "abs/node_type") == "devices/virtual/infiniband/rxe0/node_type")
        #expect(try RootResolver.resolve(rootFD: root, "../../../../class") == "class")
        tree.symlink("loop", to: "loop")
        do {
            _ = try RootResolver.resolve(rootFD: root, "loop/x")
            Issue.record("a symlink loop resolved")
        } catch { #expect(error.errno == .ELOOP) }
        let fd = try RootResolver.open(rootFD: root, "class/infiniband/rxe0/node_type", flags: O_RDONLY)
        close(fd)
    }
}

/// `concurrentlyPerform` on the real kernel: every index runs exactly once, whether the batch is
/// small (the caller's thread) or large (joined POSIX threads), and all have run on return.
@Suite("LinuxKernel concurrentlyPerform")
struct ParallelWorkTests {
    @Test(arguments: [0, 1, 31, 32, 33, 1000])
    func everyIndexOnce(count: Int) throws {
        let kernel = try LinuxKernel.rooted(at: fixturePath("rxe-sysfs"))
        let seen = Locked<[Int]>([])
        kernel.concurrentlyPerform(count) { i in seen.withLock { $0.append(i) } }
        #expect(seen.withLock { $0 }.sorted() == Array(0..<count))
    }

    /// Each worker has a slot of its own (the rooted kernel keys its directory caches on it),
    /// the caller's is 0 before, during and after.
    @Test func workersHaveTheirOwnSlots() {
        #expect(ParallelWork.slot == 0)
        let slots = Locked<[Int: Set<UInt>]>([:])
        ParallelWork.perform(1000) { _ in
            let slot = ParallelWork.slot
            slots.withLock { $0[slot, default: []].insert(UInt(bitPattern: Int(pthread_self()))) }
            usleep(10)
        }
        let seen = slots.withLock { $0 }
        #expect(ParallelWork.slot == 0)
        #expect(seen.keys.allSatisfy { $0 >= 0 && $0 < ParallelWork.maximumThreads })
        // One thread per slot: no two threads of one batch share a cache.
        #expect(seen.values.allSatisfy { $0.count == 1 })
        if sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 { #expect(seen.count > 1) }
    }

    /// Workers asked for private descriptor tables get them: a file a worker opens is in its
    /// own table (/proc/thread-self/fd) and not the process's (/proc/self/fd, the thread group
    /// leader's), and nothing a worker opened is left open once the work is done. Work started
    /// from inside work runs in order where it is started (worker slots are per call) rather
    /// than waiting for itself.
    @Test(arguments: [1, 31, 1000])
    func workersHaveTheirOwnDescriptorTablesAndNestedWorkRunsInline(count: Int) throws {
        let tree = TempTree("private-fds-\(count)")
        tree.write("marker", "m\n")
        let marker = tree.path + "/marker"
        @Sendable func target(_ link: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: link) }
        let opened = Locked<[(slot: Int, fd: Int32, isPrivate: Bool, own: String?, leader: String?)]>([])
        let unshared = ParallelWork.perform(count, privateDescriptors: true) { _ in
            guard ParallelWork.slot != 0, opened.withLock({ c in !c.contains { $0.slot == ParallelWork.slot } }) else { return }
            let fd = open(marker, O_RDONLY | O_CLOEXEC)
            opened.withLock {
                $0.append((ParallelWork.slot, fd, ParallelWork.hasPrivateDescriptors,
                           target("/proc/thread-self/fd/\(fd)"), target("/proc/self/fd/\(fd)")))
            }
            usleep(1000)
        }
        for (slot, fd, isPrivate, own, leader) in opened.withLock({ $0 }) {
            #expect(isPrivate == unshared.contains(slot))
            #expect(own == marker)
            if isPrivate { #expect(leader != marker) } else { close(fd) }
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        #expect(!left.contains { target("/proc/self/fd/" + $0) == marker }, "a worker's descriptor outlived it")
        if count >= ParallelWork.minimumItems && sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 { #expect(!unshared.isEmpty) }

        let kernel = try LinuxKernel.rooted(at: fixturePath("rxe-sysfs"))
        let inner = Locked(0)
        kernel.concurrentlyPerform(count) { _ in
            kernel.concurrentlyPerform(3) { _ in inner.withLock { $0 += 1 } }
        }
        #expect(inner.withLock { $0 } == 3 * count)
    }
}
