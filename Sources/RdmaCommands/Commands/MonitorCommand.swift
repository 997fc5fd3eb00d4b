import ArgumentParser
import RdmaEmulator
import RdmaKit
import RdmaLinux

/// `rdmactl monitor`: one event per RDMA device add, remove or rename, as it happens (DESIGN
/// §6). A `ready` event first, once the subscription is live; then device events, each with
/// the char-device uevents of its device folded in (RdmaKit DeviceEventFolder). Text: one line
/// per event; --json: NDJSON, one `rdmactl/1` envelope per event, written as it happens.
struct MonitorCommand: ParsableCommand, RdmactlRunnable {
    static let name = "monitor"
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Print RDMA device add/remove/rename events as they happen.",
        discussion: """
        Listens to udev when udevd runs (/run/udev/control exists), else to the kernel's uevents \
        (NETLINK_KOBJECT_UEVENT), or to the emulated kernel with --emulated (script unplugs and \
        replugs with --emulated-hotplug). The source is reported in the first event, 'ready', \
        printed once the subscription is live: nothing after it is missed. Then one event per ib \
        device add, remove or rename (SUBSYSTEM=infiniband; a rename is the kernel's 'move' \
        uevent), with the device's char-device events (uverbs, umad/issm, hfi1_N, ipath) folded \
        in; a device event is printed 0.25 s after it arrives, to collect char devices that \
        trail it. With --json each event is one rdmactl/1 envelope on its own line (NDJSON; \
        --pretty is ignored). Without --count or --timeout it runs until SIGINT or SIGTERM and \
        exits 0. --timeout is reached with exit 0. A --root tree has no events: exit 64.
        """)

    @Option(name: .long, help: ArgumentHelp("Stop after N device events (the ready event is not counted).", valueName: "n"))
    var count: Int?

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds (exit 0), whether or not any event came.",
                                            valueName: "seconds"))
    var timeout: Double?

    @OptionGroup var globals: GlobalOptions

    /// How long a device event is held to collect the char-device events that follow it.
    static let settle = Duration.milliseconds(250)
    /// How often an idle wait wakes up to notice SIGINT/SIGTERM.
    static let interruptPoll = Duration.milliseconds(100)
    static let maxTimeout = 31_536_000.0

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let timeout, !(timeout >= 0 && timeout <= Self.maxTimeout) {
            throw ValidationError("--timeout must be a number of seconds from 0 to \(Int(Self.maxTimeout))")
        }
    }

    func execute(_ run: inout CommandRun) throws(RdmaError) {
        // A tree on disk has no events: refused before it is even opened (exit 64, a
        // contradiction between the command and --root/RDMACTL_ROOT).
        if case .root = try KernelSelection.resolve(globals.settings, environment: run.context.environment).target {
            throw RdmaError("NO_EVENTS", exit: .usage, "a tree read with --root (or RDMACTL_ROOT) has no device events",
                            hint: "monitor the live system, or the emulated kernel: --emulated --emulated-hotplug 'unplug hfi1_0@1s'")
        }
        let kernel = try run.openKernel(playHotplugAtOpen: false)
        run.sourceName = kernel.eventSource
        let stream: AsyncStream<KernelEvent>
        do { stream = try kernel.events() } catch {
            throw RdmaError.kernel(error, path: run.sourceName == "udev" ? "the udev monitor" : "NETLINK_KOBJECT_UEVENT",
                                   doing: "cannot listen to")
        }
        let waiter = EventWaiter(stream)
        defer { waiter.cancel() }
        var folder = DeviceEventFolder(settle: Self.settle) { event in
            Self.ibdev(of: event, in: kernel)
        }
        Self.seed(&folder, from: kernel)
        let interrupted = run.context.watchInterrupts()
        let output = MonitorOutput(run: run, json: globals.json)
        output.ready(source: run.sourceName ?? "kernel", devices: Self.presentDevices(kernel), banner: Self.sourceLine(run))
        run.streamed = true

        let clock = ContinuousClock()
        let start = clock.now
        let deadline = timeout.map { start + .milliseconds(Int(($0 * 1000).rounded())) }
        var steps = run.selection?.hotplug?.steps ?? []
        let emulated = kernel as? EmulatedKernel
        var printed = 0
        func print(_ events: [DeviceEvent]) -> Bool {
            for event in events {
                output.event(event)
                printed += 1
                if let count, printed >= count { return true }
            }
            return false
        }
        while true {
            let now = clock.now
            while let step = steps.first, start + step.at <= now {
                steps.removeFirst()
                do { try emulated?.apply(step) } catch {
                    run.context.err("rdmactl: warning: hotplug step \(step.action.rawValue) \(step.device): \(error)\n")
                }
            }
            if print(folder.due(at: now)) { return }
            if let deadline, now >= deadline { _ = print(folder.flush()); return }
            if interrupted() { _ = print(folder.flush()); return }
            var wake = now + Self.interruptPoll
            for candidate in [deadline, folder.nextDeadline, steps.first.map { start + $0.at }] {
                if let candidate, candidate < wake { wake = candidate }
            }
            switch waiter.next(waitingAtMost: wake - now) {
            case .event(let event): folder.receive(event, at: clock.now)
            case .timedOut: continue
            case .finished:
                if interrupted() { _ = print(folder.flush()); return }
                _ = print(folder.flush())
                throw RdmaError("EVENTS_ENDED", exit: .osError, "the \(run.sourceName ?? "event") source stopped delivering events",
                                hint: "run monitor again; if it keeps stopping, report it")
            }
        }
    }

    /// The `ibdev` attribute of a uverbsN/umadN/issmN class device (core/uverbs_main.c
    /// `ibdev_show`, core/user_mad.c), read while the device still exists.
    static func ibdev(of event: KernelEvent, in kernel: any Kernel) -> String? {
        guard event.subsystem == "infiniband_verbs" || event.subsystem == "infiniband_mad",
              KernelPath.isPlainName(event.name),
              let bytes = try? kernel.readAttribute("/sys/class/\(event.subsystem)/\(event.name)/ibdev") else { return nil }
        let name = String(decoding: bytes.prefix { $0 != 0x0a }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    /// Who owns each existing uverbs/umad/issm class device, so their removal can be folded
    /// although the attribute is gone by then. Read after subscribing: nothing falls between.
    static func seed(_ folder: inout DeviceEventFolder, from kernel: any Kernel) {
        for subsystem in ["infiniband_verbs", "infiniband_mad"] {
            for name in (try? kernel.listDirectory("/sys/class/" + subsystem)) ?? [] where name != "abi_version" {
                if let owner = ibdev(of: KernelEvent(action: .add, subsystem: subsystem, name: name), in: kernel) {
                    folder.learn(subsystem: subsystem, name: name, ibdev: owner)
                }
            }
        }
    }

    static func presentDevices(_ kernel: any Kernel) -> [String] {
        ((try? kernel.listDirectory("/sys/class/infiniband")) ?? []).sorted(by: naturalLess)
    }

    static func sourceLine(_ run: CommandRun) -> String {
        switch run.sourceName {
        case "udev": return "udev events (udevd runs)"
        case "emulated":
            if case .emulated(_, let profile, _)? = run.selection?.target { return "the emulated kernel (profile \(profile.rawValue))" }
            return "the emulated kernel"
        default: return "kernel uevents (NETLINK_KOBJECT_UEVENT; udevd is not running)"
        }
    }
}

/// Writes monitor's events as they happen: a text line, or one compact envelope per line.
/// Each goes out in one write, so a pipe sees it at once.
struct MonitorOutput {
    let run: CommandRun
    let json: Bool

    func ready(source: String, devices: [String], banner: String) {
        if json {
            write(.object([("event", .string("ready")), ("source", .string(source)),
                           ("devices", .array(devices.map(JSONValue.string)))]))
        } else {
            run.context.out("ready: listening to \(banner); devices: "
                            + (devices.isEmpty ? "none" : devices.map(terminalSafe).joined(separator: ", ")) + "\n")
        }
    }

    func event(_ event: DeviceEvent) {
        if json { write(event.json) } else { run.context.out(event.line + "\n") }
    }

    private func write(_ data: JSONValue) {
        let envelope = Envelope(command: MonitorCommand.name, host: run.context.hostIdentity, source: run.sourceName,
                                kernel: run.kernelName, data: data, warnings: [], error: nil)
        run.context.stdout(envelope.json.document(pretty: false))
    }
}
