import CRdmaABI
@testable import RdmaEmulator
@_spi(KernelSeam) import RdmaKit
import Testing

// RDMA_GET_DRIVER_OPS_FD through the `Kernel` seam of the emulated kernel: the errno contract
// of Docs/ABI.md as a table, the permission point of DESIGN §5, and the returned handle
// behaving like the legacy node. Default device set: hfi1_0 → uverbs0, qib0 → uverbs1.

private let root = Credentials(uid: 0, gid: 0)
private let user = Credentials(uid: 1000, gid: 1000)

/// The error a seam call fails with, nil when it succeeds.
private func failure<T>(_ body: () throws -> T) -> KernelError? {
    do { _ = try body(); return nil } catch let error as KernelError { return error } catch {
        Issue.record("not a KernelError: \(error)")
        return nil
    }
}

/// One RDMA_GET_DRIVER_OPS_FD call: the request bytes go into fresh user memory, which is
/// released before returning (so leak checks see only handles).
struct DriverOpsCall {
    var handle: KernelHandle?
    var errno: Errno?
    /// The buffer after the call.
    var after: [UInt8]

    init(_ k: EmulatedKernel, on uverbs: KernelHandle, bytes: [UInt8],
         request: UInt = RDMAABI_GET_DRIVER_OPS_FD, bufferSize: Int = 96) throws {
        let buffer = try k.allocateUserMemory(count: bufferSize)
        buffer.store(Array(bytes.prefix(bufferSize)), at: 0)
        do {
            // The descriptor-yielding request has its own verb; any other number (a row probing
            // an unknown 0x1b nr, hfi1's GET_VERS on uverbs) goes through the plain ioctl.
            if DriverOpsABI.yieldsDescriptor(request) {
                handle = try k.driverOpsRequest(uverbs, request: request, argument: buffer.address)
            } else {
                _ = try k.ioctl(uverbs, request: request, argument: buffer.address)
            }
        } catch {
            self.errno = error.errno
        }
        after = buffer.load()
    }

    var offered: OfferedVersion { driverOpsReply(after + [UInt8](repeating: 0, count: max(0, 96 - after.count))) }
}

/// One row of the errno contract.
struct DriverOpsRow: Sendable, CustomTestStringConvertible {
    var label: String
    var profile: Profile = .proposed
    var node = "/dev/infiniband/uverbs0"
    var bytes: [UInt8]
    var request: UInt = RDMAABI_GET_DRIVER_OPS_FD
    /// nil: success.
    var errno: Errno?
    /// What `offered_major`/`offered_minor` hold afterwards (success and ENODEV write them).
    var offered = OfferedVersion(0, 0)
    var testDescription: String { label }
}

private func req(_ name: String, _ major: UInt32, _ minMinor: UInt32 = 0, flags: UInt32 = 0) -> [UInt8] {
    driverOpsRequestBytes(name, major: major, minMinor: minMinor, flags: flags)
}

@Suite("driver-ops ioctl: errno contract")
struct DriverOpsErrnoTests {
    static let rows: [DriverOpsRow] = [
        // Grants.
        DriverOpsRow(label: "hfi1: psm2.intel.com@6 granted 6.3", bytes: req("psm2.intel.com", 6), offered: OfferedVersion(6, 3)),
        DriverOpsRow(label: "hfi1: psm2.intel.com@6.3 granted", bytes: req("psm2.intel.com", 6, 3), offered: OfferedVersion(6, 3)),
        DriverOpsRow(label: "hfi1: CLOEXEC accepted", bytes: req("psm2.intel.com", 6, flags: 1), offered: OfferedVersion(6, 3)),
        DriverOpsRow(label: "qib: psm.intel.com@1.13 granted", node: "/dev/infiniband/uverbs1",
                     bytes: req("psm.intel.com", 1, 13), offered: OfferedVersion(1, 13)),
        // ENODEV: offered, no compatible version; the offered version is written back.
        DriverOpsRow(label: "hfi1: psm2@6.4 ENODEV", bytes: req("psm2.intel.com", 6, 4), errno: .ENODEV, offered: OfferedVersion(6, 3)),
        DriverOpsRow(label: "hfi1: psm2@5 ENODEV", bytes: req("psm2.intel.com", 5), errno: .ENODEV, offered: OfferedVersion(6, 3)),
        DriverOpsRow(label: "hfi1: psm2@7 ENODEV", bytes: req("psm2.intel.com", 7), errno: .ENODEV, offered: OfferedVersion(6, 3)),
        DriverOpsRow(label: "qib: psm@1.14 ENODEV", node: "/dev/infiniband/uverbs1",
                     bytes: req("psm.intel.com", 1, 14), errno: .ENODEV, offered: OfferedVersion(1, 13)),
        DriverOpsRow(label: "qib: psm@2 ENODEV", node: "/dev/infiniband/uverbs1",
                     bytes: req("psm.intel.com", 2), errno: .ENODEV, offered: OfferedVersion(1, 13)),
        // EOPNOTSUPP: not offered by this device's driver.
        DriverOpsRow(label: "hfi1: psm.intel.com EOPNOTSUPP", bytes: req("psm.intel.com", 1), errno: .EOPNOTSUPP),
        DriverOpsRow(label: "qib: psm2.intel.com EOPNOTSUPP", node: "/dev/infiniband/uverbs1",
                     bytes: req("psm2.intel.com", 6), errno: .EOPNOTSUPP),
        DriverOpsRow(label: "unknown name EOPNOTSUPP", bytes: req("example.org", 1), errno: .EOPNOTSUPP),
        DriverOpsRow(label: "core facet name is not a driver-ops facet", bytes: req("uverbs", 2), errno: .EOPNOTSUPP),
        // EINVAL: malformed.
        DriverOpsRow(label: "unknown flag", bytes: req("psm2.intel.com", 6, flags: 2), errno: .EINVAL),
        DriverOpsRow(label: "reserved non-zero",
                     bytes: driverOpsRequestBytes(name: Array("psm2.intel.com".utf8), major: 6, reserved: 1), errno: .EINVAL),
        DriverOpsRow(label: "name not NUL-terminated",
                     bytes: driverOpsRequestBytes(name: [UInt8](repeating: 0x61, count: 64), major: 6), errno: .EINVAL),
        DriverOpsRow(label: "63-byte name is valid (not offered)",
                     bytes: driverOpsRequestBytes(name: [UInt8](repeating: 0x61, count: 63), major: 6), errno: .EOPNOTSUPP),
        DriverOpsRow(label: "empty name", bytes: req("", 6), errno: .EINVAL),
        DriverOpsRow(label: "upper case", bytes: req("PSM2.intel.com", 6), errno: .EINVAL),
        DriverOpsRow(label: "dot-dot", bytes: req("psm2..intel.com", 6), errno: .EINVAL),
        DriverOpsRow(label: "leading dot", bytes: req(".psm2", 6), errno: .EINVAL),
        DriverOpsRow(label: "space", bytes: req("psm2 intel", 6), errno: .EINVAL),
        DriverOpsRow(label: "slash", bytes: req("psm2/../x", 6), errno: .EINVAL),
        DriverOpsRow(label: "bytes after the NUL",
                     bytes: driverOpsRequestBytes(name: Array("psm2.intel.com".utf8) + [0, 0x78], major: 6), errno: .EINVAL),
        DriverOpsRow(label: "size 92 in the number", bytes: req("psm2.intel.com", 6),
                     request: rdmaabi_ioc(3, 0x1b, 0x10, 92), errno: .EINVAL),
        DriverOpsRow(label: "_IOW instead of _IOWR", bytes: req("psm2.intel.com", 6),
                     request: rdmaabi_ioc(1, 0x1b, 0x10, 96), errno: .EINVAL),
        // ENOTTY: kernels without the ioctl, whatever the request looks like.
        DriverOpsRow(label: "mainline ENOTTY", profile: .mainline, bytes: req("psm2.intel.com", 6), errno: .ENOTTY),
        DriverOpsRow(label: "legacy ENOTTY", profile: .legacy, bytes: req("psm2.intel.com", 6), errno: .ENOTTY),
        DriverOpsRow(label: "mainline ENOTTY for a malformed one", profile: .mainline,
                     bytes: req("PSM2", 6), request: rdmaabi_ioc(1, 0x1b, 0x10, 4), errno: .ENOTTY),
        DriverOpsRow(label: "mainline qib ENOTTY", profile: .mainline, node: "/dev/infiniband/uverbs1",
                     bytes: req("psm.intel.com", 1), errno: .ENOTTY),
        // Other numbers on uverbs.
        DriverOpsRow(label: "unknown 0x1b nr ENOTTY", bytes: req("psm2.intel.com", 6),
                     request: rdmaabi_ioc(3, 0x1b, 0x11, 96), errno: .ENOTTY),
        DriverOpsRow(label: "hfi1 GET_VERS on uverbs ENOTTY", bytes: req("psm2.intel.com", 6),
                     request: RDMAABI_HFI1_IOCTL_GET_VERS, errno: .ENOTTY),
    ]

    @Test(arguments: rows)
    func row(_ row: DriverOpsRow) throws {
        let k = EmulatedKernel(profile: row.profile, credentials: root)
        let uverbs = try k.open(row.node, flags: .probe)
        let call = try DriverOpsCall(k, on: uverbs, bytes: row.bytes, request: row.request)
        #expect(call.errno == row.errno)
        #expect(call.offered == row.offered)
        // Everything but the two output words is left as the caller wrote it.
        var unchanged = call.after, written = row.bytes
        unchanged.replaceSubrange(76..<84, with: [UInt8](repeating: 0, count: 8))
        written.replaceSubrange(76..<84, with: [UInt8](repeating: 0, count: 8))
        #expect(unchanged == written)
        if let handle = call.handle { k.close(handle) }
        k.close(uverbs)
        #expect(k.leakReport == [])
    }

    @Test func badAddressIsEFAULT() throws {
        let k = EmulatedKernel(credentials: root)
        let uverbs = try k.open("/dev/infiniband/uverbs0", flags: .probe)
        defer { k.close(uverbs) }
        #expect(failure { try k.driverOpsRequest(uverbs, argument: 0x1000) }?.errno == .EFAULT)
        #expect(failure { try k.driverOpsRequest(uverbs, argument: 0) }?.errno == .EFAULT)
        // A buffer shorter than the struct faults too (copy_from_user of 96 bytes).
        let short = try DriverOpsCall(k, on: uverbs, bytes: req("psm2.intel.com", 6), bufferSize: 64)
        #expect(short.errno == .EFAULT)
    }

    @Test func readOnlyUverbsFileIsEBADF() throws {
        let k = EmulatedKernel(credentials: user)
        let uverbs = try k.open("/dev/infiniband/uverbs0", flags: .readOnly)
        defer { k.close(uverbs) }
        #expect(try DriverOpsCall(k, on: uverbs, bytes: req("psm2.intel.com", 6)).errno == .EBADF)
    }

    @Test func noDescriptorLeftIsEMFILE() throws {
        let k = EmulatedKernel(credentials: root)
        let uverbs = try k.open("/dev/infiniband/uverbs0", flags: .probe)
        var held: [KernelHandle] = []
        while let h = try? k.open("/dev/infiniband/uverbs0", flags: .probe) { held.append(h) }
        #expect(held.count == KernelState.openFileLimit - 1)
        #expect(failure { try k.open("/dev/infiniband/uverbs0", flags: .probe) }?.errno == .EMFILE)
        #expect(try DriverOpsCall(k, on: uverbs, bytes: req("psm2.intel.com", 6)).errno == .EMFILE)
        // Checked after the request: a bad version is still ENODEV, not EMFILE.
        #expect(try DriverOpsCall(k, on: uverbs, bytes: req("psm2.intel.com", 5)).errno == .ENODEV)
        k.close(held.removeLast())
        let call = try DriverOpsCall(k, on: uverbs, bytes: req("psm2.intel.com", 6))
        #expect(call.errno == nil)
        if let h = call.handle { k.close(h) }
        for h in held { k.close(h) }
        k.close(uverbs)
        #expect(k.leakReport == [])
    }

    @Test func goneDeviceIsEIO() throws {
        // The hfi1 driver unbound behind a live uverbs file (what hot-unplug will do).
        let k = EmulatedKernel(credentials: root)
        let uverbs = try k.open("/dev/infiniband/uverbs0", flags: .probe)
        k.withState { _ = $0.drivers.removeValue(forKey: .hfi1(unit: 0)) }
        #expect(try DriverOpsCall(k, on: uverbs, bytes: req("psm2.intel.com", 6)).errno == .EIO)
        // The ib device gone: EIO before the request is even read.
        k.withState { $0.devices["hfi1_0"] = nil }
        #expect(try DriverOpsCall(k, on: uverbs, bytes: req("PSM2", 6)).errno == .EIO)
        // The uverbs file itself disassociated.
        k.withState { _ = $0.drivers.removeValue(forKey: .uverbs(device: "hfi1_0")) }
        #expect(try DriverOpsCall(k, on: uverbs, bytes: req("psm2.intel.com", 6)).errno == .EIO)
        k.close(uverbs)
        #expect(k.leakReport == [])
    }

    @Test func verbsIoctlFaultAndWrite() throws {
        let k = EmulatedKernel(credentials: root)
        let uverbs = try k.open("/dev/infiniband/uverbs0", flags: .probe)
        defer { k.close(uverbs) }
        #expect(failure { try k.ioctl(uverbs, request: RDMAABI_VERBS_IOCTL, argument: 0x1000) }?.errno == .EFAULT)
        #expect(failure { try k.write(uverbs, [0, 0, 0, 0]) }?.errno == .EINVAL)
    }
}

// MARK: - RDMA_VERBS_IOCTL header checks (core/uverbs_ioctl.c)

/// One RDMA_VERBS_IOCTL header on hfi1_0's uverbs file.
struct VerbsIoctlRow: Sendable, CustomTestStringConvertible {
    static let headerSize = MemoryLayout<ib_uverbs_ioctl_hdr>.size
    static let attrSize = MemoryLayout<ib_uverbs_attr>.size

    var label: String
    var length = UInt16(headerSize)
    var numAttrs: UInt16 = 0
    var reserved1: UInt64 = 0
    var reserved2: UInt32 = 0
    var driverID = RDMAABI_DRIVER_HFI1
    /// The ib device is removed (the file disassociated) after the open.
    var removed = false
    var errno: Errno
    var testDescription: String { label }

    var bytes: [UInt8] {
        var h = ib_uverbs_ioctl_hdr()
        h.length = length; h.num_attrs = numAttrs; h.reserved1 = reserved1; h.reserved2 = reserved2
        h.driver_id = driverID
        return withUnsafeBytes(of: h) { Array($0) }
    }

    /// `struct_size(hdr, attrs, n)`.
    static func length(attrs n: Int) -> UInt16 { UInt16(headerSize + n * attrSize) }
}

@Suite("RDMA_VERBS_IOCTL: header checks in the kernel's order")
struct DriverOpsVerbsIoctlTests {
    static let rows: [VerbsIoctlRow] = [
        VerbsIoctlRow(label: "length not struct_size", length: VerbsIoctlRow.length(attrs: 0) + 1, errno: .EINVAL),
        VerbsIoctlRow(label: "num_attrs without their length", numAttrs: 1, errno: .EINVAL),
        VerbsIoctlRow(label: "length over PAGE_SIZE", length: VerbsIoctlRow.length(attrs: 255), numAttrs: 255,
                      errno: .EINVAL),
        VerbsIoctlRow(label: "length just under PAGE_SIZE", length: VerbsIoctlRow.length(attrs: 254), numAttrs: 254,
                      errno: .EPROTONOSUPPORT),
        VerbsIoctlRow(label: "reserved1 non-zero", reserved1: 1, errno: .EPROTONOSUPPORT),
        VerbsIoctlRow(label: "reserved2 non-zero", reserved2: 1, errno: .EPROTONOSUPPORT),
        VerbsIoctlRow(label: "qib's driver_id on hfi1's file", driverID: RDMAABI_DRIVER_QIB, errno: .EINVAL),
        VerbsIoctlRow(label: "well-formed: no methods emulated", errno: .EPROTONOSUPPORT),
        // A removed device: the same checks in the same order, then the method lookup. EIO would
        // need a method to run on the disassociated ucontext, and none does.
        VerbsIoctlRow(label: "removed: bad length", length: VerbsIoctlRow.length(attrs: 0) + 1, removed: true,
                      errno: .EINVAL),
        VerbsIoctlRow(label: "removed: reserved1 non-zero", reserved1: 1, removed: true, errno: .EPROTONOSUPPORT),
        VerbsIoctlRow(label: "removed: wrong driver_id", driverID: RDMAABI_DRIVER_QIB, removed: true, errno: .EINVAL),
        VerbsIoctlRow(label: "removed: well-formed", removed: true, errno: .EPROTONOSUPPORT),
    ]

    @Test(arguments: rows)
    func row(_ row: VerbsIoctlRow) throws {
        let k = EmulatedKernel(credentials: root)
        let uverbs = try k.open("/dev/infiniband/uverbs0", flags: .probe)
        if row.removed { k.withState { $0.devices["hfi1_0"] = nil } }
        let buffer = try k.allocateUserMemory(count: row.bytes.count)
        buffer.store(row.bytes, at: 0)
        #expect(failure { try k.ioctl(uverbs, request: RDMAABI_VERBS_IOCTL, argument: buffer.address) }?.errno == row.errno)
        k.close(uverbs)
    }
}

// MARK: - The permission point (DESIGN §5)

@Suite("driver-ops ioctl: the uverbs node is the only gate")
struct DriverOpsPermissionTests {
    @Test func unprivilegedUserGetsPsmUnderProposed() throws {
        let k = EmulatedKernel(profile: .proposed, credentials: user)
        #expect(try k.deviceNode("/dev/ipath0").mode == 0o600)
        #expect(failure { try k.open("/dev/ipath0", flags: .probe) }?.errno == .EACCES)
        let uverbs = try k.open("/dev/infiniband/uverbs1", flags: .probe)
        let call = try DriverOpsCall(k, on: uverbs, bytes: req("psm.intel.com", 1))
        #expect(call.errno == nil)
        #expect(call.offered == OfferedVersion(1, 13))
        let handle = try #require(call.handle)
        k.close(uverbs)
        #expect(k.leakReport.count == 1)   // the grant outlives the uverbs file
        k.close(handle)
        #expect(k.leakReport == [])
    }

    @Test func unprivilegedUserIsRefusedUnderMainline() throws {
        let k = EmulatedKernel(profile: .mainline, credentials: user)
        let uverbs = try k.open("/dev/infiniband/uverbs1", flags: .probe)
        #expect(try DriverOpsCall(k, on: uverbs, bytes: req("psm.intel.com", 1)).errno == .ENOTTY)
        #expect(failure { try k.open("/dev/ipath0", flags: .probe) }?.errno == .EACCES)
        #expect(failure { try k.open("/dev/ipath", flags: .probe) }?.errno == .EACCES)
        k.close(uverbs)
        #expect(k.leakReport == [])
    }

    @Test func grantCarriesTheCallersCredentials() throws {
        let k = EmulatedKernel(credentials: user)
        let uverbs = try k.open("/dev/infiniband/uverbs0", flags: .probe)
        let handle = try #require(try DriverOpsCall(k, on: uverbs, bytes: req("psm2.intel.com", 6)).handle)
        let file = try #require(k.withState { $0.files[handle.id] })
        #expect(file.driver == .hfi1(unit: 0))
        #expect(file.path == "/dev/hfi1_0")
        #expect(file.credentials == user)
        #expect(file.flags == .readWrite)
        #expect(k.withState { state in
            (state.drivers[.uverbs(device: "hfi1_0")] as? UverbsDriver)?.openDriverOpsHandles(in: state)
        } == [handle.id])
        k.close(handle)
        k.close(uverbs)
        #expect(k.leakReport == [])
    }
}
