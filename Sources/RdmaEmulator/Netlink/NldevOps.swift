import CRdmaABI
import RdmaKit

/// The nldev command table of the emulated kernel: core/nldev.c `nldev_cb_table` as Linux 6.1
/// has it (the VM's kernel), i.e. which ops exist, which have a doit or a dumpit, and which
/// need CAP_NET_ADMIN (RDMA_NL_ADMIN_PERM). An op number at or past `count` is unknown to
/// core/netlink.c `is_nl_msg_valid` (EINVAL) — that is how a pre-5.3 kernel refuses
/// GET_CHARDEV (op 15) under `legacy`.
struct NldevOp: Sendable {
    var doit = false
    var dumpit = false
    var admin = false
}

enum NldevOps {
    /// Modelled: GET (doit and dumpit), PORT_GET (doit), GET_CHARDEV, SYS_GET. The rest exist so that their
    /// numbers, dump support and permission answer as the kernel's do, and then refuse with
    /// EOPNOTSUPP (the emulator's answer for "not modelled").
    static let linux61: [UInt16: NldevOp] = [
        RDMAABI_NLDEV_CMD_GET: NldevOp(doit: true, dumpit: true),     // nldev_get_doit / nldev_get_dumpit
        RDMAABI_NLDEV_CMD_SET: NldevOp(doit: true, admin: true),
        RDMAABI_NLDEV_CMD_NEWLINK: NldevOp(doit: true, admin: true),
        RDMAABI_NLDEV_CMD_DELLINK: NldevOp(doit: true, admin: true),
        RDMAABI_NLDEV_CMD_PORT_GET: NldevOp(doit: true, dumpit: true),  // nldev_port_get_doit
        RDMAABI_NLDEV_CMD_SYS_GET: NldevOp(doit: true),               // nldev_sys_get_doit
        RDMAABI_NLDEV_CMD_SYS_SET: NldevOp(doit: true, admin: true),
        // 8: unused
        RDMAABI_NLDEV_CMD_RES_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_RES_QP_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_RES_CM_ID_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_RES_CQ_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_RES_MR_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_RES_PD_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_GET_CHARDEV: NldevOp(doit: true),           // nldev_get_chardev
        RDMAABI_NLDEV_CMD_STAT_SET: NldevOp(doit: true, admin: true),
        RDMAABI_NLDEV_CMD_STAT_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_STAT_DEL: NldevOp(doit: true, admin: true),
        RDMAABI_NLDEV_CMD_RES_QP_GET_RAW: NldevOp(doit: true, dumpit: true, admin: true),
        RDMAABI_NLDEV_CMD_RES_CQ_GET_RAW: NldevOp(doit: true, dumpit: true, admin: true),
        RDMAABI_NLDEV_CMD_RES_MR_GET_RAW: NldevOp(doit: true, dumpit: true, admin: true),
        RDMAABI_NLDEV_CMD_RES_CTX_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_RES_SRQ_GET: NldevOp(doit: true, dumpit: true),
        RDMAABI_NLDEV_CMD_STAT_GET_STATUS: NldevOp(doit: true, dumpit: true),
    ]

    /// The op, if the profile's kernel has it (core/netlink.c `is_nl_valid`: op below
    /// RDMA_NLDEV_NUM_OPS and a doit or dumpit present).
    static func op(_ number: UInt16, profile: Profile) -> NldevOp? {
        guard number < profile.nldevOpCount else { return nil }
        return linux61[number]
    }
}

extension Profile {
    /// RDMA_NLDEV_NUM_OPS of the profile's kernel: the header's (25 in 6.1; ops past the 6.1
    /// table are unknown either way); `legacy` plays a kernel before 5.3, whose last op was
    /// RES_PD_GET (14), so GET_CHARDEV (15) is unknown (DESIGN §5).
    var nldevOpCount: UInt16 {
        switch self {
        case .proposed, .mainline: return RDMAABI_NLDEV_NUM_OPS
        case .legacy: return RDMAABI_NLDEV_CMD_RES_PD_GET + 1
        }
    }

    /// SYS_GET's COPY_ON_FORK arrived in 5.12 and PRIVILEGED_QKEY_MODE later (the VM's 6.1
    /// stable kernel sends both); a pre-5.3 kernel sends NETNS_MODE alone.
    var nldevSysAttributesSince512: Bool { self != .legacy }
}
