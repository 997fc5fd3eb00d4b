/// The answer to RDMA_NLDEV_CMD_PORT_GET, as core/nldev.c `fill_port_info` writes it: the
/// device handle and PORT_INDEX; for IB ports only (`rdma_protocol_ib`) CAP_FLAGS
/// (port_cap_flags | port_cap_flags2 << 32), SUBNET_PREFIX, LID, SM_LID, LMC; PORT_STATE,
/// PORT_PHYS_STATE; and NDEV_INDEX with NDEV_NAME when the port has a netdev in the caller's
/// network namespace (`ib_device_get_netdev`, `net_eq`). The reply's type is CMD_GET, not
/// PORT_GET (`nldev_port_get_doit` puts RDMA_NLDEV_CMD_GET), as the VM's 6.1 kernel sent it.
public struct NetlinkPort: Sendable, Equatable {
    public var deviceIndex: UInt32
    public var port: UInt32
    public var capabilityFlags: UInt64?
    public var subnetPrefix: UInt64?
    public var lid: UInt32?
    public var smLID: UInt32?
    public var lmc: UInt8?
    public var state: UInt8?
    public var physicalState: UInt8?
    public var netdevIndex: UInt32?
    public var netdevName: String?

    public init(deviceIndex: UInt32, port: UInt32) { self.deviceIndex = deviceIndex; self.port = port }
}

extension RdmaNetlink {
    /// The one reply to a PORT_GET doit.
    public static func decodePort(_ replies: [[UInt8]]) throws(KernelError) -> NetlinkPort {
        let found = try payloads(replies, type: get)
        guard found.count == 1 else { throw NetlinkMessage.malformed("\(found.count) PORT_GET replies, expected 1") }
        let a = found[0]
        guard let index = try a.u32(Attribute.deviceIndex), let number = try a.u32(Attribute.portIndex) else {
            throw NetlinkMessage.malformed("no DEV_INDEX or PORT_INDEX attribute")
        }
        var p = NetlinkPort(deviceIndex: index, port: number)
        p.capabilityFlags = try a.u64(Attribute.capabilityFlags)
        p.subnetPrefix = try a.u64(Attribute.subnetPrefix)
        p.lid = try a.u32(Attribute.lid)
        p.smLID = try a.u32(Attribute.smLID)
        p.lmc = try a.u8(Attribute.lmc)
        p.state = try a.u8(Attribute.portState)
        p.physicalState = try a.u8(Attribute.portPhysicalState)
        p.netdevIndex = try a.u32(Attribute.netdevIndex)
        p.netdevName = a.string(Attribute.netdevName)
        return p
    }
}
