/// `rdmactl doctor` (DESIGN §1, §6): which of the six causes of libibverbs' "No IB devices
/// found" holds here — no kernel support, no device, no user-space provider, ABI out of range,
/// char device missing, no permission — plus the settings that decide whether verbs work once a
/// device is found: net namespace mode, RLIMIT_MEMLOCK, the device cgroup.
///
/// Written once above the seam: live, rooted and emulated kernels are diagnosed by this code.
/// It never opens a device node and never takes a hardware context (DESIGN §4: no handshake);
/// every conclusion about a node is the lstat/access prediction discovery makes (NodeCheck).
/// Nothing throws: a check that cannot be made is itself a finding.
public struct Doctor {
    public let kernel: any Kernel
    /// The caller's environment (RDMAV_DRIVERS, IBV_DRIVERS).
    public var environment: [String: String]
    /// Whom the checks are for (memlock's CAP_IPC_LOCK bypass); node access comes from the
    /// kernel's own prediction.
    public var credentials: Credentials
    public var source: DiscoverySource

    public init(kernel: any Kernel, environment: [String: String], credentials: Credentials, source: DiscoverySource = .auto) {
        self.kernel = kernel; self.environment = environment; self.credentials = credentials; self.source = source
    }

    static let classPath = "/sys/class/infiniband"
    static let uverbsClassPath = "/sys/class/infiniband_verbs"

    /// Whether the kernel is a tree on disk: a snapshot records sysfs and /dev, not the
    /// user-space side, so an absent piece there is "not recorded", not "missing".
    var isTree: Bool {
        switch kernel.kind {
        case .systemRoot, .sysfsRoot: return true
        case .live, .emulated: return false
        }
    }

    public func run() -> DoctorReport {
        var findings: [DoctorFinding] = []
        var warnings: [Diagnostic] = []
        var used: DiscoverySource?

        let netlink = NetlinkView(kernel, isTree: isTree)
        if let support = kernelSupport(netlink) {
            findings.append(support)
        } else {
            findings += netlink.findings
            do {
                let result = try Discovery(kernel: kernel).run(source: source, detail: .negotiation)
                used = result.source
                // Node problems are doctor's blockers; the other warnings stay warnings.
                warnings = result.warnings.filter { w in !NodeProblem.Kind.allCases.contains { $0.rawValue == w.code } }
                findings += devices(result, netlink: netlink)
            } catch {
                findings.append(.blocker(error.code, exit: error.exitCode, error.message, hint: error.hint))
            }
            findings += systemSettings(netlink)
        }
        findings += process()
        return DoctorReport(findings: findings, warnings: warnings, source: used)
    }

    /// Cause (a): the RDMA core is not there — no /sys/class/infiniband (ib_core creates the
    /// class, core/device.c) — and, said with it, whether NETLINK_RDMA exists.
    func kernelSupport(_ netlink: NetlinkView) -> DoctorFinding? {
        guard case .failure(let error) = Result(catching: { () throws(KernelError) in try kernel.listDirectory(Self.classPath) }),
              error.errno == .ENOENT || error.errno == .ENOTDIR else { return nil }
        let nl = isTree ? "" : netlink.unsupported
            ? " and the kernel has no NETLINK_RDMA (socket: EPROTONOSUPPORT)"
            : netlink.devices.map { $0.isEmpty ? "; RDMA netlink answers with no device" : "" } ?? ""
        return .blocker("NO_RDMA_SUPPORT", exit: .unavailable,
                        "no RDMA support: \(Self.classPath) does not exist\(nl) — ib_core is not loaded (libibverbs: \"No IB devices found\")",
                        hint: isTree
                            ? "this tree holds no RDMA devices; capture it on a host with RDMA (rdmactl snapshot)"
                            : "load the RDMA core and a driver: modprobe ib_uverbs plus the HCA's driver (mlx5_ib, hfi1, ib_qib, …) or soft-RoCE (modprobe rdma_rxe; rdma link add rxe0 type rxe netdev eth0); in a container, the host must load them",
                        path: Self.classPath)
    }
}

/// What RDMA netlink says, asked once: the device dump (names → indices) and, per device,
/// GET_CHARDEV "uverbs" — libibverbs' own route (ibdev_nl.c), which decides its driver id, the
/// per-device ABI it checks and whether it reads the class ABI at all.
struct NetlinkView {
    let kernel: any Kernel
    /// nil when the dump failed.
    var devices: [NetlinkDevice]?
    var unsupported = false
    var findings: [DoctorFinding] = []

    init(_ kernel: any Kernel, isTree: Bool) {
        self.kernel = kernel
        do { devices = try kernel.netlinkDevices() } catch {
            unsupported = error.errno == .EPROTONOSUPPORT
            // A tree records sysfs and /dev only; libibverbs' sysfs route is the one it models.
            guard !isTree else { return }
            findings.append(DoctorFinding(
                .info, "NETLINK_UNAVAILABLE",
                unsupported
                    ? "no RDMA netlink (EPROTONOSUPPORT): libibverbs falls back to reading sysfs (init.c find_sysfs_devs); `rdma` (iproute2) cannot work"
                    : "the RDMA netlink device dump failed (\(error)): libibverbs falls back to reading sysfs",
                hint: nil))
        }
    }

    func index(of name: String) -> UInt32? { devices?.first { $0.name == name }?.index }

    /// GET_CHARDEV "uverbs" for a device; nil when netlink or the op is missing (before 5.3).
    func uverbs(of name: String) -> ChardevInfo? {
        guard let index = index(of: name) else { return nil }
        return try? kernel.netlinkChardev("uverbs", deviceIndex: index)
    }
}
