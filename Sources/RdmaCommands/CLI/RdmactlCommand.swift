import ArgumentParser
import RdmaKit

/// The root command. Subcommands live one per file under Commands/.
public struct RdmactlCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "rdmactl",
        abstract: "Discover Linux RDMA devices and negotiate driver ABIs.",
        discussion: """
        Reads the live system (netlink, libudev, sysfs), a captured or simulated tree (--root DIR), \
        or a built-in emulated kernel with hfi1 and qib devices (--emulated). Global options may be \
        given before or after the command. Exit statuses: see EXIT STATUS in rdmactl(1).

        Environment: RDMACTL_ROOT (like --root), RDMACTL_EMULATE=1|SET (like --emulated or \
        --emulated-set), RDMACTL_PROFILE (like --profile), RDMACTL_EMULATE_HOTPLUG (like \
        --emulated-hotplug); flags override the environment.
        """,
        version: version,
        subcommands: [ListCommand.self, ShowCommand.self, FacetsCommand.self, OpenOpsCommand.self, SnapshotCommand.self,
                      DoctorCommand.self, MonitorCommand.self, GatherCommand.self, FleetCommand.self])

    public init() {}

    /// Names the argument normaliser recognises as commands (built once: the runner asks for
    /// every argument).
    static let commandNames: Set<String> = Set(configuration.subcommands.map { $0._commandName })

    /// The root's help text, rendered once per process (the same text every time it is asked).
    static let rootHelp: String = helpMessage()
}

/// A subcommand rdmactl runs itself, so errors, JSON and exit codes are handled in one place.
protocol RdmactlRunnable {
    var globals: GlobalOptions { get }
    static var name: String { get }
    func execute(_ run: inout CommandRun) throws(RdmaError)
}
