import CRdmaABI
@testable import RdmaEmulator
@_spi(KernelSeam) import RdmaKit
import Testing

// The handle RDMA_GET_DRIVER_OPS_FD returns "behaves exactly like a handle on the legacy node
// for the granted ABI: same ioctls, writes and context rules" (Docs/ABI.md). Each test runs
// one script of the driver's first exchange on a legacy-node handle and on a driver-ops
// handle of the same kernel, one after the other, and compares the two traces step by step.

private let root = Credentials(uid: 0, gid: 0)
private let user = Credentials(uid: 1000, gid: 1000)

private func errnoName<T>(_ body: () throws -> T) -> String {
    do { return "ok \(try body())" } catch let error as KernelError { return error.errno.name } catch {
        return "\(error)"
    }
}

private func text(_ k: EmulatedKernel, _ path: String) -> String {
    ((try? k.readAttribute(path)).map { String(decoding: $0, as: UTF8.self) } ?? "?")
        .trimmingCharacters(in: .newlines)
}

private func bytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

/// A driver-ops grant on `uverbs`, or the errno.
private func grant(_ k: EmulatedKernel, _ uverbs: String, _ name: String, major: UInt32) throws -> KernelHandle {
    let u = try k.open(uverbs, flags: .probe)
    defer { k.close(u) }
    let call = try DriverOpsCall(k, on: u, bytes: driverOpsRequestBytes(name, major: major))
    if let errno = call.errno { throw KernelError(errno) }
    return try #require(call.handle)
}

/// hfi1 ioctl era, ABI-FACTS §2.4/§2.7: GET_VERS, commands before a context, write() without
/// a context, ASSIGN_CTXT (nfreectxts moves), a second ASSIGN_CTXT, CTXT_INFO, USER_INFO's
/// sw_version, close (nfreectxts back).
private func hfi1Script(_ k: EmulatedKernel, _ h: KernelHandle) throws -> [String] {
    var trace: [String] = []
    let nfree = "/sys/class/infiniband/hfi1_0/nfreectxts"
    trace.append("nfreectxts \(text(k, nfree))")
    let vers = try k.allocateUserMemory(count: 8)
    trace.append("GET_VERS \(errnoName { try k.ioctl(h, request: RDMAABI_HFI1_IOCTL_GET_VERS, argument: vers.address) })")
    let version = vers.load().prefix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    trace.append("version 0x\(String(version, radix: 16))")
    let ctxt = try k.allocateUserMemory(count: 40)
    trace.append("CTXT_INFO early \(errnoName { try k.ioctl(h, request: RDMAABI_HFI1_IOCTL_CTXT_INFO, argument: ctxt.address) })")
    trace.append("write early \(errnoName { try k.write(h, [UInt8](repeating: 0, count: 16)) })")
    var info = hfi1_user_info()
    info.userversion = RDMAABI_HFI1_USER_SWVERSION
    let uinfo = try k.allocateUserMemory(count: 28)
    uinfo.store(bytes(info), at: 0)
    trace.append("ASSIGN_CTXT \(errnoName { try k.ioctl(h, request: RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, argument: uinfo.address) })")
    trace.append("nfreectxts \(text(k, nfree))")
    trace.append("ASSIGN_CTXT again \(errnoName { try k.ioctl(h, request: RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, argument: uinfo.address) })")
    trace.append("CTXT_INFO \(errnoName { try k.ioctl(h, request: RDMAABI_HFI1_IOCTL_CTXT_INFO, argument: ctxt.address) })")
    let c = ctxt.load().withUnsafeBytes { $0.loadUnaligned(as: hfi1_ctxt_info.self) }
    trace.append("unit \(c.unit) ctxt \(c.ctxt) subctxt \(c.subctxt)")
    let base = try k.allocateUserMemory(count: 120)
    trace.append("USER_INFO \(errnoName { try k.ioctl(h, request: RDMAABI_HFI1_IOCTL_USER_INFO, argument: base.address) })")
    let b = base.load().withUnsafeBytes { $0.loadUnaligned(as: hfi1_base_info.self) }
    trace.append("sw_version 0x\(String(b.sw_version, radix: 16))")
    trace.append("unknown ioctl \(errnoName { try k.ioctl(h, request: rdmaabi_ioc(3, 0x1b, 0xEF, 8), argument: base.address) })")
    k.close(h)
    trace.append("closed: nfreectxts \(text(k, nfree))")
    return trace
}

/// qib write() 1.13, ABI-FACTS §3.2/§11: a command before a context, ASSIGN_CTXT (23),
/// USER_INIT (24) writing qib_base_info, CTXT_INFO (17), a second ASSIGN_CTXT, an ioctl,
/// close.
private func qibScript(_ k: EmulatedKernel, _ h: KernelHandle) throws -> [String] {
    var trace: [String] = []
    let nfree = "/sys/class/infiniband/qib0/nfreectxts"
    trace.append("nfreectxts \(text(k, nfree))")
    let base = try k.allocateUserMemory(count: MemoryLayout<rdmaabi_qib_base_info>.size)
    let ctxt = try k.allocateUserMemory(count: MemoryLayout<rdmaabi_qib_ctxt_info>.size)
    func command(_ type: UInt32, _ fill: (inout rdmaabi_qib_cmd) -> Void = { _ in }) -> [UInt8] {
        var cmd = rdmaabi_qib_cmd()
        cmd.type = type
        fill(&cmd)
        return bytes(cmd)
    }
    let userInfo: (inout rdmaabi_qib_cmd) -> Void = {
        $0.cmd.user_info.spu_userversion = RDMAABI_QIB_USER_SWVERSION
        $0.cmd.user_info.spu_base_info_size = UInt32(base.count)
        $0.cmd.user_info.spu_base_info = base.address
    }
    trace.append("CTXT_INFO early \(errnoName { try k.write(h, command(RDMAABI_QIB_CMD_CTXT_INFO) { $0.cmd.ctxt_info = ctxt.address }) })")
    trace.append("ASSIGN_CTXT \(errnoName { try k.write(h, command(RDMAABI_QIB_CMD_ASSIGN_CTXT, userInfo)) })")
    trace.append("nfreectxts \(text(k, nfree))")
    trace.append("USER_INIT \(errnoName { try k.write(h, command(RDMAABI_QIB_CMD_USER_INIT, userInfo)) })")
    let b = base.load().withUnsafeBytes { $0.loadUnaligned(as: rdmaabi_qib_base_info.self) }
    // Bit 31 says who built the driver (qib_user_init); the ABI is the low 31 bits.
    trace.append("spi_sw_version 0x\(String(b.spi_sw_version & 0x7fff_ffff, radix: 16)) unit \(b.spi_unit) port \(b.spi_port)")
    trace.append("CTXT_INFO \(errnoName { try k.write(h, command(RDMAABI_QIB_CMD_CTXT_INFO) { $0.cmd.ctxt_info = ctxt.address }) })")
    let c = ctxt.load().withUnsafeBytes { $0.loadUnaligned(as: rdmaabi_qib_ctxt_info.self) }
    trace.append("unit \(c.unit) port \(c.port) ctxt \(c.ctxt)")
    trace.append("ASSIGN_CTXT again \(errnoName { try k.write(h, command(RDMAABI_QIB_CMD_ASSIGN_CTXT, userInfo)) })")
    trace.append("ioctl \(errnoName { try k.ioctl(h, request: RDMAABI_HFI1_IOCTL_GET_VERS, argument: base.address) })")
    k.close(h)
    trace.append("closed: nfreectxts \(text(k, nfree))")
    return trace
}

@Suite("driver-ops ioctl: the returned handle is the legacy node")
struct DriverOpsHandleTests {
    @Test func psm2HandleIsAnHfi1IoctlEraFile() throws {
        let k = EmulatedKernel(profile: .proposed, credentials: user)
        let legacy = try hfi1Script(k, try k.open("/dev/hfi1_0", flags: .probe))
        let viaOps = try hfi1Script(k, try grant(k, "/dev/infiniband/uverbs0", "psm2.intel.com", major: 6))
        #expect(viaOps == legacy)
        // The ABI the grant named is the one the file speaks.
        #expect(viaOps.contains("version 0x60003"))
        #expect(viaOps.contains("ASSIGN_CTXT ok 0"))
        #expect(viaOps.contains("nfreectxts 15"))
        #expect(viaOps.last == "closed: nfreectxts 16")
        #expect(k.leakReport == [])
    }

    @Test func psmHandleIsAQibWriteFile() throws {
        // Root runs the legacy script (/dev/ipath0 is 0600); the unprivileged user gets the
        // same file through uverbs1.
        let rootKernel = EmulatedKernel(profile: .proposed, credentials: root)
        let legacy = try qibScript(rootKernel, try rootKernel.open("/dev/ipath0", flags: .probe))
        let k = EmulatedKernel(profile: .proposed, credentials: user)
        let viaOps = try qibScript(k, try grant(k, "/dev/infiniband/uverbs1", "psm.intel.com", major: 1))
        #expect(viaOps == legacy)
        #expect(viaOps.contains("ASSIGN_CTXT ok 36"))
        #expect(viaOps.contains("spi_sw_version 0x1000d unit 0 port 1"))
        #expect(viaOps.last == "closed: nfreectxts 16")
        #expect(k.leakReport == [] && rootKernel.leakReport == [])
    }

    @Test func heldContextIsReportedAndReleasedOnClose() throws {
        let k = EmulatedKernel(credentials: user)
        let u = try k.open("/dev/infiniband/uverbs0", flags: .probe)
        let call = try DriverOpsCall(k, on: u, bytes: driverOpsRequestBytes("psm2.intel.com", major: 6))
        let h = try #require(call.handle)
        var info = hfi1_user_info()
        info.userversion = RDMAABI_HFI1_USER_SWVERSION
        do {
            let uinfo = try k.allocateUserMemory(count: 28)
            uinfo.store(bytes(info), at: 0)
            #expect(try k.ioctl(h, request: RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, argument: uinfo.address) == 0)
        }
        k.close(u)                      // the uverbs file goes first; the grant lives on
        #expect(text(k, "/sys/class/infiniband/hfi1_0/nfreectxts") == "15")
        let report = k.leakReport
        #expect(report.count == 1 && report[0].hasPrefix("handle \(h.id): /dev/hfi1_0 is still open"))
        k.close(h)
        #expect(text(k, "/sys/class/infiniband/hfi1_0/nfreectxts") == "16")
        #expect(k.leakReport == [])
    }

    @Test func unitsMapToTheirNodes() throws {
        let k = EmulatedKernel(devices: try DeviceSet.parse("hfi1:2,qib:2"), credentials: user)
        // uverbs1 = hfi1_1, uverbs3 = qib1 (probe order).
        let h = try grant(k, "/dev/infiniband/uverbs1", "psm2.intel.com", major: 6)
        let q = try grant(k, "/dev/infiniband/uverbs3", "psm.intel.com", major: 1)
        let files = k.withState { state in [state.files[h.id], state.files[q.id]].map { $0.map { "\($0.driver) \($0.path)" } } }
        #expect(files == ["hfi1(1) /dev/hfi1_1", "ipath(1) /dev/ipath1"])
        k.close(h)
        k.close(q)
        #expect(k.leakReport == [])
    }
}
