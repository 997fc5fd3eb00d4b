/// A scripted series of unplugs and replugs, played by `rdmactl monitor --emulated` so a user
/// can watch them (`--emulated-hotplug`, `RDMACTL_EMULATE_HOTPLUG`):
///
///     SCHEDULE := STEP[,STEP]
///     STEP     := unplug DEV[@TIME] | replug DEV[@TIME]
///     TIME     := DECIMAL[s|ms]          seconds unless "ms"; default 0; at most 86400 s
///
/// e.g. `unplug hfi1_0@0.2s,replug hfi1_0@0.5s`. Times count from the moment the kernel is
/// ready (monitor's `ready` event); steps run in time order, ties in the order written.
/// `validate` checks the steps against a device set: every device exists, and each step
/// finds its device in the state it needs (unplug: present; replug: unplugged) — exact for the
/// CLI, which holds nothing open, so every removal completes at once.
public struct HotplugSchedule: Sendable, Equatable, CustomStringConvertible {
    public enum Action: String, Sendable { case unplug, replug }

    public struct Step: Sendable, Equatable {
        public var action: Action
        public var device: String
        /// From the ready event.
        public var at: Duration
        public init(_ action: Action, _ device: String, at: Duration = .zero) {
            self.action = action; self.device = device; self.at = at
        }
    }

    /// In time order.
    public var steps: [Step]

    public init(_ steps: [Step]) {
        self.steps = steps.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    public static let maxSeconds = 86_400

    public var description: String {
        steps.map { step in
            let (s, atto) = step.at.components
            let ms = s * 1000 + atto / 1_000_000_000_000_000
            return "\(step.action.rawValue) \(step.device)@\(ms)ms"
        }.joined(separator: ",")
    }

    public static func parse(_ text: String) throws(HotplugScheduleError) -> HotplugSchedule {
        let trimmed = text.trimmingBlanks
        guard !trimmed.isEmpty else { throw .empty }
        var steps: [Step] = []
        for raw in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(raw).trimmingBlanks
            guard !item.isEmpty else { throw .badStep(String(raw)) }
            let words = item.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 2, let action = Action(rawValue: String(words[0])) else { throw .badStep(item) }
            let target = words[1].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
            let device = String(target[0])
            guard !device.isEmpty else { throw .badStep(item) }
            let at = target.count == 2 ? try parseTime(String(target[1]), step: item) : .zero
            steps.append(Step(action, device, at: at))
        }
        return HotplugSchedule(steps)
    }

    /// `0.2s`, `200ms`, `1` (seconds): a decimal with at most 3 fractional digits for seconds.
    static func parseTime(_ text: String, step: String) throws(HotplugScheduleError) -> Duration {
        var number = Substring(text)
        var millisPerUnit = 1000
        if number.hasSuffix("ms") { number = number.dropLast(2); millisPerUnit = 1 }
        else if number.hasSuffix("s") { number = number.dropLast(1) }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.count <= 9 && $0.allSatisfy { $0 >= "0" && $0 <= "9" } }
        guard digits(parts[0]), parts.count == 1 || digits(parts[1]), let whole = Int(parts[0]) else {
            throw .badTime(step)
        }
        var millis = whole * millisPerUnit
        if parts.count == 2 {
            let fraction = String(parts[1])
            guard millisPerUnit == 1000, fraction.count <= 3 else { throw .badTime(step) }
            millis += Int(fraction + String(repeating: "0", count: 3 - fraction.count))!
        }
        guard millis <= maxSeconds * 1000 else { throw .badTime(step) }
        return .milliseconds(millis)
    }

    /// Checks the steps against the devices `set` probes (their names in probe order).
    public func validate(against set: DeviceSet) throws(HotplugScheduleError) {
        let names = Probe.run(set).map(\.name)
        var present = Set(names)
        for step in steps {
            guard names.contains(step.device) else { throw .unknownDevice(step.device, known: names) }
            switch step.action {
            case .unplug:
                guard present.remove(step.device) != nil else { throw .outOfOrder(step.action.rawValue, step.device) }
            case .replug:
                guard present.insert(step.device).inserted else { throw .outOfOrder(step.action.rawValue, step.device) }
            }
        }
    }
}

/// Why a hotplug schedule was refused. The CLI maps every case to exit 64.
public enum HotplugScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case badStep(String)
    case badTime(String)
    case unknownDevice(String, known: [String])
    /// An unplug of a device already unplugged, or a replug of a present one, at that point.
    case outOfOrder(String, String)

    public var description: String {
        let syntax = "expected STEP[,STEP] with STEP = unplug DEV[@TIME] or replug DEV[@TIME], TIME like 0.5s or 200ms"
        switch self {
        case .empty: return "empty hotplug schedule: \(syntax)"
        case .badStep(let s): return "bad hotplug step \"\(s)\": \(syntax)"
        case .badTime(let s): return "bad time in hotplug step \"\(s)\": a decimal number of seconds (at most 3 decimals) or milliseconds (\"ms\"), at most \(HotplugSchedule.maxSeconds) s"
        case .unknownDevice(let d, let known):
            return "hotplug step names \"\(d)\", which the emulated kernel does not have (devices: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .outOfOrder(let action, let d):
            return action == "unplug" ? "hotplug step \"unplug \(d)\": \(d) is already unplugged at that time"
                                      : "hotplug step \"replug \(d)\": \(d) is present at that time (unplug it first)"
        }
    }
}
