/// One 128-bit GID as sysfs `ports/N/gids/I` prints it: core/sysfs.c `show_port_gid` uses
/// `"%pI6"`, eight uncompressed groups of four lowercase hex digits; an empty (invalid) entry
/// reads as the all-zero GID, not as an error.
public struct GIDAddress: Sendable, Equatable, Hashable {
    /// raw[0..7]: the subnet prefix (fe80:0000:0000:0000 on IB; 0 for an IPv4-mapped RoCE v2 GID).
    public var subnetPrefix: UInt64
    /// raw[8..15]: the interface ID (the port GUID for an IB GID 0).
    public var interfaceID: UInt64

    public init(subnetPrefix: UInt64, interfaceID: UInt64) {
        self.subnetPrefix = subnetPrefix; self.interfaceID = interfaceID
    }

    /// Eight ':'-separated groups of 1–4 hex digits (libibverbs cmd_device.c `query_sysfs_gid`
    /// reads each group with `%hx`).
    public init?(sysfs text: String) {
        guard let words = colonHexWords(text, count: 8) else { return nil }
        subnetPrefix = words[0..<4].reduce(0) { $0 << 16 | UInt64($1) }
        interfaceID = words[4..<8].reduce(0) { $0 << 16 | UInt64($1) }
    }

    var words: [UInt16] { Array(wordSequence) }

    private var wordSequence: LazyMapSequence<Range<Int>, UInt16> {
        (0..<8).lazy.map { [subnetPrefix, interfaceID] i in
            UInt16(truncatingIfNeeded: (i < 4 ? subnetPrefix : interfaceID) >> UInt64(48 - 16 * (i % 4)))
        }
    }

    /// The sysfs form, `%pI6`.
    public var sysfs: String { colonHexString(wordSequence) }

    /// ibv_devinfo skips a GID when this is true: rdma-core libibverbs/examples/devinfo.c
    /// `null_gid` looks at raw[8..15] only (unchanged since 2005), so an IB entry the SM left
    /// as the bare prefix fe80:: counts as empty as well as the all-zero one.
    public var isNullForDevinfo: Bool { interfaceID == 0 }

    /// `inet_ntop(AF_INET6)` as glibc writes it (resolv/inet_ntop.c `inet_ntop6`): the longest
    /// run of two or more zero words becomes "::" (the first of equal runs), an IPv4-mapped or
    /// IPv4-compatible address ends in dotted decimal. ibv_devinfo prints RoCE v2 GIDs this way.
    public var presentation: String {
        let w = words
        var best: (base: Int, length: Int)? = nil
        var current: (base: Int, length: Int)? = nil
        for i in 0..<8 {
            if w[i] == 0 {
                current = current.map { ($0.base, $0.length + 1) } ?? (i, 1)
            } else if let c = current {
                if best == nil || c.length > best!.length { best = c }
                current = nil
            }
        }
        if let c = current, best == nil || c.length > best!.length { best = c }
        if let b = best, b.length < 2 { best = nil }
        var out = ""
        for i in 0..<8 {
            if let b = best, i >= b.base, i < b.base + b.length {
                if i == b.base { out += ":" }
                continue
            }
            if i != 0 { out += ":" }
            if i == 6, let b = best, b.base == 0, b.length == 6 || (b.length == 5 && w[5] == 0xffff) {
                out += [w[6] >> 8, w[6] & 0xff, w[7] >> 8, w[7] & 0xff].map(String.init).joined(separator: ".")
                return out
            }
            out += String(w[i], radix: 16)
        }
        if let b = best, b.base + b.length == 8 { out += ":" }
        return out
    }
}

/// A GID's type, as rdma-core classifies it (libibverbs/cmd_device.c `query_sysfs_gid_type` and
/// `query_sysfs_gid_entry`). The kernel's `gid_attrs/types/I` says "IB/RoCE v1" or "RoCE v2"
/// (core/cache.c `gid_type_str`: IB_GID_TYPE_IB and IB_GID_TYPE_ROCE both print "IB/RoCE v1"
/// "for user space compatibility reasons"); rdma-core then calls "IB/RoCE v1" IBV_GID_TYPE_IB
/// on an InfiniBand (or unspecified) link layer and IBV_GID_TYPE_ROCE_V1 on Ethernet.
public enum GIDType: Sendable, Equatable {
    case ib, roceV1, roceV2
    /// A string rdma-core does not know (it fails with ENOTSUP): kept as the kernel wrote it.
    case other(String)

    /// The kernel's sysfs strings (rdma-core: "GID types as appear in sysfs, no change is
    /// expected as of ABI compatibility").
    static let v1Sysfs = "IB/RoCE v1"
    static let v2Sysfs = "RoCE v2"

    /// `types/I` read with `text`; nil text is rdma-core's fallback: EINVAL ("In IB, this file
    /// doesn't exist and the kernel sets errno to -EINVAL") or no gid_attrs directory at all
    /// (an old kernel) both mean "IB/RoCE v1".
    public init(sysfs text: String?, ethernet: Bool) {
        switch text ?? Self.v1Sysfs {
        case Self.v1Sysfs: self = ethernet ? .roceV1 : .ib
        case Self.v2Sysfs: self = .roceV2
        case let other: self = .other(other)
        }
    }

    /// ibv_devinfo's words for RoCE (`gid_type_str`: "RoCE v1", "RoCE v2"); "IB" for
    /// IBV_GID_TYPE_IB, which ibv_devinfo does not print (it adds a type only on Ethernet).
    public var name: String {
        switch self {
        case .ib: return "IB"
        case .roceV1: return "RoCE v1"
        case .roceV2: return "RoCE v2"
        case .other(let s): return s
        }
    }
}

/// One non-empty GID table entry: `gids/I` with its `gid_attrs/types/I` and `gid_attrs/ndevs/I`.
public struct GIDEntry: Sendable, Equatable {
    public var index: Int
    public var gid: GIDAddress
    public var type: GIDType
    /// The netdev a RoCE GID belongs to; nil on IB (the kernel answers EINVAL: no ndev).
    public var netdev: SysfsText?
    public init(index: Int, gid: GIDAddress, type: GIDType, netdev: SysfsText?) {
        self.index = index; self.gid = gid; self.type = type; self.netdev = netdev
    }

    /// The address as ibv_devinfo prints it (`print_formated_gid`): "IB/RoCE v1" GIDs as eight
    /// hex groups (the sysfs form), RoCE v2 GIDs through inet_ntop.
    public var devinfoAddress: String { type == .roceV2 ? gid.presentation : gid.sysfs }
}

/// One non-zero P_Key table entry (`pkeys/I`, core/sysfs.c `show_port_pkey` "0x%04x"). A zero
/// entry is an unused slot of the driver's table.
public struct PKeyEntry: Sendable, Equatable {
    public var index: Int
    public var pkey: UInt16
    public init(index: Int, pkey: UInt16) { self.index = index; self.pkey = pkey }

    /// "0xffff", as sysfs prints it.
    public var text: String { hex(UInt64(pkey), width: 4, prefix: "0x") }
}
