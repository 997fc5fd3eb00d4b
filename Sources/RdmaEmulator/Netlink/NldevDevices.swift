import CRdmaABI
import RdmaKit

/// One registered ib device as nldev sees it.
struct NldevDevice: Sendable {
    let probe: ProbedDevice

    var fixture: DeviceFixture { probe.fixture }

    /// `ib_device->index`: core/device.c assigns indices in registration order from 0 (the VM's
    /// only device, rxe0, is 0), which is the probe order uverbsN follows too; cyclically, so a
    /// replugged device has a new one (ProbedDevice.index).
    var index: UInt32 { UInt32(probe.index) }

    /// `rdma_end_port`: ports are numbered from 1.
    var portCount: UInt32 { UInt32(fixture.ports.count) }

    /// `device->attrs.device_cap_flags` (IB_DEVICE_* = IB_UVERBS_DEVICE_* bits):
    /// hfi1/verbs.c `hfi1_fill_device_attr` and qib_verbs.c `qib_fill_device_attr` set
    /// BAD_PKEY_CNTR | BAD_QKEY_CNTR | SHUTDOWN_PORT | SYS_IMAGE_GUID | RC_RNR_NAK_GEN |
    /// PORT_ACTIVE_EVENT | SRQ_RESIZE, hfi1 also MEM_MGT_EXTENSIONS (its RDMA_NETDEV_OPA moved to
    /// kernel_cap_flags in 6.0).
    var capabilityFlags: UInt64 {
        let common = RDMAABI_IB_UVERBS_DEVICE_BAD_PKEY_CNTR | RDMAABI_IB_UVERBS_DEVICE_BAD_QKEY_CNTR
            | RDMAABI_IB_UVERBS_DEVICE_SHUTDOWN_PORT | RDMAABI_IB_UVERBS_DEVICE_SYS_IMAGE_GUID
            | RDMAABI_IB_UVERBS_DEVICE_RC_RNR_NAK_GEN | RDMAABI_IB_UVERBS_DEVICE_PORT_ACTIVE_EVENT
            | RDMAABI_IB_UVERBS_DEVICE_SRQ_RESIZE
        switch fixture.driver {
        case .hfi1: return common | RDMAABI_IB_UVERBS_DEVICE_MEM_MGT_EXTENSIONS   // 0x203d06
        case .qib: return common                                                   // 0x3d06
        }
    }

    /// fill_dev_info's DEV_PROTOCOL from the first port: hfi1 ports have the OPA MAD capability,
    /// qib ports are InfiniBand.
    var protocolName: String {
        switch fixture.driver {
        case .hfi1: return "opa"
        case .qib: return "ib"
        }
    }

    /// `ib_device_ops.driver_id` (enum rdma_driver_id), sent by ib_uverbs_get_nl_info.
    var driverID: UInt32 {
        switch fixture.driver {
        case .hfi1: return RDMAABI_DRIVER_HFI1   // 15
        case .qib: return RDMAABI_DRIVER_QIB     // 16
        }
    }

    func isValidPort(_ port: UInt32) -> Bool { (1...portCount).contains(port) }   // rdma_is_port_valid
}

extension Nldev {
    /// The registered devices in index order (core/device.c `ib_enum_all_devs` walks the
    /// devices xarray by index).
    static func devices(_ state: KernelState) -> [NldevDevice] {
        state.devices.values.filter { !$0.dying }.map { NldevDevice(probe: $0.probe) }.sorted { $0.index < $1.index }
    }

    /// core/device.c `ib_device_get_by_index`.
    static func device(_ state: KernelState, index: UInt32) -> NldevDevice? {
        devices(state).first { $0.index == index }
    }

    /// core/nldev.c `fill_dev_info` (with `fill_nldev_handle`), in its order. FW_VERSION is
    /// left out when the driver reports none (qib has no get_dev_fw_str); DEV_DIM is
    /// `use_cq_dim`, 0 for rdmavt drivers.
    static func deviceInfo(_ d: NldevDevice) -> [NetlinkAttribute] {
        typealias A = RdmaNetlink.Attribute
        var a: [NetlinkAttribute] = [
            .u32(A.deviceIndex, d.index),
            .string(A.deviceName, d.fixture.name),
            .u32(A.portIndex, d.portCount),
            .u64(A.capabilityFlags, d.capabilityFlags),
        ]
        if !d.fixture.firmware.isEmpty { a.append(.string(A.firmwareVersion, d.fixture.firmware)) }
        a += [
            .u64(A.nodeGUID, d.fixture.nodeGUID),          // be64_to_cpu(node_guid)
            .u64(A.systemImageGUID, d.fixture.nodeGUID),   // as sysfs sys_image_guid shows it
            .u8(A.nodeType, UInt8(RDMAABI_NODE_IB_CA)),    // device->node_type
            .u8(A.dim, 0),
            .string(A.protocolName, d.protocolName),
        ]
        return a
    }

    /// core/nldev.c `nldev_get_dumpit` → `_nldev_get_dumpit`: one NLM_F_MULTI message per
    /// device, then netlink_dump_done's NLMSG_DONE carrying the dump's errno (0). The request's
    /// attributes are not looked at.
    static func deviceDump(_ request: NetlinkMessage, _ state: KernelState, portID: UInt32) -> [NetlinkMessage] {
        var out = devices(state).map {
            NetlinkMessage(type: RdmaNetlink.get, flags: Netlink.multi, sequence: request.sequence,
                           portID: portID, attributes: deviceInfo($0))
        }
        out.append(NetlinkMessage(type: Netlink.done, flags: Netlink.multi, sequence: request.sequence,
                                  portID: portID, payload: withUnsafeBytes(of: Int32(0)) { Array($0) }))   // int errno
        return out
    }

    /// core/nldev.c `nldev_get_doit`: DEV_INDEX required and known, else EINVAL (the parse is
    /// nlmsg_parse_deprecated, so unknown attributes pass).
    static func deviceGet(_ request: NetlinkMessage, _ state: KernelState, portID: UInt32) throws(KernelError) -> [NetlinkMessage] {
        guard case .success(let tb) = NldevPolicy.parse(request.payload, strict: false),
              let index = NldevPolicy.u32(tb, RdmaNetlink.Attribute.deviceIndex),
              let device = device(state, index: index) else { throw KernelError(.EINVAL) }
        return [NetlinkMessage(type: RdmaNetlink.get, flags: 0, sequence: request.sequence, portID: portID,
                               attributes: deviceInfo(device))]
    }
}
