import CRdmaABI
import RdmaKit

// The proposed driver-ops ioctl, RDMA_GET_DRIVER_OPS_FD, as the RDMA core of the `proposed`
// profile implements it on a uverbs fd. Docs/ABI.md is the specification; this file follows
// its "kernel algorithm" step by step and in the same order.

extension Profile {
    /// Whether uverbs fds answer RDMA_GET_DRIVER_OPS_FD (DESIGN §5: `proposed` only; the others
    /// are kernels without the ioctl, so ENOTTY). Lives here with the behaviour it switches.
    public var hasDriverOpsIoctl: Bool { self == .proposed }
}

/// One interface a device's driver offers by name: the driver's own table, as hfi1 would
/// register `psm2.intel.com` with its HFI1_USER_SWMAJOR/MINOR. Its versions come from the C
/// shim (the UAPI and driver headers), not from rdmactl's client-side facet catalogue.
struct DriverOpsOffer: Sendable, Equatable {
    var name: String
    var major: UInt32
    var minor: UInt32
    /// The cdev whose file operations the new file gets.
    var driver: DriverKey
    /// The legacy node the new file stands for (what `/proc/self/fd` would show is up to a
    /// real kernel; the emulator names the node so leak reports read naturally).
    var path: String

    /// What the ib device's driver offers under the `proposed` profile: hfi1 its ioctl-era
    /// PSM2 interface (6.3), qib its write() PSM interface (1.13).
    static func offers(of device: DeviceFixture) -> [DriverOpsOffer] {
        switch device.driver {
        case .hfi1:
            return [DriverOpsOffer(name: "psm2.intel.com", major: RDMAABI_HFI1_USER_SWMAJOR,
                                   minor: RDMAABI_HFI1_USER_SWMINOR, driver: .hfi1(unit: device.unit),
                                   path: "/dev/hfi1_\(device.unit)")]
        case .qib:
            return [DriverOpsOffer(name: "psm.intel.com", major: RDMAABI_QIB_USER_SWMAJOR,
                                   minor: RDMAABI_QIB_USER_SWMINOR, driver: .ipath(unit: device.unit),
                                   path: "/dev/ipath\(device.unit)")]
        }
    }
}

extension EmulatedKernel {
    /// Test hook, the emulator's `rdma_register_driver_ops`: `device`'s driver offers `name` at
    /// `major.minor` too, with its own legacy node's file operations (hfi1: `/dev/hfi1_N`, qib:
    /// `/dev/ipathN`). False when there is no such device or the name is already offered.
    func registerDriverOps(device: String, name: String, major: UInt32, minor: UInt32) -> Bool {
        withState { state in
            guard let fixture = state.devices[device]?.probe.fixture else { return false }
            let own = DriverOpsOffer.offers(of: fixture)
            guard !(own + (state.registeredDriverOps[device] ?? [])).contains(where: { $0.name == name }) else { return false }
            state.registeredDriverOps[device, default: []].append(
                DriverOpsOffer(name: name, major: major, minor: minor, driver: own[0].driver, path: own[0].path))
            return true
        }
    }
}

/// `struct rdma_driver_ops_req` (CRdmaABI `struct rdmaabi_driver_ops_req`, 96 bytes), decoded
/// and validated as the kernel does after `copy_from_user`. Offsets come from the C struct.
struct DriverOpsRequest: Sendable, Equatable {
    var name: String
    var flags: UInt32
    var major: UInt32
    var minMinor: UInt32

    typealias Layout = rdmaabi_driver_ops_req
    static let size = MemoryLayout<Layout>.size
    static let nameCapacity = Int(RDMAABI_DRIVER_OPS_NAME_MAX)
    static let flagsOffset = MemoryLayout<Layout>.offset(of: \.flags)!
    static let majorOffset = MemoryLayout<Layout>.offset(of: \.major)!
    static let minMinorOffset = MemoryLayout<Layout>.offset(of: \.min_minor)!
    static let offeredMajorOffset = MemoryLayout<Layout>.offset(of: \.offered_major)!
    static let offeredMinorOffset = MemoryLayout<Layout>.offset(of: \.offered_minor)!
    static let reservedOffset = MemoryLayout<Layout>.offset(of: \.reserved)!

    /// The ioctl's identity is its type and number; direction and size are then checked and
    /// give EINVAL, so a caller built against another struct size learns "malformed", not
    /// "no such ioctl".
    static func matches(_ request: UInt) -> Bool {
        rdmaabi_ioc_type(request) == RDMAABI_IOCTL_MAGIC && rdmaabi_ioc_nr(request) == RDMAABI_GET_DRIVER_OPS_FD_NR
    }

    /// Decodes `bytes` (exactly `size` of them), in the order Docs/ABI.md gives: flags,
    /// reserved words, then the name (NUL within the array, zero tail, length, characters).
    /// Every refusal is EINVAL; the detail says which rule.
    static func decode(_ bytes: [UInt8]) throws(KernelError) -> DriverOpsRequest {
        guard bytes.count == size else { throw invalid("request is \(bytes.count) bytes, not \(size)") }
        let flags = u32(bytes, flagsOffset)
        guard flags & ~RDMAABI_DRIVER_OPS_CLOEXEC == 0 else {
            throw invalid("unknown flags 0x\(hex(UInt64(flags), width: 1))")
        }
        guard bytes[reservedOffset..<size].allSatisfy({ $0 == 0 }) else { throw invalid("reserved words are not zero") }
        let field = bytes[0..<nameCapacity]
        guard let nul = field.firstIndex(of: 0) else { throw invalid("name is not NUL-terminated within \(nameCapacity) bytes") }
        guard field[nul...].allSatisfy({ $0 == 0 }) else { throw invalid("bytes after the name's NUL are not zero") }
        let name = Array(field[..<nul])
        if let problem = nameProblem(name) { throw invalid(problem) }
        return DriverOpsRequest(name: String(decoding: name, as: UTF8.self), flags: flags,
                                major: u32(bytes, majorOffset), minMinor: u32(bytes, minMinorOffset))
    }

    /// The kernel's name rule, on bytes: `^[a-z0-9][a-z0-9_.-]{0,62}$` with no "..".
    static func nameProblem(_ name: [UInt8]) -> String? {
        guard let first = name.first else { return "name is empty" }
        guard name.count < nameCapacity else { return "name is longer than \(nameCapacity - 1) bytes" }
        func lowerOrDigit(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) }
        guard lowerOrDigit(first) else { return "name must start with a-z or 0-9" }
        for c in name where !(lowerOrDigit(c) || c == 0x5f || c == 0x2e || c == 0x2d) {
            return "name has byte 0x\(hex(UInt64(c), width: 2)) outside [a-z0-9_.-]"
        }
        for i in name.indices.dropLast() where name[i] == 0x2e && name[i + 1] == 0x2e {
            return "name contains \"..\""
        }
        return nil
    }

    /// The 8 bytes written at `offered_major` (little-endian `__u32` pair, x86_64).
    static func offeredBytes(major: UInt32, minor: UInt32) -> [UInt8] {
        le32(major) + le32(minor)
    }

    private static func invalid(_ why: String) -> KernelError { KernelError(.EINVAL, .other(why)) }

    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    private static func le32(_ v: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8),
         UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 24)]
    }
}

extension UverbsDriver {
    /// RDMA_GET_DRIVER_OPS_FD on this device's uverbs file (Docs/ABI.md "Kernel algorithm").
    /// Returns the new handle's id — on Linux, the new fd.
    mutating func getDriverOpsFD(_ file: OpenFile, request: UInt, argument: UInt64,
                                 kernel: inout KernelState) throws(KernelError) -> Int {
        // (0. Dispatch on type and nr happened in UverbsDriver.ioctl.)
        // 1. The device behind this uverbs file is gone (disassociated): EIO before anything.
        guard let device = kernel.devices[self.device] else {
            throw KernelError(.EIO, .other("\(self.device) was removed"))
        }
        // 2. Direction and size encoded in the request number.
        guard rdmaabi_ioc_dir(request) == RDMAABI_IOC_READ | RDMAABI_IOC_WRITE,
              Int(rdmaabi_ioc_size(request)) == DriverOpsRequest.size else {
            throw KernelError(.EINVAL, .other("request number does not encode _IOWR of \(DriverOpsRequest.size) bytes"))
        }
        // 3. The uverbs file must be open for writing: the new file is read-write.
        guard !file.flags.contains(.readOnly) else { throw KernelError(.EBADF) }
        // 4, 5. copy_from_user, then the request's own rules.
        let bytes = try kernel.memory.copyFromUser(argument, count: DriverOpsRequest.size)
        let req = try DriverOpsRequest.decode(bytes)
        // 6. The name must be one this device's driver offers.
        let offers = DriverOpsOffer.offers(of: device.probe.fixture) + (kernel.registeredDriverOps[self.device] ?? [])
        guard let offer = offers.first(where: { $0.name == req.name }) else {
            throw KernelError(.EOPNOTSUPP, .other("\(self.device) offers no \(req.name)"))
        }
        // 7. Exact major, minor at least min_minor; on a mismatch the offered version is
        //    written back so the caller can say what is there.
        let offered = DriverOpsRequest.offeredBytes(major: offer.major, minor: offer.minor)
        guard req.major == offer.major, req.minMinor <= offer.minor else {
            try kernel.memory.copyToUser(argument + UInt64(DriverOpsRequest.offeredMajorOffset), offered)
            throw KernelError(.ENODEV, .other("\(req.name) is offered at \(offer.major).\(offer.minor), not \(req.major).\(req.minMinor)+"))
        }
        // 8. A descriptor.
        try kernel.reserveDescriptor()
        // 9. A file with the legacy node's file operations and the driver's open hook — no
        //    path walk and no mode check of the legacy node: this uverbs file was the gate.
        //    (A driver unbound behind a live uverbs file is the emulator's form of step 1.)
        guard kernel.drivers[offer.driver] != nil else {
            throw KernelError(.EIO, .other("\(offer.driver) is gone"))
        }
        let id = try kernel.installFile(driver: offer.driver, path: offer.path, flags: .readWrite,
                                        credentials: file.credentials)
        // 10. The reply; a fault releases the file (its release runs) before it was visible.
        do {
            try kernel.memory.copyToUser(argument + UInt64(DriverOpsRequest.offeredMajorOffset), offered)
        } catch {
            kernel.releaseFile(id)
            throw error
        }
        // 11. Tracked for disassociation, then "installed".
        driverOpsFiles[id] = req.name
        return id
    }
}
