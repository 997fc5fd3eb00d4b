import Dispatch
import Testing
@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator

// Issue 10, faults in the middle of work: a device is unplugged while 100 negotiations with
// handshakes run against it, under every profile. What each caller may see comes from the
// kernel (ABI-FACTS §8): `proposed` disassociates (uverbs_main.c: EIO for every later access);
// `mainline`/`legacy` delete the node first (ENOENT for a new open), answer a racing open
// ENXIO, and keep open files working until the last close completes the removal (rdmavt has
// no disassociate_ucontext; hfi1 `wait_for_clients`). Contexts are taken by ASSIGN_CTXT and
// given back on close, so EBUSY (16 contexts, 100 callers) is a designed answer too.

private let root = Credentials(uid: 0, gid: 0)

/// Every errno a negotiation's attempts or its handshake may see while the device goes away:
/// the removal's (EIO, ENXIO, ENOENT, ENODEV), a full device's EBUSY, and the negotiation's own
/// designed answers (ENOTTY: no driver-ops ioctl or a write-era GET_VERS; EOPNOTSUPP: not
/// offered — Docs/ABI.md's errno contract).
private let documented: Set<Errno> = [.EIO, .ENXIO, .ENOENT, .ENODEV, .EBUSY, .EAGAIN, .ENOTTY, .EOPNOTSUPP]

private final class Outcomes: Sendable {
    let seen = Locked<[String: Int]>([:])
    let undocumented = Locked<[String]>([])
    func add(_ key: String) { seen.withLock { $0[key, default: 0] += 1 } }
}

@Suite("removal under load", .serialized)
struct RemovalUnderLoadTests {
    @Test("unplug amid 100 negotiations with handshakes holding their grants: documented errnos, nothing held, one remove event",
          arguments: Profile.allCases, ["hfi1_0", "qib0"])
    func unplugDuringNegotiations(profile: Profile, device: String) async throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: root)
        let discovered = try Discovery(kernel: k).run(source: .sysfs, detail: .negotiation)
        let request = try FacetRequest(parsing: device == "hfi1_0" ? "psm2.intel.com" : "psm.intel.com")
        let events = try k.events()
        let outcomes = Outcomes()
        let clock = ContinuousClock()
        let start = clock.now

        @Sendable func note(_ what: String, _ errnos: [Errno]) {
            for e in errnos where !documented.contains(e) { outcomes.undocumented.withLock { $0.append("\(what): \(e.name)") } }
        }
        /// One negotiation with its handshake; the grant, when there is one, is the caller's.
        @Sendable func negotiate(_ phase: String) -> OpenedFacet? {
            let result = Negotiator(kernel: k).run(NegotiationChain(request: request), devices: discovered.devices,
                                                   madClassABI: discovered.madClassABI, scope: .init(device: device))
            guard let opened = result.opened else {
                let errnos = result.attempts.compactMap(\.errno)
                note("\(phase) negotiation", errnos)
                outcomes.add("\(phase): refused-\(errnos.last?.name ?? "none")")
                return nil
            }
            let report = Handshake.run(opened, port: nil)
            note("\(phase) handshake", report?.errno.map { [$0] } ?? [])
            outcomes.add("\(phase): " + (report.map { $0.succeeded ? "handshake" : "handshake-\($0.errno?.name ?? "?")" } ?? "granted"))
            return opened
        }

        // Phase 1: 100 callers negotiate and handshake (16 contexts: most get EBUSY, by design)
        // and keep their grants open.
        let held = Locked<[OpenedFacet]>([])
        DispatchQueue.concurrentPerform(iterations: 100) { _ in
            if let opened = negotiate("before") { held.withLock { $0.append(opened) } }
        }
        let grants = held.withLock { $0 }
        // Phase 2: the device is removed in the middle of the callers' further work — each
        // holder runs the handshake again on its open handle and lets it go, and 50 newcomers
        // negotiate from scratch — so the removal meets open handles, assigned contexts and
        // opens in flight.
        enum Step: Sendable { case unplug, holder(Int), newcomer }
        // Holders and newcomers interleaved (one newcomer in three), the unplug in the middle.
        var plan: [Step] = []
        var (holders, newcomers) = (0, 0)
        while holders < grants.count || newcomers < 50 {
            if newcomers < 50 && (plan.count % 3 == 2 || holders == grants.count) { plan.append(.newcomer); newcomers += 1 }
            else { plan.append(.holder(holders)); holders += 1 }
        }
        plan.insert(.unplug, at: plan.count / 2)
        let steps = plan
        DispatchQueue.concurrentPerform(iterations: steps.count) { i in
            switch steps[i] {
            case .unplug:
                do { _ = try k.unplug(device) } catch { outcomes.undocumented.withLock { $0.append("unplug: \(error)") } }
            case .holder(let n):
                let again = Handshake.run(grants[n], port: nil)
                // A second ASSIGN_CTXT on a file that has a context is EINVAL (hfi1 file_ops.c
                // `assign_ctxt`, qib `qib_assign_ctxt`): designed, not a removal effect.
                note("holder", again?.errno.map { [$0] }?.filter { $0 != .EINVAL } ?? [])
                outcomes.add("holder: " + (again.map { $0.succeeded ? "handshake" : "handshake-\($0.errno?.name ?? "?")" } ?? "granted"))
                grants[n].release()
            case .newcomer:
                negotiate("during")?.release()
            }
        }
        held.withLock { $0.removeAll() }

        // Nothing hangs: every caller returned, and with every handle closed a pending removal
        // (mainline, legacy) has completed.
        #expect(clock.now - start < timeBound(.seconds(30)))
        let seen = outcomes.seen.withLock { $0 }
        #expect(seen.filter { $0.key.hasPrefix("before") }.values.reduce(0, +) == 100, "\(seen)")
        #expect(seen.filter { $0.key.hasPrefix("during") }.values.reduce(0, +) == 50, "\(seen)")
        #expect(outcomes.undocumented.withLock { $0 } == [], "\(seen)")
        #expect(k.presence(of: device) == .unplugged, "\(seen)")
        #expect(k.leakReport.filter { $0.hasPrefix("handle") } == [], "\(seen)")
        // The other device lost nothing.
        let other = device == "hfi1_0" ? "qib0" : "hfi1_0"
        #expect(try k.readAttribute("/sys/class/infiniband/\(other)/nfreectxts") == Array("16\n".utf8))

        // `monitor` (DeviceEventFolder over the same uevents) reports the removal once. The
        // replug's add event marks the end of what the removal sent.
        _ = try k.replug(device)
        var folder = DeviceEventFolder(settle: .zero)
        var iterator = events.makeAsyncIterator()
        var reported: [DeviceEvent] = []
        while let event = await iterator.next() {
            folder.receive(event, at: clock.now)
            if event.subsystem == "infiniband", event.action == .add { break }
        }
        reported = folder.flush()
        #expect(reported.filter { $0.kind == .remove }.map(\.device) == [device], "\(reported.map(\.line))")
        // Replugged, the device has every context free: none was stranded by the removal.
        #expect(try k.readAttribute("/sys/class/infiniband/\(device)/nfreectxts") == Array("16\n".utf8))
    }
}
