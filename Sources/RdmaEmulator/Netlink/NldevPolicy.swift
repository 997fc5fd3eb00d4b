import RdmaKit

/// Request attribute validation as lib/nlattr.c `__nla_validate_parse` does it with
/// core/nldev.c `nldev_policy`, for the attributes an nldev request can usefully carry.
///
/// `strict` is nlmsg_parse (NL_VALIDATE_STRICT: nldev_get_chardev and nldev_sys_get_doit in 6.1):
/// an attribute type of 0 or above the maximum, an integer of the wrong size, or bytes left
/// over after the last attribute are EINVAL. Not strict is nlmsg_parse_deprecated (nldev_get_doit):
/// those are ignored, and only an integer shorter than its type fails. Types the policy table
/// here does not list are accepted unchecked (the kernel's full policy types nearly all of them).
/// The errno is the validator's: EINVAL, or ERANGE for a short integer or an overlong string
/// (`out_err`); GET and GET_CHARDEV turn every failure into EINVAL, SYS_GET passes it on.
enum NldevPolicy {
    enum Kind { case u8, u32, u64, nulString(maxLength: Int) }

    /// RDMA_NLDEV_ATTR_MAX - 1 of the 6.1 header (STAT_HWCOUNTER_DYNAMIC, 95).
    static let maxType: UInt16 = 95

    static let table: [UInt16: Kind] = [
        1: .u32,                                // DEV_INDEX
        2: .nulString(maxLength: 63),           // DEV_NAME: IB_DEVICE_NAME_MAX - 1
        3: .u32,                                // PORT_INDEX
        4: .u64, 6: .u64, 7: .u64, 8: .u64,     // CAP_FLAGS, NODE_GUID, SYS_IMAGE_GUID, SUBNET_PREFIX
        9: .u32, 10: .u32, 11: .u8, 12: .u8, 13: .u8, 14: .u8,  // LID, SM_LID, LMC, states, node type
        66: .u8,                                // SYS_ATTR_NETNS_MODE
        68: .u32,                               // NET_NS_FD
        69: .nulString(maxLength: 32),          // CHARDEV_TYPE: RDMA_NLDEV_ATTR_CHARDEV_TYPE_SIZE
        71: .u64, 72: .u64, 73: .u32,           // CHARDEV_ABI, CHARDEV, UVERBS_DRIVER_ID
        84: .u8, 93: .u8,                       // DEV_DIM, SYS_ATTR_COPY_ON_FORK
    ]

    /// The attributes by type (the last of duplicates wins), or the errno parsing fails with.
    static func parse(_ payload: [UInt8], strict: Bool) -> Result<NetlinkAttributes, KernelError> {
        var accepted: [NetlinkAttribute] = []
        var offset = 0
        // nla_for_each_attr: stops at the first header that does not fit.
        while payload.count - offset >= Netlink.attributeHeaderLength {
            let length = Int(hostU16(payload, at: offset))
            guard length >= Netlink.attributeHeaderLength, length <= payload.count - offset else { break }
            let type = hostU16(payload, at: offset + 2) & 0x3fff   // NLA_TYPE_MASK
            let value = Array(payload[(offset + 4)..<(offset + length)])
            offset += min(Netlink.align(length), payload.count - offset)
            if type == 0 || type > maxType {
                if strict { return .failure(KernelError(.EINVAL)) }  // "Unknown attribute type"
                continue
            }
            if let kind = table[type], let errno = invalid(value, kind, strict: strict) { return .failure(KernelError(errno)) }
            accepted.append(NetlinkAttribute(type: type, value: value))
        }
        if strict && offset < payload.count { return .failure(KernelError(.EINVAL)) }  // bytes leftover
        return .success(NetlinkAttributes(accepted))
    }

    /// ERANGE (asm-generic/errno-base.h; the shim exports no RDMAABI_ERANGE).
    static let ERANGE = Errno(rawValue: 34)

    /// lib/nlattr.c `validate_nla` for one value: nil when valid, else its errno. Strict
    /// (NL_VALIDATE_STRICT_ATTRS) wants integers of exactly their size (EINVAL); otherwise only a
    /// short one fails the minimum length (ERANGE).
    static func invalid(_ value: [UInt8], _ kind: Kind, strict: Bool) -> Errno? {
        func integer(_ size: Int) -> Errno? {
            if strict { return value.count == size ? nil : .EINVAL }
            return value.count >= size ? nil : ERANGE
        }
        switch kind {
        case .u8: return integer(1)
        case .u32: return integer(4)
        case .u64: return integer(8)
        case .nulString(let maxLength):
            // A NUL within the first maxLength + 1 bytes (EINVAL); then at most maxLength bytes
            // before a trailing NUL (ERANGE). So a 32-byte CHARDEV_TYPE passes, 33 bytes do not.
            let window = min(value.count, maxLength + 1)
            guard window > 0, value[..<window].contains(0) else { return .EINVAL }
            let length = value.last == 0 ? value.count - 1 : value.count
            return length <= maxLength ? nil : ERANGE
        }
    }

    /// nla_get_u32 / nla_get_u8: the first bytes of a value the policy already checked.
    static func u32(_ attributes: NetlinkAttributes, _ type: UInt16) -> UInt32? {
        attributes[type].map { v in v.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
    }

    static func hostU16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt16.self) }
    }

    /// nla_strscpy into `char buf[size]`: the bytes before the first NUL, cut to size - 1.
    static func strscpy(_ value: [UInt8], size: Int) -> [UInt8] {
        Array(value.prefix { $0 != 0 }.prefix(size - 1))
    }
}
