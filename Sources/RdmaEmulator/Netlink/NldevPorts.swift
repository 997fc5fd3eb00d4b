import CRdmaABI
import RdmaKit

/// RDMA_NLDEV_CMD_PORT_GET as a doit: core/nldev.c `nldev_port_get_doit` and `fill_port_info`.
extension Nldev {
    /// DEV_INDEX and PORT_INDEX are required, the device known and the port valid, else EINVAL
    /// (the 6.1 parse is nlmsg_parse_deprecated: unknown attributes pass). The reply's type is
    /// CMD_GET, as `nldev_port_get_doit` puts it (and the VM's 6.1 kernel sent it).
    static func portGet(_ request: NetlinkMessage, _ state: KernelState, portID: UInt32) throws(KernelError) -> [NetlinkMessage] {
        typealias A = RdmaNetlink.Attribute
        guard case .success(let tb) = NldevPolicy.parse(request.payload, strict: false),
              let index = NldevPolicy.u32(tb, A.deviceIndex), let number = NldevPolicy.u32(tb, A.portIndex),
              let device = device(state, index: index), device.isValidPort(number),
              let port = device.fixture.ports.first(where: { $0.number == Int(number) })
        else { throw KernelError(.EINVAL) }
        let flags = state.portCapabilities(device: device.fixture.name, port: port.number) ?? port.capabilityMask
        return [NetlinkMessage(type: RdmaNetlink.get, flags: 0, sequence: request.sequence, portID: portID,
                               attributes: portInfo(device, port, capabilities: flags))]
    }

    /// `fill_port_info` in its order: the handle, PORT_INDEX; for an IB port (hfi1's OPA ports
    /// have the IB protocol too) CAP_FLAGS (port_cap_flags | port_cap_flags2 << 32; rdmavt has no
    /// cap_flags2) as ib_query_port has them now (issm's IsSM included), SUBNET_PREFIX, LID,
    /// SM_LID, LMC; PORT_STATE, PORT_PHYS_STATE. No NDEV_*: hfi1 and qib ports have no netdev
    /// (`ib_device_get_netdev` is NULL).
    static func portInfo(_ d: NldevDevice, _ port: PortFixture, capabilities: UInt32) -> [NetlinkAttribute] {
        typealias A = RdmaNetlink.Attribute
        return [
            .u32(A.deviceIndex, d.index),
            .string(A.deviceName, d.fixture.name),
            .u32(A.portIndex, UInt32(port.number)),
            .u64(A.capabilityFlags, UInt64(capabilities)),
            .u64(A.subnetPrefix, SysfsFormat.linkLocalPrefix),
            .u32(A.lid, port.lid),
            .u32(A.smLID, port.smLID),
            .u8(A.lmc, UInt8(port.lmc)),
            .u8(A.portState, UInt8(port.state)),
            .u8(A.portPhysicalState, UInt8(port.physicalState)),
        ]
    }
}
