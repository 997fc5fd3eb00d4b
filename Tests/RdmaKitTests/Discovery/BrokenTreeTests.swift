import Glibc
import Testing
import RdmaKit
import RdmaEmulator
import RdmaLinux

/// The bad-input corpus (issue 2 item 6): each broken tree gives a clear message naming the file,
/// and either a warning with the rest of the listing intact or the documented exit code — never a
/// crash, a hang, an unbounded read or a raw control byte on the terminal.
@Suite("broken sysfs trees")
struct BrokenTreeTests {
    static let dev = "devices/virtual/infiniband/rxe0"
    static let sysDev = "/sys/devices/virtual/infiniband/rxe0"

    /// A broken variant of the rxe fixture and the warning it must produce.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var code: String
        var pathSuffix: String
        var stillListed: Bool = true
        var mutate: @Sendable (TempTree) -> Void
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing node_guid", code: "MISSING_ATTRIBUTE", pathSuffix: "rxe0/node_guid") { $0.remove(dev + "/node_guid") },
        Case(name: "garbage GUID", code: "MALFORMED_ATTRIBUTE", pathSuffix: "rxe0/node_guid") { $0.write(dev + "/node_guid", "zzzz:yyyy:xxxx:wwww\n") },
        Case(name: "short GUID", code: "MALFORMED_ATTRIBUTE", pathSuffix: "rxe0/node_guid") { $0.write(dev + "/node_guid", "0000:00ff\n") },
        Case(name: "empty node_type", code: "MALFORMED_ATTRIBUTE", pathSuffix: "rxe0/node_type") { $0.write(dev + "/node_type", "") },
        Case(name: "10 MB attribute", code: "UNREADABLE_ATTRIBUTE", pathSuffix: "rxe0/node_type") {
            $0.write(dev + "/node_type", [UInt8](repeating: 0x41, count: 10 << 20))
        },
        Case(name: "FIFO as attribute", code: "UNREADABLE_ATTRIBUTE", pathSuffix: "rxe0/node_guid") { $0.mkfifo(dev + "/node_guid") },
        Case(name: "directory as attribute", code: "UNREADABLE_ATTRIBUTE", pathSuffix: "rxe0/node_guid") {
            $0.remove(dev + "/node_guid"); $0.mkdir(dev + "/node_guid")
        },
        Case(name: "port without state", code: "MISSING_ATTRIBUTE", pathSuffix: "ports/1/state") { $0.remove(dev + "/ports/1/state") },
        Case(name: "port dir not a number", code: "MALFORMED_ENTRY", pathSuffix: "ports/x1") { $0.mkdir(dev + "/ports/x1") },
        Case(name: "device link leaves the root", code: "BROKEN_LINK", pathSuffix: "rxe0/device") {
            $0.symlink(dev + "/device", to: "../../../../../../../../../../etc")
        },
        Case(name: "device link loops", code: "BROKEN_LINK", pathSuffix: "rxe0/device") {
            $0.symlink(dev + "/device", to: "device")
        },
        Case(name: "uverbs names a missing device", code: "ORPHAN_CHAR_DEVICE", pathSuffix: "uverbs9/ibdev") {
            $0.mkdir("devices/virtual/infiniband_verbs/uverbs9")
            $0.write("devices/virtual/infiniband_verbs/uverbs9/ibdev", "mlx5_7\n")
            $0.symlink("class/infiniband_verbs/uverbs9", to: "../../devices/virtual/infiniband_verbs/uverbs9")
        },
        // With MAJOR/MINOR in uevent, `dev` is not read (drivers/base/core.c prints both from
        // dev->devt); without them it is, and a bad one is reported.
        Case(name: "uevent without MAJOR/MINOR, garbage dev", code: "MALFORMED_ATTRIBUTE", pathSuffix: "uverbs0/dev") {
            $0.write("devices/virtual/infiniband_verbs/uverbs0/uevent", "DEVNAME=infiniband/uverbs0\n")
            $0.write("devices/virtual/infiniband_verbs/uverbs0/dev", "garbage\n")
        },
        Case(name: "symlink loop as device", code: "BROKEN_ENTRY", pathSuffix: "loop0") {
            $0.symlink("class/infiniband/loop0", to: "loop0")
        },
        Case(name: "class entry pointing nowhere", code: "DEVICE_VANISHED", pathSuffix: "ghost0") {
            $0.symlink("class/infiniband/ghost0", to: "../../devices/virtual/infiniband/ghost0")
        },
    ]

    @Test(arguments: cases)
    func brokenTreeWarnsAndListsTheRest(_ c: Case) throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "broken")
        c.mutate(tree)
        let r = rdmactl(["list", "--json", "--root", tree.path])
        #expect(r.status == (c.stillListed ? 0 : 69), "\(r.stdout)\n\(r.stderr)")
        let env = try #require(r.envelope)
        guard case .array(let warnings)? = env["warnings"] else { Issue.record("no warnings array"); return }
        let match = warnings.first { w in
            w["code"] == .string(c.code) && { if case .string(let p)? = w["path"] { return p.hasSuffix(c.pathSuffix) }; return false }()
        }
        #expect(match != nil, "expected \(c.code) on …\(c.pathSuffix); got \(env["warnings"]!.serialized(pretty: false))")
        guard case .array(let devices)? = env["data"]?["devices"] else { Issue.record("no devices"); return }
        #expect(devices.contains { $0["ifname"] == .string("rxe0") } == c.stillListed)

        // Text mode: the warning names the file on stderr; --strict turns it into 65.
        let text = rdmactl(["list", "--root", tree.path])
        #expect(text.stderr.contains("warning:"))
        #expect(!text.stdoutBytes.contains(0x1b) && !text.stderr.utf8.contains(0x1b))
        #expect(rdmactl(["list", "--strict", "--root", tree.path]).status == 65)
    }

    @Test func nonUTF8ValueIsEscapedAndKeptRaw() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "utf8")
        tree.write(Self.dev + "/fw_ver", [0x31, 0x2e, 0xff, 0xfe, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a])
        let r = rdmactl(["show", "rxe0", "--json", "--root", tree.path])
        #expect(r.status == 0)
        let env = try #require(r.envelope)
        #expect(env["data"]?["fw"] == .string("1.\\xff\\xfe\u{1b}[31m"))
        #expect(env["data"]?["fw_raw_b64"] == .string("MS7//htbMzFt"))
        #expect(!r.stdoutBytes.contains(0x1b), "JSON must escape ESC")
        let text = rdmactl(["show", "rxe0", "--root", tree.path])
        #expect(text.stdout.contains("1.\\xff\\xfe\\x1b[31m"))
        #expect(!text.stdoutBytes.contains(0x1b))
    }

    @Test func nonUTF8DeviceNameIsReportedNotMangled() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "badname")
        let name = tree.path + "/class/infiniband/rx" + String(decoding: [0xff], as: UTF8.self)
        // Build the raw name with the C API: Swift strings cannot hold the byte 0xff.
        var raw = Array((tree.path + "/class/infiniband/rx").utf8) + [0xff, 0x65, 0x31, 0]
        _ = name
        let target = "../../devices/virtual/infiniband/rxe0"
        raw.withUnsafeMutableBufferPointer { buf in
            _ = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { symlink(target, $0) }
        }
        let r = rdmactl(["list", "--json", "--root", tree.path])
        #expect(r.status == 0)
        let warnings = try #require(r.envelope?["warnings"])
        #expect(warnings.serialized(pretty: false).contains(#"rx\\xffe1: the name is not valid UTF-8"#), "\(warnings.serialized(pretty: false))")
        let text = rdmactl(["list", "--root", tree.path])
        #expect(text.stderr.contains("rx\\xffe1"))
    }

    @Test func controlBytesInADeviceNameNeverReachTheTerminal() {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "ctl")
        tree.symlink("class/infiniband/evil\u{1b}[2J0", to: "../../devices/virtual/infiniband/rxe0")
        let r = rdmactl(["list", "--root", tree.path])
        #expect(r.status == 0)
        #expect(!r.stdoutBytes.contains(0x1b))
        #expect(r.stdout.contains("evil\\x1b[2J0"))
    }

    /// Real sysfs answers EINVAL for an empty GID entry's netdev and ENODEV for a removed device.
    @Test func errnoTableAbsentVersusBroken() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "errno")
        let base = try LinuxKernel.rooted(at: tree.path)
        let k = FaultInjectingKernel(base, readFaults: [
            Self.sysDev + "/ports/1/gid_attrs/ndevs/0": .EINVAL,   // absent: silent
            Self.sysDev + "/fw_ver": .EIO,                          // broken: warning
        ])
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .full)
        #expect(result.devices.count == 1)
        #expect(result.devices[0].ports[0].netdev == nil)
        #expect(result.warnings.map(\.code) == ["UNREADABLE_ATTRIBUTE"])
        #expect(result.warnings[0].errno == .EIO)
    }

    @Test func deviceRemovedMidEnumerationIsSkipped() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "gone")
        let base = try LinuxKernel.rooted(at: tree.path)
        let k = FaultInjectingKernel(base, readFaults: [Self.sysDev + "/ports/1/state": .ENODEV])
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .full)
        #expect(result.devices.isEmpty)
        #expect(result.warnings.map(\.code) == ["DEVICE_VANISHED"])
    }

    @Test func listReadsOnlyWhatItsColumnsNeed() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "reads")
        let k = FaultInjectingKernel(try LinuxKernel.rooted(at: tree.path))
        _ = try Discovery(kernel: k).run(source: .sysfs, detail: .summary)
        let reads = k.recorded.filter { $0.hasPrefix("read ") }
        #expect(!reads.contains { $0.hasSuffix("/rate") || $0.hasSuffix("/gids/0") })
        // The uverbs node's health is a listing finding (NodeCheck): its number for the st_rdev
        // comparison comes from uevent's MAJOR/MINOR (the same dev_t as `dev`,
        // drivers/base/core.c), so no `dev` is read at all.
        #expect(reads.filter { $0.hasSuffix("/dev") } == [])
        // Only the uverbs node is a column: umad/issm are known from their class entries and
        // `ibdev`/`port`, their uevent (the node path) is not read (issue 9).
        #expect(reads.filter { $0.hasSuffix("/uevent") } == ["read /sys/class/infiniband_verbs/uverbs0/uevent"])
        #expect(Set(reads).count == reads.count, "a file was read twice: \(reads)")
        // A SYSFS_PATH-style root has no /dev: nothing is stat'ed or access-checked.
        #expect(!k.recorded.contains { $0.hasPrefix("stat ") || $0.hasPrefix("access ") })
    }

    /// `show hfi1_0` maps every uverbs entry to its device (one `ibdev` read each) but reads the
    /// details of hfi1_0's class devices only.
    @Test func showReadsOnlyItsDevicesClassDevices() throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: Credentials(uid: 0, gid: 0)))
        let result = try Discovery(kernel: k).run(source: .emulated, detail: .full, only: "hfi1_0")
        #expect(result.devices.map(\.name.value) == ["hfi1_0"])
        let reads = k.recorded.filter { $0.hasPrefix("read ") }
        #expect(reads.contains("read /sys/class/infiniband_verbs/uverbs1/ibdev"))
        #expect(!reads.contains { $0.hasPrefix("read /sys/class/infiniband_verbs/uverbs1/") && !$0.hasSuffix("/ibdev") })
        #expect(!reads.contains { $0.hasPrefix("read /sys/class/ipath/") }, "\(reads)")
        #expect(!k.recorded.contains { $0.contains("/dev/ipath") })
    }

    /// A full record reads the PCI function's ids (its `modalias`, PCIModaliasTests) before its
    /// driver link, so a tree's PCI directory is first opened to be listed and each id is opened
    /// at once, not fstatat'ed first (issue 9); `list` reads only the link.
    @Test func aFullRecordReadsThePCIIdsBeforeTheDriverLink() throws {
        for (detail, idsRead) in [(DiscoveryDetail.record, true), (.summary, false)] {
            let k = FaultInjectingKernel(EmulatedKernel(devices: try DeviceSet.parse("hfi1"), credentials: Credentials(uid: 0, gid: 0)))
            let device = try #require(try Discovery(kernel: k).run(source: .sysfs, detail: detail).devices.first)
            let pci = try #require(device.pci)
            let vendor = k.recorded.firstIndex { $0.hasPrefix("read ") && $0.hasSuffix(pci.address + "/modalias") }
            let driver = k.recorded.firstIndex { $0.hasPrefix("readlink ") && $0.hasSuffix(pci.address + "/driver") }
            #expect(driver != nil)
            #expect((vendor != nil) == idsRead)
            if let vendor, let driver { #expect(vendor < driver) }
            #expect(device.driver == "hfi1")
        }
    }

    @Test func unusableRoots() {
        #expect(rdmactl(["list", "--root", "/nonexistent/rdmactl"]).status == 66)
        let empty = TempTree("empty")
        #expect(rdmactl(["list", "--root", empty.path]).status == 66)
        // A root whose class/infiniband is unusable as a whole is malformed (65).
        let bad = TempTree("badclass")
        bad.mkdir("class")
        bad.write("class/infiniband", "not a directory")
        #expect(rdmactl(["list", "--root", bad.path]).status == 65)
        let r = rdmactl(["list", "--json", "--root", empty.path])
        #expect(r.envelope?["error"]?["code"] == .string("NOT_A_SYSFS_TREE"))
        let noDevices = TempTree("nodev")
        noDevices.mkdir("class/infiniband")
        let n = rdmactl(["list", "--root", noDevices.path])
        #expect(n.status == 69)
        #expect(n.stderr.contains("no RDMA devices"))
    }
}
