/// RLIMIT_MEMLOCK as `/proc/self/limits` shows it (fs/proc/base.c `proc_pid_limits`: the
/// "Max locked memory" row, soft and hard, "unlimited" for RLIM_INFINITY).
///
/// Verbs pin every registered buffer: core/umem.c `ib_umem_get` refuses a registration that
/// would take the process's pinned pages past `rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT` with ENOMEM
/// — unless the caller has CAP_IPC_LOCK (root does). Queue and completion rings are pinned the
/// same way, so a small limit breaks even modest programs.
public struct MemlockLimit: Sendable, Equatable {
    /// nil: unlimited.
    public var soft: UInt64?
    public var hard: UInt64?

    public init(soft: UInt64?, hard: UInt64?) { self.soft = soft; self.hard = hard }

    /// The limit from a `/proc/PID/limits` text; nil when the row is not there or does not parse.
    public static func parse(_ text: String) -> MemlockLimit? {
        for line in text.split(separator: "\n") where line.hasPrefix("Max locked memory") {
            let fields = line.dropFirst("Max locked memory".count).split(separator: " ")
            guard fields.count >= 2 else { return nil }
            func value(_ f: Substring) -> UInt64?? {
                if f == "unlimited" { return .some(nil) }
                return UInt64(f).map { .some($0) }
            }
            guard let soft = value(fields[0]), let hard = value(fields[1]) else { return nil }
            return MemlockLimit(soft: soft, hard: hard)
        }
        return nil
    }

    /// What rdmactl calls "too small" (Docs/exit-codes.md, doctor): below 64 MiB. The kernel's
    /// own default was 64 KiB before Linux 5.16 and is 8 MiB since (include/uapi/linux/resource.h
    /// MLOCK_LIMIT); both are far below what an MPI rank registers, and rdma-core's and the HCA
    /// vendors' documentation ask for "unlimited".
    public static let comfortable: UInt64 = 64 * 1024 * 1024

    public var isTooSmall: Bool { soft.map { $0 < Self.comfortable } ?? false }
}

/// "8 MiB", "64 KiB", "unlimited".
public func byteCount(_ value: UInt64?) -> String {
    guard let value else { return "unlimited" }
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
    var v = value, i = 0
    while v >= 1024 && v % 1024 == 0 && i < units.count - 1 { v /= 1024; i += 1 }
    return "\(v) \(units[i])"
}
