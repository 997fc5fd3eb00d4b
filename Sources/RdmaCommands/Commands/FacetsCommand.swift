import ArgumentParser
import RdmaKit

/// `rdmactl facets [DEV]`: the facets each device offers, with versions and transports — the
/// static inventory (DESIGN §3); `--probe` confirms each by negotiating it exactly (never issm,
/// whose open sets the port's IsSM bit).
struct FacetsCommand: ParsableCommand, RdmactlRunnable {
    static let name = "facets"
    static let configuration = CommandConfiguration(
        commandName: "facets",
        abstract: "List the facets each device offers, with versions and transports.",
        discussion: "Without --probe nothing is opened: the inventory comes from sysfs, the char devices and the catalogue. --probe negotiates each facet's own versions, newest first (never issm), and closes what it opened.")

    @Argument(help: ArgumentHelp("Only this device.", valueName: "dev"))
    var device: String?

    @Flag(help: "Confirm each facet by negotiating its own versions, newest first (opens and closes nodes; never issm).")
    var probe = false

    @OptionGroup var globals: GlobalOptions

    func execute(_ run: inout CommandRun) throws(RdmaError) {
        let target = try device.map { (text) throws(RdmaError) in try DeviceTarget(parsing: text) }
        let kernel = try run.openKernel()
        let found = try Discovery(kernel: kernel).run(source: run.selection!.source, detail: .negotiation, only: target?.device)
        run.warnings += found.warnings
        run.sourceName = found.source.rawValue
        if let target { _ = try target.find(in: found.devices) }
        guard !found.devices.isEmpty else {
            throw RdmaError("NO_DEVICES", exit: .unavailable, "no RDMA devices", hint: "try --emulated")
        }
        let canProbe = probe && run.kernelName != "root"
        var rows: [JSONValue] = []
        var table = TextTable(headers: ["DEVICE", "FACET", "VERSIONS", "TRANSPORTS", "NODES"] + (canProbe ? ["PROBE"] : []))
        for d in found.devices {
            for offer in FacetCatalogue.standard.inventory(of: d) {
                var probed: NegotiationResult?
                if canProbe && offer.name.rawValue != "issm" {
                    // The name's own catalogued majors, newest first: the grant says which one
                    // this kernel offers (6.3 under proposed/mainline, 5 under legacy).
                    let chain = NegotiationChain(request: FacetRequest(name: offer.name), crossName: false)
                    probed = Negotiator(kernel: kernel).run(chain, devices: [d], madClassABI: found.madClassABI,
                                                            scope: Negotiator.Scope(device: d.name.value, port: offer.port))
                    probed?.opened?.release()
                }
                var o = JSONObjectBuilder()
                o.add("device", d.name.value)
                o.add("facet", offer.name.rawValue)
                o.add("port", offer.port)
                o.add("versions", .array(offer.versions.map { v in
                    var version = JSONObjectBuilder()
                    version.add("major", v.major)
                    version.add("minor", v.minor)
                    return version.value
                }))
                o.add("versions_from", offer.versionsFrom)
                o.add("transports", .array(offer.transports.map { .string($0.rawValue) }))
                o.add("nodes", .array(offer.nodes.map(JSONValue.string)))
                if let probed {
                    var p = JSONObjectBuilder()
                    p.add("granted", probed.grant != nil)
                    p.add("version", probed.grant.map { g in g.minor.map { "\(g.major).\($0)" } ?? "\(g.major)" })
                    p.add("transport", probed.grant?.transport.rawValue)
                    p.add("exit_code", Int(probed.outcome.exitCode.rawValue))
                    p.add("code", probed.outcome.code)
                    o.add("probe", p.value)
                }
                rows.append(o.value)
                let name = offer.name.rawValue + (offer.port.map { " (port \($0))" } ?? "")
                var cells = [d.name.value, name, offer.versions.isEmpty ? "?" : "\(offer.versionsText) (\(offer.versionsFrom))",
                             offer.transports.map(\.rawValue).joined(separator: " → "),
                             offer.nodes.isEmpty ? "-" : offer.nodes.joined(separator: " ")]
                if canProbe {
                    if offer.name.rawValue == "issm" { cells.append("not probed (opening issm sets IsSM)") }
                    else if let g = probed?.grant { cells.append("ok \(g.versionText) via \(g.transport.rawValue)") }
                    else { cells.append("refused: \(probed?.outcome.code ?? "-")") }
                }
                table.append(cells)
            }
        }
        var data = JSONObjectBuilder()
        data.add("facets", .array(rows))
        data.add("probed", canProbe)
        run.data = data.value
        run.text = table.render(heading: run.banner)
    }
}
