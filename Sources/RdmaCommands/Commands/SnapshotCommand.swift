import ArgumentParser
import RdmaKit

/// `rdmactl snapshot OUT|-`: capture the RDMA part of sysfs and /dev metadata (DESIGN §6).
struct SnapshotCommand: ParsableCommand, RdmactlRunnable {
    static let name = "snapshot"
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Capture the RDMA part of sysfs and /dev metadata into a directory or a tar stream.",
        discussion: """
        OUT is a new or empty directory, or - for a tar stream on stdout. The capture is an \
        allow-list: class entries, device and port attributes, the first \(SnapshotWalker.tableBound) \
        GID and P_Key entries, the PCI parent's ids, modalias, NUMA node and driver link; device nodes \
        go into \(SnapshotManifest.fileName) (type, major:minor, mode, numeric owner) with empty \
        placeholders under dev/. With --emulated it exports the emulated tree. Read it back with \
        --root OUT.
        """)

    @Argument(help: ArgumentHelp("Output directory, or - for a tar stream on stdout.", valueName: "out"))
    var output: String

    @Flag(name: .long, help: "Replace an earlier snapshot in OUT.")
    var force = false

    @OptionGroup var globals: GlobalOptions

    func execute(_ run: inout CommandRun) throws(RdmaError) {
        if output == "-" && globals.json {
            throw .usage("snapshot - writes a tar stream on stdout; it cannot also print JSON",
                         hint: "write to a directory to get the JSON summary")
        }
        if output == "-" && run.context.stdoutIsTerminal {
            throw .usage("snapshot - writes a binary tar stream; stdout is a terminal",
                         hint: "redirect it: rdmactl snapshot - > tree.tar")
        }
        if let source = globals.source, source != .auto, source != .sysfs {
            throw .usage("snapshot copies sysfs itself; --source \(source.rawValue) does not apply",
                         hint: "omit --source")
        }
        let kernel = try run.openKernel()
        // A kernel without the RDMA core has nothing to capture: say so, as `list` does.
        do { _ = try kernel.listDirectory("/sys/class/infiniband") } catch {
            if error.errno == .ENOENT { throw Discovery.noSupport(error) }
        }
        // The snapshot walks sysfs itself, whatever --source says.
        if case .emulated = run.selection!.target { run.sourceName = "emulated" } else { run.sourceName = "sysfs" }
        let from: String
        switch run.selection!.target {
        case .live: from = "live"
        case .root(let path): from = "root:" + path
        case .emulated(_, let profile, _): from = "emulated:" + profile.rawValue
        }
        var walker = SnapshotWalker(kernel: kernel)
        let manifest: SnapshotManifest
        do {
            if output == "-" {
                var bytes: [UInt8] = []
                let tar = TarWriter { bytes.append(contentsOf: $0) }
                manifest = try walker.capture(into: tar, capturedFrom: from, version: RdmactlCommand.version)
                run.rawStdout = bytes
            } else {
                let sink = try run.context.snapshotDirectory(output, force)
                manifest = try walker.capture(into: sink, capturedFrom: from, version: RdmactlCommand.version)
            }
        } catch {
            run.warnings += walker.warnings
            throw error
        }
        run.warnings += walker.warnings
        run.data = .object([
            ("output", .string(output)),
            ("captured_from", .string(from)),
            ("files", .int(Int64(manifest.files))),
            ("links", .int(Int64(manifest.links))),
            ("nodes", .int(Int64(manifest.nodes.count))),
        ])
        run.text = "\(run.banner)\ncaptured \(manifest.files) files, \(manifest.links) links and \(manifest.nodes.count) device nodes into \(terminalSafe(output))\n"
    }
}
