import ArgumentParser
import RdmaKit

/// Options every command accepts, before or after the command name (DESIGN §6).
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Where the device list comes from: auto, netlink, udev or sysfs.",
                                            valueName: "source"))
    var source: DiscoverySource?

    @Option(name: .long, help: ArgumentHelp("Read a captured or simulated tree: DIR/sys + DIR/dev, or a SYSFS_PATH-style DIR/class. Env: RDMACTL_ROOT.",
                                            valueName: "dir"))
    var root: String?

    @Flag(name: .long, help: "Use the built-in emulated kernel (hfi1_0 and qib0). Env: RDMACTL_EMULATE=1|SET.")
    var emulated = false

    @Option(name: .long, help: ArgumentHelp("Emulated devices: all, none, or ITEM[,ITEM] with ITEM = hfi1[:N] | qib[:N]. Implies --emulated.",
                                            valueName: "set"))
    var emulatedSet: String?

    @Option(name: .long, help: ArgumentHelp("Emulated kernel profile: proposed, mainline or legacy. Env: RDMACTL_PROFILE.",
                                            valueName: "profile"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("Scripted hot-unplug, replug and rename of emulated devices: STEP[,STEP], STEP = unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME], e.g. 'unplug hfi1_0@0.2s,replug hfi1_0@0.5s' (times from monitor's ready event; other commands apply only steps at time 0). Needs the emulated kernel. Env: RDMACTL_EMULATE_HOTPLUG.",
                                            valueName: "schedule"))
    var emulatedHotplug: String?

    @Option(name: .long, help: ArgumentHelp("Credentials the emulated kernel checks node modes against.",
                                            valueName: "uid[:gid]"))
    var emulatedUser: String?

    @Flag(name: [.customShort("j"), .long], help: "Print one JSON document (schema rdmactl/1) on stdout.")
    var json = false

    @Flag(name: [.customShort("p"), .long], help: "Indent JSON output.")
    var pretty = false

    @Flag(name: .long, help: "Treat any warning (a broken sysfs entry) as an error: exit 65.")
    var strict = false

    public init() {}

    /// The parsed values, as plain data for the run (and for `FastPath`, which fills them
    /// without ArgumentParser).
    var settings: GlobalSettings {
        GlobalSettings(source: source, root: root, emulated: emulated, emulatedSet: emulatedSet, profile: profile,
                       emulatedHotplug: emulatedHotplug, emulatedUser: emulatedUser, json: json, pretty: pretty,
                       strict: strict)
    }

    /// The options that take a value, and the flags, as they may appear before the command name.
    static let valueOptions: Set<String> = ["--source", "--root", "--emulated-set", "--profile", "--emulated-user",
                                            "--emulated-hotplug"]
    static let flagOptions: Set<String> = ["--emulated", "-j", "--json", "-p", "--pretty", "--strict"]
}

/// The global options' values (DESIGN §6), independent of how they were parsed.
struct GlobalSettings: Sendable, Equatable {
    var source: DiscoverySource?
    var root: String?
    var emulated = false
    var emulatedSet: String?
    var profile: String?
    var emulatedHotplug: String?
    var emulatedUser: String?
    var json = false
    var pretty = false
    var strict = false

    /// The flags that choose a kernel, as typed (for commands that open none: gather, fleet).
    var kernelFlags: [String] {
        var f: [String] = []
        if source != nil { f.append("--source") }
        if root != nil { f.append("--root") }
        if emulated { f.append("--emulated") }
        if emulatedSet != nil { f.append("--emulated-set") }
        if profile != nil { f.append("--profile") }
        if emulatedHotplug != nil { f.append("--emulated-hotplug") }
        if emulatedUser != nil { f.append("--emulated-user") }
        return f
    }
}

extension DiscoverySource: ExpressibleByArgument {
    public static var allValueStrings: [String] { ["auto", "netlink", "udev", "sysfs"] }
}
