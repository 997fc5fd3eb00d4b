import Testing
@_spi(KernelSeam) import RdmaKit
import RdmaEmulator

// Issue 10: a negotiation whose process is killed leaves nothing assigned. When a process dies
// the kernel closes every descriptor it held (kernel/exit.c `do_exit` → `exit_files` →
// `close_files`, in descriptor order) and each driver's release runs — hfi1 `hfi1_file_close`
// frees the context and its TIDs, qib `qib_close` likewise, the driver-ops file its own. No
// code of the dead process runs after that. `DyingProcess` stands for the process: it passes
// verbs through until its N-th, then "dies" — closes every handle it still holds in the order
// they were opened, and from then on answers every verb EINTR and ignores close (its code
// unwinding is not the kernel's doing). Killed after each verb of a full negotiation with a
// handshake, the emulator must be left with no handle and every context free.

private final class DyingProcess: Kernel, @unchecked Sendable {
    let base: any Kernel
    let dieAfter: Int
    private struct State { var calls = 0; var dead = false; var held: [KernelHandle] = [] }
    private let state = Locked(State())

    init(_ base: any Kernel, dieAfter: Int) { self.base = base; self.dieAfter = dieAfter }

    var died: Bool { state.withLock { $0.dead } }
    var kind: KernelKind { base.kind }

    /// Counts a verb; throws EINTR once dead. The N-th verb runs, then the process dies.
    private func verb<R>(_ body: () throws(KernelError) -> R) throws(KernelError) -> R {
        guard !state.withLock({ $0.dead }) else { throw KernelError(.EINTR) }
        let result = try body()
        let dying = state.withLock { s -> [KernelHandle]? in
            s.calls += 1
            guard s.calls == dieAfter else { return nil }
            s.dead = true
            defer { s.held = [] }
            return s.held
        }
        if let dying {
            for handle in dying { base.close(handle) }   // close_files: in descriptor order
            throw KernelError(.EINTR)
        }
        return result
    }
    private func hold(_ h: KernelHandle) -> KernelHandle { state.withLock { $0.held.append(h) }; return h }

    func listDirectory(_ path: String) throws(KernelError) -> [String] { try verb { () throws(KernelError) in try base.listDirectory(path) } }
    func readAttribute(_ path: String, limit: Int) throws(KernelError) -> [UInt8] {
        try verb { () throws(KernelError) in try base.readAttribute(path, limit: limit) }
    }
    func readLink(_ path: String) throws(KernelError) -> String { try verb { () throws(KernelError) in try base.readLink(path) } }
    func deviceNode(_ path: String) throws(KernelError) -> DeviceNodeInfo { try verb { () throws(KernelError) in try base.deviceNode(path) } }
    func predictOpen(_ path: String) -> Bool? { died ? nil : base.predictOpen(path) }
    func open(_ path: String, flags: OpenFlags) throws(KernelError) -> KernelHandle {
        try verb { () throws(KernelError) in hold(try base.open(path, flags: flags)) }
    }
    func close(_ handle: KernelHandle) {
        let mine = state.withLock { s -> Bool in
            guard !s.dead, let i = s.held.firstIndex(of: handle) else { return false }
            s.held.remove(at: i)
            return true
        }
        if mine { base.close(handle) }
    }
    func ioctl(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> Int {
        try verb { () throws(KernelError) in try base.ioctl(handle, request: request, argument: argument) }
    }
    func driverOpsRequest(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> KernelHandle {
        try verb { () throws(KernelError) in hold(try base.driverOpsRequest(handle, request: request, argument: argument)) }
    }
    func stat(_ handle: KernelHandle) throws(KernelError) -> DeviceNodeInfo { try verb { () throws(KernelError) in try base.stat(handle) } }
    func write(_ handle: KernelHandle, _ bytes: [UInt8]) throws(KernelError) -> Int {
        try verb { () throws(KernelError) in try base.write(handle, bytes) }
    }
    func read(_ handle: KernelHandle, count: Int) throws(KernelError) -> [UInt8] {
        try verb { () throws(KernelError) in try base.read(handle, count: count) }
    }
    func allocateUserMemory(count: Int) throws(KernelError) -> UserMemory {
        try verb { () throws(KernelError) in try base.allocateUserMemory(count: count) }
    }
    func netlinkRDMA(_ request: [UInt8]) throws(KernelError) -> [[UInt8]] {
        try verb { () throws(KernelError) in try base.netlinkRDMA(request) }
    }
    func udevEnumerate(subsystem: String) throws(KernelError) -> [UdevDevice] {
        try verb { () throws(KernelError) in try base.udevEnumerate(subsystem: subsystem) }
    }
    func events() throws(KernelError) -> AsyncStream<KernelEvent> { try base.events() }
}

@Suite("a killed negotiation")
struct KilledProcessTests {
    @Test("killed after any verb of a negotiation with a handshake: no handle, every context free",
          arguments: Profile.allCases, ["psm2.intel.com", "psm.intel.com"])
    func killedAnywhere(profile: Profile, facet: String) throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: Credentials(uid: 0, gid: 0))
        let discovered = try Discovery(kernel: k).run(source: .sysfs, detail: .negotiation)
        let request = try FacetRequest(parsing: facet)
        var deaths = 0
        for n in 1...400 {
            let process = DyingProcess(k, dieAfter: n)
            // The process's own objects go out of scope with it; what they would still do
            // (release, close) reaches a dead process and is ignored.
            do {
                let result = Negotiator(kernel: process).run(NegotiationChain(request: request, noFallback: true),
                                                             devices: discovered.devices, madClassABI: discovered.madClassABI)
                if let opened = result.opened {
                    _ = Handshake.run(opened, port: nil)
                    if !process.died { opened.release() }
                }
            }
            #expect(k.leakReport.filter { $0.hasPrefix("handle") } == [], "killed after verb \(n) under \(profile)")
            for device in ["hfi1_0", "qib0"] {
                #expect(try k.readAttribute("/sys/class/infiniband/\(device)/nfreectxts") == Array("16\n".utf8),
                        "killed after verb \(n) under \(profile): \(device)")
            }
            guard process.died else { break }   // the whole run fit in n - 1 verbs: every point covered
            deaths += 1
        }
        #expect(deaths > 3, "the negotiation made too few verbs to kill it meaningfully")
    }
}
