import ArgumentParser
import RdmaKit

/// `rdmactl open-ops NAME[@VER]`: negotiate a facet (DESIGN §4, §6). A probe: everything it
/// opens is closed before it exits, and no descriptor number is printed.
struct OpenOpsCommand: ParsableCommand, RdmactlRunnable {
    static let name = "open-ops"
    static let configuration = CommandConfiguration(
        commandName: "open-ops",
        abstract: "Negotiate a driver-ops facet by name and ABI version, with an explained fallback chain.",
        discussion: """
        Tries the request, then the catalogue's older majors, then cross-name fallbacks \
        (psm2.intel.com → psm.intel.com@1), then --fallback entries, over the transports each \
        facet has: the driver-ops ioctl, netlink GET_CHARDEV, the legacy or sysfs-named node. \
        Exit 0 on a grant; without one 77 (offered, not openable) > 76 (offered, no compatible \
        major) > 75 (busy) > 69 (nothing offers it). --handshake runs the driver's first real \
        exchange on the grant (it takes a hardware context for a moment) and exits 75 or 71 if it fails.
        """)

    @Argument(help: ArgumentHelp("The facet: NAME, NAME@MAJOR or NAME@MAJOR.MINOR (lowest minor).",
                                 valueName: "name[@ver]"))
    var facet: String

    @Option(help: ArgumentHelp("Only this device (and port, for umad and issm; qib's port for --handshake).",
                               valueName: "dev[/port]"))
    var device: String?

    @Option(help: ArgumentHelp("Append a candidate to the chain (repeatable).", valueName: "name[@ver]"))
    var fallback: [String] = []

    @Flag(help: "Try the request alone: no older majors, no cross-name fallbacks.")
    var noFallback = false

    @Flag(help: "Print the chain and every attempt, with reasons.")
    var explain = false

    @Flag(help: "Run the granted interface's first real exchange (context, unit, port, sw_version), then release it.")
    var handshake = false

    @Flag(help: "Plan only: print the chain and what would be tried; open nothing (implied by --root).")
    var dryRun = false

    @OptionGroup var globals: GlobalOptions

    func execute(_ run: inout CommandRun) throws(RdmaError) {
        // Everything the user typed is checked before any syscall (exit 64).
        let request = try FacetRequest(parsing: facet)
        let extra = try fallback.map { (text) throws(RdmaError) in try FacetRequest(parsing: text) }
        if noFallback && !extra.isEmpty {
            throw .usage("--no-fallback and --fallback contradict each other", hint: "drop one of them")
        }
        let target = try device.map { (text) throws(RdmaError) in try DeviceTarget(parsing: text) }
        let chain = NegotiationChain(request: request, fallbacks: extra, noFallback: noFallback)

        let kernel = try run.openKernel()
        let plansOnly = dryRun || run.kernelName == "root"
        let found = try Discovery(kernel: kernel).run(source: run.selection!.source, detail: .negotiation, only: target?.device)
        run.warnings += found.warnings
        run.sourceName = found.source.rawValue
        if let target { _ = try target.find(in: found.devices) }

        let result = Negotiator(kernel: kernel).run(
            chain, devices: found.devices, madClassABI: found.madClassABI,
            scope: Negotiator.Scope(device: target?.device, port: target?.port, dryRun: plansOnly))
        var report: HandshakeReport?
        if handshake, let opened = result.opened {
            report = Handshake.run(opened, port: target?.port)
        }
        result.opened?.release()

        let outcome = report.flatMap(NegotiationOutcome.afterHandshake) ?? result.outcome
        run.data = result.json(handshake: report, handshakeRequested: handshake,
                               released: result.opened?.isReleased ?? false, outcome: outcome)
        run.text = run.banner + "\n" + NegotiationView.render(result, handshake: report, handshakeRequested: handshake,
                                                               explain: explain || plansOnly, dryRun: plansOnly)
        if let grant = result.grant, grant.fallback {
            run.notes.append("granted \(grant.facet) \(grant.versionText), a fallback: not \(request.name) "
                             + "(a program built for \(request.name) cannot use it; pass --no-fallback to refuse fallbacks)")
        }
        if let error = outcome.error { throw error }
    }
}
