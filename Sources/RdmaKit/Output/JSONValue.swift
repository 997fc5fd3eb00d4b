/// A JSON document with ordered object keys, so envelopes and golden files read in a designed
/// order (schema, command, source, ok, data, warnings, error) and never churn.
/// Not `indirect`: it nests only through arrays, which are on the heap already, and an indirect
/// enum boxes every value, an allocation for each number and string read (a snapshot manifest
/// of 1,024 devices decoded in 49 M instructions with the boxes, 41 M without; callgrind).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// A value already written (JSONFragment): what it reads as is its tree's.
    case written(JSONFragment)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.uint(a), .uint(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.written(a), .written(b)): return a == b
        // A fragment equals the tree written the same way.
        case let (.written(a), other), let (other, .written(a)): return a == JSONFragment(other)
        default: return false
        }
    }

    /// Object member lookup (first match), for tests and renderers.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        if case .written(let fragment) = self { return fragment.value[key] }
        return nil
    }

    /// Array element lookup, for tests and renderers.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        if case .written(let fragment) = self { return fragment.value[index] }
        return nil
    }

    /// The document as text. Written as UTF-8 bytes into one buffer: appending to a String
    /// scalar by scalar was 57 % of `list --json`'s instructions at 256 devices
    /// (Docs/performance.md).
    public func serialized(pretty: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, pretty: pretty, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// The document as a command prints it: its UTF-8 and a final newline, in one buffer sized
    /// before it is written. `serialized(pretty:) + "\n"` and a copy to bytes took four copies of
    /// `list --json`'s 2.2 MB at 1,024 devices, a buffer grown eleven times, a UTF-8 validation
    /// and a page fault per 4 KiB of each, all on one thread after discovery (issue 9).
    public func document(pretty: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(sizeEstimate(pretty: pretty) + 1)
        write(into: &out, pretty: pretty, indent: 0)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// `document(pretty: false)` in pieces, for a writer that gathers them (writev): each value
    /// written as bytes already (a `written` fragment, a record) is a piece of its own, passed on
    /// without a copy, and the bytes between them are gathered into pieces of their own. The
    /// pieces joined are the document byte for byte (issue 9: the 2.2 MB document of 1,024
    /// records was copied into one buffer — 540 page faults — on one thread, after the work).
    public func compactDocumentPieces() -> [[UInt8]] {
        var pieces: [[UInt8]] = [], glue: [UInt8] = []
        writePieces(into: &pieces, glue: &glue)
        glue.append(UInt8(ascii: "\n"))
        pieces.append(glue)
        return pieces
    }

    private func writePieces(into pieces: inout [[UInt8]], glue: inout [UInt8]) {
        switch self {
        case .written(let fragment):
            if !glue.isEmpty { pieces.append(glue); glue = [] }
            pieces.append(fragment.compact)
        case .array(let items) where !items.isEmpty:
            glue.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                Self.separate(i, into: &glue, pretty: false, indent: 0)
                item.writePieces(into: &pieces, glue: &glue)
            }
            glue.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            glue.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                Self.separate(i, into: &glue, pretty: false, indent: 0)
                JSONValue.quote(key, into: &glue)
                glue.append(contentsOf: ": ".utf8)
                value.writePieces(into: &pieces, glue: &glue)
            }
            glue.append(UInt8(ascii: "}"))
        default:
            write(into: &glue, pretty: false, indent: 0)
        }
    }

    /// About how many bytes `write` makes: exact for written fragments in compact form, which
    /// are nearly all of a long document; pretty output re-indents them, counted as half again.
    private func sizeEstimate(pretty: Bool) -> Int {
        switch self {
        case .written(let fragment): return pretty ? fragment.compact.count * 3 / 2 : fragment.compact.count
        case .null, .bool, .int, .uint: return 24
        case .string(let s): return s.utf8.count + 2
        case .array(let items): return items.reduce(2) { $0 + $1.sizeEstimate(pretty: pretty) + 2 }
        case .object(let members): return members.reduce(2) { $0 + $1.0.utf8.count + 4 + $1.1.sizeEstimate(pretty: pretty) }
        }
    }

    func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .written(let fragment): fragment.write(into: &out, pretty: pretty, indent: indent)
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .uint(let u): out.append(contentsOf: String(u).utf8)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                Self.separate(i, into: &out, pretty: pretty, indent: indent + 1)
                item.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            Self.close(UInt8(ascii: "]"), into: &out, pretty: pretty, indent: indent)
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                Self.separate(i, into: &out, pretty: pretty, indent: indent + 1)
                JSONValue.quote(key, into: &out)
                out.append(contentsOf: ": ".utf8)
                value.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            Self.close(UInt8(ascii: "}"), into: &out, pretty: pretty, indent: indent)
        }
    }

    /// ", " between members; with `pretty`, "," and a new line indented to `indent`.
    private static func separate(_ i: Int, into out: inout [UInt8], pretty: Bool, indent: Int) {
        if i > 0 { out.append(UInt8(ascii: ",")); if !pretty { out.append(UInt8(ascii: " ")) } }
        if pretty { newline(into: &out, indent: indent) }
    }

    private static func close(_ bracket: UInt8, into out: inout [UInt8], pretty: Bool, indent: Int) {
        if pretty { newline(into: &out, indent: indent) }
        out.append(bracket)
    }

    private static func newline(into out: inout [UInt8], indent: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    /// Appends `s` as a JSON string literal.
    static func quote(_ s: String, into out: inout String) {
        var bytes: [UInt8] = []
        quote(s, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `s` as a JSON string literal, escaping on its UTF-8 bytes: `"` and `\`, C0 and
    /// DEL, and C1 (U+0080–U+009F, UTF-8 C2 80–C2 9F: a raw CSI would reach a terminal that
    /// cats the file). Every other byte of the (valid) UTF-8 is copied as is.
    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Nearly every string needs no escape: one scan, one copy (appending byte by byte
            // was an eighth of `list --json`'s instructions).
            if !anyNeedsEscape(bytes) {
                out.append(contentsOf: bytes)
                return
            }
            var i = 0
            let n = bytes.count
            while i < n {
                let c = bytes[i]
                switch c {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case 0x0a: out.append(contentsOf: #"\n"#.utf8)
                case 0x0d: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                case 0x00..<0x20, 0x7f: unicodeEscape(UInt32(c), into: &out)
                case 0xc2 where i + 1 < n && bytes[i + 1] >= 0x80 && bytes[i + 1] < 0xa0:
                    unicodeEscape(UInt32(bytes[i + 1]), into: &out)
                    i += 1
                default: out.append(c)
                }
                i += 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether `quote` escapes this byte, or (0xC2) may have to: `"`, `\`, C0, DEL, a C1's lead byte.
    @inline(__always)
    static func needsEscape(_ c: UInt8) -> Bool { c < 0x20 || c == 0x22 || c == 0x5c || c == 0x7f || c == 0xc2 }

    /// Whether any of `bytes` `needsEscape`, tested eight bytes at a time (Bit Twiddling Hacks,
    /// "determine if a word has a zero byte" and "… a byte less than n"): the byte-wise scan
    /// cost ten instructions a byte, and a record's strings are some 1,500 bytes (issue 9).
    static func anyNeedsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        @inline(__always) func wordNeedsEscape(at p: UnsafePointer<UInt8>) -> Bool {
            let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            return (w &- ones &* 0x20) & ~w & highs != 0                       // a byte below 0x20
                || hasZeroByte(w ^ (ones &* 0x22)) || hasZeroByte(w ^ (ones &* 0x5c))
                || hasZeroByte(w ^ (ones &* 0x7f)) || hasZeroByte(w ^ (ones &* 0xc2))
        }
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            if wordNeedsEscape(at: base + i) { return true }
            i += 8
        }
        guard i < n else { return false }
        // A tail after whole words: the last eight bytes, some of them tested already (only
        // whether any byte needs an escape is asked). A string shorter than a word byte by byte.
        if n >= 8 { return wordNeedsEscape(at: base + n - 8) }
        while i < n {
            if needsEscape(base[i]) { return true }
            i += 1
        }
        return false
    }

    /// "\u00XX" for a code point below U+0100.
    private static func unicodeEscape(_ v: UInt32, into out: inout [UInt8]) {
        out.append(contentsOf: #"\u00"#.utf8)
        out.append(hexDigit(UInt8(truncatingIfNeeded: v >> 4 & 0xf)))
        out.append(hexDigit(UInt8(truncatingIfNeeded: v & 0xf)))
    }
}

/// Builds an object, dropping members whose value is nil, so optional fields are simply absent.
public struct JSONObjectBuilder {
    public private(set) var members: [(String, JSONValue)] = []
    /// Room for a device record's members up front: growing the array five times per object
    /// showed in `list --json`'s profile.
    public init() { members.reserveCapacity(24) }
    public mutating func add(_ key: String, _ value: JSONValue?) {
        if let value { members.append((key, value)) }
    }
    public mutating func add(_ key: String, _ value: String?) { add(key, value.map(JSONValue.string)) }
    public mutating func add(_ key: String, _ value: Int?) { add(key, value.map { JSONValue.int(Int64($0)) }) }
    public mutating func add(_ key: String, _ value: UInt32?) { add(key, value.map { JSONValue.uint(UInt64($0)) }) }
    public mutating func add(_ key: String, _ value: Bool?) { add(key, value.map(JSONValue.bool)) }
    /// A sysfs text: the escaped string, plus `<key>_raw_b64` when the bytes were not UTF-8.
    public mutating func add(_ key: String, _ text: SysfsText?) {
        guard let text else { return }
        members.append((key, .string(text.value)))
        if let raw = text.rawBase64 { members.append((key + "_raw_b64", .string(raw))) }
    }
    public var value: JSONValue { .object(members) }
}
