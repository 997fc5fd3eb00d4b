/// Which devices the emulated kernel probes, and in which order (DESIGN §5).
///
///     SET  := all | none | ITEM[,ITEM]
///     ITEM := hfi1[:N] | qib[:N]          N = units, 1...16, default 1
///
/// * The `--emulated` flag (and `RDMACTL_EMULATE=1`) gives `DeviceSet.default`: `hfi1:1,qib:1`.
/// * `all` is one unit of every driver the emulator models, in the order of `Driver.allCases`
///   (today hfi1 then qib, so it equals the default set; it grows when a driver is added).
/// * `none` probes nothing, but the RDMA core is loaded: `/sys/class/infiniband` exists and is
///   empty, as on a machine with ib_core and ib_uverbs but no adapter.
///
/// Order matters: units are numbered as the kernel numbers them. Each driver counts its own units
/// (`hfi1_0`, `hfi1_1`, `qib0`), while uverbsN and the umadN/issmN minors come from core-wide
/// IDAs in probe order — `hfi1:3,qib:2` gives uverbs0..2 = hfi1_0..2, uverbs3..4 = qib0..1, and
/// umad0..2 for the hfi1 ports, umad3..6 for the qib ports (two each).
public struct DeviceSet: Sendable, Equatable, CustomStringConvertible {
    /// The drivers the emulator models. Raw values are the `ITEM` names.
    public enum Driver: String, Sendable, CaseIterable {
        case hfi1, qib
    }

    public struct Item: Sendable, Equatable {
        public var driver: Driver
        /// Units of this driver, 1...`DeviceSet.maxUnits`.
        public var count: Int
        public init(_ driver: Driver, count: Int = 1) { self.driver = driver; self.count = count }
    }

    /// In probe order. Empty for `none`.
    public var items: [Item]

    public init(_ items: [Item]) { self.items = items }

    /// Units per driver. 16 hfi1 + 16 qib need 32 uverbs minors (exactly the fixed range
    /// 231:192..223, IB_UVERBS_NUM_FIXED_MINOR) and 48 umad minors (of 64 fixed).
    public static let maxUnits = 16

    /// `--emulated`: hfi1_0 and qib0.
    public static let `default` = DeviceSet([Item(.hfi1), Item(.qib)])
    /// `all`: one unit of each modelled driver.
    public static let all = DeviceSet(Driver.allCases.map { Item($0) })
    /// `none`: the RDMA core without devices.
    public static let none = DeviceSet([])

    /// The canonical spelling, e.g. "hfi1:1,qib:1" or "none"; `parse` accepts it back.
    public var description: String {
        items.isEmpty ? "none" : items.map { "\($0.driver.rawValue):\($0.count)" }.joined(separator: ",")
    }

    /// Parses `--emulated-set SET`. Whitespace around the whole text and around items is ignored;
    /// names are case-sensitive.
    public static func parse(_ text: String) throws(DeviceSetError) -> DeviceSet {
        let trimmed = text.trimmingBlanks
        switch trimmed {
        case "": throw .empty
        case "all": return .all
        case "none": return .none
        default: break
        }
        var items: [Item] = []
        for (index, raw) in trimmed.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let item = String(raw).trimmingBlanks
            if item.isEmpty { throw .emptyItem(position: index + 1) }
            if item == "all" || item == "none" { throw .keywordInList(item) }
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let driver = Driver(rawValue: name) else { throw .unknownDriver(name) }
            var count = 1
            if parts.count == 2 {
                let digits = String(parts[1])
                guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw .badCount(item: item)
                }
                guard digits.count <= 3, let n = Int(digits), (1...maxUnits).contains(n) else {
                    throw .countOutOfRange(item: item)
                }
                count = n
            }
            if items.contains(where: { $0.driver == driver }) { throw .duplicateDriver(driver.rawValue) }
            items.append(Item(driver, count: count))
        }
        return DeviceSet(items)
    }

    /// `RDMACTL_EMULATE`: "1" is the default set, any other non-empty value a SET. An empty value
    /// and "0" mean "not emulating" (nil), so `RDMACTL_EMULATE=0` can switch an inherited setting off.
    public static func parseEnvironment(_ value: String) throws(DeviceSetError) -> DeviceSet? {
        switch value.trimmingBlanks {
        case "", "0": return nil
        case "1": return .default
        default: return try parse(value)
        }
    }
}

/// Why a device set did not parse. The CLI maps every case to exit 64 (usage).
public enum DeviceSetError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    /// An empty item between commas ("hfi1,,qib"); 1-based.
    case emptyItem(position: Int)
    case unknownDriver(String)
    /// The unit count is not a decimal number ("hfi1:x", "hfi1:").
    case badCount(item: String)
    /// The unit count is outside 1...16 ("hfi1:0").
    case countOutOfRange(item: String)
    case duplicateDriver(String)
    /// "all" or "none" combined with other items.
    case keywordInList(String)

    public var description: String {
        let syntax = "expected all, none, or a comma-separated list of hfi1[:N] and qib[:N]"
        switch self {
        case .empty:
            return "empty device set: \(syntax)"
        case .emptyItem(let position):
            return "empty item \(position) in device set: \(syntax)"
        case .unknownDriver(let name):
            let known = DeviceSet.Driver.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown driver \"\(name)\" in device set (known: \(known))"
        case .badCount(let item):
            return "\"\(item)\": the unit count after ':' must be a number from 1 to \(DeviceSet.maxUnits)"
        case .countOutOfRange(let item):
            return "\"\(item)\": the unit count must be from 1 to \(DeviceSet.maxUnits)"
        case .duplicateDriver(let name):
            return "driver \"\(name)\" is listed twice in device set; give its unit count once (\(name):N)"
        case .keywordInList(let word):
            return "\"\(word)\" cannot be combined with other items in a device set"
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation).
    var trimmingBlanks: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
