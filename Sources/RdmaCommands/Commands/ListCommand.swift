import ArgumentParser
import RdmaKit

/// `rdmactl list`: one row per device (DESIGN §6).
struct ListCommand: ParsableCommand, RdmactlRunnable {
    static let name = "list"
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List RDMA devices: name, driver, node type, GUID, port states, uverbs node.",
        discussion: """
        The table reads only what its columns need; --json reads the full record of each device. \
        A uverbs node that is missing from /dev, is not a character device, has another major:minor \
        than sysfs says, or cannot be opened by the caller is a warning with a hint (NODE_MISSING, \
        NODE_NOT_CHAR, NODE_MISMATCH, NODE_NOT_OPENABLE); --strict makes any warning exit 65. \
        'rdmactl doctor' explains every cause of "No IB devices found".
        """)

    @OptionGroup var globals: GlobalOptions

    func execute(_ run: inout CommandRun) throws(RdmaError) { try Self.run(&run) }

    /// The command itself, on the run's settings: `FastPath` calls it without building the
    /// ArgumentParser command.
    static func run(_ run: inout CommandRun) throws(RdmaError) {
        let kernel = try run.openKernel()
        let detail: DiscoveryDetail = run.globals.json ? .record : .summary
        let result = try Discovery(kernel: kernel).run(source: run.selection!.source, detail: detail)
        run.keptUntilExit.append(result)
        run.warnings += result.warnings
        run.sourceName = result.source.rawValue
        if run.globals.json {
            // Only what is printed is built: the text table never needs the JSON tree.
            // Each record is written as bytes on the kernel's threads, with no tree between
            // (JSONFragment, JSONMembers): building, writing and freeing the trees on one thread
            // was 42 % of the instructions at 1,024 devices.
            var data = JSONObjectBuilder()
            data.add("devices", .array(kernel.concurrentMap(result.devices) { JSONValue.written($0.jsonFragment) }))
            data.add("uverbs_class_abi", result.uverbsClassABI)
            data.add("umad_class_abi", result.madClassABI)
            run.data = data.value
        }
        guard !result.devices.isEmpty else {
            throw RdmaError("NO_DEVICES", exit: .unavailable,
                            "no RDMA devices: /sys/class/infiniband is empty" + (result.warnings.isEmpty ? "" : " or every entry is broken"),
                            hint: run.kernelName == "emulated"
                                ? "the emulated device set is empty: try --emulated-set hfi1,qib"
                                : "load a device driver (hfi1, ib_qib, mlx5_ib, rdma_rxe), or try --emulated")
        }
        // …and the JSON envelope never needs the table (21 M instructions at 1,024 devices).
        if !run.globals.json { run.text = DeviceTable.render(result.devices, kernel: kernel, heading: run.banner) }
    }
}
