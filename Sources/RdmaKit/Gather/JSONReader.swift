/// A strict RFC 8259 reader into `JSONValue`, for `gather` (which reads thousands of envelopes:
/// the encoder alone was enough until then). Byte-level and allocation-light so 10,000 envelopes
/// parse well under a second (Scripts/bench-gather.sh). Numbers: integers become `.int`/`.uint`;
/// a fraction or exponent (no rdmactl/1 field has one) is kept as its literal text in `.string`.
public struct JSONReader {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    let bytes: [UInt8]
    public private(set) var offset: Int
    let end: Int
    /// Read a number with a fraction or exponent as `.null` instead of keeping its text in
    /// `.string` (the snapshot manifest: every number in it is an integer, and a string member
    /// must not take a number; an unknown member holding one is still skipped).
    var fractionsAsNull = false

    public init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes; self.offset = start; self.end = end ?? bytes.count
    }

    /// One document, nothing but whitespace around it.
    public static func parse(_ bytes: [UInt8], fractionsAsNull: Bool = false) throws(Failure) -> JSONValue {
        var r = JSONReader(bytes)
        r.fractionsAsNull = fractionsAsNull
        let v = try r.next()
        guard let v else { throw Failure(offset: 0, reason: "empty input") }
        r.skipSpace()
        guard r.offset == r.end else { throw Failure(offset: r.offset, reason: "trailing bytes") }
        return v
    }

    public static func parse(_ text: String) throws(Failure) -> JSONValue { try parse(Array(text.utf8)) }

    /// The next document of a whitespace-separated sequence (NDJSON, or concatenated pretty
    /// documents); nil at the end.
    public mutating func next() throws(Failure) -> JSONValue? {
        skipSpace()
        if offset >= end { return nil }
        return try value(depth: 0)
    }

    /// Skips to the start of the next line (resynchronising a sequence after a bad document).
    public mutating func skipLine() {
        while offset < end, bytes[offset] != 0x0a { offset += 1 }
    }

    public var atEnd: Bool { mutating get { skipSpace(); return offset >= end } }

    /// On the buffer, with the offset in a local: stepping `self.offset` through the array cost
    /// fourteen instructions a byte, and a pretty-printed manifest is half indentation (issue 9).
    mutating func skipSpace() {
        var o = offset
        let end = self.end
        bytes.withUnsafeBufferPointer { b in
            while o < end {
                switch b[o] {
                case 0x20, 0x0a, 0x0d, 0x09: o += 1
                default: return
                }
            }
        }
        offset = o
    }

    private func fail(_ reason: String) -> Failure { Failure(offset: offset, reason: reason) }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        // Nesting bound: a hostile stream must not overflow the stack.
        guard depth < 128 else { throw fail("nesting deeper than 128") }
        guard offset < end else { throw fail("unexpected end") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            offset += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if offset < end, bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(members) }
            while true {
                skipSpace()
                guard offset < end, bytes[offset] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard offset < end else { throw fail("unexpected end in an object") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object(members)
            }
        case UInt8(ascii: "["):
            offset += 1
            var items: [JSONValue] = []
            skipSpace()
            if offset < end, bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard offset < end else { throw fail("unexpected end in an array") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected byte 0x\(String(bytes[offset], radix: 16))")
        }
    }

    private mutating func expect(_ c: UInt8) throws(Failure) {
        guard offset < end, bytes[offset] == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
        offset += 1
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard offset + n <= end else { throw fail("bad literal") }
        let ok = word.withUTF8Buffer { w in (0..<n).allSatisfy { bytes[offset + $0] == w[$0] } }
        guard ok else { throw fail("bad literal") }
        offset += n
    }

    /// An integer's value is accumulated as its digits are read (`Int64`, else `UInt64`, as
    /// parsing its text would give; one that fits neither keeps its text): a String made and
    /// parsed per number was a fifth of a manifest's decoding (issue 9).
    private mutating func number() throws(Failure) -> JSONValue {
        let start = offset
        let negative = bytes[offset] == UInt8(ascii: "-")
        if negative { offset += 1 }
        let digitsStart = offset
        var magnitude: UInt64 = 0
        var overflow = false
        while offset < end {
            let digit = bytes[offset] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            overflow = overflow || o1 || o2
            magnitude = sum
            offset += 1
        }
        guard offset > digitsStart else { throw fail("bad number") }
        if bytes[digitsStart] == UInt8(ascii: "0"), offset - digitsStart > 1 { throw fail("leading zero") }
        var integral = true
        if offset < end, bytes[offset] == UInt8(ascii: ".") {
            integral = false; offset += 1
            let f = offset
            while offset < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            guard offset > f else { throw fail("bad fraction") }
        }
        if offset < end, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            integral = false; offset += 1
            if offset < end, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            let e = offset
            while offset < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            guard offset > e else { throw fail("bad exponent") }
        }
        if !integral && fractionsAsNull { return .null }
        if integral && !overflow {
            if !negative { return magnitude <= UInt64(Int64.max) ? .int(Int64(magnitude)) : .uint(magnitude) }
            if magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
        }
        return .string(String(decoding: bytes[start..<offset], as: UTF8.self))
    }

    /// A string at `offset` (on its opening quote). The common case — no escapes — is one
    /// UTF-8 validation of the slice.
    private mutating func string() throws(Failure) -> String {
        offset += 1
        let start = offset
        var ascii = true
        // The plain run scanned on the buffer with a local offset (as skipSpace).
        var o = offset
        let end = self.end
        let stop: UInt8? = bytes.withUnsafeBufferPointer { b in
            while o < end {
                let c = b[o]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { return c }
                if c >= 0x80 { ascii = false }
                o += 1
            }
            return nil
        }
        offset = o
        if stop == UInt8(ascii: "\"") {
            let s = try make(start, offset, ascii: ascii)
            offset += 1
            return s
        }
        if let stop, stop < 0x20 { throw fail("control byte in a string") }
        var out = Array(bytes[start..<offset])
        while offset < end {
            let b = bytes[offset]
            if b == UInt8(ascii: "\"") {
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8") }
                offset += 1
                return s
            }
            if b < 0x20 { throw fail("control byte in a string") }
            if b != UInt8(ascii: "\\") { out.append(b); offset += 1; continue }
            offset += 1
            guard offset < end else { break }
            let e = bytes[offset]; offset += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xd800..<0xdc00).contains(scalar) {
                    // A surrogate pair: \uD83D\uDE00.
                    guard offset + 1 < end, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                        throw fail("lone surrogate")
                    }
                    offset += 2
                    let low = try hex4()
                    guard (0xdc00..<0xe000).contains(low) else { throw fail("bad surrogate pair") }
                    scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                } else if (0xdc00..<0xe000).contains(scalar) {
                    throw fail("lone surrogate")
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("bad escape")
            }
        }
        throw fail("unterminated string")
    }

    /// A String from bytes[from..<to], through an unsafe buffer (the generic slice initialisers
    /// cost a metadata lookup per call: a third of gather's parse time). ASCII needs no validation.
    private func make(_ from: Int, _ to: Int, ascii: Bool) throws(Failure) -> String {
        let s: String? = bytes.withUnsafeBufferPointer { buffer in
            let slice = UnsafeBufferPointer(rebasing: buffer[from..<to])
            return ascii ? String(decoding: slice, as: UTF8.self) : String(validating: slice, as: UTF8.self)
        }
        guard let s else { throw fail("invalid UTF-8") }
        return s
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard offset + 4 <= end else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[offset]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("bad hex digit")
            }
            v = v << 4 | d; offset += 1
        }
        return v
    }
}

// MARK: pulling members without building a tree

/// Member-by-member reading for a decoder that knows its schema (the snapshot manifest): the
/// same strict grammar and nesting bound as `parse`, but only the values asked for become
/// `JSONValue`s — a manifest of a thousand devices is parsed without its tree (issue 9).
extension JSONReader {
    /// The next byte after whitespace, not consumed.
    mutating func peek() -> UInt8? {
        skipSpace()
        return offset < end ? bytes[offset] : nil
    }

    /// Consumes `{` (`[` for `array`), or throws. `depth` is the container's own nesting depth.
    mutating func open(array: Bool = false, depth: Int) throws(Failure) {
        guard depth < 128 else { throw fail("nesting deeper than 128") }
        skipSpace()
        try expect(array ? UInt8(ascii: "[") : UInt8(ascii: "{"))
    }

    /// The key of the next member of an object opened with `open()`, positioned on its value;
    /// nil after the closing `}`. `first` is true before the first member.
    mutating func nextKey(first: inout Bool) throws(Failure) -> String? {
        guard try atNextKey(first: &first) else { return nil }
        let key = try string()
        try afterKey()
        return key
    }

    /// `nextKey` for a decoder that knows its keys: the index of the next member's key in
    /// `keys`, -1 for any other key, nil after the closing `}`. A key of plain ASCII (every key
    /// of a manifest) is compared in place, not made a String first: the manifest's seven keys
    /// a node, as Strings matched by a `switch`, were a fifth of its decoding (issue 9). Any
    /// other key is read as `nextKey` reads it, with the same checks.
    mutating func nextKey(first: inout Bool, among keys: [StaticString]) throws(Failure) -> Int? {
        guard try atNextKey(first: &first) else { return nil }
        let start = offset + 1
        let end = self.end
        // Scanned on the buffer (as skipSpace): up to the closing quote, or anything that is
        // not plain ASCII.
        let (i, plain) = bytes.withUnsafeBufferPointer { b -> (Int, Bool) in
            var i = start
            while i < end {
                let c = b[i]
                if c == UInt8(ascii: "\"") { return (i, true) }
                if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return (i, false) }
                i += 1
            }
            return (i, false)
        }
        let found: Int
        if plain {
            let length = i - start
            found = bytes.withUnsafeBufferPointer { b in
                keys.firstIndex { key in key.utf8CodeUnitCount == length && b.hasBytes(key, at: start) } ?? -1
            }
            offset = i + 1
        } else {
            let key = try string()
            found = keys.firstIndex { $0.description == key } ?? -1
        }
        try afterKey()
        return found
    }

    /// Positioned on the next key's opening quote: false after the closing `}` (consumed).
    private mutating func atNextKey(first: inout Bool) throws(Failure) -> Bool {
        skipSpace()
        guard offset < end else { throw fail("unexpected end in an object") }
        // `}` ends `{}` or follows a member; after a comma a key must come (`{"a": 1,}` fails).
        if bytes[offset] == UInt8(ascii: "}") { offset += 1; return false }
        if !first {
            try expect(UInt8(ascii: ","))
            skipSpace()
        }
        first = false
        guard offset < end, bytes[offset] == UInt8(ascii: "\"") else { throw fail("expected a key") }
        return true
    }

    /// The `:` after a key, and the space around it.
    private mutating func afterKey() throws(Failure) {
        skipSpace()
        try expect(UInt8(ascii: ":"))
        skipSpace()
    }

    /// Whether an array opened with `open(array: true)` has another element (positioned on
    /// it); false after the closing `]`.
    mutating func nextElement(first: inout Bool) throws(Failure) -> Bool {
        skipSpace()
        guard offset < end else { throw fail("unexpected end in an array") }
        if first {
            first = false
            if bytes[offset] == UInt8(ascii: "]") { offset += 1; return false }
            return true
        }
        if bytes[offset] == UInt8(ascii: "]") { offset += 1; return false }
        try expect(UInt8(ascii: ","))
        skipSpace()
        return true
    }

    /// The value here as a `JSONValue` (a tree only when it is an object or array); `depth` is
    /// its nesting depth, as `parse` counts it.
    mutating func readValue(depth: Int) throws(Failure) -> JSONValue {
        try value(depth: depth)
    }

    /// Whitespace, then the end of the input: nothing may follow a document.
    mutating func expectEnd() throws(Failure) {
        skipSpace()
        guard offset == end else { throw fail("trailing bytes") }
    }
}
