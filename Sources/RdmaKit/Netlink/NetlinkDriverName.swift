import CRdmaABI

extension RdmaNetlink {
    /// The kernel module behind a UVERBS_DRIVER_ID (enum rdma_driver_id), for a device whose
    /// `device/driver` link is missing (DESIGN §3: the link, else the netlink driver id, else the
    /// PCI id). Only the drivers rdmactl knows; nil for the rest.
    public static func driverName(forID id: UInt32) -> String? {
        switch id {
        case RDMAABI_DRIVER_RXE: return "rdma_rxe"   // 14, sw/rxe
        case RDMAABI_DRIVER_HFI1: return "hfi1"      // 15
        case RDMAABI_DRIVER_QIB: return "ib_qib"     // 16
        default: return nil
        }
    }
}
