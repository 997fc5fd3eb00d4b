import RdmaKit

/// The user-space side of the emulated host (RdmaKit UserSpacePaths): an rdma-core installation
/// as Debian's `ibverbs-providers` lays it out, reduced to the providers of the emulated
/// hardware — `/etc/libibverbs.d/{hfi1verbs,ipathverbs}.driver` ("driver NAME", rdma-core
/// providers/*/…driver files) and `lib<NAME>-rdmav<PABI>.so` in the provider directory — plus
/// the process's `/proc/self/limits` and `/proc/self/cgroup`. Doctor reads them through the same
/// verbs as sysfs; test hooks remove or rewrite them (EmulatedKernel+TestHooks.swift).
enum UserSpaceInstall {
    /// rdma-core 44.0 (Debian bookworm, the VM's) builds its providers as `-rdmav34.so`
    /// (CMakeLists.txt IBVERBS_PABI_VERSION at that release; it changes with every release).
    static let providerABI = 34
    static let providerDirectory = UserSpacePaths.providerDirectories[0]
    static let providers = ["hfi1verbs", "ipathverbs"]

    /// RLIMIT_MEMLOCK's default since Linux 5.16 (include/uapi/linux/resource.h MLOCK_LIMIT,
    /// 8 MiB); what an unconfigured login gets.
    static let defaultMemlock: UInt64 = 8 * 1024 * 1024

    /// fs/proc/base.c `proc_pid_limits`: "%-25s %-20s %-20s %-10s\n" rows, "unlimited" for
    /// RLIM_INFINITY. Only the rows doctor or a reader would look at.
    static func limitsText(memlockSoft: UInt64?, memlockHard: UInt64?) -> String {
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func value(_ v: UInt64?) -> String { v.map(String.init) ?? "unlimited" }
        func row(_ name: String, _ soft: String, _ hard: String, _ unit: String) -> String {
            pad(name, 25) + " " + pad(soft, 20) + " " + pad(hard, 20) + " " + pad(unit, 10) + "\n"
        }
        return row("Limit", "Soft Limit", "Hard Limit", "Units")
            + row("Max open files", "1024", "1048576", "files")
            + row("Max locked memory", value(memlockSoft), value(memlockHard), "bytes")
    }

    static func add(to tree: inout Tree) {
        for name in providers {
            tree.addFile(UserSpacePaths.configDirectory + "/\(name).driver", text: "driver \(name)\n", mode: 0o644)
            // Not a loadable library: its presence is the fact doctor checks (load_driver dlopens
            // exactly this name).
            tree.addFile(providerDirectory + "/lib\(name)-rdmav\(providerABI).so", text: "\u{7f}ELF", mode: 0o644)
        }
        tree.addFile(UserSpacePaths.limits, text: limitsText(memlockSoft: defaultMemlock, memlockHard: defaultMemlock))
        // A unified (v2) hierarchy only, as on a systemd host: the device controller is a BPF
        // program there and cannot be read back.
        tree.addFile(UserSpacePaths.cgroup, text: "0::/user.slice/user-1000.slice/session-1.scope\n")
    }
}
