import CRdmaABI
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

    /// RDMA_NLDEV_ATTR_MAX - 1 of the 6.1 header: its last attribute, STAT_HWCOUNTER_DYNAMIC (95).
    static let maxType: UInt16 = RDMAABI_NLDEV_ATTR_STAT_HWCOUNTER_DYNAMIC

    /// core/nldev.c `nldev_policy`, for the attributes listed.
    static let table: [UInt16: Kind] = [
        RDMAABI_NLDEV_ATTR_DEV_INDEX: .u32,
        // IB_DEVICE_NAME_MAX - 1, as 6.1's nldev_policy bounds it.
        RDMAABI_NLDEV_ATTR_DEV_NAME: .nulString(maxLength: Int(RDMAABI_IB_DEVICE_NAME_MAX) - 1),
        RDMAABI_NLDEV_ATTR_PORT_INDEX: .u32,
        RDMAABI_NLDEV_ATTR_CAP_FLAGS: .u64,
        RDMAABI_NLDEV_ATTR_NODE_GUID: .u64,
        RDMAABI_NLDEV_ATTR_SYS_IMAGE_GUID: .u64,
        RDMAABI_NLDEV_ATTR_SUBNET_PREFIX: .u64,
        RDMAABI_NLDEV_ATTR_LID: .u32,
        RDMAABI_NLDEV_ATTR_SM_LID: .u32,
        RDMAABI_NLDEV_ATTR_LMC: .u8,
        RDMAABI_NLDEV_ATTR_PORT_STATE: .u8,
        RDMAABI_NLDEV_ATTR_PORT_PHYS_STATE: .u8,
        RDMAABI_NLDEV_ATTR_DEV_NODE_TYPE: .u8,
        RDMAABI_NLDEV_SYS_ATTR_NETNS_MODE: .u8,
        RDMAABI_NLDEV_NET_NS_FD: .u32,
        RDMAABI_NLDEV_ATTR_CHARDEV_TYPE: .nulString(maxLength: Int(RDMAABI_NLDEV_ATTR_CHARDEV_TYPE_SIZE)),
        RDMAABI_NLDEV_ATTR_CHARDEV_ABI: .u64,
        RDMAABI_NLDEV_ATTR_CHARDEV: .u64,
        RDMAABI_NLDEV_ATTR_UVERBS_DRIVER_ID: .u32,
        RDMAABI_NLDEV_ATTR_DEV_DIM: .u8,
        RDMAABI_NLDEV_SYS_ATTR_COPY_ON_FORK: .u8,
    ]

    /// The attributes by type (the last of duplicates wins), or the errno parsing fails with.
    static func parse(_ payload: [UInt8], strict: Bool) -> Result<NetlinkAttributes, KernelError> {
        var accepted: [NetlinkAttribute] = []
        var offset = 0
        // nla_for_each_attr: stops at the first header that does not fit.
        while payload.count - offset >= Netlink.attributeHeaderLength {
            let header = Netlink.attributeHeader(payload, at: offset)
            let length = Int(header.nla_len)
            guard length >= Netlink.attributeHeaderLength, length <= payload.count - offset else { break }
            let type = header.nla_type & RDMAABI_NLA_TYPE_MASK
            let value = Array(payload[(offset + Netlink.attributeHeaderLength)..<(offset + length)])
            offset += min(Netlink.attributeAlign(length), payload.count - offset)
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

    /// lib/nlattr.c `validate_nla` for one value: nil when valid, else its errno. Strict
    /// (NL_VALIDATE_STRICT_ATTRS) wants integers of exactly their size (EINVAL); otherwise only a
    /// short one fails the minimum length (ERANGE).
    static func invalid(_ value: [UInt8], _ kind: Kind, strict: Bool) -> Errno? {
        func integer(_ size: Int) -> Errno? {
            if strict { return value.count == size ? nil : .EINVAL }
            return value.count >= size ? nil : .ERANGE
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
            return length <= maxLength ? nil : .ERANGE
        }
    }

    /// nla_get_u32 / nla_get_u8: the first bytes of a value the policy already checked.
    static func u32(_ attributes: NetlinkAttributes, _ type: UInt16) -> UInt32? {
        attributes[type].map { v in v.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
    }

    /// nla_strscpy into `char buf[size]`: the bytes before the first NUL, cut to size - 1.
    static func strscpy(_ value: [UInt8], size: Int) -> [UInt8] {
        Array(value.prefix { $0 != 0 }.prefix(size - 1))
    }
}
