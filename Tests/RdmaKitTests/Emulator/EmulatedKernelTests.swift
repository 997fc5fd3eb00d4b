@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator
import Testing

// The emulated kernel: device sets, the sysfs/dev it builds, the seam verbs over it, and
// discovery running unchanged against it.

private let root = Credentials(uid: 0, gid: 0)
private let user = Credentials(uid: 1000, gid: 1000)

private func kernel(_ set: DeviceSet = .default, profile: Profile = .default,
                    as credentials: Credentials = root) -> EmulatedKernel {
    EmulatedKernel(devices: set, profile: profile, credentials: credentials)
}

private func text(_ k: EmulatedKernel, _ path: String) throws -> String {
    String(decoding: try k.readAttribute(path), as: UTF8.self)
}

/// The error a seam call fails with, nil when it succeeds. (Untyped: `#expect` rewrites the
/// closure and loses the typed throw.)
private func failure<T>(_ body: () throws -> T) -> KernelError? {
    do { _ = try body(); return nil } catch let error as KernelError { return error } catch {
        Issue.record("not a KernelError: \(error)")
        return nil
    }
}

// MARK: - DeviceSet

@Suite struct DeviceSetParsing {
    @Test(arguments: [
        ("hfi1", "hfi1:1"), ("qib", "qib:1"), ("hfi1:3,qib:2", "hfi1:3,qib:2"),
        ("qib:2,hfi1", "qib:2,hfi1:1"), ("all", "hfi1:1,qib:1"), ("none", "none"),
        (" hfi1 , qib:16 ", "hfi1:1,qib:16"), ("hfi1:16", "hfi1:16"), ("hfi1:01", "hfi1:1"),
    ])
    func valid(input: String, canonical: String) throws {
        let set = try DeviceSet.parse(input)
        #expect(set.description == canonical)
        #expect(try DeviceSet.parse(set.description) == set)
    }

    @Test(arguments: [
        ("", DeviceSetError.empty), ("  ", .empty), ("foo", .unknownDriver("foo")),
        ("HFI1", .unknownDriver("HFI1")), ("hfi1:0", .countOutOfRange(item: "hfi1:0")),
        ("hfi1:17", .countOutOfRange(item: "hfi1:17")), ("hfi1:x", .badCount(item: "hfi1:x")),
        ("hfi1:", .badCount(item: "hfi1:")), ("hfi1:-1", .badCount(item: "hfi1:-1")),
        ("hfi1:1:2", .badCount(item: "hfi1:1:2")), ("hfi1,,qib", .emptyItem(position: 2)),
        ("hfi1,", .emptyItem(position: 2)), (",qib", .emptyItem(position: 1)),
        ("all,hfi1", .keywordInList("all")), ("hfi1,none", .keywordInList("none")),
        ("hfi1,hfi1:2", .duplicateDriver("hfi1")), ("hfi1:99999999999999999999", .countOutOfRange(item: "hfi1:99999999999999999999")),
    ])
    func invalid(input: String, expected: DeviceSetError) {
        #expect(throws: expected) { try DeviceSet.parse(input) }
        #expect(!expected.description.isEmpty)
    }

    @Test func defaultAndAll() {
        #expect(DeviceSet.default.description == "hfi1:1,qib:1")
        #expect(DeviceSet.all == DeviceSet.default)
        #expect(DeviceSet.none.items.isEmpty)
    }

    @Test(arguments: [("1", "hfi1:1,qib:1"), ("qib:2", "qib:2"), ("none", "none")])
    func environment(value: String, canonical: String) throws {
        #expect(try DeviceSet.parseEnvironment(value)?.description == canonical)
    }

    @Test func environmentOff() throws {
        #expect(try DeviceSet.parseEnvironment("") == nil)
        #expect(try DeviceSet.parseEnvironment("0") == nil)
        #expect(throws: DeviceSetError.unknownDriver("yes")) { try DeviceSet.parseEnvironment("yes") }
    }

    @Test func profiles() throws {
        #expect(try Profile.parse("legacy") == .legacy)
        #expect(Profile.default == .proposed)
        #expect(throws: ProfileError(text: "modern")) { try Profile.parse("modern") }
        for profile in Profile.allCases {
            let k = kernel(profile: profile)
            #expect(k.kind == .emulated(profile: profile.rawValue))
            let node = try k.deviceNode("/dev/hfi1_0")
            #expect(node.mode == 0o666 && node.minor == 0 && node.major == Fixture.hfi1Major)
        }
    }
}

// MARK: - Numbering

@Suite struct Numbering {
    @Test func probeOrderAcrossDrivers() throws {
        let k = kernel(try DeviceSet.parse("hfi1:3,qib:2"))
        #expect(k.deviceNames == ["hfi1_0", "hfi1_1", "hfi1_2", "qib0", "qib1"])
        for (n, name) in k.deviceNames.enumerated() {
            #expect(try text(k, "/sys/class/infiniband_verbs/uverbs\(n)/ibdev") == name + "\n")
            #expect(try text(k, "/sys/class/infiniband_verbs/uverbs\(n)/dev") == "231:\(192 + n)\n")
        }
        // umad/issm minors follow the ports in probe order: one per hfi1, two per qib.
        let ports = [("hfi1_0", 1), ("hfi1_1", 1), ("hfi1_2", 1), ("qib0", 1), ("qib0", 2), ("qib1", 1), ("qib1", 2)]
        for (n, (device, port)) in ports.enumerated() {
            for (kind, base) in [("umad", 0), ("issm", 64)] {
                let dir = "/sys/class/infiniband_mad/\(kind)\(n)"
                #expect(try text(k, dir + "/ibdev") == device + "\n")
                #expect(try text(k, dir + "/port") == "\(port)\n")
                #expect(try text(k, dir + "/dev") == "231:\(base + n)\n")
                let node = try k.deviceNode("/dev/infiniband/\(kind)\(n)")
                #expect(node.major == 231 && node.minor == UInt32(base + n) && node.mode == 0o600)
            }
        }
        #expect(failure { try k.readAttribute("/sys/class/infiniband_mad/umad7/dev") }?.errno == .ENOENT)
        // Driver nodes: hfi1 minor = unit; ipath minor = unit + 1, the wildcard 0.
        #expect(try k.deviceNode("/dev/hfi1_2").minor == 2)
        #expect(try k.deviceNode("/dev/ipath1").minor == 2)
        #expect(try k.deviceNode("/dev/ipath").minor == 0)
        #expect(try text(k, "/sys/class/ipath/ipath_diag1/dev") == "247:130\n")
        // Extra units get distinct identities.
        let guids = try k.deviceNames.map { try text(k, "/sys/class/infiniband/\($0)/node_guid") }
        #expect(Set(guids).count == 5)
        #expect(try k.readLink("/sys/class/infiniband/hfi1_2/device") == "/sys/devices/pci0000:80/0000:80:05.0/0000:83:00.0")
        #expect(try text(k, "/sys/class/infiniband/qib1/ports/1/lid") == "0x12\n")
    }

    @Test func qibFirst() throws {
        let k = kernel(try DeviceSet.parse("qib,hfi1"))
        #expect(try text(k, "/sys/class/infiniband_verbs/uverbs0/ibdev") == "qib0\n")
        #expect(try text(k, "/sys/class/infiniband_mad/umad2/ibdev") == "hfi1_0\n")
    }

    @Test func none() throws {
        let k = kernel(.none)
        #expect(try k.listDirectory("/sys/class/infiniband") == [])
        #expect(try k.listDirectory("/sys/class/infiniband_verbs") == ["abi_version"])
        #expect(try k.deviceNode("/dev/infiniband/rdma_cm").mode == 0o666)
        #expect(failure { try k.listDirectory("/sys/class/hfi1_user") }?.errno == .ENOENT)
        let result = try Discovery(kernel: k).run(source: .emulated, detail: .full)
        #expect(result.devices.isEmpty && result.warnings.isEmpty)
    }

    @Test func onlyLoadedDriversHaveClasses() throws {
        let k = kernel(try DeviceSet.parse("qib"))
        #expect(failure { try k.listDirectory("/sys/class/hfi1_user") }?.errno == .ENOENT)
        #expect(try k.listDirectory("/sys/class/ipath") == ["ipath", "ipath0", "ipath_diag0", "ipath_diagpkt"])
    }
}

// MARK: - sysfs contents

@Suite struct SysfsContents {
    let k = kernel()

    @Test(arguments: [
        ("/sys/class/infiniband/hfi1_0/node_type", "1: CA\n"),
        ("/sys/class/infiniband/hfi1_0/node_guid", "0011:7501:0179:e4a0\n"),
        ("/sys/class/infiniband/hfi1_0/sys_image_guid", "0011:7501:0179:e4a0\n"),
        ("/sys/class/infiniband/hfi1_0/fw_ver", "1.27.0\n"),
        ("/sys/class/infiniband/hfi1_0/node_desc", "emulated hfi1_0\n"),
        ("/sys/class/infiniband/hfi1_0/uevent", "NAME=hfi1_0\n"),
        ("/sys/class/infiniband/hfi1_0/hw_rev", "11\n"),
        ("/sys/class/infiniband/hfi1_0/board_id", "Intel Omni-Path Host Fabric Interface Adapter 100 Series\n"),
        ("/sys/class/infiniband/hfi1_0/nctxts", "16\n"),
        ("/sys/class/infiniband/hfi1_0/nfreectxts", "16\n"),
        ("/sys/class/infiniband/hfi1_0/serial", "0x0079e4a0\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/state", "4: ACTIVE\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/phys_state", "5: LinkUp\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/lid", "0x1\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/sm_lid", "0x1\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/lid_mask_count", "0\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/rate", "100 Gb/sec (4X EDR)\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/link_layer", "InfiniBand\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/cap_mask", "0x00410020\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/gids/0", "fe80:0000:0000:0000:0011:7501:0179:e4a0\n"),
        // rvt_query_gid: the prefix with hfi1_get_guid_be's zero alias GUID (not the zero GID).
        ("/sys/class/infiniband/hfi1_0/ports/1/gids/4", "fe80:0000:0000:0000:0000:0000:0000:0000\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/gid_attrs/types/4", "IB/RoCE v1\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/pkeys/0", "0xffff\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/pkeys/15", "0x0000\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/gid_attrs/types/0", "IB/RoCE v1\n"),
        ("/sys/class/infiniband/hfi1_0/ports/1/vl2mtu/0", "10240\n"),
        ("/sys/class/infiniband/hfi1_0/device/vendor", "0x8086\n"),
        ("/sys/class/infiniband/hfi1_0/device/device", "0x24f0\n"),
        ("/sys/class/infiniband/hfi1_0/device/subsystem_device", "0x2628\n"),
        ("/sys/class/infiniband/hfi1_0/device/class", "0x020800\n"),
        ("/sys/class/infiniband/hfi1_0/device/modalias", "pci:v00008086d000024F0sv00008086sd00002628bc02sc08i00\n"),
        ("/sys/class/infiniband/hfi1_0/device/numa_node", "1\n"),
        ("/sys/class/infiniband/qib0/node_guid", "0011:7500:00ff:7a3c\n"),
        ("/sys/class/infiniband/qib0/fw_ver", "\n"),
        ("/sys/class/infiniband/qib0/hca_type", "InfiniPath_QLE7342\n"),
        ("/sys/class/infiniband/qib0/board_id", "InfiniPath_QLE7342\n"),
        ("/sys/class/infiniband/qib0/version", "1.11\n"),
        ("/sys/class/infiniband/qib0/hw_rev", "2\n"),
        ("/sys/class/infiniband/qib0/ports/1/state", "4: ACTIVE\n"),
        ("/sys/class/infiniband/qib0/ports/1/lid", "0x2\n"),
        ("/sys/class/infiniband/qib0/ports/1/rate", "40 Gb/sec (4X QDR)\n"),
        ("/sys/class/infiniband/qib0/ports/2/state", "1: DOWN\n"),
        ("/sys/class/infiniband/qib0/ports/2/phys_state", "2: Polling\n"),
        ("/sys/class/infiniband/qib0/ports/2/lid", "0x0\n"),
        ("/sys/class/infiniband/qib0/ports/2/gids/0", "fe80:0000:0000:0000:0011:7500:00ff:7a3d\n"),
        ("/sys/class/infiniband/qib0/device/modalias", "pci:v00001077d00007322sv00001077sd00007322bc0Csc06i00\n"),
        ("/sys/class/infiniband_verbs/abi_version", "6\n"),
        ("/sys/class/infiniband_verbs/uverbs0/dev", "231:192\n"),
        ("/sys/class/infiniband_verbs/uverbs0/abi_version", "2\n"),
        ("/sys/class/infiniband_verbs/uverbs0/ibdev", "hfi1_0\n"),
        ("/sys/class/infiniband_verbs/uverbs0/uevent", "MAJOR=231\nMINOR=192\nDEVNAME=infiniband/uverbs0\nDEVMODE=0666\n"),
        ("/sys/class/infiniband_verbs/uverbs1/dev", "231:193\n"),
        ("/sys/class/infiniband_mad/abi_version", "5\n"),
        ("/sys/class/infiniband_mad/umad0/dev", "231:0\n"),
        ("/sys/class/infiniband_mad/umad0/uevent", "MAJOR=231\nMINOR=0\nDEVNAME=infiniband/umad0\n"),
        ("/sys/class/infiniband_mad/issm2/dev", "231:66\n"),
        ("/sys/class/infiniband_mad/umad2/port", "2\n"),
        ("/sys/class/hfi1_user/hfi1_0/dev", "246:0\n"),
        ("/sys/class/hfi1_user/hfi1_0/uevent", "MAJOR=246\nMINOR=0\nDEVNAME=hfi1_0\nDEVMODE=0666\n"),
        ("/sys/class/ipath/ipath/dev", "247:0\n"),
        ("/sys/class/ipath/ipath0/dev", "247:1\n"),
        ("/sys/class/ipath/ipath0/uevent", "MAJOR=247\nMINOR=1\nDEVNAME=ipath0\n"),
        ("/sys/class/misc/rdma_cm/abi_version", "4\n"),
        ("/sys/class/misc/rdma_cm/dev", "10:124\n"),
    ])
    func attribute(path: String, expected: String) throws {
        #expect(try text(k, path) == expected)
    }

    @Test func pciUevent() throws {
        #expect(try text(k, "/sys/bus/pci/devices/0000:81:00.0/uevent") == """
            DRIVER=hfi1
            PCI_CLASS=20800
            PCI_ID=8086:24F0
            PCI_SUBSYS_ID=8086:2628
            PCI_SLOT_NAME=0000:81:00.0
            MODALIAS=pci:v00008086d000024F0sv00008086sd00002628bc02sc08i00

            """)
    }

    @Test func contextsAreLive() throws {
        k.withState { $0.devices["qib0"]!.freeContexts = 13 }
        #expect(try text(k, "/sys/class/infiniband/qib0/nfreectxts") == "13\n")
        #expect(try text(k, "/sys/class/infiniband/qib0/nctxts") == "16\n")
    }

    @Test func errnoFiles() {
        let port = "/sys/class/infiniband/hfi1_0/ports/1"
        let ndev = failure { try k.readAttribute(port + "/gid_attrs/ndevs/0") }
        #expect(ndev?.errno == .EINVAL && ndev?.detail == nil)
        // An IB GID has no netdev: core/sysfs.c print_ndev answers EINVAL for every entry.
        #expect(failure { try k.readAttribute(port + "/gid_attrs/ndevs/1") }?.errno == .EINVAL)
        #expect(failure { try k.readAttribute("/sys/class/infiniband/hfi1_0/chip_reset") }?.errno == .EACCES)
        #expect(failure { try k.readAttribute(port) }?.errno == .EISDIR)
        #expect(failure { try k.readAttribute(port + "/nope") }?.errno == .ENOENT)
        #expect(failure { try k.readAttribute(port + "/lid/x") }?.errno == .ENOTDIR)
        #expect(failure { try k.listDirectory(port + "/lid") }?.errno == .ENOTDIR)
        let big = failure { try k.readAttribute(port + "/state", limit: 3) }
        #expect(big?.errno == .EFBIG && big?.detail == .tooLarge(limit: 3))
        let node = failure { try k.readAttribute("/dev/infiniband/uverbs0") }
        #expect(node?.errno == .EINVAL && node?.detail == .notRegular(.characterDevice))
        #expect(failure { try k.readAttribute("relative/path") }?.errno == .ENOENT)
    }

    @Test func classDeviceLayout() throws {
        let dir = try k.readLink("/sys/class/infiniband_verbs/uverbs0")
        #expect(dir == "/sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0/infiniband_verbs/uverbs0")
        #expect(try k.listDirectory(dir) == ["abi_version", "dev", "device", "ibdev", "power", "subsystem", "uevent"])
        #expect(try k.readLink(dir + "/subsystem") == "/sys/class/infiniband_verbs")
        #expect(try k.readLink(dir + "/device") == "/sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0")
        let hfi1 = try k.readLink("/sys/class/hfi1_user/hfi1_0")
        #expect(hfi1 == "/sys/devices/virtual/hfi1_user/hfi1_0")
        #expect(failure { try k.readLink(hfi1 + "/device") }?.errno == .ENOENT)
        #expect(try k.listDirectory("/sys/class/infiniband/hfi1_0/ports") == ["1"])
        #expect(try k.listDirectory("/sys/class/infiniband/qib0/ports") == ["1", "2"])
        #expect(try k.listDirectory("/sys/class/infiniband/qib0/ports/1/gids") == ["0", "1", "2", "3", "4"])
    }
}

// MARK: - links and path resolution

@Suite struct Links {
    let k = kernel()

    @Test func kernelLayout() throws {
        let pci = "/sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0"
        #expect(try k.readLink("/sys/class/infiniband/hfi1_0") == pci + "/infiniband/hfi1_0")
        #expect(try k.readLink(pci + "/infiniband/hfi1_0/device") == pci)
        // Resolved against the link's real directory, also when reached through a link.
        #expect(try k.readLink("/sys/class/infiniband/hfi1_0/device") == pci)
        #expect(try k.readLink(pci + "/driver") == "/sys/bus/pci/drivers/hfi1")
        #expect(try k.readLink("/sys/class/infiniband/qib0/device/driver") == "/sys/bus/pci/drivers/ib_qib")
        #expect(try k.readLink(pci + "/infiniband/hfi1_0/subsystem") == "/sys/class/infiniband")
        #expect(try k.readLink("/sys/bus/pci/drivers/hfi1/0000:81:00.0") == pci)
        // The stored contents are relative, exactly as sysfs writes them.
        let raw = k.withState { state -> [String] in
            ["/sys/class/infiniband/hfi1_0", pci + "/driver", pci + "/infiniband/hfi1_0/device",
             pci + "/infiniband/hfi1_0/subsystem"].map { path in
                if case .symlink(let contents)? = state.tree.entry(path)?.kind { return contents }
                return "?"
            }
        }
        #expect(raw == ["../../devices/pci0000:80/0000:80:03.0/0000:81:00.0/infiniband/hfi1_0",
                        "../../../../bus/pci/drivers/hfi1", "../../../0000:81:00.0",
                        "../../../../../../class/infiniband"])
        #expect(try text(k, "/sys/class/infiniband/hfi1_0/device/infiniband_verbs/uverbs0/ibdev") == "hfi1_0\n")
        // ".." is physical: from hfi1_0's real directory there is no qib0 next to it.
        #expect(failure { try k.readAttribute("/sys/class/infiniband/hfi1_0/../qib0/node_type") }?.errno == .ENOENT)
    }

    @Test func dotDotIsPhysical() throws {
        // ".." after a link goes to the parent of where the link led, as in the kernel.
        let viaLink = try k.listDirectory("/sys/class/infiniband/hfi1_0/..")
        #expect(viaLink == ["hfi1_0"])
        #expect(try k.listDirectory("/sys/class/infiniband/hfi1_0/device/..") == ["0000:81:00.0"])
    }

    @Test func notALinkAndMissing() {
        #expect(failure { try k.readLink("/sys/class/infiniband_verbs/abi_version") }?.errno == .EINVAL)
        #expect(failure { try k.readLink("/sys/class/infiniband") }?.errno == .EINVAL)
        #expect(failure { try k.readLink("/sys/class/infiniband/mlx5_0") }?.errno == .ENOENT)
        #expect(failure { try k.readLink("/") }?.errno == .EINVAL)
    }

    @Test func loops() throws {
        let k = kernel()
        k.withState { state in
            state.tree.addSymlink("/sys/loop/a", contents: "b")
            state.tree.addSymlink("/sys/loop/b", contents: "a")
            // A chain of exactly 40 links resolves; 41 is one too many (MAXSYMLINKS).
            for i in 0..<41 { state.tree.addSymlink("/sys/chain/l\(i)", contents: "l\(i + 1)") }
            state.tree.addFile("/sys/chain/l41", text: "end\n")
            state.tree.addSymlink("/sys/up", contents: "../../../../sys/class")
            state.tree.addSymlink("/sys/dangling", contents: "nowhere")
        }
        #expect(failure { try k.readAttribute("/sys/loop/a") }?.errno == .ELOOP)
        #expect(failure { try k.listDirectory("/sys/loop/a/") }?.errno == .ELOOP)
        #expect(try k.readLink("/sys/loop/a") == "/sys/loop/b")
        #expect(try k.deviceNode("/sys/loop/a").type == .symlink)
        #expect(try text(k, "/sys/chain/l1") == "end\n")
        #expect(failure { try k.readAttribute("/sys/chain/l0") }?.errno == .ELOOP)
        // ".." stops at "/": the link cannot leave the tree, and readLink says so.
        #expect(try k.listDirectory("/sys/up").contains("infiniband"))
        let leaves = failure { try k.readLink("/sys/up") }
        #expect(leaves?.errno == .EXDEV && leaves?.detail == .leavesRoot(target: "../../../../sys/class"))
        #expect(failure { try k.listDirectory("/sys/dangling") }?.errno == .ENOENT)
        #expect(try k.readLink("/sys/dangling") == "/sys/nowhere")
    }

    /// Every directory lists, every link leads somewhere, every file reads or fails with one of
    /// the errnos the kernel uses for it: what a snapshot walk relies on.
    @Test(arguments: [DeviceSet.default, .none, DeviceSet([.init(.qib, count: 2), .init(.hfi1, count: 2)])])
    func treeIsConsistent(set: DeviceSet) throws {
        let k = kernel(set)
        var pending = ["/"]
        var counts = (dirs: 0, files: 0, links: 0, nodes: 0)
        while let dir = pending.popLast() {
            counts.dirs += 1
            for name in try k.listDirectory(dir) {
                let path = dir == "/" ? "/" + name : dir + "/" + name
                switch try k.deviceNode(path).type {
                case .directory: pending.append(path)
                case .symlink:
                    counts.links += 1
                    let target = try k.readLink(path)
                    #expect(throws: Never.self, "\(path) → \(target)") { _ = try k.deviceNode(target) }
                case .characterDevice: counts.nodes += 1
                default:
                    counts.files += 1
                    if let error = failure({ try k.readAttribute(path) }) {
                        let allowed: [Errno] = [.EINVAL, .EACCES]
                        #expect(allowed.contains(error.errno), "\(path): \(error)")
                    }
                }
            }
        }
        #expect(counts.dirs > 5 && counts.links >= 2 && counts.files > 5 && counts.nodes >= 1)
    }
}

// MARK: - device nodes and files

@Suite struct Nodes {
    @Test func nodeMetadata() throws {
        let k = kernel()
        #expect(try k.deviceNode("/dev/infiniband/uverbs0") ==
                DeviceNodeInfo(type: .characterDevice, major: 231, minor: 192, mode: 0o666, uid: 0, gid: 0))
        #expect(try k.deviceNode("/dev/infiniband/issm0") ==
                DeviceNodeInfo(type: .characterDevice, major: 231, minor: 64, mode: 0o600, uid: 0, gid: 0))
        #expect(try k.deviceNode("/dev/infiniband/rdma_cm") ==
                DeviceNodeInfo(type: .characterDevice, major: 10, minor: 124, mode: 0o666, uid: 0, gid: 0))
        #expect(try k.deviceNode("/dev/ipath0").mode == 0o600)
        #expect(try k.deviceNode("/dev/ipath_diagpkt").minor == 128)
        #expect(try k.deviceNode("/dev/infiniband").type == .directory)
        #expect(try k.deviceNode("/sys/class/infiniband/hfi1_0").type == .symlink)
        #expect(failure { try k.deviceNode("/dev/hfi1_1") }?.errno == .ENOENT)
    }

    @Test func permissions() throws {
        let k = kernel(as: user)
        #expect(failure { try k.open("/dev/ipath0", flags: .probe) }?.errno == .EACCES)
        #expect(failure { try k.open("/dev/ipath", flags: .probe) }?.errno == .EACCES)
        #expect(failure { try k.open("/dev/infiniband/umad0", flags: .probe) }?.errno == .EACCES)
        #expect(k.predictOpen("/dev/ipath0") == false)
        #expect(k.predictOpen("/dev/hfi1_0") == true)
        #expect(k.predictOpen("/dev/nothing") == nil)
        var handles: [KernelHandle] = []
        for path in ["/dev/infiniband/uverbs0", "/dev/infiniband/uverbs1", "/dev/hfi1_0", "/dev/infiniband/rdma_cm"] {
            handles.append(try k.open(path, flags: .probe))
        }
        #expect(Set(handles).count == 4)
        #expect(k.leakReport.count == 4)
        #expect(k.leakReport.first == "handle \(handles[0].id): /dev/infiniband/uverbs0 is still open")
        for handle in handles { k.close(handle) }
        #expect(k.leakReport.isEmpty)

        let r = kernel(as: root)
        let ipath = try r.open("/dev/ipath0", flags: .probe)
        let umad = try r.open("/dev/infiniband/umad0", flags: .probe)
        r.close(ipath); r.close(umad)
        #expect(r.leakReport.isEmpty)
    }

    @Test func groupAndOwnerBits() throws {
        let k = kernel(as: Credentials(uid: 1000, gid: 1000, groups: [27]))
        k.withState { state in
            state.tree.addCharacterDevice("/dev/grouped", major: 231, minor: 192, mode: 0o660, gid: 27,
                                          driver: .uverbs(device: "hfi1_0"))
            state.tree.addCharacterDevice("/dev/owned", major: 231, minor: 192, mode: 0o600, uid: 1000,
                                          driver: .uverbs(device: "hfi1_0"))
            state.tree.addCharacterDevice("/dev/readonly", major: 231, minor: 192, mode: 0o644,
                                          driver: .uverbs(device: "hfi1_0"))
        }
        #expect(k.predictOpen("/dev/grouped") == true)
        #expect(k.predictOpen("/dev/owned") == true)
        #expect(k.predictOpen("/dev/readonly") == false)
        #expect(failure { try k.open("/dev/readonly", flags: .probe) }?.errno == .EACCES)
        k.close(try k.open("/dev/readonly", flags: .readOnly))
        #expect(k.leakReport.isEmpty)
    }

    @Test func fileOperationsWithoutDrivers() throws {
        let k = kernel()
        // rdma_cm keeps the placeholder (uverbs has its driver: DriverOps tests); ucma has no
        // ioctl or read and refuses a 3-byte write, so these answers stay true.
        let h = try k.open("/dev/infiniband/rdma_cm", flags: .probe)
        #expect(failure { try k.ioctl(h, request: 0xc018_1b01, argument: 0) }?.errno == .ENOTTY)
        #expect(failure { try k.write(h, [0, 1, 2]) }?.errno == .EINVAL)
        #expect(failure { try k.read(h, count: 16) }?.errno == .EINVAL)
        k.close(h)
        k.close(h)   // a second close is ignored
        #expect(failure { try k.ioctl(h, request: 0, argument: 0) }?.errno == .EBADF)
        #expect(failure { try k.write(h, []) }?.errno == .EBADF)
        #expect(failure { try k.read(h, count: 1) }?.errno == .EBADF)
    }

    @Test func openErrors() {
        let k = kernel()
        #expect(failure { try k.open("/dev/infiniband/uverbs9", flags: .probe) }?.errno == .ENOENT)
        #expect(failure { try k.open("/dev/infiniband", flags: .probe) }?.errno == .EISDIR)
        #expect(failure { try k.open("/sys/class/infiniband/hfi1_0/node_type", flags: .readOnly) }?.errno == .EOPNOTSUPP)
        k.withState { $0.drivers[.hfi1(unit: 0)] = nil }
        #expect(failure { try k.open("/dev/hfi1_0", flags: .probe) }?.errno == .ENXIO)
        #expect(k.leakReport.isEmpty)
    }
}

// MARK: - user memory, netlink, udev, events

@Suite struct Services {
    @Test func userMemory() throws {
        let k = kernel()
        var address: UInt64 = 0
        do {
            let a = try k.allocateUserMemory(count: 100)
            let b = try k.allocateUserMemory(count: 4096)
            address = a.address
            #expect(a.address == UserMemoryRegistry.base && a.address % 4096 == 0 && b.address % 4096 == 0)
            #expect(b.address >= a.address + 2 * 4096)   // a guard page between buffers
            #expect(a.load() == [UInt8](repeating: 0, count: 100))
            a.store([1, 2, 3], at: 10)
            #expect(k.userMemory(at: a.address + 10, count: 3) == [1, 2, 3])
            #expect(k.userMemory(at: a.address + 98, count: 2) == [0, 0])
            #expect(k.userMemory(at: a.address + 98, count: 3) == nil)   // runs past the buffer
            #expect(k.userMemory(at: 0x1000, count: 1) == nil)
            #expect(k.userMemory(at: 0x1000, count: 0) == [])
            let fault = k.withState { state in failure { try state.memory.copyFromUser(0xdead_0000, count: 8) } }
            #expect(fault?.errno == .EFAULT)
            k.withState { state in _ = try? state.memory.copyToUser(a.address, [9]) }
            #expect(a.load()[0] == 9)
            #expect(k.leakReport == ["user memory at 0x7f0000000000 (100 bytes) is still allocated",
                                     "user memory at 0x7f0000002000 (4096 bytes) is still allocated"])
            withExtendedLifetime((a, b)) {}
        }
        #expect(k.leakReport.isEmpty)
        #expect(k.userMemory(at: address, count: 1) == nil)
        #expect(failure { try k.allocateUserMemory(count: -1) }?.errno == .EINVAL)
    }

    /// The emulated kernel has RDMA netlink (Netlink/ tests cover it); a truncated request gets
    /// no reply, which the seam reports as EAGAIN like a socket receive timeout.
    @Test func truncatedNetlinkRequestGetsNoReply() {
        #expect(failure { try kernel().netlinkRDMA([0x10, 0, 0, 0]) }?.errno == .EAGAIN)
    }

    @Test func udev() throws {
        let k = kernel()
        #expect(try k.udevEnumerate(subsystem: "infiniband") == [
            UdevDevice(sysname: "qib0", syspath: "/sys/devices/pci0000:00/0000:00:02.0/0000:04:00.0/infiniband/qib0"),
            UdevDevice(sysname: "hfi1_0", syspath: "/sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0/infiniband/hfi1_0"),
        ])
        #expect(try k.udevEnumerate(subsystem: "infiniband_verbs").map(\.sysname).sorted() == ["uverbs0", "uverbs1"])
        #expect(try k.udevEnumerate(subsystem: "misc").map(\.syspath) == ["/sys/devices/virtual/misc/rdma_cm"])
        #expect(try k.udevEnumerate(subsystem: "net") == [])
        #expect(try k.udevEnumerate(subsystem: "../class") == [])
    }

    @Test func eventsEndOnCancel() async throws {
        let k = kernel()
        let stream = try k.events()
        #expect(k.withState { $0.subscribers.count } == 1)
        let consumer = Task { () -> Int in
            var seen = 0
            for await _ in stream { seen += 1 }
            return seen
        }
        consumer.cancel()
        #expect(await consumer.value == 0)
        #expect(k.withState { $0.subscribers.isEmpty })
    }

    @Test func publishedEventsArrive() async throws {
        let k = kernel()
        let stream = try k.events()
        let event = KernelEvent(action: .add, subsystem: "infiniband", name: "hfi1_1")
        k.publish([event])
        var first: KernelEvent?
        for await e in stream { first = e; break }
        #expect(first == event)
    }
}

// MARK: - discovery against the emulator

@Suite struct DiscoveryOnEmulator {
    @Test(arguments: [DiscoverySource.emulated, .udev, .sysfs])
    func fullRecords(source: DiscoverySource) throws {
        let k = kernel(as: user)
        let result = try Discovery(kernel: k).run(source: source, detail: .full)
        #expect(result.warnings == [])
        #expect(result.uverbsClassABI == 6 && result.madClassABI == 5)
        #expect(result.devices.map(\.name.value) == ["hfi1_0", "qib0"])
        guard result.devices.count == 2 else { return }
        let hfi1 = result.devices[0], qib = result.devices[1]

        #expect(hfi1.driver == "hfi1" && hfi1.driverSource == "link")
        #expect(hfi1.pci?.address == "0000:81:00.0" && hfi1.pci?.vendorDevice == "8086:24f0")
        #expect(hfi1.nodeType == .ca && hfi1.nodeGUID?.sysfs == "0011:7501:0179:e4a0")
        #expect(hfi1.firmware?.value == "1.27.0" && hfi1.numaNode == 1)
        #expect(hfi1.contexts == Contexts(total: 16, free: 16))
        #expect(hfi1.uverbsDeviceABI == 2)
        #expect(hfi1.ports.count == 1)
        #expect(hfi1.ports.first?.state == .active && hfi1.ports.first?.physicalState == .linkUp)
        #expect(hfi1.ports.first?.lid == 1 && hfi1.ports.first?.smLID == 1 && hfi1.ports.first?.netdev == nil)
        // Discovery decides the order of the MAD devices; compare them as a set.
        #expect(hfi1.charDevices.map(\.name).sorted() == ["hfi1_0", "issm0", "umad0", "uverbs0"])
        #expect(hfi1.charDevices.first?.name == "uverbs0")
        let hfi1Node = hfi1.charDevices.last
        #expect(hfi1Node?.path == "/dev/hfi1_0" && hfi1Node?.node?.mode == 0o666 && hfi1Node?.canOpen == true)
        #expect(hfi1Node?.major == 246 && hfi1Node?.minor == 0)
        #expect(hfi1.uverbs?.path == "/dev/infiniband/uverbs0" && hfi1.uverbs?.canOpen == true)

        #expect(qib.driver == "ib_qib" && qib.pci?.vendorDevice == "1077:7322")
        #expect(qib.boardID?.value == "InfiniPath_QLE7342" && qib.firmware?.value == "")
        #expect(qib.ports.map(\.number) == [1, 2])
        #expect(qib.ports.map(\.state) == [.active, .down] && qib.ports.map(\.lid) == [2, 0])
        #expect(qib.charDevices.map(\.name).sorted() == ["ipath", "ipath0", "issm1", "issm2", "umad1", "umad2", "uverbs1"])
        let ipath0 = qib.charDevices.first { $0.name == "ipath0" }
        #expect(ipath0?.path == "/dev/ipath0" && ipath0?.node?.mode == 0o600 && ipath0?.canOpen == false)
        #expect(ipath0?.major == 247 && ipath0?.minor == 1)
        let umad2 = qib.charDevices.first { $0.name == "umad2" }
        #expect(umad2?.port == 2 && umad2?.canOpen == false && umad2?.node?.minor == 2)
    }

    @Test func summaryDetail() throws {
        let result = try Discovery(kernel: kernel()).run(source: .emulated, detail: .summary)
        #expect(result.warnings == [] && result.devices.count == 2)
        #expect(result.devices.map(\.driver) == ["hfi1", "ib_qib"])
    }
}

// MARK: - concurrency

@Suite struct Concurrency {
    @Test func parallelReadersAndOpeners() async throws {
        let k = kernel(try DeviceSet.parse("hfi1:4,qib:4"), as: user)
        let paths = k.deviceNames.flatMap { name in
            ["/sys/class/infiniband/\(name)/node_guid", "/sys/class/infiniband/\(name)/ports/1/state",
             "/sys/class/infiniband/\(name)/device/modalias", "/sys/class/infiniband/\(name)/nfreectxts"]
        }
        let expected = try paths.map { try k.readAttribute($0) }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<64 {
                group.addTask {
                    var bad = 0
                    for round in 0..<50 {
                        let i = (task + round) % paths.count
                        if (try? k.readAttribute(paths[i])) != expected[i] { bad += 1 }
                        if round % 10 == 0 {
                            if let h = try? k.open("/dev/infiniband/uverbs\(task % 8)", flags: .probe) {
                                if (try? k.ioctl(h, request: 0, argument: 0)) != nil { bad += 1 }
                                k.close(h)
                            } else { bad += 1 }
                            if let memory = try? k.allocateUserMemory(count: 64) {
                                memory.store([UInt8(task)], at: 0)
                                if memory.load().first != UInt8(task) { bad += 1 }
                            }
                        }
                        if (try? k.listDirectory("/sys/class/infiniband"))?.count != 8 { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(k.leakReport.isEmpty)
    }
}
