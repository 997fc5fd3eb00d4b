import CRdmaABI
import FuzzSupport
@_spi(Fuzzing) import RdmaEmulator
import RdmaKit

/// The emulated drivers' decoders: hfi1 ioctls (ioctl era), hfi1 `write()` commands (write
/// era, `legacy`), qib `write()` commands, umad/issm/rdma_cm, and the driver-ops request on a
/// uverbs fd — each fed the bytes a hostile process could pass. The input is a program: a
/// profile, then operations on up to eight handles (open, ioctl, write, read, driver-ops,
/// close, fresh user memory). Invariants, after every operation: every errno is in the
/// documented table; a device's free contexts stay within 0...nctxts and free + held = nctxts
/// (`contextAccounts`, the driver state `nfreectxts` shows). After the program has closed
/// everything: nothing is left (`leakReport` empty) and every context is free again, as sysfs
/// `nfreectxts` and `nctxts` read it.
/// One kernel per profile and caller serves every input (a fresh one costs ~10 ms): the
/// end-of-input invariant is exactly that it is back to its initial state.
let nodes = ["/dev/hfi1_0", "/dev/hfi1", "/dev/ipath0", "/dev/ipath", "/dev/infiniband/uverbs0",
             "/dev/infiniband/uverbs1", "/dev/infiniband/umad0", "/dev/infiniband/issm0",
             "/dev/infiniband/rdma_cm"]
let requests: [UInt] = [
    RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, RDMAABI_HFI1_IOCTL_CTXT_INFO, RDMAABI_HFI1_IOCTL_USER_INFO,
    RDMAABI_HFI1_IOCTL_TID_UPDATE, RDMAABI_HFI1_IOCTL_TID_FREE, RDMAABI_HFI1_IOCTL_CREDIT_UPD,
    RDMAABI_HFI1_IOCTL_RECV_CTRL, RDMAABI_HFI1_IOCTL_POLL_TYPE, RDMAABI_HFI1_IOCTL_ACK_EVENT,
    RDMAABI_HFI1_IOCTL_SET_PKEY, RDMAABI_HFI1_IOCTL_CTXT_RESET, RDMAABI_HFI1_IOCTL_TID_INVAL_READ,
    RDMAABI_HFI1_IOCTL_GET_VERS, RDMAABI_VERBS_IOCTL, UInt(RDMAABI_IB_USER_MAD_REGISTER_AGENT),
    UInt(RDMAABI_IB_USER_MAD_REGISTER_AGENT2), UInt(RDMAABI_IB_USER_MAD_UNREGISTER_AGENT),
    UInt(RDMAABI_IB_USER_MAD_ENABLE_PKEY), DriverOpsABI.requestNumber,
]
let devices = ["hfi1_0", "qib0"]
nonisolated(unsafe) let kernels: [[EmulatedKernel]] = Profile.allCases.map { profile in
    [Credentials(uid: 0, gid: 0), Credentials(uid: 1000, gid: 1000)].map { EmulatedKernel(profile: profile, credentials: $0) }
}

/// Each device's sysfs directory, by kernel: the class link resolved once
/// (/sys/class/infiniband/hfi1_0 → /sys/devices/pci…/infiniband/hfi1_0), so the counters
/// checked after every step are read at their canonical path — the same `show()`, without
/// resolving the link four times a step (it was ~40% of each input; Docs/security.md).
nonisolated(unsafe) let deviceDirectories: [ObjectIdentifier: [(device: String, free: String, total: String)]] = {
    var table: [ObjectIdentifier: [(device: String, free: String, total: String)]] = [:]
    for kernel in kernels.joined() {
        table[ObjectIdentifier(kernel)] = devices.compactMap { device in
            guard let dir = try? kernel.readLink("/sys/class/infiniband/\(device)") else { return nil }
            return (device, dir + "/nfreectxts", dir + "/nctxts")
        }
        precondition(table[ObjectIdentifier(kernel)]!.count == devices.count, "fuzz-emulator-files: a device is missing under \(kernel.profile)")
    }
    return table
}()

func freeContexts(_ kernel: EmulatedKernel) -> [(device: String, free: Int, total: Int)] {
    func number(_ path: String) -> Int? {
        guard let bytes = try? kernel.readAttribute(path) else { return nil }
        return Int(String(decoding: bytes, as: UTF8.self).split(separator: "\n").first ?? "")
    }
    return deviceDirectories[ObjectIdentifier(kernel)]!.compactMap { d in
        guard let free = number(d.free), let total = number(d.total) else { return nil }
        return (d.device, free, total)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmulatorFiles(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(data, count)
    let byProfile = input.pick(kernels)
    let kernel = byProfile[Int(input.u8() & 1)]
    let profile = kernel.profile
    var handles: [KernelHandle] = []
    var memory: [UserMemory] = []

    // `what` only when an errno is reported: formatting it for every call cost more than the call.
    func attempt<R>(_ what: @autoclosure () -> String, _ body: () throws(KernelError) -> R) -> R? {
        do { return try body() } catch {
            checkDocumented(error, "\(what()) under \(profile)")
            return nil
        }
    }
    /// A fresh buffer holding fuzz bytes; its address, or a raw fuzzed address (EFAULT path).
    func argument() -> UInt64 {
        if input.u8() % 8 == 0 { return input.u64() }
        let bytes = input.chunk(limit: 256)
        guard let m = attempt("allocateUserMemory", { () throws(KernelError) in try kernel.allocateUserMemory(count: max(bytes.count, 64)) }) else { return 0 }
        m.store(bytes, at: 0)
        memory.append(m)
        return m.address
    }

    var steps = 0
    while !input.isEmpty && steps < 64 {
        steps += 1
        let op = input.u8() % 8
        let handle = handles.isEmpty ? nil : handles[Int(input.u8()) % handles.count]
        switch op {
        case 0, 1:
            guard handles.count < 8 else { continue }
            let path = input.pick(nodes)
            let flags: OpenFlags = input.u8() & 1 == 0 ? .readWrite : .readOnly
            if let h = attempt("open \(path)", { () throws(KernelError) in try kernel.open(path, flags: flags) }) { handles.append(h) }
        case 2:
            guard let handle else { continue }
            let request = input.u8() % 16 == 0 ? UInt(input.u32()) : input.pick(requests)
            let arg = argument()
            _ = attempt("ioctl \(request)", { () throws(KernelError) in try kernel.ioctl(handle, request: request, argument: arg) })
        case 3:
            guard let handle else { continue }
            var bytes = input.chunk(limit: 128)
            // hfi1_cmd.addr (offset 8) and qib payload pointers: often a real buffer.
            if bytes.count >= 16, input.u8() & 1 == 0 {
                let address = argument()
                withUnsafeBytes(of: address.littleEndian) { bytes.replaceSubrange(8..<16, with: $0) }
            }
            _ = attempt("write", { () throws(KernelError) in try kernel.write(handle, bytes) })
        case 4:
            guard let handle else { continue }
            let n = Int(input.u16() % 512)
            _ = attempt("read", { () throws(KernelError) in try kernel.read(handle, count: n) })
        case 5:
            guard let handle, handles.count < 8 else { continue }
            let request = input.u8() % 8 == 0 ? UInt(input.u32()) : DriverOpsABI.requestNumber
            let arg = argument()
            if let h = attempt("driver-ops", { () throws(KernelError) in try kernel.driverOpsRequest(handle, request: request, argument: arg) }) {
                handles.append(h)
            }
        case 6:
            guard let handle else { continue }
            _ = attempt("stat", { () throws(KernelError) in try kernel.stat(handle) })
        default:
            guard let handle else { continue }
            kernel.close(handle)
            handles.removeAll { $0 == handle }
        }
        // From the state directly (contextAccounts): the sysfs text is read once, at the end.
        for c in kernel.contextAccounts {
            invariant((0...c.total).contains(c.free), "\(c.device): free contexts \(c.free) outside 0...\(c.total)")
            invariant(c.free + c.held == c.total, "\(c.device): \(c.free) free + \(c.held) held ≠ \(c.total) contexts")
        }
    }

    for handle in handles { kernel.close(handle) }
    memory.removeAll()
    invariant(kernel.leakReport.isEmpty, "left behind under \(profile): \(kernel.leakReport)")
    for c in freeContexts(kernel) {
        invariant(c.free == c.total, "\(c.device): \(c.total - c.free) contexts still assigned after every close under \(profile)")
    }
    return 0
}

/// SwiftPM's entry point for this executable (see CFuzzDriver.h).
@_cdecl("fuzz_emulator_files_main")
public func fuzz_emulator_filesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzEmulatorFiles)
}
