import RdmaKit
import CRdmaABI

/// Every value the emulated devices show, pinned here so golden files never churn (DESIGN §5).
///
/// Sources of the *formats* (the values are this fixture's choice unless a source is named):
/// * PCI ids: hfi1/hfi.h `hfi1_pci_tbl` (8086:24f0), qib_init.c `qib_pci_tbl` (1077:7322);
///   subsystem 8086:2628 is pci.ids' "Omni-Path HFI Adapter 100 Series, 1 Port, PCIe x16";
///   qib's subsystem 1077:7322, class 0c06 and revision 02 are as lspci/hwloc show a QLE7342.
///   hfi1's class 0x020800 is "Fabric controller" (lspci shows Omni-Path as [0208]).
/// * node GUIDs: OUI 00:11:75 (Intel, formerly QLogic/PathScale) in both; sysfs prints them with
///   core/sysfs.c `"%04x:%04x:%04x:%04x"`.
/// * hfi1 driver attributes (hfi1/sysfs.c): `hw_rev` `"%x"` of minrev (0x11, B1 silicon, as
///   ibv_devinfo's hw_ver 0x11), `board_id` = boardname, `serial` = chip.c `"0x%08llx\n"` of the
///   GUID's low 24 bits, `boardversion` = chip.c "ChipABI %u.%u, ChipRev %u.%u, SW Compat %llu\n",
///   `tempsense` "%u.%02u %u.%02u %u.%02u %u.%02u %u %u %u\n"; `fw_ver` "%u.%u.%u" of the 8051
///   firmware (`hfi1_get_dev_fw_str`).
/// * qib driver attributes (qib_sysfs.c): `hca_type` = `board_id` = boardname from
///   qib_iba7322.c `qib_7322_boardname` (board 2: "InfiniPath_QLE7342", dual port), `version` =
///   QIB_DRIVER_VERSION "1.11", `serial` = the EEPROM's 16 bytes + "\n", `boardversion` =
///   "ChipABI %u.%u, %s, InfiniPath%u %u.%u, SW Compat %u\n"; qib has no `get_dev_fw_str`, so its
///   core `fw_ver` is "\n".
/// * node_desc: both drivers start from the host name; rdma-ndd then writes "%h %d". The fixture
///   pins the host part to "emulated".
/// * Ports: rates per core/sysfs.c `rate_show` (EDR 25 Gb/s a lane, QDR 10, SDR 2.5 with " SDR"
///   as modern kernels print it); `cap_mask` values are plausible, not captured from hardware.
///   GID and P_Key table sizes (`gid_tbl_len`, `pkey_tbl_len` of hfi1/verbs.c `query_port` and
///   qib_verbs.c `qib_query_port`): HFI1_GUIDS_PER_PORT / QIB_GUIDS_PER_PORT 5 GIDs; hfi1 16
///   P_Keys (HFI1_MAX_PKEYS, `hfi1_get_npkeys`), qib 4 (`qib_get_npkeys`: the kernel context's
///   `pkeys[4]`). GID 0 holds the port GUID, GIDs 1–4 the bare prefix (SysfsCore says why).
///   P_Key entry 0 is 0xffff: qib_init.c gives every kernel context QIB_DEFAULT_P_KEY (0xFFFF)
///   in `pkeys[0]`, which `qib_get_pkey` shows. For hfi1 it is this fixture's choice, not the
///   driver's: hfi1's power-on table is 0x8001 in entry 0 and 0x7fff in entry 1 (hfi1/init.c
///   `hfi1_init_pportdata`, DEFAULT_P_KEY = LIM_MGMT_P_KEY) until the fabric manager programs
///   it, and what the FM writes was not checked; the SET_PKEY tests rely on 0x8001 being absent.
///   qib port N's GUID is the node GUID + N - 1 (an assumption; a dual-port card has one GUID
///   per port).
///
/// Extra units derive distinct values deterministically: unit u adds u to the PCI bus and root
/// port, 0x10·u to the LIDs, u (hfi1) or 2·u (qib) to the GUID, u to the serial.
enum Fixture {
    // MARK: core numbers (all from the C shim: UAPI headers, or the documented kernel-internal
    // values of core/uverbs_main.c, core/user_mad.c and sw/rdmavt/vt.c)

    static let uverbsMajor = UInt32(RDMAABI_IB_UVERBS_MAJOR)
    static let uverbsBaseMinor = UInt32(RDMAABI_IB_UVERBS_BASE_MINOR)
    static let umadMajor = UInt32(RDMAABI_IB_UMAD_MAJOR)
    static let umadBaseMinor = UInt32(RDMAABI_IB_UMAD_MINOR_BASE)
    static let issmBaseMinor = UInt32(RDMAABI_IB_ISSM_MINOR_BASE)
    static let uverbsClassABI = Int(RDMAABI_IB_USER_VERBS_ABI_VERSION)
    static let madClassABI = Int(RDMAABI_IB_USER_MAD_ABI_VERSION)
    static let rdmavtUverbsABI = Int(RDMAABI_RVT_UVERBS_ABI_VERSION)
    static let rdmaCMABI = Int(RDMAABI_USER_CM_ABI_VERSION)
    static let miscMajor = UInt32(RDMAABI_MISC_MAJOR)
    /// rdma_cm is a dynamic misc minor; 124 as captured in the test VM (.ci/vm/captures).
    static let rdmaCMMinor: UInt32 = 124

    // MARK: driver char-device majors (dynamic: alloc_chrdev_region; pinned here)

    /// hfi1/device.c `alloc_chrdev_region(.., HFI1_NMINORS, "hfi1")`.
    static let hfi1Major: UInt32 = 246
    /// qib_file_ops.c `alloc_chrdev_region(.., QIB_NMINORS, "ib_qib")`.
    static let qibMajor: UInt32 = 247
    /// qib_file_ops.c / qib_diag.c: `/dev/ipath` minor 0, `ipathN` unit+1, `ipath_diagpkt` 128,
    /// `ipath_diagN` 129+unit.
    static let ipathWildcardMinor: UInt32 = 0
    static let ipathDiagPktMinor: UInt32 = 128
    static let ipathDiagBaseMinor: UInt32 = 129

    /// Both drivers: 16 user contexts, all free at boot.
    static let userContexts = 16

    // MARK: devices

    static func device(_ driver: DeviceSet.Driver, unit: Int) -> DeviceFixture {
        switch driver {
        case .hfi1: return hfi1(unit: unit)
        case .qib: return qib(unit: unit)
        }
    }

    /// hfi1_0: Intel Omni-Path HFI 100 Series, one port ACTIVE with LID 0x1 (DESIGN §5).
    static func hfi1(unit u: Int) -> DeviceFixture {
        let guid: UInt64 = 0x0011_7501_0179_e4a0 + UInt64(u)
        let port = PortFixture(number: 1, state: 4, physicalState: 5, lid: 0x1 + 0x10 * UInt32(u), smLID: 0x1,
                               capabilityMask: 0x0041_0020, rate: "100 Gb/sec (4X EDR)",
                               portGUID: guid, gidCount: 5, pkeyCount: 16)
        return DeviceFixture(
            driver: .hfi1, unit: u, name: "hfi1_\(u)", driverName: "hfi1",
            pci: PCIFixture(rootBus: "pci0000:80", bridge: pciAddress(bus: 0x80, device: 0x03 + u),
                            address: pciAddress(bus: 0x81 + u, device: 0),
                            vendor: 0x8086, device: 0x24f0, subsystemVendor: 0x8086, subsystemDevice: 0x2628,
                            classCode: 0x02_08_00, revision: 0x11, numaNode: 1, localCPUList: "16-31"),
            nodeGUID: guid, firmware: "1.27.0", nodeDescription: "emulated hfi1_\(u)",
            hardwareRevision: "11", boardID: "Intel Omni-Path Host Fabric Interface Adapter 100 Series",
            serial: "0x" + hex(guid & 0xff_ffff, width: 8) + "\n",
            boardVersion: "ChipABI 3.0, ChipRev 7.17, SW Compat 3\n",
            driverVersion: nil, tempsense: "47.50 0.00 105.00 105.00 0 0 0\n",
            contexts: userContexts, ports: [port])
    }

    /// qib0: QLogic QLE7342 (IBA7322), port 1 ACTIVE with LID 0x2, port 2 DOWN (DESIGN §5).
    static func qib(unit u: Int) -> DeviceFixture {
        let guid: UInt64 = 0x0011_7500_00ff_7a3c + 2 * UInt64(u)
        let ports = [
            PortFixture(number: 1, state: 4, physicalState: 5, lid: 0x2 + 0x10 * UInt32(u), smLID: 0x1,
                        capabilityMask: 0x0761_0868, rate: "40 Gb/sec (4X QDR)",
                        portGUID: guid, gidCount: 5, pkeyCount: 4),
            PortFixture(number: 2, state: 1, physicalState: 2, lid: 0x0, smLID: 0x0,
                        capabilityMask: 0x0761_0868, rate: "10 Gb/sec (4X SDR)",
                        portGUID: guid + 1, gidCount: 5, pkeyCount: 4),
        ]
        let serialNumber = String(123 + u)
        return DeviceFixture(
            driver: .qib, unit: u, name: "qib\(u)", driverName: "ib_qib",
            pci: PCIFixture(rootBus: "pci0000:00", bridge: pciAddress(bus: 0x00, device: 0x02 + u),
                            address: pciAddress(bus: 0x04 + u, device: 0),
                            vendor: 0x1077, device: 0x7322, subsystemVendor: 0x1077, subsystemDevice: 0x7322,
                            classCode: 0x0c_06_00, revision: 0x02, numaNode: 0, localCPUList: "0-15"),
            nodeGUID: guid, firmware: "", nodeDescription: "emulated qib\(u)",
            hardwareRevision: "2", boardID: "InfiniPath_QLE7342",
            serial: "RFC1015A" + String(repeating: "0", count: 5 - serialNumber.count) + serialNumber + "\n",
            boardVersion: "ChipABI 2.0, InfiniPath_QLE7342, InfiniPath1 5.2, SW Compat 2\n",
            driverVersion: "1.11\n", tempsense: nil,
            contexts: userContexts, ports: ports)
    }

    static func pciAddress(bus: Int, device: Int) -> String {
        "0000:" + hex(UInt64(bus), width: 2) + ":" + hex(UInt64(device), width: 2) + ".0"
    }
}

/// One emulated adapter's pinned identity.
struct DeviceFixture: Sendable, Equatable {
    var driver: DeviceSet.Driver
    var unit: Int
    /// The ib device name: hfi1_N (rvt_set_ibdev_name "%s_%d"), qibN ("%s%d").
    var name: String
    /// The PCI driver name, the basename of the `driver` link.
    var driverName: String
    var pci: PCIFixture
    var nodeGUID: UInt64
    var firmware: String
    var nodeDescription: String
    var hardwareRevision: String
    var boardID: String
    /// Already newline-terminated, as both drivers print it with "%s".
    var serial: String
    /// Already newline-terminated.
    var boardVersion: String
    /// qib `version`, newline-terminated; nil for hfi1 (modern hfi1 has no `version`).
    var driverVersion: String?
    /// hfi1 `tempsense`; nil for qib (not modelled).
    var tempsense: String?
    var contexts: Int
    var ports: [PortFixture]
}

/// The PCI function an adapter sits on, and the bridge above it.
struct PCIFixture: Sendable, Equatable {
    /// The host bridge directory under /sys/devices, e.g. "pci0000:80".
    var rootBus: String
    /// The root port the adapter hangs off, e.g. "0000:80:03.0".
    var bridge: String
    /// The adapter's bus/device/function, e.g. "0000:81:00.0".
    var address: String
    var vendor: UInt16
    var device: UInt16
    var subsystemVendor: UInt16
    var subsystemDevice: UInt16
    /// 24-bit class code: base class, subclass, prog-if.
    var classCode: UInt32
    var revision: UInt8
    var numaNode: Int
    var localCPUList: String

    /// /sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0
    var sysfsPath: String { "/sys/devices/\(rootBus)/\(bridge)/\(address)" }
}

/// One port's pinned state. `state` and `physicalState` are the numbers sysfs prints first.
struct PortFixture: Sendable, Equatable {
    var number: Int
    /// IB PortState: 1 DOWN, 4 ACTIVE.
    var state: Int
    /// PortPhysicalState: 2 Polling, 5 LinkUp.
    var physicalState: Int
    var lid: UInt32
    var smLID: UInt32
    var lmc: Int = 0
    var smSL: Int = 0
    var capabilityMask: UInt32
    var rate: String
    var linkLayer: String = "InfiniBand"
    var portGUID: UInt64
    var gidCount: Int
    var pkeyCount: Int

    init(number: Int, state: Int, physicalState: Int, lid: UInt32, smLID: UInt32, capabilityMask: UInt32,
         rate: String, portGUID: UInt64, gidCount: Int, pkeyCount: Int) {
        self.number = number; self.state = state; self.physicalState = physicalState
        self.lid = lid; self.smLID = smLID; self.capabilityMask = capabilityMask; self.rate = rate
        self.portGUID = portGUID; self.gidCount = gidCount; self.pkeyCount = pkeyCount
    }
}
