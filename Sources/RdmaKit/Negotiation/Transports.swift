import CRdmaABI

// The four transports of DESIGN §4's table, each one method of the run.
extension NegotiationRun {
    /// RDMA_GET_DRIVER_OPS_FD on the device's uverbs node (Docs/ABI.md §3, §4): ENOTTY = this
    /// kernel has no such ioctl (skip it from now on); EOPNOTSUPP = not offered; ENODEV = offered
    /// at `offered_*`, not at the major asked. The uverbs node's mode is the only gate.
    mutating func driverOps(_ plan: Plan, _ device: RdmaDevice, _ port: Int?) -> OpenedFacet? {
        let t = FacetTransport.driverOpsIoctl
        guard let node = device.uverbs?.path else {
            record(plan, device, port, t, nil, .notApplicable, nil, "\(device.name.value) has no uverbs node")
            return nil
        }
        var major = plan.candidate.major ?? 0
        if dryRun {
            record(plan, device, port, t, node, .planned, nil,
                   "would ask RDMA_GET_DRIVER_OPS_FD for \(plan.candidate.name) major \(major), minor ≥ \(plan.candidate.minMinor) on \(node)")
            return nil
        }
        guard let uverbs = openChecked(plan, device, port, t, node, expect: device.uverbs.flatMap(Self.devNumber)) else { return nil }
        defer { kernel.close(uverbs) }
        let memory: UserMemory
        do { memory = try kernel.allocateUserMemory(count: DriverOpsABI.requestSize) } catch {
            record(plan, device, port, t, node, .failed, error.errno, "no user memory for the request: \(error)")
            return nil
        }
        // An uncatalogued bare name (no major known here) is asked at major 0; a driver that
        // offers it answers ENODEV with its version, and the request is repeated once at that
        // major: for a name the catalogue does not know, "the newest" is what the driver has.
        var mayRetry = plan.candidate.major == nil && plan.entry == nil
        while true {
            memory.store(Self.driverOpsRequestBytes(plan.candidate, major: major), at: 0)
            do {
                let handle = try kernel.driverOpsRequest(uverbs, argument: memory.address)
                let (offMajor, offMinor) = Self.offered(memory.load())
                record(plan, device, port, t, node, .granted, nil,
                       "\(device.name.value) granted \(plan.candidate.name) \(offMajor).\(offMinor) through \(node)",
                       offered: (offMajor, offMinor))
                return grant(plan, device, port, t, node, major: offMajor, minor: offMinor, handle: handle)
            } catch {
                switch error.errno {
                case .ENOTTY:
                    unavailable[t] = "this kernel has no RDMA_GET_DRIVER_OPS_FD (ENOTTY on \(node))"
                    record(plan, device, port, t, node, .transportUnavailable, error.errno,
                           "ENOTTY: this kernel has no driver-ops ioctl; not tried again in this run")
                case .EOPNOTSUPP:
                    record(plan, device, port, t, node, .notOffered, error.errno,
                           "\(device.name.value)'s driver does not offer \(plan.candidate.name)")
                case .ENODEV:
                    let (offMajor, offMinor) = Self.offered(memory.load())
                    if mayRetry, offMajor != major, offMinor >= plan.candidate.minMinor {
                        mayRetry = false
                        record(plan, device, port, t, node, .versionMismatch, error.errno,
                               "\(device.name.value) offers \(plan.candidate.name) \(offMajor).\(offMinor); not catalogued, so asked again at major \(offMajor)",
                               offered: (offMajor, offMinor))
                        major = offMajor
                        continue
                    }
                    record(plan, device, port, t, node, .versionMismatch, error.errno,
                           "\(device.name.value) offers \(plan.candidate.name) \(offMajor).\(offMinor), not \(plan.candidate.description)",
                           offered: (offMajor, offMinor))
                case .EIO:
                    record(plan, device, port, t, node, .failed, error.errno, "\(device.name.value) is gone (disassociated)")
                default:
                    record(plan, device, port, t, node, .failed, error.errno, "RDMA_GET_DRIVER_OPS_FD: \(error)")
                }
                return nil
            }
        }
    }

    /// The driver's own node, as discovery found it for this device (never derived from the
    /// device's name): hfi1 asks GET_VERS, and any failure means the write era (major 5), as
    /// libpsm2 decides; qib tells nothing before a handshake, so its minor stays unknown.
    mutating func legacyNode(_ plan: Plan, _ device: RdmaDevice, _ port: Int?) -> OpenedFacet? {
        let t = FacetTransport.legacyNode
        let kinds = plan.entry?.nodeKinds ?? []
        let nodes = device.charDevices.filter { kinds.contains($0.kind) }
        guard !nodes.isEmpty else {
            let what = kinds.map(\.legacyNodeDescription).joined(separator: " or ")
            record(plan, device, port, t, nil, .notApplicable, nil, "\(device.name.value) has no \(what.isEmpty ? "legacy node" : what)")
            return nil
        }
        for cdev in nodes {
            guard let node = cdev.path else {
                record(plan, device, port, t, nil, .notApplicable, nil, "\(cdev.name) has no DEVNAME in its uevent")
                continue
            }
            if dryRun {
                record(plan, device, port, t, node, .planned, nil, "would open \(node) and ask its version (\(plan.legacyRule?.rawValue ?? "-"))")
                continue
            }
            guard let handle = openChecked(plan, device, port, t, node, expect: Self.devNumber(cdev)) else { continue }
            let (major, minor, how, probeErrno) = legacyVersion(handle, rule: plan.legacyRule)
            let wanted = plan.candidate
            if major == wanted.major, (minor ?? 0) >= wanted.minMinor || (minor == nil && wanted.minMinor == 0) {
                record(plan, device, port, t, node, .granted, probeErrno, "\(how); granted", offered: (major, minor))
                return grant(plan, device, port, t, node, major: major, minor: minor, handle: handle)
            }
            kernel.close(handle)
            record(plan, device, port, t, node, .versionMismatch, probeErrno,
                   "\(how): \(major)\(minor.map { ".\($0)" } ?? "") is not \(wanted.description)", offered: (major, minor))
        }
        return nil
    }

    /// The version a legacy node speaks, how that was learned in words, and the errno of a
    /// version probe that failed (hfi1 GET_VERS on a write-era node: ENOTTY).
    private func legacyVersion(_ handle: KernelHandle, rule: LegacyVersionRule?) -> (Int, Int?, String, Errno?) {
        switch rule {
        case .hfi1GetVers:
            let ioctlMajor = Int(RDMAABI_HFI1_USER_SWMAJOR)
            do {
                let memory = try kernel.allocateUserMemory(count: 8)
                _ = try kernel.ioctl(handle, request: UInt(RDMAABI_HFI1_IOCTL_GET_VERS), argument: memory.address)
                let v = Self.u32(memory.load(), 0)
                return (Int(v >> 16), Int(v & 0xffff), "GET_VERS → 0x\(hex(UInt64(v), width: 8)) (ioctl era)", nil)
            } catch {
                // libpsm2: any failure of GET_VERS means the pre-ioctl (write) driver, major 5.
                return (ioctlMajor - 1, nil, "GET_VERS → \(error.errno.name) ⇒ write era (major \(ioctlMajor - 1)), as libpsm2 decides", error.errno)
            }
        case .qibAfterHandshake:
            return (Int(RDMAABI_QIB_USER_SWMAJOR), nil, "qib speaks major \(RDMAABI_QIB_USER_SWMAJOR); its minor is known after USER_INIT", nil)
        case .sysfsABI, nil:
            return (0, nil, "no version rule", nil)
        }
    }

    /// RDMA_NLDEV_CMD_GET_CHARDEV by client name (core/nldev.c), then the node it names under
    /// /dev/infiniband (rdma-core's RDMA_CDEV_DIR), checked by st_rdev.
    mutating func netlinkChardev(_ plan: Plan, _ device: RdmaDevice?, _ port: Int?) -> OpenedFacet? {
        let t = FacetTransport.netlinkChardev
        guard plan.candidate.name.fitsNetlink else {
            record(plan, device, port, t, nil, .skipped, nil,
                   "\(plan.candidate.name) is longer than the \(FacetName.netlinkMaxLength) bytes netlink carries")
            return nil
        }
        var index: UInt32?
        if let device {
            guard let i = netlinkIndex(device) else {
                if let why = unavailable[t] {
                    record(plan, device, port, t, nil, .transportUnavailable, .EPROTONOSUPPORT, why)
                } else {
                    record(plan, device, port, t, nil, .notApplicable, nil, "netlink does not list \(device.name.value)")
                }
                return nil
            }
            index = i
        }
        let perPort = plan.entry?.offeredBy == .everyMADPort
        if dryRun {
            record(plan, device, port, t, nil, .planned, nil,
                   "would ask GET_CHARDEV \"\(plan.candidate.name)\"" + (index.map { " for device index \($0)" } ?? "")
                    + (perPort ? " port \(port ?? 1)" : ""))
            return nil
        }
        let info: ChardevInfo
        do {
            info = try kernel.netlinkChardev(plan.candidate.name.rawValue, deviceIndex: index,
                                             port: perPort ? UInt32(port ?? 1) : nil)
        } catch {
            switch error.errno {
            case .EOPNOTSUPP:
                record(plan, device, port, t, nil, .notOffered, error.errno,
                       "no \(plan.candidate.name) char device" + (device.map { " for \($0.name.value)" + (perPort ? " port \(port ?? 1)" : "") } ?? ""))
            case .EINVAL where !perPort:
                unavailable[t] = "this kernel has no GET_CHARDEV (EINVAL; Linux < 5.3)"
                record(plan, device, port, t, nil, .transportUnavailable, error.errno,
                       "EINVAL: this kernel has no GET_CHARDEV; not tried again in this run")
            case .EPROTONOSUPPORT:
                unavailable[t] = "no RDMA netlink (EPROTONOSUPPORT)"
                record(plan, device, port, t, nil, .transportUnavailable, error.errno, "no RDMA netlink")
            default:
                record(plan, device, port, t, nil, .notOffered, error.errno, "GET_CHARDEV: \(error)")
            }
            return nil
        }
        guard KernelPath.isPlainName(info.name) else {
            record(plan, device, port, t, nil, .failed, nil, "GET_CHARDEV named \"\(terminalSafe(info.name))\", not a node name")
            return nil
        }
        return openVersioned(plan, device, port, t, node: "/dev/infiniband/" + info.name,
                             expect: (info.major, info.minor), abi: Int(info.abi), source: "CHARDEV_ABI")
    }

    /// The class directories: uverbsN (`abi_version`), umad/issm (`class/infiniband_mad`'s ABI),
    /// rdma_cm (`class/misc/rdma_cm/{dev,abi_version}`).
    mutating func sysfsNode(_ plan: Plan, _ device: RdmaDevice?, _ port: Int?) -> OpenedFacet? {
        let t = FacetTransport.sysfs
        let name = plan.candidate.name.rawValue
        if plan.entry?.offeredBy == .system {
            let dir = "/sys/class/misc/" + name
            guard let abi = (try? kernel.readAttribute(dir + "/abi_version")).flatMap(Self.integer),
                  let dev = (try? kernel.readAttribute(dir + "/dev")).flatMap({ parseDevNumber(String(decoding: $0, as: UTF8.self)) })
            else {
                record(plan, device, port, t, nil, .notOffered, nil, "\(dir) is missing (the \(name) module is not loaded)")
                return nil
            }
            return openVersioned(plan, device, port, t, node: "/dev/infiniband/" + name, expect: dev, abi: abi, source: "\(dir)/abi_version")
        }
        guard let device else { return nil }
        let kind = plan.entry?.nodeKinds.first
        let cdev = device.charDevices.first { $0.kind == kind && ($0.kind == .uverbs || $0.port == (port ?? 1)) }
        guard let cdev, let node = cdev.path else {
            record(plan, device, port, t, nil, .notOffered, nil,
                   "\(device.name.value) has no \(name) node" + (kind == .uverbs ? "" : " for port \(port ?? 1)"))
            return nil
        }
        let abi = kind == .uverbs ? device.uverbsDeviceABI : madClassABI
        guard let abi else {
            record(plan, device, port, t, node, .failed, nil, "the ABI version of \(cdev.name) cannot be read")
            return nil
        }
        return openVersioned(plan, device, port, t, node: node, expect: Self.devNumber(cdev), abi: abi,
                             source: kind == .uverbs ? "\(cdev.name)/abi_version" : "class/infiniband_mad/abi_version")
    }

    /// A core node whose ABI is one number: compare with the candidate's major (none asked for
    /// per-device facets), open it, check st_rdev, grant.
    private mutating func openVersioned(_ plan: Plan, _ device: RdmaDevice?, _ port: Int?, _ t: FacetTransport,
                                        node: String, expect: (UInt32, UInt32)?, abi: Int, source: String) -> OpenedFacet? {
        if let major = plan.candidate.major, major != abi {
            record(plan, device, port, t, node, .versionMismatch, nil, "\(source) = \(abi), not \(major)", offered: (abi, nil))
            return nil
        }
        if dryRun {
            record(plan, device, port, t, node, .planned, nil, "would open \(node) (ABI \(abi) from \(source))")
            return nil
        }
        guard let handle = openChecked(plan, device, port, t, node, expect: expect) else { return nil }
        record(plan, device, port, t, node, .granted, nil, "\(node) opened; ABI \(abi) (\(source))", offered: (abi, nil))
        return grant(plan, device, port, t, node, major: abi, minor: nil, handle: handle)
    }

    /// The device's netlink index: discovery's, or from one device dump per run.
    private mutating func netlinkIndex(_ device: RdmaDevice) -> UInt32? {
        if let index = device.index { return index }
        if netlinkIndices == nil {
            do throws(KernelError) {
                netlinkIndices = Dictionary(try kernel.netlinkDevices().map { ($0.name, $0.index) }) { a, _ in a }
            } catch {
                unavailable[.netlinkChardev] = error.errno == .EPROTONOSUPPORT
                    ? "no RDMA netlink (EPROTONOSUPPORT)" : "the netlink device dump failed: \(error)"
                netlinkIndices = [:]
            }
        }
        return netlinkIndices?[device.name.value]
    }

    // MARK: bytes

    /// `struct rdma_driver_ops_req` for a candidate (Docs/ABI.md §2.1), CLOEXEC set.
    static func driverOpsRequestBytes(_ c: FacetCandidate, major: Int) -> [UInt8] {
        var req = CStruct.zeroed(rdmaabi_driver_ops_req.self)
        req.flags = RDMAABI_DRIVER_OPS_CLOEXEC
        req.major = UInt32(clamping: major)
        req.min_minor = UInt32(clamping: c.minMinor)
        var bytes = CStruct.encode(req)
        let name = Array(c.name.rawValue.utf8)
        bytes.replaceSubrange(0..<name.count, with: name)
        return bytes
    }

    static func offered(_ bytes: [UInt8]) -> (Int, Int) {
        let reply = CStruct.decode(rdmaabi_driver_ops_req.self, from: bytes)
        return (Int(reply.offered_major), Int(reply.offered_minor))
    }

    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        CStruct.decode(UInt32.self, from: b, offset: at)
    }

    static func devNumber(_ c: CharDevice) -> (UInt32, UInt32)? {
        guard let major = c.major, let minor = c.minor else { return nil }
        return (major, minor)
    }

    static func integer(_ bytes: [UInt8]) -> Int? {
        Int(String(decoding: bytes, as: UTF8.self).trimmingSpaces)
    }
}

extension CharDevice.Kind {
    /// "/dev/hfi1_N", as a trace reason names a missing legacy node.
    var legacyNodeDescription: String {
        switch self {
        case .hfi1: return "/dev/hfi1_N"
        case .ipath: return "/dev/ipathN or /dev/ipath"
        case .uverbs: return "uverbs node"
        case .umad: return "umad node"
        case .issm: return "issm node"
        }
    }
}
