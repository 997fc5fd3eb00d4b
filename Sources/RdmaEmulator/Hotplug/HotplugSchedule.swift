/// A scripted series of unplugs and replugs, played by `rdmactl monitor --emulated` so a user
/// can watch them (`--emulated-hotplug`, `RDMACTL_EMULATE_HOTPLUG`):
///
///     SCHEDULE := STEP[,STEP]
///     STEP     := unplug DEV[@TIME] | replug DEV[@TIME] | rename DEV NEW[@TIME]
///     TIME     := DECIMAL[s|ms]          seconds unless "ms"; default 0; at most 86400 s
///
/// e.g. `unplug hfi1_0@0.2s,replug hfi1_0@0.5s`. DEV is the name the device has at that step
/// (after a rename, the new one); a replugged device has its driver's name again. Times count from the moment the kernel is
/// ready (monitor's `ready` event); steps run in time order, ties in the order written.
/// `validate` checks the steps against a device set: every device exists, and each step
/// finds its device in the state it needs (unplug, rename: present under that name; replug:
/// unplugged; rename: the new name free and valid) — exact for the CLI, which holds nothing
/// open, so every removal completes at once.
public struct HotplugSchedule: Sendable, Equatable, CustomStringConvertible {
    public enum Action: String, Sendable { case unplug, replug, rename }

    public struct Step: Sendable, Equatable {
        public var action: Action
        public var device: String
        /// A rename's new name.
        public var newName: String?
        /// From the ready event.
        public var at: Duration
        public init(_ action: Action, _ device: String, newName: String? = nil, at: Duration = .zero) {
            self.action = action; self.device = device; self.newName = newName; self.at = at
        }

        public var description: String {
            let (s, atto) = at.components
            let ms = s * 1000 + atto / 1_000_000_000_000_000
            return "\(action.rawValue) \(device)" + (newName.map { " " + $0 } ?? "") + "@\(ms)ms"
        }
    }

    /// In time order.
    public var steps: [Step]

    public init(_ steps: [Step]) {
        self.steps = steps.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    public static let maxSeconds = 86_400

    public var description: String {
        steps.map(\.description).joined(separator: ",")
    }

    public static func parse(_ text: String) throws(HotplugScheduleError) -> HotplugSchedule {
        let trimmed = text.trimmingBlanks
        guard !trimmed.isEmpty else { throw .empty }
        var steps: [Step] = []
        for raw in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(raw).trimmingBlanks
            guard !item.isEmpty else { throw .badStep(String(raw)) }
            let words = item.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let action = Action(rawValue: String(words[0])), words.count == (action == .rename ? 3 : 2) else {
                throw .badStep(item)
            }
            let target = words.last!.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
            let last = String(target[0])
            guard !last.isEmpty, !words[1].contains("@") || action != .rename else { throw .badStep(item) }
            let at = target.count == 2 ? try parseTime(String(target[1]), step: item) : .zero
            if action == .rename {
                steps.append(Step(action, String(words[1]), newName: last, at: at))
            } else {
                steps.append(Step(action, last, at: at))
            }
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
        // Present devices: the name shown now → the name probed with.
        var shown = Dictionary(uniqueKeysWithValues: names.map { ($0, $0) })
        for step in steps {
            switch step.action {
            case .unplug:
                guard shown.removeValue(forKey: step.device) != nil else {
                    guard names.contains(step.device) || shown.values.contains(step.device) else {
                        throw .unknownDevice(step.device, known: names)
                    }
                    throw .outOfOrder(step.description, "\(step.device) is not present under that name at that time")
                }
            case .replug:
                guard names.contains(step.device) else { throw .unknownDevice(step.device, known: names) }
                guard !shown.values.contains(step.device) else {
                    throw .outOfOrder(step.description, "\(step.device) is present at that time (unplug it first)")
                }
                if shown[step.device] != nil {
                    throw .outOfOrder(step.description, "another device is named \(step.device) at that time")
                }
                shown[step.device] = step.device
            case .rename:
                let new = step.newName ?? ""
                guard let probed = shown[step.device] else {
                    guard names.contains(step.device) else { throw .unknownDevice(step.device, known: names) }
                    throw .outOfOrder(step.description, "\(step.device) is not present under that name at that time")
                }
                guard !new.isEmpty, new.utf8.count < 64, !new.utf8.contains(0x2f), new != ".", new != ".." else {
                    throw .badStep(step.description)
                }
                if new != step.device {
                    guard shown[new] == nil else { throw .outOfOrder(step.description, "\(new) is taken at that time") }
                    shown[step.device] = nil
                    shown[new] = probed
                }
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
    /// A step that does not find its device in the state it needs: the step, and why.
    case outOfOrder(String, String)
    /// The emulated kernel refused the step when it ran: the step, and why.
    case refused(String, String)

    public var description: String {
        let syntax = "expected STEP[,STEP] with STEP = unplug DEV[@TIME], replug DEV[@TIME] or rename DEV NEW[@TIME], TIME like 0.5s or 200ms"
        switch self {
        case .empty: return "empty hotplug schedule: \(syntax)"
        case .badStep(let s): return "bad hotplug step \"\(s)\": \(syntax)"
        case .badTime(let s): return "bad time in hotplug step \"\(s)\": a decimal number of seconds (at most 3 decimals) or milliseconds (\"ms\"), at most \(HotplugSchedule.maxSeconds) s"
        case .unknownDevice(let d, let known):
            return "hotplug step names \"\(d)\", which the emulated kernel does not have (devices: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .outOfOrder(let step, let why): return "hotplug step \"\(step)\": \(why)"
        case .refused(let step, let why): return "hotplug step \"\(step)\" refused: \(why)"
        }
    }
}
