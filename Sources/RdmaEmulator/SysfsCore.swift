import CRdmaABI
import RdmaKit

/// The RDMA core's part of sysfs: the classes, the ib device directory and its ports
/// (core/device.c, core/sysfs.c).
extension SysfsBuilder {
    /// What exists once ib_core, ib_uverbs, ib_umad and rdma_ucm are loaded, with or without
    /// devices.
    mutating func addCore() {
        tree.makeDirectory("/sys/class/infiniband")
        // core/uverbs_main.c `abi_version` class attribute; core/user_mad.c likewise.
        tree.addFile("/sys/class/infiniband_verbs/abi_version", text: "\(Fixture.uverbsClassABI)\n")
        tree.addFile("/sys/class/infiniband_mad/abi_version", text: "\(Fixture.madClassABI)\n")
        tree.makeDirectory("/sys/bus/pci/devices")
        tree.makeDirectory("/sys/bus/pci/drivers")
        tree.makeDirectory("/dev/infiniband")
        addRdmaCM()
    }

    /// The ib device: core/device.c `ib_register_device` puts it below its DMA parent (the PCI
    /// function) as `<pci>/infiniband/<name>`, with the core attributes of core/sysfs.c
    /// `ib_dev_attrs` and the ports. Returns its directory. Driver attributes are added by the
    /// driver's file.
    mutating func addIBDevice(_ device: ProbedDevice) -> String {
        let f = device.fixture
        let dir = addClassDevice(
            class: "infiniband", name: f.name, parent: f.pci.sysfsPath,
            attributes: [
                ("node_type", .text("\(RDMAABI_NODE_IB_CA): CA\n")),     // node_type_show "%d: CA"
                ("node_guid", .text(SysfsFormat.guid(f.nodeGUID))),       // show_node_guid
                ("sys_image_guid", .text(SysfsFormat.guid(f.nodeGUID))),  // show_sys_image_guid
                ("fw_ver", .text(f.firmware + "\n")),                     // fw_ver_show
            ],
            uevent: "NAME=\(f.name)\n")                                   // ib_device_uevent
        // node_desc is 0644: root may store a new description (node_desc_store).
        tree.addFile(dir + "/node_desc", text: f.nodeDescription + "\n", mode: 0o644)
        tree.makeDirectory(dir + "/ports")
        for port in f.ports { addPort(dir + "/ports/\(port.number)", port, fixture: f) }
        return dir
    }

    /// core/sysfs.c `port_default_attrs`, the `gids`/`pkeys` groups and `gid_attrs`.
    mutating func addPort(_ dir: String, _ port: PortFixture, fixture: DeviceFixture) {
        tree.addFile(dir + "/state", text: SysfsFormat.portState(port.state))
        tree.addFile(dir + "/phys_state", text: SysfsFormat.physicalState(port.physicalState))
        tree.addFile(dir + "/lid", text: SysfsFormat.lid(port.lid))
        tree.addFile(dir + "/lid_mask_count", text: "\(port.lmc)\n")
        tree.addFile(dir + "/sm_lid", text: SysfsFormat.lid(port.smLID))
        tree.addFile(dir + "/sm_sl", text: "\(port.smSL)\n")
        tree.addFile(dir + "/cap_mask", text: SysfsFormat.capabilityMask(port.capabilityMask))
        tree.addFile(dir + "/rate", text: port.rate + "\n")
        tree.addFile(dir + "/link_layer", text: port.linkLayer + "\n")
        // rdmavt `rvt_query_gid`: the port's gid_prefix (fe80::) with the driver's GUID for the
        // index — hfi1/verbs.c `hfi1_get_guid_be` and qib_verbs.c `qib_get_guid_be`: entry 0 the
        // port GUID, entries 1..N-1 `ibp->guids[i - 1]`, zero until an SM assigns alias GUIDs.
        // core/cache.c `add_modify_gid` drops only the all-zero GID, so fe80:: with a zero
        // interface ID is a valid IB entry: its type is IB_GID_TYPE_IB ("IB/RoCE v1",
        // `gid_type_str`) and, with no netdev, ndevs/N is EINVAL (`print_ndev`).
        // gid_attrs exists for every port (core/sysfs.c `setup_gid_attrs`).
        tree.makeDirectory(dir + "/gid_attrs/ndevs")
        tree.makeDirectory(dir + "/gid_attrs/types")
        for index in 0..<port.gidCount {
            tree.addFile(dir + "/gids/\(index)",
                         text: SysfsFormat.gid(prefix: SysfsFormat.linkLocalPrefix, guid: index == 0 ? port.portGUID : 0))
            tree.addFile(dir + "/gid_attrs/ndevs/\(index)", .failure(.EINVAL))
            tree.addFile(dir + "/gid_attrs/types/\(index)", .text("IB/RoCE v1\n"))
        }
        // 0xffff in entry 0, the rest empty (show_port_pkey "0x%04x"); Fixture says why.
        for index in 0..<port.pkeyCount {
            tree.addFile(dir + "/pkeys/\(index)", text: SysfsFormat.pkey(index == 0 ? 0xffff : 0x0000))
        }
        if fixture.driver == .hfi1 { addHfi1PortGroups(dir) }
    }
}
