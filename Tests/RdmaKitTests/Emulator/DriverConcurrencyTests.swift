import CRdmaABI
import RdmaKit
@testable import RdmaEmulator
import Testing

// Issue item 10: one lock around the emulator's state. Many tasks run ASSIGN_CTXT/close cycles
// against one EmulatedKernel; no context may be lost, leaked or held twice, and nfreectxts
// ends where it started.

/// The contexts held right now, per device, as the tasks report them.
private final class HeldContexts: Sendable {
    private let state = Locked<(held: [String: Set<Int>], peak: [String: Int], doubles: [String])>(([:], [:], []))

    func take(_ device: String, _ context: Int) {
        state.withLock { s in
            if !s.held[device, default: []].insert(context).inserted { s.doubles.append("\(device) context \(context)") }
            s.peak[device] = max(s.peak[device] ?? 0, s.held[device]!.count)
        }
    }

    func drop(_ device: String, _ context: Int) {
        state.withLock { _ = $0.held[device]?.remove(context) }
    }

    var doubles: [String] { state.withLock { $0.doubles } }
    var peak: [String: Int] { state.withLock { $0.peak } }
    var stillHeld: Int { state.withLock { $0.held.values.reduce(0) { $0 + $1.count } } }
}

/// What one task did.
private struct CycleCount: Sendable {
    var assigned = 0
    var busy = 0
    var failures: [String] = []
}

/// One ASSIGN_CTXT / CTXT_INFO / close cycle on hfi1_0 (ioctl) or qib0 (write).
private func cycle(_ kernel: EmulatedKernel, qib: Bool, held: HeldContexts, count: inout CycleCount) async {
    let device = qib ? "qib0" : "hfi1_0"
    do {
        let handle = try kernel.open(qib ? "/dev/ipath0" : "/dev/hfi1_0", flags: .probe)
        defer { kernel.close(handle) }
        let info = try kernel.allocateUserMemory(count: 40)
        do {
            try assignContext(kernel, handle, qib: qib)
        } catch where error.errno == .EBUSY {
            count.busy += 1
            return
        }
        count.assigned += 1
        let context: Int
        if qib {
            _ = try kernel.write(handle, QibRequest.command(RDMAABI_QIB_CMD_CTXT_INFO, payload: QibRequest.u64(info.address)))
            context = Int(Bytes.get(UInt16.self, at: offset(\rdmaabi_qib_ctxt_info.ctxt), in: info.load()))
        } else {
            _ = try kernel.ioctl(handle, request: RDMAABI_HFI1_IOCTL_CTXT_INFO, argument: info.address)
            context = Int(Bytes.get(UInt16.self, at: offset(\hfi1_ctxt_info.ctxt), in: info.load()))
        }
        held.take(device, context)
        await Task.yield()                              // hold it while others run
        held.drop(device, context)                      // before the close gives it back
    } catch {
        count.failures.append("\(device): \(error)")
    }
}

/// ASSIGN_CTXT on an open hfi1_0 (ioctl, request in user memory) or qib0 (write, port 1) file.
private func assignContext(_ kernel: EmulatedKernel, _ handle: KernelHandle, qib: Bool) throws(KernelError) {
    if qib {
        _ = try kernel.write(handle, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo(port: 1)))
    } else {
        let request = try kernel.allocateUserMemory(count: MemoryLayout<hfi1_user_info>.size)
        request.store(Hfi1Request.userInfo(), at: 0)
        _ = try kernel.ioctl(handle, request: RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, argument: request.address)
    }
}

/// Opens hfi1_0 or qib0 and assigns a context (qib: port 1); the file is closed again when the
/// assignment fails, so only holders keep files.
private func holdContext(_ kernel: EmulatedKernel, qib: Bool) throws(KernelError) -> KernelHandle {
    let handle = try kernel.open(qib ? "/dev/ipath0" : "/dev/hfi1_0", flags: .probe)
    do {
        try assignContext(kernel, handle, qib: qib)
        return handle
    } catch {
        kernel.close(handle)
        throw error
    }
}

@Suite("driver concurrency") struct DriverConcurrencyTests {
    @Test func concurrentAssignAndCloseCycles() async throws {
        let kernel = EmulatedKernel(devices: .default, profile: .proposed, credentials: driverRoot)
        let held = HeldContexts()
        let tasksPerDevice = 20, cyclesPerTask = 20           // 800 cycles, up to 20 contenders for 16 contexts
        let counts = await withTaskGroup(of: CycleCount.self) { group -> [CycleCount] in
            for task in 0..<(2 * tasksPerDevice) {
                group.addTask {
                    var count = CycleCount()
                    for _ in 0..<cyclesPerTask { await cycle(kernel, qib: task % 2 == 1, held: held, count: &count) }
                    return count
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let failures = counts.flatMap(\.failures)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(held.doubles.isEmpty, "a context was assigned twice: \(held.doubles.prefix(5))")
        #expect(held.stillHeld == 0)
        #expect(counts.map(\.assigned).reduce(0, +) + counts.map(\.busy).reduce(0, +) == 2 * tasksPerDevice * cyclesPerTask)
        #expect(counts.map(\.assigned).reduce(0, +) > 0)
        for (device, peak) in held.peak { #expect(peak <= 16, "\(device) peak \(peak)") }
        #expect(kernel.leakReport.isEmpty, "\(kernel.leakReport.prefix(5))")
        let session = DriverSession(kernel: kernel)
        #expect(try session.freeContexts("hfi1_0") == 16)
        #expect(try session.freeContexts("qib0") == 16)
        #expect(kernel.withState { $0.devices.values.allSatisfy { $0.userContexts.isEmpty } })
    }

    /// Seventeen tasks race for the 16 contexts of hfi1_0 (ioctl) or qib0 port 1 (write) and
    /// hold what they get: exactly sixteen win, with distinct contexts, and one gets EBUSY.
    @Test(arguments: ["hfi1_0", "qib0"])
    func seventeenConcurrentHoldersOneIsBusy(device: String) async throws {
        let kernel = EmulatedKernel(devices: .default, profile: .proposed, credentials: driverRoot)
        let qib = device == "qib0"
        let results = await withTaskGroup(of: Result<KernelHandle, KernelError>.self) { group in
            for _ in 0..<17 {
                group.addTask { Result { () throws(KernelError) in try holdContext(kernel, qib: qib) } }
            }
            return await group.reduce(into: [Result<KernelHandle, KernelError>]()) { $0.append($1) }
        }
        let winners = results.compactMap { try? $0.get() }
        let errnos = results.compactMap { result -> Errno? in
            if case .failure(let error) = result { return error.errno }
            return nil
        }
        #expect(winners.count == 16)
        #expect(errnos == [.EBUSY])
        let session = DriverSession(kernel: kernel)
        #expect(try session.freeContexts(device) == 0)
        let contexts = try winners.map { qib ? try session.qibContext($0) : try session.hfi1Context($0) }
        #expect(Set(contexts).count == 16)
        for handle in winners { kernel.close(handle) }
        session.finish()
        #expect(try session.freeContexts(device) == 16)
        #expect(kernel.leakReport.isEmpty, "\(kernel.leakReport)")
    }
}
