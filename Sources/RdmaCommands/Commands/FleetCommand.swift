import ArgumentParser
import RdmaKit
import RdmaLinux

/// `rdmactl fleet --via slurm|clush|pdsh [ENGINE OPTIONS] -- COMMAND…` (issue 11, Docs/fleet.md):
/// runs `rdmactl COMMAND --json` on many nodes through an engine the cluster already has, then
/// gathers the answers. rdmactl only builds the engine's command line (`Engine`) and runs it
/// here; `--dry-run` prints it. The engine's own failures are never hidden: its exit status and
/// messages are reported, and a node that failed to launch is listed as giving no answer.
struct FleetCommand: ParsableCommand, RdmactlRunnable {
    static let name = "fleet"
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Run an rdmactl command on many nodes through Slurm, ClusterShell or pdsh, and gather the answers.",
        discussion: """
        Builds and runs, on this machine: srun [OPTS] --ntasks-per-node=1 --immediate=S \
        --kill-on-bad-exit=0 --input=none --output=DIR/%N.json --error=DIR/%N.err RDMACTL COMMAND… \
        --json (DIR on a file system the nodes share; inside an allocation srun uses it); \
        clush [OPTS] --maxrc -- 'RDMACTL COMMAND… --json'; pdsh -S [OPTS] 'RDMACTL COMMAND… --json'. \
        rdmactl's own options come first; ENGINE OPTIONS start at the first option rdmactl does \
        not know and end at --. Then the answers are grouped as 'rdmactl gather' groups them; the \
        exit status is gather's, or 69 (ENGINE_FAILED) when the engine failed and no node's \
        answer explains it. See Docs/fleet.md.
        """)

    @Option(help: ArgumentHelp("The engine: slurm (srun), clush (ClusterShell) or pdsh.", valueName: "engine"))
    var via: Engine

    @Flag(help: "Print the engine's command line; run nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("The engine's executable (default: srun, clush or pdsh on PATH).", valueName: "path"))
    var engine: String?

    @Option(help: ArgumentHelp("rdmactl on the nodes (default: rdmactl on their PATH).", valueName: "path"))
    var rdmactl: String = "rdmactl"

    @Option(help: ArgumentHelp("slurm: where srun writes DIR/%N.json (default: a new directory under the current one, removed afterwards). The nodes must see it.",
                               valueName: "dir"))
    var outputDir: String?

    @Flag(help: "slurm: keep the output directory.")
    var keep = false

    @Option(help: ArgumentHelp("slurm: srun --immediate, seconds to wait for the nodes before giving up.", valueName: "seconds"))
    var immediate: Int = 10

    @OptionGroup var globals: GlobalOptions

    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("Engine options, then --, then the rdmactl command to run on the nodes.", valueName: "engine-options -- command"))
    var rest: [String] = []

    func execute(_ run: inout CommandRun) throws(RdmaError) {
        if let flag = globals.settings.kernelFlags.first {
            throw .usage("fleet opens no kernel here: \(flag) does not apply to it",
                         hint: "put it after --, for the nodes: rdmactl fleet --via slurm -N4 -- \(flag) … open-ops psm2.intel.com")
        }
        guard let dash = rest.firstIndex(of: "--") else {
            throw .usage("fleet needs -- before the rdmactl command", hint: "e.g. rdmactl fleet --via slurm -N4 -- open-ops psm2.intel.com")
        }
        var me = self
        let options = try me.liftOwnOptions(Array(rest[..<dash]))
        var command = Array(rest[(dash + 1)...])
        guard let first = command.first else {
            throw .usage("no rdmactl command after --", hint: "e.g. -- open-ops psm2.intel.com")
        }
        if first == "fleet" || first == "gather" || first == "monitor" || first == "snapshot" {
            throw .usage("fleet runs one-shot commands that print one envelope; not \(first)",
                         hint: "list, show, facets, open-ops or doctor")
        }
        if first == "rdmactl" || first.hasSuffix("/rdmactl") {
            throw .usage("the command after -- is rdmactl's (open-ops …), not a program", hint: "use --rdmactl PATH to name the binary on the nodes")
        }
        for o in options {
            let name = o.split(separator: "=", maxSplits: 1).first.map(String.init) ?? o
            if let why = via.refusedOptions[name] {
                throw .usage("\(via.program) \(name) is not allowed here: \(why)", hint: "drop \(name)")
            }
        }
        let (rdmactl, engine, outputDir, keep, immediate, dryRun) = (me.rdmactl, me.engine, me.outputDir, me.keep, me.immediate, me.dryRun)
        guard immediate >= 0 else { throw .usage("--immediate must be 0 or more seconds") }
        if !command.contains("--json") && !command.contains("-j") { command.append("--json") }
        let remote = [rdmactl] + command

        let dir = via == .slurm ? (outputDir ?? "./rdmactl-fleet.\(String(UInt32.random(in: 0...UInt32.max), radix: 36))") : nil
        let argv = via.argv(program: engine, options: options, remote: remote, outputDir: dir, immediate: immediate)
        var engineJSON = JSONObjectBuilder()
        engineJSON.add("via", via.rawValue)
        engineJSON.add("argv", .array(argv.map(JSONValue.string)))
        engineJSON.add("command_line", ShellQuote.join(argv))
        engineJSON.add("output_dir", dir)
        if dryRun {
            engineJSON.add("dry_run", true)
            run.data = .object([("engine", engineJSON.value)])
            run.text = ShellQuote.join(argv) + "\n"
            return
        }

        var expected = via.namedHosts(options)
        if expected == nil, via == .slurm, !via.choosesNodes(options),
           let list = run.context.environment["SLURM_JOB_NODELIST"], !list.isEmpty {
            expected = try? HostList.expand(list)
        }
        if let dir { try makeDirectory(dir) }
        defer { if let dir, outputDir == nil, !keep { try? HostFiles.removeTree(dir) } }

        let outcome = try run.context.runEngine(EngineInvocation(argv: argv))
        let status = outcome.status.map { "exit \($0)" } ?? "killed by signal \(outcome.signal ?? 0)"
        var input = GatherInput()
        if outcome.status != 0 { input.silentDefault = "no output (\(via.program) \(status))" }
        if let expected { input.expect(expected) }
        if let dir { try GatherSources.read(dir, context: run.context, into: &input) }
        input.addStream(outcome.stdout, name: via.program)
        input.addStream(outcome.stderr, name: via.program + " stderr", isStderr: true)
        let report = GatherReport(input)

        engineJSON.add("exit_status", outcome.status.map { JSONValue.int(Int64($0)) } ?? .null)
        engineJSON.add("signal", outcome.signal.map { JSONValue.int(Int64($0)) } ?? .null)
        let header = "\(ShellQuote.join(argv))\n\(via.program): \(status)\n\n"
        let failed = outcome.status != 0
        // The engine failed and no node's answer accounts for it: that is the answer.
        if failed && (report.exitCode == 0 || report.hostCount == 0) {
            // The engine's own error line says most ("srun: error: Unable to allocate resources: …").
            let telling = report.engineMessages.first { $0.contains("error") || $0.contains("fatal") } ?? report.engineMessages.first
            let said = telling.map { ": " + $0 } ?? ""
            do {
                try GatherCommand.finish(report, into: &run, extra: [("engine", engineJSON.value)], textPrefix: header)
            } catch {}
            throw RdmaError("ENGINE_FAILED", exit: .unavailable,
                            "\(via.program) \(status)\(report.hostCount == 0 ? " and no node answered" : " though every node that answered succeeded")\(said)",
                            hint: (via == .slurm && report.hostCount == 0
                                   ? "srun's nodes write DIR/%N.json themselves: DIR must be on a file system they share (--output-dir); " : "")
                                + "run the command line above by hand (rdmactl fleet --dry-run prints it) to see the engine's whole output")
        }
        try GatherCommand.finish(report, into: &run, extra: [("engine", engineJSON.value)], textPrefix: header)
    }

    /// rdmactl's own long options written among the engine's (`-N4 --dry-run`) are still
    /// rdmactl's: none of them is an option of srun, clush or pdsh that fleet would pass on
    /// (srun's `--immediate` is the one fleet sets itself). Short options stay the engine's
    /// (`srun -p` is a partition, not --pretty).
    mutating func liftOwnOptions(_ options: [String]) throws(RdmaError) -> [String] {
        var kept: [String] = []
        var i = 0
        while i < options.count {
            let o = options[i]
            let name = o.split(separator: "=", maxSplits: 1).first.map(String.init) ?? o
            func value() throws(RdmaError) -> String {
                if o.contains("=") { return String(o.dropFirst(name.count + 1)) }
                guard i + 1 < options.count else { throw .usage("\(name) needs a value") }
                i += 1
                return options[i]
            }
            switch name {
            case "--dry-run": dryRun = true
            case "--keep": keep = true
            // Already seen by the pre-scan (Runner: --json anywhere before --).
            case "--json", "--pretty", "--strict": break
            case "--rdmactl": rdmactl = try value()
            case "--engine": engine = try value()
            case "--output-dir": outputDir = try value()
            case "--immediate":
                let v = try value()
                guard let n = Int(v) else { throw .usage("--immediate takes seconds, not \"\(terminalSafe(v))\"") }
                immediate = n
            default: kept.append(o)
            }
            i += 1
        }
        return kept
    }

    private func makeDirectory(_ dir: String) throws(RdmaError) {
        do { try HostFiles.makeDirectory(dir, intermediate: true) } catch {
            throw RdmaError("OUTPUT_DIR", exit: .cannotCreate, "cannot create \(terminalSafe(dir)) for srun's per-node files",
                            hint: "pass --output-dir DIR on a file system the nodes share and this user can write")
        }
    }
}

extension Engine: ExpressibleByArgument {}
