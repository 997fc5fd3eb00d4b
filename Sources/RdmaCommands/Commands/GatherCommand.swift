import ArgumentParser
import RdmaKit

/// `rdmactl gather [FILE|DIR|-]`: many hosts' envelopes in, one answer out (issue 11,
/// Docs/fleet.md): hosts grouped by identical verdict, largest group first, outliers named with
/// what differs, silent and bad hosts listed, host lists folded (`node[1-3,7]`).
struct GatherCommand: ParsableCommand, RdmactlRunnable {
    static let name = "gather"
    static let configuration = CommandConfiguration(
        commandName: "gather",
        abstract: "Group many hosts' rdmactl/1 envelopes by identical verdict.",
        discussion: """
        Reads a directory of per-node files (srun -o DIR/%N.json; DIR/%N.err is read as the \
        node's stderr), a file, or - (stdin, the default): NDJSON or concatenated envelopes, or \
        lines prefixed the way srun -l, clush and pdsh prefix them. Hosts whose envelopes agree \
        once host names, GUIDs, LIDs, PCI slots, free-context counts and prose are set aside are \
        one group; groups are listed largest first, the others with what differs from the \
        largest. Hosts that gave no answer (66) or bad output (65) are listed as such. Exit: the \
        worst outcome (1 > 64 > 77 > 76 > 65 > 66 > 71 > 73 > 75 > 69 > 0), with a count per \
        status. See Docs/fleet.md.
        """)

    @Argument(help: ArgumentHelp("A directory of per-node files, a file, or - for stdin.", valueName: "file|dir|-"))
    var input: String = "-"

    @Option(help: ArgumentHelp("Hosts that must answer, folded or not (node[1-4],login1): a missing one is listed as silent.",
                               valueName: "hostlist"))
    var expect: String?

    @OptionGroup var globals: GlobalOptions

    func execute(_ run: inout CommandRun) throws(RdmaError) {
        if let flag = globals.settings.kernelFlags.first {
            throw .usage("gather reads envelopes and opens no kernel: \(flag) does not apply",
                         hint: "give \(flag) to the rdmactl that runs on each node")
        }
        var collected = GatherInput()
        if let expect {
            do { collected.expect(try HostList.expand(expect)) } catch {
                throw .usage("\(error)", hint: "write hosts the way Slurm does: node[1-4,7],login1")
            }
        }
        try GatherSources.read(input, context: run.context, into: &collected)
        try Self.finish(GatherReport(collected), into: &run)
    }

    /// Shared with `fleet`: data, text, warnings and the error of a report.
    static func finish(_ report: GatherReport, into run: inout CommandRun, extra: [(String, JSONValue)] = [],
                       textPrefix: String = "") throws(RdmaError) {
        run.warnings += report.warnings.map { Diagnostic("DUPLICATE_HOST", path: nil, $0) }
        if extra.isEmpty { run.data = report.json } else { run.data = .object(extra + [("gather", report.json)]) }
        run.text = textPrefix + GatherView.render(report)
        guard report.hostCount > 0 else {
            throw RdmaError("NO_ENVELOPES", exit: .noSuchDevice, "no host answered and none was expected: the input holds no envelopes",
                            hint: "run rdmactl with --json on the nodes (rdmactl fleet does), or pass --expect HOSTLIST")
        }
        if let error = report.error { throw error }
    }
}
