import CRdmaABI

/// NETLINK_RDMA's nldev client (ABI-FACTS §5): message types, attribute numbers and the
/// requests rdmactl sends. Requests are built as rdma-core builds them (util/rdma_nl.c,
/// libibverbs/ibdev_nl.c), so they equal the bytes libibverbs sends, seq and port id aside.
public enum RdmaNetlink {
    // MARK: message types: RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, op) = (5 << 10) + op

    public static func type(op: UInt16) -> UInt16 {
        rdmaabi_nl_get_type(UInt32(RDMAABI_NL_NLDEV), UInt32(op))
    }

    public static let get = type(op: RDMAABI_NLDEV_CMD_GET)                 // 0x1401
    public static let portGet = type(op: RDMAABI_NLDEV_CMD_PORT_GET)        // 0x1405
    public static let sysGet = type(op: RDMAABI_NLDEV_CMD_SYS_GET)          // 0x1406
    public static let getChardev = type(op: RDMAABI_NLDEV_CMD_GET_CHARDEV)  // 0x140f

    // MARK: attributes (enum rdma_nldev_attr)

    public enum Attribute {
        public static let pad = RDMAABI_NLDEV_ATTR_PAD                           // 0
        public static let deviceIndex = RDMAABI_NLDEV_ATTR_DEV_INDEX             // 1, u32
        public static let deviceName = RDMAABI_NLDEV_ATTR_DEV_NAME               // 2, string
        public static let portIndex = RDMAABI_NLDEV_ATTR_PORT_INDEX              // 3, u32
        public static let capabilityFlags = RDMAABI_NLDEV_ATTR_CAP_FLAGS         // 4, u64
        public static let firmwareVersion = RDMAABI_NLDEV_ATTR_FW_VERSION        // 5, string
        public static let nodeGUID = RDMAABI_NLDEV_ATTR_NODE_GUID                // 6, u64 host order
        public static let systemImageGUID = RDMAABI_NLDEV_ATTR_SYS_IMAGE_GUID    // 7, u64
        public static let subnetPrefix = RDMAABI_NLDEV_ATTR_SUBNET_PREFIX        // 8, u64
        public static let lid = RDMAABI_NLDEV_ATTR_LID                           // 9, u32
        public static let smLID = RDMAABI_NLDEV_ATTR_SM_LID                      // 10, u32
        public static let lmc = RDMAABI_NLDEV_ATTR_LMC                           // 11, u8
        public static let portState = RDMAABI_NLDEV_ATTR_PORT_STATE              // 12, u8
        public static let portPhysicalState = RDMAABI_NLDEV_ATTR_PORT_PHYS_STATE // 13, u8
        public static let nodeType = RDMAABI_NLDEV_ATTR_DEV_NODE_TYPE            // 14, u8
        public static let netdevIndex = RDMAABI_NLDEV_ATTR_NDEV_INDEX            // 50, u32
        public static let netdevName = RDMAABI_NLDEV_ATTR_NDEV_NAME              // 51, string
        public static let netnsMode = RDMAABI_NLDEV_SYS_ATTR_NETNS_MODE          // 66, u8
        public static let protocolName = RDMAABI_NLDEV_ATTR_DEV_PROTOCOL         // 67, string
        public static let chardevType = RDMAABI_NLDEV_ATTR_CHARDEV_TYPE          // 69, string
        public static let chardevName = RDMAABI_NLDEV_ATTR_CHARDEV_NAME          // 70, string
        public static let chardevABI = RDMAABI_NLDEV_ATTR_CHARDEV_ABI            // 71, u64
        public static let chardev = RDMAABI_NLDEV_ATTR_CHARDEV                   // 72, u64 huge_encode_dev
        public static let uverbsDriverID = RDMAABI_NLDEV_ATTR_UVERBS_DRIVER_ID   // 73, u32
        public static let dim = RDMAABI_NLDEV_ATTR_DEV_DIM                       // 84, u8
        public static let copyOnFork = RDMAABI_NLDEV_SYS_ATTR_COPY_ON_FORK       // 93, u8
        public static let privilegedQKeyMode = RDMAABI_NLDEV_SYS_ATTR_PRIVILEGED_QKEY_MODE  // 96, u8
    }

    /// The kernel's `char client_name[RDMA_NLDEV_ATTR_CHARDEV_TYPE_SIZE]` (32): a client name
    /// travels intact only up to 31 bytes.
    public static let chardevTypeSize = Int(RDMAABI_NLDEV_ATTR_CHARDEV_TYPE_SIZE)

    // MARK: requests

    /// RDMA_NLDEV_CMD_GET as a dump: every device, one message each, then NLMSG_DONE.
    /// libibverbs sends REQUEST|DUMP; iproute2's `rdma` adds ACK (which a dump never answers).
    public static func deviceDump(sequence: UInt32 = 1, portID: UInt32 = 0, ack: Bool = false) -> [UInt8] {
        NetlinkMessage(type: get, flags: Netlink.request | Netlink.dump | (ack ? Netlink.ack : 0),
                       sequence: sequence, portID: portID).bytes
    }

    /// RDMA_NLDEV_CMD_GET of one device by index (`rdma dev show` sends it with ACK).
    public static func deviceGet(index: UInt32, sequence: UInt32 = 1, portID: UInt32 = 0, ack: Bool = false) -> [UInt8] {
        NetlinkMessage(type: get, flags: Netlink.request | (ack ? Netlink.ack : 0), sequence: sequence,
                       portID: portID, attributes: [.u32(Attribute.deviceIndex, index)]).bytes
    }

    /// RDMA_NLDEV_CMD_GET_CHARDEV: DEV_INDEX (if any), CHARDEV_TYPE, PORT_INDEX (if any) — the
    /// order of rdma-core's `rdmanl_get_chardev`. The name is sent as given, even past 31 bytes
    /// (the kernel truncates a 32-byte name and refuses a longer one); callers that need it
    /// intact check `chardevTypeSize` first.
    public static func chardevRequest(type name: String, deviceIndex: UInt32? = nil, port: UInt32? = nil,
                                      sequence: UInt32 = 1, portID: UInt32 = 0) -> [UInt8] {
        var attributes: [NetlinkAttribute] = []
        if let deviceIndex { attributes.append(.u32(Attribute.deviceIndex, deviceIndex)) }
        attributes.append(.string(Attribute.chardevType, name))
        if let port { attributes.append(.u32(Attribute.portIndex, port)) }
        return NetlinkMessage(type: getChardev, flags: Netlink.request, sequence: sequence, portID: portID,
                              attributes: attributes).bytes
    }

    /// RDMA_NLDEV_CMD_PORT_GET of one port: DEV_INDEX, PORT_INDEX — what iproute2's
    /// `rdma link show DEV/PORT` sends (rdma/link.c `link_no_args`; it adds ACK).
    public static func portGet(deviceIndex: UInt32, port: UInt32, sequence: UInt32 = 1, portID: UInt32 = 0,
                               ack: Bool = false) -> [UInt8] {
        NetlinkMessage(type: portGet, flags: Netlink.request | (ack ? Netlink.ack : 0), sequence: sequence,
                       portID: portID, attributes: [.u32(Attribute.deviceIndex, deviceIndex),
                                                    .u32(Attribute.portIndex, port)]).bytes
    }

    /// RDMA_NLDEV_CMD_SYS_GET (rdma-core `rdmanl_get_copy_on_fork`, `rdma sys show`).
    public static func systemGet(sequence: UInt32 = 1, portID: UInt32 = 0, ack: Bool = false) -> [UInt8] {
        NetlinkMessage(type: sysGet, flags: Netlink.request | (ack ? Netlink.ack : 0),
                       sequence: sequence, portID: portID).bytes
    }
}
