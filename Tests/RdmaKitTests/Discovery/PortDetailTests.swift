import CRdmaABI
import Foundation
import Glibc
import RdmaEmulator
import RdmaKit
import RdmaLinux
import Testing

// `show`'s port facts (issue 8): the GID table with types and netdevs, cap_mask with iproute2's
// names, the port GUID, sm_sl, P_Keys, width/speed and netdev_index. Expected values come from
// the captured soft-RoCE sysfs (Fixtures/rxe-sysfs), the captured netlink bytes, and the
// kernel / rdma-core / iproute2 / glibc sources each test names — not from rdmactl's output.

private let rxePort = "/sys/devices/virtual/infiniband/rxe0/ports/1"
private let rootCredentials = Credentials(uid: 0, gid: 0)

/// A file of the captured rxe0 tree, without its newline.
private func rxeFixture(_ rel: String) -> String {
    let text = (try? String(contentsOfFile: fixturePath("rxe-sysfs/devices/virtual/infiniband/rxe0/ports/1/" + rel),
                            encoding: .utf8)) ?? ""
    return String(text.dropLast(text.hasSuffix("\n") ? 1 : 0))
}

private func rxePort1(_ kernel: any Kernel) throws -> (RdmaKit.Port, [Diagnostic]) {
    let result = try Discovery(kernel: kernel).run(source: .sysfs, detail: .full)
    let port = try #require(result.devices.first?.ports.first)
    return (port, result.warnings)
}

@Suite("show: port facts")
struct PortDetailTests {
    /// The captured rxe0: GID 0 the link-local GID, GID 1 the IPv4-mapped RoCE v2 GID users pick
    /// (192.0.2.1 on dummy0), GID 2 empty (all zero: skipped, its gid_attrs never read).
    @Test func rxeGIDTableFromTheCapturedSysfs() throws {
        let (port, warnings) = try rxePort1(try LinuxKernel.rooted(at: fixturePath("rxe-sysfs")))
        #expect(warnings.isEmpty)
        let gids = try #require(port.gids)
        #expect(gids.map(\.index) == [0, 1])
        for g in gids {
            #expect(g.gid.sysfs == rxeFixture("gids/\(g.index)"))
            #expect(g.type.name == rxeFixture("gid_attrs/types/\(g.index)"))   // "RoCE v2" on Ethernet
            #expect(g.netdev?.value == rxeFixture("gid_attrs/ndevs/\(g.index)"))
        }
        #expect(rxeFixture("gids/2") == "0000:0000:0000:0000:0000:0000:0000:0000")
        #expect(gids[1].gid.presentation == "::ffff:192.0.2.1")
        #expect(gids[1].gid.subnetPrefix == 0 && gids[1].gid.interfaceID == 0x0000_ffff_c000_0201)
        #expect(port.netdev?.value == "dummy0" && port.gid0?.value == rxeFixture("gids/0"))
    }

    /// sm_sl, cap_mask, P_Keys, rate and the port GUID of the captured rxe0.
    @Test func rxePortAttributes() throws {
        let (port, _) = try rxePort1(try LinuxKernel.rooted(at: fixturePath("rxe-sysfs")))
        #expect(port.smSL == Int(rxeFixture("sm_sl")))
        #expect(port.capabilities?.text == rxeFixture("cap_mask"))
        // rxe's port_cap_flags is IB_PORT_CM_SUP (bit 16): iproute2 names it CM.
        #expect(port.capabilities?.names == ["CM"])
        #expect(port.pkeys == [PKeyEntry(index: 0, pkey: UInt16(rxeFixture("pkeys/0").dropFirst(2), radix: 16)!)])
        // "2.5 Gb/sec (1X SDR)": ibv_devinfo says active_width 1X, active_speed 2.5 Gbps.
        #expect(port.parsedRate?.activeWidth == "1X" && port.parsedRate?.activeSpeed == "2.5 Gbps")
        // ibstat's Port GUID: the interface ID of gids/0 (libibumad get_port).
        #expect(port.portGUID?.value == UInt64(rxeFixture("gids/0").split(separator: ":").suffix(4).joined(), radix: 16))
        // A SYSFS_PATH tree has no class/net: the netdev's index is unknown, silently.
        #expect(port.netdevIndex == nil)
    }

    /// On a sysfs source the netdev index is class/net/NAME/ifindex (net-sysfs "%d").
    @Test func netdevIndexFromClassNet() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "ifindex")
        tree.write("class/net/dummy0/ifindex", "2\n")
        let (port, warnings) = try rxePort1(try LinuxKernel.rooted(at: tree.path))
        #expect(port.netdevIndex == 2 && warnings.isEmpty)
    }

    /// No `pkeys` group (core/sysfs.c creates it only when pkey_tbl_len > 0): absent, silently.
    /// A GID that is not eight hex groups is a MALFORMED_ATTRIBUTE warning, the rest still read.
    @Test func missingPKeysAndMalformedGID() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "tables")
        tree.remove("devices/virtual/infiniband/rxe0/ports/1/pkeys")
        tree.write("devices/virtual/infiniband/rxe0/ports/1/gids/1", "fe80::1\n")
        let (port, warnings) = try rxePort1(try LinuxKernel.rooted(at: tree.path))
        #expect(port.pkeys == nil)
        #expect(port.gids?.map(\.index) == [0])
        #expect(warnings.map(\.code) == ["MALFORMED_ATTRIBUTE"] && warnings.first?.path?.hasSuffix("/gids/1") == true)
    }

    /// A type file answering EINVAL for a valid entry is "IB/RoCE v1" to rdma-core
    /// (cmd_device.c query_sysfs_gid_type: "In IB, this file doesn't exist and the kernel sets
    /// errno to -EINVAL"), i.e. RoCE v1 on Ethernet; no warning.
    @Test func typeEINVALIsVersionOne() throws {
        let base = try LinuxKernel.rooted(at: fixturePath("rxe-sysfs"))
        let k = FaultInjectingKernel(base, readFaults: [rxePort + "/gid_attrs/types/1": .EINVAL])
        let (port, warnings) = try rxePort1(k)
        #expect(port.gids?.map(\.type) == [.roceV2, .roceV1])
        #expect(warnings.isEmpty)
    }

    /// rdma-core's classification (cmd_device.c query_sysfs_gid_entry) of the kernel's strings
    /// (core/cache.c gid_type_str).
    @Test func gidTypesAsRdmaCoreNamesThem() {
        #expect(GIDType(sysfs: "IB/RoCE v1", ethernet: false) == .ib)
        #expect(GIDType(sysfs: "IB/RoCE v1", ethernet: true) == .roceV1)
        #expect(GIDType(sysfs: "RoCE v2", ethernet: true) == .roceV2)
        #expect(GIDType(sysfs: nil, ethernet: false).name == "IB")
        #expect(GIDType(sysfs: "Invalid GID type", ethernet: true).name == "Invalid GID type")
        #expect([GIDType.roceV1, .roceV2].map(\.name) == ["RoCE v1", "RoCE v2"])   // devinfo.c gid_type_str
    }

    /// ibv_devinfo's null_gid looks at the interface ID only.
    @Test func devinfoNullRule() throws {
        #expect(try #require(GIDAddress(sysfs: "fe80:0000:0000:0000:0000:0000:0000:0000")).isNullForDevinfo)
        #expect(try #require(GIDAddress(sysfs: "0000:0000:0000:0000:0000:0000:0000:0000")).isNullForDevinfo)
        #expect(try !#require(GIDAddress(sysfs: "0000:0000:0000:0000:0000:ffff:c000:0201")).isNullForDevinfo)
        #expect(GIDAddress(sysfs: "fe80::1") == nil)
        #expect(GIDAddress(sysfs: "fe80:0000:0000:0000:0000:0000:0000") == nil)
    }

    /// The RoCE v2 presentation is glibc's inet_ntop, compared with inet_ntop itself.
    @Test(arguments: [
        "0000:0000:0000:0000:0000:ffff:c000:0201", "fe80:0000:0000:0000:0000:00ff:fe00:0001",
        "0000:0000:0000:0000:0000:0000:0000:0000", "0000:0000:0000:0000:0000:0000:0000:0001",
        "0001:0000:0000:0000:0000:0000:0000:0000", "0000:0000:0000:0000:0000:0000:c000:0201",
        "0001:0000:0000:0002:0000:0000:0003:0004", "0001:0000:0002:0003:0004:0005:0006:0007",
        "fe80:0000:0000:0000:0011:7501:0179:e4a0", "2001:0db8:0000:0000:0001:0000:0000:0001",
        "0000:0000:0000:0000:ffff:0000:c000:0201", "0000:0000:0000:0000:0000:fffe:c000:0201",
    ])
    func presentationIsInetNtop(_ sysfs: String) throws {
        let gid = try #require(GIDAddress(sysfs: sysfs))
        var raw = [UInt8]()
        for group in sysfs.split(separator: ":") { let w = UInt16(group, radix: 16)!; raw += [UInt8(w >> 8), UInt8(w & 0xff)] }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = raw.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        #expect(ok != nil)
        let glibc = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect(gid.presentation == glibc)
    }

    /// iproute2 rdma/link.c caps_to_str, bit by bit (its spellings kept).
    @Test func capabilityNamesAreIproute2s() {
        let iproute2 = ["RESERVED", "SM", "NOTICE", "TRAP", "OPT_IPD", "AUTO_MIGR", "SL_MAP", "MKEY_NVRAM",
                        "PKEY_NVRAM", "LED_INFO", "SM_DISABLED", "SYS_IMAGE_GUID", "PKEY_SW_EXT_PORT_TRAP",
                        "CABLE_INFO", "EXTENDED_SPEEDS", "CAP_MASK2", "CM", "SNMP_TUNNEL", "REINIT",
                        "DEVICE_MGMT", "VENDOR_CLASS", "DR_NOTICE", "CAP_MASK_NOTICE", "BOOT_MGMT",
                        "LINK_LATENCY", "CLIENT_REG", "OTHER_LOCAL_CHANGES", "LINK_SPPED_WIDTH",
                        "VENDOR_SPECIFIC_MADS", "MULT_PKER_TRAP", "MULT_FDB", "HIERARCHY_INFO"]
        for (bit, name) in iproute2.enumerated() {
            #expect(PortCapabilities(mask: UInt32(1) << UInt32(bit)).names == [name])
        }
        #expect(PortCapabilities(mask: 0x0001_0000 | 0x20).names == ["AUTO_MIGR", "CM"])
        #expect(PortCapabilities(mask: 0x0001_0000).text == "0x00010000")
    }

    /// core/sysfs.c rate_show's forms, in ibv_devinfo's words (devinfo.c width_str, speed_str).
    @Test(arguments: [
        ("100 Gb/sec (4X EDR)", "4X", "25.0 Gbps"), ("2.5 Gb/sec (1X SDR)", "1X", "2.5 Gbps"),
        ("10 Gb/sec (4X)", "4X", "2.5 Gbps"), ("56 Gb/sec (4X FDR)", "4X", "14.0 Gbps"),
        ("40 Gb/sec (4X FDR10)", "4X", "10.0 Gbps"), ("100 Gb/sec (2X HDR)", "2X", "50.0 Gbps"),
        ("400 Gb/sec (4X NDR)", "4X", "100.0 Gbps"), ("120 Gb/sec (12X QDR)", "12X", "10.0 Gbps"),
    ])
    func rateSplits(_ text: String, _ width: String, _ speed: String) throws {
        let rate = try #require(PortRate(sysfs: text))
        #expect(rate.activeWidth == width && rate.activeSpeed == speed)
    }

    @Test func malformedRatesDoNotParse() {
        for text in ["", "100 Gb/sec", "100 Gb/sec (3X EDR)", "100 Gb/sec (4X WARP)", "(X)"] {
            #expect(PortRate(sysfs: text) == nil, "\(text)")
        }
    }

    /// The emulated IB ports as rdmavt makes them: GID 0 the port GUID; GIDs 1-4 the bare
    /// prefix (rvt_query_gid with hfi1_get_guid_be's zero alias GUIDs), typed "IB/RoCE v1" and
    /// skipped by ibv_devinfo's rule; HFI1_GUIDS_PER_PORT 5 entries; HFI1_MAX_PKEYS 16.
    @Test func emulatedHfi1Tables() throws {
        let k = EmulatedKernel(devices: .default, credentials: rootCredentials)
        let dir = "/sys/class/infiniband/hfi1_0/ports/1"
        #expect(try k.listDirectory(dir + "/gids").count == 5)
        #expect(try k.listDirectory(dir + "/pkeys").count == 16)
        #expect(try k.readAttribute(dir + "/gids/3") == Array("fe80:0000:0000:0000:0000:0000:0000:0000\n".utf8))
        #expect(try k.readAttribute(dir + "/gid_attrs/types/3") == Array("IB/RoCE v1\n".utf8))
        #expect(throws: KernelError.self) { _ = try k.readAttribute(dir + "/gid_attrs/ndevs/0") }
        let device = try #require(try Discovery(kernel: k).run(source: .emulated, detail: .full, only: "hfi1_0").devices.first)
        let port = try #require(device.ports.first)
        #expect(port.gids?.map(\.index) == [0] && port.gids?.first?.type == .ib && port.gids?.first?.netdev == nil)
        #expect(port.portGUID == device.nodeGUID)
        #expect(port.pkeys == [PKeyEntry(index: 0, pkey: 0xffff)])
        #expect(port.netdevIndex == nil)
    }

    /// `list` reads only its columns: no GID, P_Key, cap_mask or sm_sl reads, no table
    /// listing, no PORT_GET (DESIGN §3).
    /// A negotiation (`open-ops`, `facets`, `doctor`) needs nodes, ABIs and port states, not
    /// the tables either (issue 9: reads that match the output).
    @Test(arguments: [(DiscoverySource.emulated, DiscoveryDetail.summary), (.netlink, .summary),
                      (.emulated, .negotiation), (.netlink, .negotiation)])
    func listReadsNoPortDetail(_ source: DiscoverySource, _ detail: DiscoveryDetail) throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: rootCredentials))
        _ = try Discovery(kernel: k).run(source: source, detail: detail)
        let touched = k.recorded.filter {
            $0.contains("/gids") || $0.contains("/pkeys") || $0.contains("/gid_attrs") || $0.contains("/cap_mask")
                || $0.contains("/sm_sl") || $0.contains("/class/net/") || $0 == "netlink 0x1405"
        }
        #expect(touched.isEmpty, "\(touched)")
    }

    /// `list --json` (the `record` level) reads what ibstat reads per port — `cap_mask`,
    /// `sm_sl`, GID 0 — and no table: no listing of `gids`/`pkeys`, no P_Key or GID-type read,
    /// no PORT_GET (issue 9: `list --json` at the cost of ibstat, not of a `show` per device).
    @Test(arguments: [DiscoverySource.emulated, .netlink])
    func listJSONReadsNoTables(_ source: DiscoverySource) throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: rootCredentials))
        let devices = try Discovery(kernel: k).run(source: source, detail: .record).devices
        let touched = k.recorded.filter {
            $0.hasPrefix("list ") && ($0.hasSuffix("/gids") || $0.hasSuffix("/pkeys"))
                || $0.contains("/pkeys/") || $0.contains("/gid_attrs/types") || $0.contains("/gids/1")
                || $0.contains("/class/net/") || $0 == "netlink 0x1405"
        }
        #expect(touched.isEmpty, "\(touched)")
        let port = try #require(devices.first?.ports.first)
        #expect(port.capabilities != nil && port.smSL != nil && port.gid0 != nil)
        #expect(port.gids == nil && port.pkeys == nil)
    }

    /// `show` reads each attribute once and lists each table once.
    @Test func showReadsEachAttributeOnce() throws {
        let k = FaultInjectingKernel(try LinuxKernel.rooted(at: fixturePath("rxe-sysfs")))
        _ = try Discovery(kernel: k).run(source: .sysfs, detail: .full, only: "rxe0")
        let calls = k.recorded
        #expect(Set(calls).count == calls.count, "\(calls.filter { c in calls.filter { $0 == c }.count > 1 })")
        #expect(calls.contains("list " + rxePort + "/gids") && calls.contains("list " + rxePort + "/pkeys"))
        #expect(!calls.contains("read " + rxePort + "/gid_attrs/types/2"))   // GID 2 is empty
    }

    /// The real kernel's PORT_GET answer for rxe0/1 (captured on 6.1): a CMD_GET message with
    /// NDEV_INDEX and NDEV_NAME and, RoCE not being IB, no CAP_FLAGS, SUBNET_PREFIX or LIDs.
    @Test func portGetCodecAgainstTheRealKernel() throws {
        let probe = NetlinkFixture.probe("port-get")
        #expect(RdmaNetlink.portGet(deviceIndex: 0, port: 1, sequence: 0x35) == probe.request)
        let port = try RdmaNetlink.decodePort(probe.replies)
        #expect(port.deviceIndex == 0 && port.port == 1)
        #expect(port.netdevIndex == 2 && port.netdevName == "dummy0")
        #expect(port.state == 4 && port.physicalState == 5)
        #expect(port.capabilityFlags == nil && port.subnetPrefix == nil && port.lid == nil)
    }

    /// The emulator's PORT_GET (nldev_port_get_doit): IB ports carry CAP_FLAGS and the LIDs
    /// that sysfs shows, no netdev; a bad device or port is EINVAL.
    @Test func emulatedPortGet() throws {
        let k = EmulatedKernel(devices: .default, credentials: rootCredentials)
        let qib = try k.netlinkPort(deviceIndex: 1, port: 1)
        let sysfs = "/sys/class/infiniband/qib0/ports/1"
        #expect(qib.capabilityFlags.map { "0x" + hex($0, width: 8) + "\n" }
                == String(decoding: try k.readAttribute(sysfs + "/cap_mask"), as: UTF8.self))
        #expect(qib.lid.map { "0x" + String($0, radix: 16) + "\n" }
                == String(decoding: try k.readAttribute(sysfs + "/lid"), as: UTF8.self))
        #expect(qib.subnetPrefix == 0xfe80_0000_0000_0000 && qib.netdevIndex == nil && qib.netdevName == nil)
        for (device, port) in [(UInt32(0), UInt32(2)), (0, 0), (7, 1)] {
            #expect(throws: KernelError(.EINVAL)) { _ = try k.netlinkPort(deviceIndex: device, port: port) }
        }
        let replies = try k.netlinkRDMA(RdmaNetlink.portGet(deviceIndex: 0, port: 1))
        #expect(try NetlinkMessage.split(replies[0]).first?.type == RdmaNetlink.get)
    }

    /// Like ib_query_port, PORT_GET sees the live flags: issm1 (qib0 port 1) open sets IsSM
    /// (user_mad.c ib_umad_sm_open), in sysfs cap_mask and in CAP_FLAGS alike; close clears it.
    @Test func portGetSeesIsSM() throws {
        let k = EmulatedKernel(devices: .default, credentials: rootCredentials)
        let sm = UInt64(RDMAABI_IB_UVERBS_PCF_SM)
        #expect(try k.netlinkPort(deviceIndex: 1, port: 1).capabilityFlags.map { $0 & sm } == 0)
        let handle = try k.open("/dev/infiniband/issm1", flags: [.readWrite])
        #expect(try k.netlinkPort(deviceIndex: 1, port: 1).capabilityFlags.map { $0 & sm } == sm)
        let device = try #require(try Discovery(kernel: k).run(source: .netlink, detail: .full, only: "qib0").devices.first)
        #expect(device.ports.first?.capabilities?.names.contains("SM") == true)
        k.close(handle)
        #expect(try k.netlinkPort(deviceIndex: 1, port: 1).capabilityFlags.map { $0 & sm } == 0)
    }

    /// The text view prints the table as ibv_devinfo numbers it.
    @Test func textShowsGIDsLikeDevinfo() {
        let r = rdmactl(["show", "rxe0/1", "--root", fixturePath("rxe-sysfs")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("GID[  1]:       ::ffff:192.0.2.1, RoCE v2, netdev dummy0"), "\(r.stdout)")
        #expect(r.stdout.contains("cap mask:       0x00010000 <CM>"))
        #expect(r.stdout.contains("port guid:      0x000000fffe000001"))
        #expect(r.stdout.contains("P_Key[  0]:     0xffff"))
    }
}
