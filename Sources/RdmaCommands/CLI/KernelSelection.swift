import RdmaEmulator
import RdmaKit

/// Which kernel a command talks to, decided from flags and environment (DESIGN §6): flags
/// override RDMACTL_ROOT / RDMACTL_EMULATE / RDMACTL_PROFILE; contradictions exit 64.
struct KernelSelection: Equatable {
    enum Target: Equatable {
        case live
        case root(String)
        case emulated(DeviceSet, Profile, Credentials?)
    }
    var target: Target
    var source: DiscoverySource
    /// `--emulated-hotplug` / RDMACTL_EMULATE_HOTPLUG, validated against the device set.
    var hotplug: HotplugSchedule? = nil

    static func resolve(_ g: GlobalSettings, environment env: [String: String]) throws(RdmaError) -> KernelSelection {
        let flagEmulate = g.emulated || g.emulatedSet != nil
        if flagEmulate && g.root != nil {
            throw .usage("--root and --emulated contradict each other", hint: "choose one: a tree on disk or the emulated kernel")
        }
        // Flags win over the environment; an env var is only consulted when no flag chose.
        var rootPath = g.root
        var emulateSpec: String? = g.emulatedSet ?? (g.emulated ? "1" : nil)
        if rootPath == nil && emulateSpec == nil {
            let envRoot = env["RDMACTL_ROOT"].flatMap { $0.isEmpty ? nil : $0 }
            let envEmulate = env["RDMACTL_EMULATE"].flatMap { $0.isEmpty || $0 == "0" ? nil : $0 }
            if envRoot != nil && envEmulate != nil {
                throw .usage("RDMACTL_ROOT and RDMACTL_EMULATE are both set", hint: "unset one, or choose with --root / --emulated")
            }
            rootPath = envRoot
            emulateSpec = envEmulate
        }
        if g.profile != nil && emulateSpec == nil {
            throw .usage("--profile needs the emulated kernel", hint: "add --emulated")
        }
        if g.emulatedUser != nil && emulateSpec == nil {
            throw .usage("--emulated-user needs the emulated kernel", hint: "add --emulated")
        }
        if g.emulatedHotplug != nil && emulateSpec == nil {
            throw .usage("--emulated-hotplug needs the emulated kernel", hint: "add --emulated")
        }
        let source = g.source ?? .auto

        if let spec = emulateSpec {
            let set: DeviceSet
            do { set = try spec == "1" ? DeviceSet.default : DeviceSet.parse(spec) } catch {
                throw .usage("bad emulated device set \"\(spec)\": \(error)",
                             hint: "SET := all | none | ITEM[,ITEM], ITEM := hfi1[:N] | qib[:N]")
            }
            let profileName = g.profile ?? env["RDMACTL_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? Profile.proposed.rawValue
            guard let profile = Profile(rawValue: profileName) else {
                throw .usage("unknown profile \"\(profileName)\"", hint: "profiles: proposed, mainline, legacy")
            }
            let user = try g.emulatedUser.map { (s) throws(RdmaError) -> Credentials in try parseUser(s) }
            if source == .udev {
                // The emulator serves its own tree; it has no udev.
                throw .usage("--source \(source.rawValue) is not available with the emulated kernel (--emulated or RDMACTL_EMULATE)",
                             hint: "omit --source, or use --source netlink")
            }
            let hotplug = try parseHotplug(g.emulatedHotplug ?? env["RDMACTL_EMULATE_HOTPLUG"].flatMap { $0.isEmpty ? nil : $0 },
                                           flag: g.emulatedHotplug != nil, set: set)
            // Its nldev answers the device dump, so the netlink source runs against it as is.
            return KernelSelection(target: .emulated(set, profile, user), source: source == .netlink ? .netlink : .emulated,
                                   hotplug: hotplug)
        }
        if let rootPath {
            if source == .udev || source == .netlink {
                throw .usage("--source \(source.rawValue) reads the live system; it cannot read the tree \(rootPath) (--root or RDMACTL_ROOT)",
                             hint: "omit --source, or use --source sysfs")
            }
            return KernelSelection(target: .root(rootPath), source: .sysfs)
        }
        return KernelSelection(target: .live, source: source)
    }

    /// A hotplug schedule (RdmaEmulator HotplugSchedule), checked against the device set: 64
    /// when it does not parse or names a device the set lacks.
    static func parseHotplug(_ text: String?, flag: Bool, set: DeviceSet) throws(RdmaError) -> HotplugSchedule? {
        guard let text else { return nil }
        let origin = flag ? "--emulated-hotplug" : "RDMACTL_EMULATE_HOTPLUG"
        do {
            let schedule = try HotplugSchedule.parse(text)
            try schedule.validate(against: set)
            return schedule
        } catch {
            throw .usage("bad \(origin) \"\(terminalSafe(text))\": \(error)",
                         hint: "e.g. --emulated-hotplug 'unplug hfi1_0@0.2s,replug hfi1_0@0.5s' (see Docs/simulation-and-snapshots.md)")
        }
    }

    static func parseUser(_ text: String) throws(RdmaError) -> Credentials {
        // Decimal digits only, below (uid_t)-1, which the kernel reserves as "no id" (setreuid).
        func id(_ s: Substring) -> UInt32? {
            guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt32(s), v != UInt32.max else { return nil }
            return v
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let uid = id(parts[0]),
              let gid = parts.count == 2 ? id(parts[1]) : uid else {
            throw .usage("bad --emulated-user \"\(terminalSafe(text))\"",
                         hint: "use UID or UID:GID in decimal, below 4294967295, e.g. 1000:1000")
        }
        return Credentials(uid: uid, gid: gid)
    }

    /// Opens the kernel. Emulated credentials default to the caller's own. A one-shot command
    /// does not wait, so of a hotplug schedule it sees only the steps at time 0, applied here;
    /// `monitor` plays the whole schedule itself (`playHotplugAtOpen: false`).
    func open(_ context: CommandContext, playHotplugAtOpen: Bool = true) throws(RdmaError) -> any Kernel {
        switch target {
        case .live: return try context.liveKernel()
        case .root(let path): return try context.rootedKernel(path)
        case .emulated(let set, let profile, let user):
            let kernel = EmulatedKernel(devices: set, profile: profile, credentials: user ?? context.credentials)
            if playHotplugAtOpen, let hotplug {
                for step in hotplug.steps where step.at == .zero { try? kernel.apply(step) }
            }
            return kernel
        }
    }

    /// What the banner and JSON `source` say.
    var sourceName: String { source.rawValue }
}
