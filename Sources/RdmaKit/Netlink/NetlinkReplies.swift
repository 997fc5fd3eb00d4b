import CRdmaABI

/// One device of the RDMA_NLDEV_CMD_GET dump, as core/nldev.c `fill_dev_info` describes it.
public struct NetlinkDevice: Sendable, Equatable {
    /// DEV_INDEX: the core's device index (`ibdev_idx` in rdma-core).
    public var index: UInt32
    public var name: String
    /// PORT_INDEX in a device message is the number of ports (`rdma_end_port`).
    public var portCount: UInt32
    public var nodeGUID: GUID
    public var systemImageGUID: GUID
    /// DEV_NODE_TYPE: RDMA_NODE_* (1 = CA).
    public var nodeType: UInt8
    /// FW_VERSION: absent when the driver reports none.
    public var firmware: String?
    /// DEV_PROTOCOL: "ib", "opa", "roce", "iw", "usnic" (decided on the first port).
    public var protocolName: String?
    /// CAP_FLAGS: `device->attrs.device_cap_flags`.
    public var capabilityFlags: UInt64?

    public var nodeKind: NodeKind? { NodeKind(rawValue: Int(nodeType)) }

    public init(index: UInt32, name: String, portCount: UInt32, nodeGUID: GUID, systemImageGUID: GUID,
                nodeType: UInt8, firmware: String? = nil, protocolName: String? = nil, capabilityFlags: UInt64? = nil) {
        self.index = index; self.name = name; self.portCount = portCount; self.nodeGUID = nodeGUID
        self.systemImageGUID = systemImageGUID; self.nodeType = nodeType; self.firmware = firmware
        self.protocolName = protocolName; self.capabilityFlags = capabilityFlags
    }
}

/// The answer to RDMA_NLDEV_CMD_GET_CHARDEV (core/nldev.c `nldev_get_chardev`).
public struct ChardevInfo: Sendable, Equatable {
    /// CHARDEV decoded (huge_decode_dev).
    public var major: UInt32
    public var minor: UInt32
    /// CHARDEV_ABI: uverbs the driver's `uverbs_abi_ver`, umad/issm 5, rdma_cm 4.
    public var abi: UInt64
    /// CHARDEV_NAME: the class device's name ("uverbs0", "umad1", "rdma_cm"), no /dev prefix.
    public var name: String
    /// UVERBS_DRIVER_ID (uverbs only, enum rdma_driver_id: RXE 14, HFI1 15, QIB 16).
    public var driverID: UInt32?

    public init(major: UInt32, minor: UInt32, abi: UInt64, name: String, driverID: UInt32? = nil) {
        self.major = major; self.minor = minor; self.abi = abi; self.name = name; self.driverID = driverID
    }

    /// CHARDEV as the kernel encodes it (huge_encode_dev).
    public var encoded: UInt64 { rdmaabi_huge_encode_dev(major, minor) }
}

/// The answer to RDMA_NLDEV_CMD_SYS_GET (core/nldev.c `nldev_sys_get_doit`).
public struct NetlinkSystemInfo: Sendable, Equatable {
    /// NETNS_MODE: 1 shared, 0 exclusive.
    public var netnsMode: UInt8?
    public var privilegedQKeyMode: UInt8?
    /// COPY_ON_FORK; rdma-core reads an absent attribute as 0.
    public var copyOnFork: UInt8?

    public init(netnsMode: UInt8? = nil, privilegedQKeyMode: UInt8? = nil, copyOnFork: UInt8? = nil) {
        self.netnsMode = netnsMode; self.privilegedQKeyMode = privilegedQKeyMode; self.copyOnFork = copyOnFork
    }
}

extension RdmaNetlink {
    /// The devices of a GET dump's replies, in the order the kernel sent them.
    public static func decodeDevices(_ replies: [[UInt8]]) throws(KernelError) -> [NetlinkDevice] {
        var devices: [NetlinkDevice] = []
        for attributes in try payloads(replies, type: get) {
            devices.append(try device(attributes))
        }
        return devices
    }

    /// The one GET_CHARDEV reply.
    public static func decodeChardev(_ replies: [[UInt8]]) throws(KernelError) -> ChardevInfo {
        let a = try single(payloads(replies, type: getChardev), "GET_CHARDEV")
        let dev = try required(a.u64(Attribute.chardev), "CHARDEV")
        return ChardevInfo(major: rdmaabi_huge_decode_major(dev), minor: rdmaabi_huge_decode_minor(dev),
                           abi: try required(a.u64(Attribute.chardevABI), "CHARDEV_ABI"),
                           name: try required(a.string(Attribute.chardevName), "CHARDEV_NAME"),
                           driverID: try a.unsigned(Attribute.uverbsDriverID).map { UInt32(truncatingIfNeeded: $0) })
    }

    /// The one SYS_GET reply.
    public static func decodeSystem(_ replies: [[UInt8]]) throws(KernelError) -> NetlinkSystemInfo {
        let a = try single(payloads(replies, type: sysGet), "SYS_GET")
        return NetlinkSystemInfo(netnsMode: try a.u8(Attribute.netnsMode),
                                 privilegedQKeyMode: try a.u8(Attribute.privilegedQKeyMode),
                                 copyOnFork: try a.u8(Attribute.copyOnFork))
    }

    /// The attributes of every reply of `type`, in order. NLMSG_ERROR with a negative error
    /// throws that errno (the kernel's refusal); an acknowledgement (0), NOOP and NLMSG_DONE
    /// with 0 end or pass silently; anything else is malformed (EPROTO).
    static func payloads(_ replies: [[UInt8]], type: UInt16) throws(KernelError) -> [NetlinkAttributes] {
        var out: [NetlinkAttributes] = []
        for buffer in replies {
            for message in try NetlinkMessage.split(buffer) {
                switch message.type {
                case type:
                    out.append(try message.attributes())
                case Netlink.error:
                    guard let code = message.errorCode, code <= 0 else {
                        throw NetlinkMessage.malformed("NLMSG_ERROR without a valid error")
                    }
                    if code < 0 {
                        guard let errno = Errno(negatedKernelCode: code) else {
                            throw NetlinkMessage.malformed("NLMSG_ERROR carries \(code), not an errno")
                        }
                        throw KernelError(errno)
                    }
                case Netlink.done:
                    // The dump's final errno (netlink_dump_done) follows the header.
                    if message.payload.count >= Netlink.errorCodeSize,
                       case let code = message.payload.loadHost(Int32.self, at: 0), code < 0 {
                        guard let errno = Errno(negatedKernelCode: code) else {
                            throw NetlinkMessage.malformed("NLMSG_DONE carries \(code), not an errno")
                        }
                        throw KernelError(errno)
                    }
                    return out
                case Netlink.noop:
                    continue
                default:
                    throw NetlinkMessage.malformed("unexpected message type 0x\(String(message.type, radix: 16))")
                }
            }
        }
        return out
    }

    static func device(_ a: NetlinkAttributes) throws(KernelError) -> NetlinkDevice {
        NetlinkDevice(index: try required(a.u32(Attribute.deviceIndex), "DEV_INDEX"),
                      name: try required(a.string(Attribute.deviceName), "DEV_NAME"),
                      portCount: try required(a.u32(Attribute.portIndex), "PORT_INDEX"),
                      nodeGUID: GUID(try required(a.u64(Attribute.nodeGUID), "NODE_GUID")),
                      systemImageGUID: GUID(try required(a.u64(Attribute.systemImageGUID), "SYS_IMAGE_GUID")),
                      nodeType: try required(a.u8(Attribute.nodeType), "DEV_NODE_TYPE"),
                      firmware: a.string(Attribute.firmwareVersion),
                      protocolName: a.string(Attribute.protocolName),
                      capabilityFlags: try a.u64(Attribute.capabilityFlags))
    }

    private static func required<T>(_ value: T?, _ name: String) throws(KernelError) -> T {
        guard let value else { throw NetlinkMessage.malformed("no \(name) attribute") }
        return value
    }

    private static func single(_ payloads: [NetlinkAttributes], _ what: String) throws(KernelError) -> NetlinkAttributes {
        guard payloads.count == 1 else { throw NetlinkMessage.malformed("\(payloads.count) \(what) replies, expected 1") }
        return payloads[0]
    }
}
