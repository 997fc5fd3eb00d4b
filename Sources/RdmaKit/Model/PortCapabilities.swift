import CRdmaABI

/// A port's capability mask (`ports/N/cap_mask`, core/sysfs.c `cap_mask_show` "0x%08x" of
/// `ib_port_attr.port_cap_flags`), with the bit names iproute2 prints as `caps` (rdma/link.c
/// `caps_to_str`, `link_print_caps`: one name per set bit, low bit first, "UNKNOWN" for a bit
/// it has no name for). ibstat prints only the hex ("Capability mask: 0x%08x").
public struct PortCapabilities: Sendable, Equatable {
    public var mask: UInt32
    public init(mask: UInt32) { self.mask = mask }

    /// "0x00010000", as sysfs prints it.
    public var text: String { hex(UInt64(mask), width: 8, prefix: "0x") }

    /// iproute2's names of the set bits, low bit first.
    public var names: [String] {
        var out: [String] = []
        out.reserveCapacity(mask.nonzeroBitCount)
        var rest = mask
        while rest != 0 {
            out.append(Self.nameOfBit[rest.trailingZeroBitCount])
            rest &= rest - 1
        }
        return out
    }

    /// Bit → iproute2 name. The bits are the UAPI's IB_UVERBS_PCF_* (= the kernel's IB_PORT_*);
    /// iproute2's spellings are kept as users script against them, its typos included
    /// (LINK_SPPED_WIDTH, MULT_PKER_TRAP). Bits 0, 13 and 15 have no UAPI constant.
    static let names: [UInt32: String] = [
        1 << 0: "RESERVED",
        RDMAABI_IB_UVERBS_PCF_SM: "SM",
        RDMAABI_IB_UVERBS_PCF_NOTICE_SUP: "NOTICE",
        RDMAABI_IB_UVERBS_PCF_TRAP_SUP: "TRAP",
        RDMAABI_IB_UVERBS_PCF_OPT_IPD_SUP: "OPT_IPD",
        RDMAABI_IB_UVERBS_PCF_AUTO_MIGR_SUP: "AUTO_MIGR",
        RDMAABI_IB_UVERBS_PCF_SL_MAP_SUP: "SL_MAP",
        RDMAABI_IB_UVERBS_PCF_MKEY_NVRAM: "MKEY_NVRAM",
        RDMAABI_IB_UVERBS_PCF_PKEY_NVRAM: "PKEY_NVRAM",
        RDMAABI_IB_UVERBS_PCF_LED_INFO_SUP: "LED_INFO",
        RDMAABI_IB_UVERBS_PCF_SM_DISABLED: "SM_DISABLED",
        RDMAABI_IB_UVERBS_PCF_SYS_IMAGE_GUID_SUP: "SYS_IMAGE_GUID",
        RDMAABI_IB_UVERBS_PCF_PKEY_SW_EXT_PORT_TRAP_SUP: "PKEY_SW_EXT_PORT_TRAP",
        1 << 13: "CABLE_INFO",
        RDMAABI_IB_UVERBS_PCF_EXTENDED_SPEEDS_SUP: "EXTENDED_SPEEDS",
        1 << 15: "CAP_MASK2",
        RDMAABI_IB_UVERBS_PCF_CM_SUP: "CM",
        RDMAABI_IB_UVERBS_PCF_SNMP_TUNNEL_SUP: "SNMP_TUNNEL",
        RDMAABI_IB_UVERBS_PCF_REINIT_SUP: "REINIT",
        RDMAABI_IB_UVERBS_PCF_DEVICE_MGMT_SUP: "DEVICE_MGMT",
        RDMAABI_IB_UVERBS_PCF_VENDOR_CLASS_SUP: "VENDOR_CLASS",
        RDMAABI_IB_UVERBS_PCF_DR_NOTICE_SUP: "DR_NOTICE",
        RDMAABI_IB_UVERBS_PCF_CAP_MASK_NOTICE_SUP: "CAP_MASK_NOTICE",
        RDMAABI_IB_UVERBS_PCF_BOOT_MGMT_SUP: "BOOT_MGMT",
        RDMAABI_IB_UVERBS_PCF_LINK_LATENCY_SUP: "LINK_LATENCY",
        RDMAABI_IB_UVERBS_PCF_CLIENT_REG_SUP: "CLIENT_REG",
        RDMAABI_IB_UVERBS_PCF_IP_BASED_GIDS: "OTHER_LOCAL_CHANGES",
        RDMAABI_IB_UVERBS_PCF_LINK_SPEED_WIDTH_TABLE_SUP: "LINK_SPPED_WIDTH",
        RDMAABI_IB_UVERBS_PCF_VENDOR_SPECIFIC_MADS_TABLE_SUP: "VENDOR_SPECIFIC_MADS",
        RDMAABI_IB_UVERBS_PCF_MCAST_PKEY_TRAP_SUPPRESSION_SUP: "MULT_PKER_TRAP",
        RDMAABI_IB_UVERBS_PCF_MCAST_FDB_TOP_SUP: "MULT_FDB",
        RDMAABI_IB_UVERBS_PCF_HIERARCHY_INFO_SUP: "HIERARCHY_INFO",
    ]

    /// `names` by bit number, looked up without hashing (a record names a port's bits).
    private static let nameOfBit: [String] = (0..<32).map { names[UInt32(1) << UInt32($0)] ?? "UNKNOWN" }
}
