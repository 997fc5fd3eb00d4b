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
    /// Modelled: GET (doit and dumpit), GET_CHARDEV, SYS_GET. The rest exist so that their
    /// numbers, dump support and permission answer as the kernel's do, and then refuse with
    /// EOPNOTSUPP (the emulator's answer for "not modelled").
    static let linux61: [UInt16: NldevOp] = [
        1: NldevOp(doit: true, dumpit: true),               // GET: nldev_get_doit / nldev_get_dumpit
        2: NldevOp(doit: true, admin: true),                // SET
        3: NldevOp(doit: true, admin: true),                // NEWLINK
        4: NldevOp(doit: true, admin: true),                // DELLINK
        5: NldevOp(doit: true, dumpit: true),               // PORT_GET
        6: NldevOp(doit: true),                             // SYS_GET: nldev_sys_get_doit
        7: NldevOp(doit: true, admin: true),                // SYS_SET
        // 8: unused
        9: NldevOp(doit: true, dumpit: true),               // RES_GET
        10: NldevOp(doit: true, dumpit: true),              // RES_QP_GET
        11: NldevOp(doit: true, dumpit: true),              // RES_CM_ID_GET
        12: NldevOp(doit: true, dumpit: true),              // RES_CQ_GET
        13: NldevOp(doit: true, dumpit: true),              // RES_MR_GET
        14: NldevOp(doit: true, dumpit: true),              // RES_PD_GET
        15: NldevOp(doit: true),                            // GET_CHARDEV: nldev_get_chardev
        16: NldevOp(doit: true, admin: true),               // STAT_SET
        17: NldevOp(doit: true, dumpit: true),              // STAT_GET
        18: NldevOp(doit: true, admin: true),               // STAT_DEL
        19: NldevOp(doit: true, dumpit: true, admin: true), // RES_QP_GET_RAW
        20: NldevOp(doit: true, dumpit: true, admin: true), // RES_CQ_GET_RAW
        21: NldevOp(doit: true, dumpit: true, admin: true), // RES_MR_GET_RAW
        22: NldevOp(doit: true, dumpit: true),              // RES_CTX_GET
        23: NldevOp(doit: true, dumpit: true),              // RES_SRQ_GET
        24: NldevOp(doit: true, dumpit: true),              // STAT_GET_STATUS
    ]

    /// The op, if the profile's kernel has it (core/netlink.c `is_nl_valid`: op below
    /// RDMA_NLDEV_NUM_OPS and a doit or dumpit present).
    static func op(_ number: UInt16, profile: Profile) -> NldevOp? {
        guard number < profile.nldevOpCount else { return nil }
        return linux61[number]
    }
}

extension Profile {
    /// RDMA_NLDEV_NUM_OPS of the profile's kernel: 25 as in 6.1; `legacy` plays a kernel before
    /// 5.3, whose last op was RES_PD_GET (14), so GET_CHARDEV (15) is unknown (DESIGN §5).
    var nldevOpCount: UInt16 {
        switch self {
        case .proposed, .mainline: return 25
        case .legacy: return 15
        }
    }

    /// SYS_GET's COPY_ON_FORK arrived in 5.12 and PRIVILEGED_QKEY_MODE later (the VM's 6.1
    /// stable kernel sends both); a pre-5.3 kernel sends NETNS_MODE alone.
    var nldevSysAttributesSince512: Bool { self != .legacy }
}
