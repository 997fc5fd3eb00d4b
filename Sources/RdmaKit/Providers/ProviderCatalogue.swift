import CRdmaABI

/// One entry of a provider's match table (rdma-core libibverbs/driver.h `struct verbs_match_ent`).
public enum ProviderMatchEntry: Sendable, Equatable {
    /// VERBS_DRIVER_ID: the netlink UVERBS_DRIVER_ID (enum rdma_driver_id).
    case driverID(UInt32)
    /// VERBS_PCI_MATCH: matched as the fnmatch pattern "pci:v%08Xd%08Xsv*" against the parent's
    /// `device/modalias` (init.c `match_modalias`; uppercase hex, as pci-sysfs prints it).
    case pci(vendor: UInt16, device: UInt16)
    /// VERBS_MODALIAS_MATCH, and VERBS_NAME_MATCH(prefix) = "rdma_device:*N<prefix>*": an
    /// fnmatch pattern tried against "rdma_device:N<ibdev>" and against `device/modalias`.
    case modalias(String)

    /// VERBS_NAME_MATCH (driver.h): the pattern it expands to.
    public static func name(prefix: String) -> ProviderMatchEntry { .modalias("rdma_device:*N\(prefix)*") }
}

/// What rdma-core's provider `NAME` declares in its `struct verbs_device_ops`: the match table
/// and the per-device uverbs ABI window `[match_min_abi_version, match_max_abi_version]` that
/// libibverbs (init.c `match_device`) holds a device's `abi_version` to.
///
/// `name` is both the ops' `.name` and what the provider's `.driver` file says ("driver NAME");
/// libibverbs loads `lib<NAME>-rdmav<PABI>.so` for it (dynamic_driver.c `load_driver`).
public struct VerbsProvider: Sendable, Equatable {
    public var name: String
    /// The kernel module(s) whose devices it serves (for hints only; matching never uses it).
    public var kernelDrivers: [String]
    public var matchTable: [ProviderMatchEntry]
    public var minABI: Int64
    public var maxABI: Int64
    /// The rdma-core file the entry was taken from.
    public var source: String

    public func acceptsABI(_ abi: Int64) -> Bool { abi >= minABI && abi <= maxABI }

    /// "[1, 2]", INT_MAX spelt out as rdma-core's headers do.
    public var abiRange: String {
        "[\(minABI), \(maxABI == Int64(Int32.max) ? "INT_MAX" : String(maxABI))]"
    }
}

/// The providers doctor can judge, with match tables and ABI windows read from rdma-core
/// (linux-rdma/rdma-core 691953d8d502, the snapshot ABI-FACTS §0 names). Data, not code: a
/// device no entry matches is "unknown to rdmactl" when other providers are installed, never
/// silently healthy.
public enum ProviderCatalogue {
    static let intMax = Int64(Int32.max)

    public static let standard: [VerbsProvider] = [
        // providers/hfi1verbs/hfiverbs.c: hca_table = DRIVER_ID(HFI1), PCI 8086:24f0, 8086:24f1;
        // hfi1_dev_ops .match_min_abi_version 0, .match_max_abi_version INT_MAX.
        VerbsProvider(name: "hfi1verbs", kernelDrivers: ["hfi1"],
                      matchTable: [.driverID(RDMAABI_DRIVER_HFI1), .pci(vendor: 0x8086, device: 0x24f0),
                                   .pci(vendor: 0x8086, device: 0x24f1)],
                      minABI: 0, maxABI: intMax, source: "rdma-core providers/hfi1verbs/hfiverbs.c"),
        // providers/ipathverbs/ipathverbs.c: hca_table = DRIVER_ID(QIB), PCI 1fc1:000d (HT),
        // 1fc1:0010 (PE800), 1077:6220, 1077:7220, 1077:7322; ABI 0..INT_MAX.
        VerbsProvider(name: "ipathverbs", kernelDrivers: ["ib_qib"],
                      matchTable: [.driverID(RDMAABI_DRIVER_QIB), .pci(vendor: 0x1fc1, device: 0x000d),
                                   .pci(vendor: 0x1fc1, device: 0x0010), .pci(vendor: 0x1077, device: 0x6220),
                                   .pci(vendor: 0x1077, device: 0x7220), .pci(vendor: 0x1077, device: 0x7322)],
                      minABI: 0, maxABI: intMax, source: "rdma-core providers/ipathverbs/ipathverbs.c"),
        // providers/rxe/rxe.c: hca_table = DRIVER_ID(RXE), VERBS_NAME_MATCH("rxe"); rxe_dev_ops
        // .match_min_abi_version = sizeof(void *) == 8 ? 1 : 2, .match_max_abi_version = 2.
        VerbsProvider(name: "rxe", kernelDrivers: ["rdma_rxe"],
                      matchTable: [.driverID(RDMAABI_DRIVER_RXE), .name(prefix: "rxe")],
                      minABI: MemoryLayout<UInt>.size == 8 ? 1 : 2, maxABI: 2, source: "rdma-core providers/rxe/rxe.c"),
        // providers/siw/siw.c: rnic_table = DRIVER_ID(SIW); ABI SIW_ABI_VERSION (1) only
        // (kernel-headers/rdma/siw-abi.h).
        VerbsProvider(name: "siw", kernelDrivers: ["siw"],
                      matchTable: [.driverID(RDMAABI_DRIVER_SIW)],
                      minABI: 1, maxABI: 1, source: "rdma-core providers/siw/siw.c"),
        // providers/mlx5/mlx5.c: mlx5_hca_table = DRIVER_ID(MLX5) + Mellanox (0x15b3) PCI ids;
        // ABI MLX5_UVERBS_MIN/MAX_ABI_VERSION 1..1 (providers/mlx5/mlx5-abi.h).
        VerbsProvider(name: "mlx5", kernelDrivers: ["mlx5_core"],
                      matchTable: [.driverID(RDMAABI_DRIVER_MLX5)] + [
                          0x1011, 0x1012, 0x1013, 0x1014, 0x1015, 0x1016, 0x1017, 0x1018, 0x1019, 0x101a,
                          0x101b, 0x101c, 0x101d, 0x101e, 0x101f, 0x1021, 0x1023, 0x1025, 0x1027, 0x2101,
                          0xa2d2, 0xa2d3, 0xa2d6, 0xa2dc, 0xa2df,
                      ].map { .pci(vendor: 0x15b3, device: $0) },
                      minABI: 1, maxABI: 1, source: "rdma-core providers/mlx5/mlx5.c"),
        // providers/mlx4/mlx4.c: hca_table = DRIVER_ID(MLX4) + Mellanox PCI ids + the Azure
        // vmbus modalias; ABI MLX4_UVERBS_MIN/MAX_ABI_VERSION 2..4 (providers/mlx4/mlx4-abi.h).
        VerbsProvider(name: "mlx4", kernelDrivers: ["mlx4_core"],
                      matchTable: [.driverID(RDMAABI_DRIVER_MLX4)] + [
                          0x6340, 0x634a, 0x6354, 0x6732, 0x673c, 0x6368, 0x6750, 0x6372, 0x675a, 0x6764,
                          0x6746, 0x676e, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006, 0x1007, 0x1008, 0x1009,
                          0x100a, 0x100b, 0x100c, 0x100d, 0x100e, 0x100f, 0x1010,
                      ].map { .pci(vendor: 0x15b3, device: $0) } + [.modalias("vmbus:3daf2e8ca732094bab99bd1f1c86b501")],
                      minABI: 2, maxABI: 4, source: "rdma-core providers/mlx4/mlx4.c"),
        // providers/efa/efa.c: efa_table = DRIVER_ID(EFA) + Amazon (0x1d0f) efa0..efa4; ABI
        // EFA_ABI_VERSION 1 only (providers/efa/efa-abi.h).
        VerbsProvider(name: "efa", kernelDrivers: ["efa"],
                      matchTable: [.driverID(RDMAABI_DRIVER_EFA)]
                          + [0xefa0, 0xefa1, 0xefa2, 0xefa3, 0xefa4].map { .pci(vendor: 0x1d0f, device: $0) },
                      minABI: 1, maxABI: 1, source: "rdma-core providers/efa/efa.c"),
        // providers/bnxt_re/main.c: cna_table = DRIVER_ID(BNXT_RE) + Broadcom (0x14e4) ids; ABI
        // BNXT_RE_ABI_VERSION 1 only (kernel-headers/rdma/bnxt_re-abi.h).
        VerbsProvider(name: "bnxt_re", kernelDrivers: ["bnxt_en"],
                      matchTable: [.driverID(RDMAABI_DRIVER_BNXT_RE)] + [
                          0x1605, 0x1606, 0x1614, 0x16c0, 0x16c1, 0x16ce, 0x16cf, 0x16d6, 0x16d7, 0x16d8,
                          0x16d9, 0x16df, 0x16e2, 0x16e3, 0x16e5, 0x16ed, 0x16eb, 0x16ef, 0x16f0, 0x16f1,
                          0x1750, 0x1751, 0x1752, 0x1803, 0x1804, 0x1805, 0x1807, 0x1809, 0xd800, 0xd802,
                          0xd804,
                      ].map { .pci(vendor: 0x14e4, device: $0) },
                      minABI: 1, maxABI: 1, source: "rdma-core providers/bnxt_re/main.c"),
    ]

    public static func provider(named name: String) -> VerbsProvider? { standard.first { $0.name == name } }
}

/// libibverbs' accepted range for the class-wide uverbs ABI (`class/infiniband_verbs/abi_version`):
/// IB_USER_VERBS_MIN_ABI_VERSION 3 (rdma-core libibverbs/kern-abi.h) to the UAPI's
/// IB_USER_VERBS_ABI_VERSION 6 (init.c `check_abi_version`, ABI-FACTS §6.1 step 3).
public enum VerbsClassABI {
    public static let minimum = 3
    public static let maximum = Int(RDMAABI_IB_USER_VERBS_ABI_VERSION)
    public static func accepts(_ abi: Int) -> Bool { abi >= minimum && abi <= maximum }
}
