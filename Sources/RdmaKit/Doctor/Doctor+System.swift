/// The settings that decide what a process can do once libibverbs found a device: the RDMA net
/// namespace mode and copy-on-fork (netlink SYS_GET), RLIMIT_MEMLOCK, the device cgroup.
extension Doctor {
    func systemSettings(_ netlink: NetlinkView) -> [DoctorFinding] {
        guard netlink.devices != nil else { return [] }
        let settings: RdmaSystemSettings
        do { settings = try kernel.rdmaSystemSettings() } catch {
            return [DoctorFinding(.info, "NETNS_MODE", "RDMA netlink SYS_GET failed (\(error)): netns mode unknown (a kernel before 4.19?)")]
        }
        var findings: [DoctorFinding] = []
        switch settings.netnsMode {
        case .shared?:
            findings.append(DoctorFinding(.info, "NETNS_MODE", "RDMA netns mode shared: every network namespace sees every RDMA device (rdma system show)"))
        case .exclusive?:
            findings.append(DoctorFinding(.info, "NETNS_MODE",
                                          "RDMA netns mode exclusive: this namespace sees only the RDMA devices moved into it",
                                          hint: "a device missing here may live in another namespace: rdma dev set DEV netns NS (from the host), or rdma system set netns shared"))
        case nil:
            findings.append(DoctorFinding(.info, "NETNS_MODE", "the kernel's SYS_GET carries no netns mode"))
        }
        findings.append(DoctorFinding(.info, "COPY_ON_FORK", settings.copyOnFork
            ? "copy-on-fork: the kernel gives a forked child its own copy of pinned pages (5.12+), fork() is safe without RDMAV_FORK_SAFE"
            : "no copy-on-fork: a program that forks after registering memory needs RDMAV_FORK_SAFE=1 (ibv_fork_init)"))
        return findings
    }

    func process() -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        findings.append(memlock())
        findings.append(cgroupSummary())
        return findings
    }

    /// Verbs pin memory: core/umem.c `ib_umem_get` fails with ENOMEM past RLIMIT_MEMLOCK unless
    /// the caller has CAP_IPC_LOCK (root). A warning below 64 MiB for anyone else.
    func memlock() -> DoctorFinding {
        let path = UserSpacePaths.limits
        guard let bytes = try? kernel.readAttribute(path), let limit = MemlockLimit.parse(SysfsText(bytes: bytes).value) else {
            return DoctorFinding(.info, "MEMLOCK", isTree ? "this tree records no \(path): RLIMIT_MEMLOCK unknown" : "\(path) is unreadable: RLIMIT_MEMLOCK unknown", path: path)
        }
        let shown = "RLIMIT_MEMLOCK \(byteCount(limit.soft)) (hard \(byteCount(limit.hard)))"
        if limit.soft == nil {
            return DoctorFinding(.info, "MEMLOCK", "\(shown): verbs may pin as much memory as they register", path: path)
        }
        if credentials.uid == 0 {
            return DoctorFinding(.info, "MEMLOCK", "\(shown), but root has CAP_IPC_LOCK, which ib_umem_get lets past the limit", path: path)
        }
        if limit.isTooSmall {
            let raise = limit.hard == nil || (limit.hard ?? 0) > (limit.soft ?? 0) ? "ulimit -l unlimited (the hard limit allows more)" : "raise it in /etc/security/limits.conf (* - memlock unlimited) or the service's LimitMEMLOCK=infinity"
            return DoctorFinding(.warning, "MEMLOCK_TOO_SMALL",
                                 "\(shown): a process can pin at most that much; registering more (ibv_reg_mr, queue rings) fails with ENOMEM (core/umem.c ib_umem_get)",
                                 hint: raise + "; MPI/PSM stacks expect unlimited", path: path)
        }
        return DoctorFinding(.info, "MEMLOCK", "\(shown): registrations beyond it fail with ENOMEM", path: path)
    }

    func cgroupSummary() -> DoctorFinding {
        switch DeviceCgroup.read(kernel) {
        case .unknown:
            return DoctorFinding(.info, "DEVICE_CGROUP", isTree ? "this tree records no \(UserSpacePaths.cgroup): device cgroup unknown" : "no \(UserSpacePaths.cgroup): device cgroup unknown")
        case .v1(let path, nil):
            return DoctorFinding(.info, "DEVICE_CGROUP", "cgroup v1 devices \(path): devices.list is unreadable, device access cannot be judged",
                                 path: UserSpacePaths.devicesCgroupMount + path)
        case .v1(let path, let rules?):
            let all = rules.contains { $0.type == "a" && $0.major == nil && $0.minor == nil }
            return DoctorFinding(.info, "DEVICE_CGROUP", "cgroup v1 devices \(path): " + (all ? "every device allowed (a *:* rwm)" : "\(rules.count) allow rule(s); the uverbs nodes were checked against them"),
                                 path: UserSpacePaths.devicesCgroupMount + path)
        case .v2(let path):
            return DoctorFinding(.info, "DEVICE_CGROUP",
                                 "cgroup v2 (\(path)): device access is a BPF program the kernel does not show, so it cannot be read; a denied node fails open() with EPERM",
                                 hint: "to confirm, open the node: rdmactl open-ops uverbs")
        }
    }
}
