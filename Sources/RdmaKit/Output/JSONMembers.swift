/// Where an object's members go, so a record's schema is written once (DeviceJSON.swift) and
/// serves both forms: `JSONObjectBuilder` keeps a tree (`show`, renderers, tests),
/// `JSONBytesWriter` writes compact bytes at once (`list --json`'s records: building each
/// device's tree only to write and free it was a fifth of its user time, issue 9).
/// A nil value is no member at all. Keys are the schema's own names, program constants that
/// need no escape (`[a-z0-9_]`, Docs/json-schema.md): the byte writer copies them as they are
/// (quoting them — a scan and a copy per member — was a tenth of `list --json`'s
/// instructions), and JSONMembersTests check every key a record can write.
public protocol JSONMembers {
    mutating func add(_ key: StaticString, _ value: JSONValue?)
    mutating func add(_ key: StaticString, _ value: String?)
    mutating func add(_ key: StaticString, _ value: Int?)
    mutating func add(_ key: StaticString, _ value: UInt32?)
    mutating func add(_ key: StaticString, _ value: Bool?)
    /// A sysfs text: the escaped string, plus `<key>_raw_b64` when the bytes were not UTF-8.
    mutating func add(_ key: StaticString, _ text: SysfsText?)
    /// A member whose value is an object written by `members`.
    mutating func addObject(_ key: StaticString, _ members: (inout Self) -> Void)
    /// A member whose value is an array of strings.
    mutating func addStrings(_ key: StaticString, _ items: [String])
    /// A member whose value is an array with one object per item, written by `members`.
    mutating func addObjects<C: Collection>(_ key: StaticString, _ items: C, _ members: (C.Element, inout Self) -> Void)
}

extension JSONObjectBuilder: JSONMembers {
    public mutating func add(_ key: StaticString, _ value: JSONValue?) { add(key.description, value) }
    public mutating func add(_ key: StaticString, _ value: String?) { add(key.description, value) }
    public mutating func add(_ key: StaticString, _ value: Int?) { add(key.description, value) }
    public mutating func add(_ key: StaticString, _ value: UInt32?) { add(key.description, value) }
    public mutating func add(_ key: StaticString, _ value: Bool?) { add(key.description, value) }
    public mutating func add(_ key: StaticString, _ text: SysfsText?) { add(key.description, text) }

    public mutating func addObject(_ key: StaticString, _ members: (inout JSONObjectBuilder) -> Void) {
        var inner = JSONObjectBuilder()
        members(&inner)
        add(key.description, inner.value)
    }

    public mutating func addStrings(_ key: StaticString, _ items: [String]) {
        add(key.description, JSONValue.array(items.map(JSONValue.string)))
    }

    public mutating func addObjects<C: Collection>(_ key: StaticString, _ items: C, _ members: (C.Element, inout JSONObjectBuilder) -> Void) {
        add(key.description, JSONValue.array(items.map { item in
            var inner = JSONObjectBuilder()
            members(item, &inner)
            return inner.value
        }))
    }
}

/// Writes an object's members as `JSONValue.write(pretty: false)` would write the tree: `{"k": v,
/// "k2": v2}`, `[a, b]`, `{}` and `[]` when empty (JSONMembersTests compares the two).
public struct JSONBytesWriter: JSONMembers {
    public private(set) var bytes: [UInt8] = []
    /// Members written so far in the object being written (the separator before the next).
    private var members = 0

    public init() { bytes.reserveCapacity(1024) }

    /// One object, its members written by `write`.
    public static func object(_ write: (inout JSONBytesWriter) -> Void) -> JSONFragment {
        var w = JSONBytesWriter()
        w.writeObject(write)
        return JSONFragment(compact: w.bytes)
    }

    /// `, "key": ` made in temporary storage and appended once: a byte at a time, each append
    /// checking the array's uniqueness and capacity, it cost 260 instructions a member (issue 9).
    private mutating func key(_ key: StaticString, suffix: StaticString = "") {
        let separator = members > 0
        members += 1
        let k = key.utf8CodeUnitCount, x = suffix.utf8CodeUnitCount
        assert(Self.isPlainKey(UnsafeBufferPointer(start: key.utf8Start, count: k)), "a JSON key that would need an escape: \(key)")
        assert(Self.isPlainKey(UnsafeBufferPointer(start: suffix.utf8Start, count: x)), "a JSON key that would need an escape: \(suffix)")
        let count = (separator ? 2 : 0) + k + x + 4
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { out in
            var i = 0
            if separator { out[0] = UInt8(ascii: ","); out[1] = UInt8(ascii: " "); i = 2 }
            out[i] = UInt8(ascii: "\""); i += 1
            UnsafeMutableBufferPointer(rebasing: out[i..<(i + k)]).update(fromContentsOf: UnsafeBufferPointer(start: key.utf8Start, count: k))
            i += k
            if x > 0 {
                UnsafeMutableBufferPointer(rebasing: out[i..<(i + x)]).update(fromContentsOf: UnsafeBufferPointer(start: suffix.utf8Start, count: x))
                i += x
            }
            out[i] = UInt8(ascii: "\""); out[i + 1] = UInt8(ascii: ":"); out[i + 2] = UInt8(ascii: " ")
            bytes.append(contentsOf: UnsafeBufferPointer(out))
        }
    }

    /// An integer's decimal digits, written without a String between.
    private mutating func appendDecimal(_ value: Int) {
        let negative = value < 0
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20
            repeat {
                i -= 1
                digits[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if negative { i -= 1; digits[i] = UInt8(ascii: "-") }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<20]))
        }
    }

    /// The schema's key alphabet: lowercase letters, digits and `_`.
    static func isPlainKey(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f }
    }

    public mutating func add(_ key: StaticString, _ value: JSONValue?) {
        guard let value else { return }
        self.key(key)
        value.write(into: &bytes, pretty: false, indent: 0)
    }

    public mutating func add(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        JSONValue.quote(value, into: &bytes)
    }

    public mutating func add(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        self.key(key)
        appendDecimal(value)
    }

    public mutating func add(_ key: StaticString, _ value: UInt32?) {
        guard let value else { return }
        self.key(key)
        appendDecimal(Int(value))
    }

    public mutating func add(_ key: StaticString, _ value: Bool?) {
        guard let value else { return }
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func add(_ key: StaticString, _ text: SysfsText?) {
        guard let text else { return }
        add(key, text.value)
        if let raw = text.rawBase64 {
            self.key(key, suffix: "_raw_b64")
            JSONValue.quote(raw, into: &bytes)
        }
    }

    public mutating func addObject(_ key: StaticString, _ write: (inout JSONBytesWriter) -> Void) {
        self.key(key)
        writeObject(write)
    }

    public mutating func addStrings(_ key: StaticString, _ items: [String]) {
        self.key(key)
        writeArray(items) { w, item in JSONValue.quote(item, into: &w.bytes) }
    }

    public mutating func addObjects<C: Collection>(_ key: StaticString, _ items: C, _ write: (C.Element, inout JSONBytesWriter) -> Void) {
        self.key(key)
        writeArray(items) { w, item in w.writeObject { write(item, &$0) } }
    }

    /// `[a, b]`, `[]` when empty, as the tree writes it.
    private mutating func writeArray<C: Collection>(_ items: C, _ element: (inout JSONBytesWriter, C.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: " ")) }
            element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `{…}` with its own member count; an object with no member is `{}`, as the tree writes it.
    private mutating func writeObject(_ write: (inout JSONBytesWriter) -> Void) {
        let outer = members
        members = 0
        bytes.append(UInt8(ascii: "{"))
        write(&self)
        bytes.append(UInt8(ascii: "}"))
        members = outer
    }
}
