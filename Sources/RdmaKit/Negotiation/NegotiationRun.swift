import CRdmaABI

/// The state of one negotiation: the trace so far, the transports found missing, and the lazily
/// fetched netlink device indices. Each transport is one method; every outcome is recorded.
struct NegotiationRun {
    let kernel: any Kernel
    let catalogue: FacetCatalogue
    let dryRun: Bool
    /// class/infiniband_mad/abi_version, for the sysfs transport of umad/issm.
    var madClassABI: Int?
    var attempts: [NegotiationAttempt] = []
    /// Transports this kernel does not have, with the reason (DESIGN §4: ENOTTY from the
    /// driver-ops ioctl skips it for the rest of the run, rdma-core's cmd_fallback rule).
    var unavailable: [FacetTransport: String] = [:]
    var netlinkIndices: [String: UInt32]?

    init(kernel: any Kernel, catalogue: FacetCatalogue, dryRun: Bool, madClassABI: Int? = nil) {
        self.kernel = kernel; self.catalogue = catalogue; self.dryRun = dryRun; self.madClassABI = madClassABI
    }

    /// What one candidate is tried with.
    struct Plan {
        var candidate: FacetCandidate
        var entry: FacetEntry?
        var transports: [FacetTransport]
        var legacyRule: LegacyVersionRule?
        var requested: FacetName
    }

    func plan(_ c: FacetCandidate, requested: FacetName) -> Plan {
        let entry = catalogue.entry(named: c.name)
        let version = c.major.flatMap { entry?.version(major: $0) }
        // A catalogued name at a major the catalogue lacks is tried like its newest version,
        // so the kernel can say what it has; an unknown name over the transports that carry
        // any name: the driver-ops ioctl and GET_CHARDEV.
        let newest = entry?.majors.first.flatMap { entry?.version(major: $0) }
        let transports = version?.transports ?? newest?.transports
            ?? (entry.map { $0.perDeviceTransports } ?? [.driverOpsIoctl, .netlinkChardev])
        return Plan(candidate: c, entry: entry, transports: transports,
                    legacyRule: (version ?? newest)?.legacyRule, requested: requested)
    }

    /// Tries one candidate everywhere it applies; the opened grant, or nil.
    mutating func attempt(_ c: FacetCandidate, devices: [RdmaDevice], port: Int?, requested: FacetName) -> OpenedFacet? {
        let plan = plan(c, requested: requested)
        if case .system = plan.entry?.offeredBy {
            for transport in plan.transports {
                if let opened = attempt(plan, transport, device: nil, port: nil) { return opened }
            }
            return nil
        }
        let perPort = plan.entry?.offeredBy == .everyMADPort
        for device in devices {
            for transport in plan.transports {
                if let opened = attempt(plan, transport, device: device, port: perPort ? (port ?? 1) : port) {
                    return opened
                }
            }
        }
        return nil
    }

    private mutating func attempt(_ plan: Plan, _ transport: FacetTransport, device: RdmaDevice?, port: Int?) -> OpenedFacet? {
        if let why = unavailable[transport] {
            record(plan, device, port, transport, nil, .skipped, nil, "skipped: \(why)")
            return nil
        }
        switch transport {
        case .driverOpsIoctl: return driverOps(plan, device!, port)
        case .legacyNode: return legacyNode(plan, device!, port)
        case .netlinkChardev: return netlinkChardev(plan, device, port)
        case .sysfs: return sysfsNode(plan, device, port)
        }
    }

    // MARK: recording

    mutating func record(_ plan: Plan, _ device: RdmaDevice?, _ port: Int?, _ transport: FacetTransport, _ node: String?,
                         _ outcome: AttemptOutcome, _ errno: Errno?, _ reason: String,
                         offered: (Int, Int?)? = nil) {
        attempts.append(NegotiationAttempt(candidate: plan.candidate, device: device?.name.value, port: port,
                                           transport: transport, node: node, outcome: outcome, errno: errno,
                                           offeredMajor: offered?.0, offeredMinor: offered?.1, reason: reason))
    }

    /// Whether the device offers the candidate's name by the static inventory (nil: the
    /// catalogue does not know the name, so it might).
    func offers(_ plan: Plan, _ device: RdmaDevice?, port: Int?) -> Bool? {
        guard let entry = plan.entry else { return nil }
        switch entry.offeredBy {
        case .drivers(let names): return device?.driver.map(names.contains) ?? false
        case .everyDevice, .system: return true
        case .everyMADPort:
            return device?.charDevices.contains { $0.kind == .umad && $0.port == (port ?? 1) } ?? false
        }
    }

    /// Records a failed open of `node` in words; permission counts only where the device offers
    /// (or may offer) the name, so the exit code can say "offered but not openable" (77).
    mutating func recordOpenFailure(_ plan: Plan, _ device: RdmaDevice?, _ port: Int?, _ transport: FacetTransport,
                                    _ node: String, _ error: KernelError) {
        switch error.errno {
        case .EACCES, .EPERM:
            let offered = offers(plan, device, port: port) != false
            record(plan, device, port, transport, node, offered ? .permissionDenied : .notOffered, error.errno,
                   "open(\(node)) refused: \(error.errno.message) (the caller may not open this node)")
        case .EAGAIN, .EBUSY:
            record(plan, device, port, transport, node, .temporary, error.errno,
                   "open(\(node)): \(error.errno.message)" + (plan.candidate.name.rawValue == "issm"
                        ? " (a subnet manager holds the port's issm node)" : ""))
        case .ENOENT:
            record(plan, device, port, transport, node, .failed, error.errno,
                   "\(node) does not exist although sysfs names it (not passed into this container?)")
        default:
            record(plan, device, port, transport, node, .failed, error.errno, "open(\(node)): \(error)")
        }
    }

    /// Opens `node` for a probe (O_RDWR|O_CLOEXEC|O_NONBLOCK) and checks with fstat that it is
    /// the char device sysfs or netlink named, as rdma-core's `open_cdev` does; nil after
    /// recording why not.
    mutating func openChecked(_ plan: Plan, _ device: RdmaDevice?, _ port: Int?, _ transport: FacetTransport,
                              _ node: String, expect: (UInt32, UInt32)?) -> KernelHandle? {
        let handle: KernelHandle
        do { handle = try kernel.open(node, flags: .probe) } catch {
            recordOpenFailure(plan, device, port, transport, node, error)
            return nil
        }
        do {
            let st = try kernel.stat(handle)
            guard st.type == .characterDevice else {
                kernel.close(handle)
                record(plan, device, port, transport, node, .wrongNode, nil, "\(node) is not a character device (\(st.type.rawValue))")
                return nil
            }
            if let (major, minor) = expect, st.major != major || st.minor != minor {
                kernel.close(handle)
                record(plan, device, port, transport, node, .wrongNode, nil,
                       "\(node) is \(st.major):\(st.minor), not the \(major):\(minor) the kernel named")
                return nil
            }
        } catch {
            kernel.close(handle)
            record(plan, device, port, transport, node, .failed, error.errno, "fstat(\(node)): \(error)")
            return nil
        }
        return handle
    }

    func grant(_ plan: Plan, _ device: RdmaDevice?, _ port: Int?, _ transport: FacetTransport, _ node: String?,
               major: Int, minor: Int?, handle: KernelHandle) -> OpenedFacet {
        let g = FacetGrant(candidate: plan.candidate, device: device?.name.value, port: port, facet: plan.candidate.name,
                           major: major, minor: minor, transport: transport, node: node,
                           fallback: plan.candidate.name != plan.requested,
                           handshake: plan.entry?.version(major: major)?.handshake)
        return OpenedFacet(grant: g, kernel: kernel, handle: handle)
    }

    // MARK: the refusal

    /// No grant: the most actionable refusal decides (DESIGN §4): 77 > 76 > 75 > 69.
    func refusal(_ chain: NegotiationChain, dryRun: Bool) -> NegotiationOutcome {
        if dryRun {
            return NegotiationOutcome(exitCode: .ok, code: "DRY_RUN", message: "planned; nothing was opened", hint: nil)
        }
        if let a = attempts.first(where: { $0.outcome == .permissionDenied }) {
            return NegotiationOutcome(exitCode: .permission, code: "EACCES_NODE",
                                      message: "\(a.device ?? "the system") offers \(a.candidate) but the caller may not open \(a.node ?? "its node")",
                                      hint: Self.permissionHint(a.node ?? ""), errno: a.errno)
        }
        if let a = attempts.first(where: { $0.outcome == .versionMismatch }) {
            let offered = a.offeredMajor.map { "\($0)" + (a.offeredMinor.map { ".\($0)" } ?? "") } ?? "another version"
            return NegotiationOutcome(exitCode: .abiMismatch, code: "ABI_MISMATCH",
                                      message: "\(a.device ?? "the system") offers \(a.candidate.name) \(offered), not \(a.candidate.major.map(String.init) ?? "?")\(a.candidate.minMinor > 0 ? ".\(a.candidate.minMinor)+" : "")",
                                      hint: a.offeredMajor.map { "ask for \(a.candidate.name)@\($0)" + (chain.noFallback ? ", or allow fallbacks (drop --no-fallback)" : "") },
                                      errno: a.errno)
        }
        if let a = attempts.first(where: { $0.outcome == .temporary }) {
            return NegotiationOutcome(exitCode: .temporary, code: "TEMPORARY",
                                      message: "\(a.node ?? a.candidate.description): \(a.errno?.message ?? "busy")",
                                      hint: "retry later", errno: a.errno)
        }
        let names = chain.candidates.map(\.description).joined(separator: ", ")
        return NegotiationOutcome(exitCode: .unavailable, code: "NOT_OFFERED",
                                  message: "nothing here offers \(names)",
                                  hint: Self.didYouMean(chain.request.name, catalogue: catalogue)
                                    ?? "see 'rdmactl facets' for what each device offers")
    }

    static func permissionHint(_ node: String) -> String {
        if node.hasPrefix("/dev/ipath") {
            return "qib's nodes are 0600 root:root; qib PSM ships the udev rule 60-ipath.rules (KERNEL==\"ipath*\", MODE=\"0666\"), or give the caller the node's group"
        }
        if node.contains("/umad") || node.contains("/issm") {
            return "umad and issm nodes are 0600 root:root (devtmpfs default): run as root, or add a udev rule that gives a group access"
        }
        return "check the node's mode and owner ('rdmactl show DEV'), or run as a user who may open it"
    }

    /// A catalogue name within edit distance 3 of an unknown one ("did you mean").
    static func didYouMean(_ name: FacetName, catalogue: FacetCatalogue) -> String? {
        guard catalogue.entry(named: name) == nil else { return nil }
        let close = catalogue.entries.map(\.name.rawValue)
            .map { ($0, editDistance(Array($0.utf8), Array(name.rawValue.utf8))) }
            .filter { $0.1 <= 3 }.sorted { $0.1 < $1.1 }
        return close.first.map { "did you mean \($0.0)?" }
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var row = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var previous = row[0]
            row[0] = i + 1
            for (j, y) in b.enumerated() {
                let keep = row[j + 1]
                row[j + 1] = min(row[j + 1] + 1, row[j] + 1, previous + (x == y ? 0 : 1))
                previous = keep
            }
        }
        return row[b.count]
    }
}
