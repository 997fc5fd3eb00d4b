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
    /// A string of at most `capacity` bytes that `write` puts at the pointer it is given and
    /// counts: printable ASCII that needs no escape (a device number, a mode, a GUID). The byte
    /// writer has it written in place, with no String made or scanned (callgrind, issue 9).
    mutating func addASCII(_ key: StaticString, capacity: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int)
}

extension JSONMembers {
    public mutating func addASCII(_ key: StaticString, capacity: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        add(key, String(unsafeUninitializedCapacity: capacity) { write($0.baseAddress!) })
    }

    /// A GUID as sysfs prints it (`GUID.sysfs`).
    public mutating func add(_ key: StaticString, guid: GUID?) {
        guard let guid else { return }
        addASCII(key, capacity: GUID.sysfsLength) { guid.write(to: $0); return GUID.sysfsLength }
    }
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
/// The bytes go to storage of its own, not an `[UInt8]`: `Array.append(contentsOf:)` checks
/// uniqueness and capacity and copies generically, about 90 instructions a call, and a record
/// is some 150 appends (issue 9). Only `object` makes one, and frees it when the record is
/// copied out, so a writer lives exactly as long as the closure it is lent to.
public struct JSONBytesWriter: JSONMembers {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Members written so far in the object being written (the separator before the next).
    private var members = 0

    private init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// One object, its members written by `write`. Room for a whole hfi1 record (some 2.2 KB)
    /// up front: growing from 1 KB twice per device copied each record twice.
    public static func object(_ write: (inout JSONBytesWriter) -> Void) -> JSONFragment {
        var w = JSONBytesWriter(capacity: 3072)
        defer { w.base.deallocate() }
        w.writeObject(write)
        return JSONFragment(compact: Array(UnsafeBufferPointer(start: w.base, count: w.count)))
    }

    /// Makes room for `n` more bytes and returns where they go; the caller fills exactly `n`.
    @inline(__always)
    private mutating func claim(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(to: count + n) }
        defer { count += n }
        return base + count
    }

    private mutating func grow(to needed: Int) {
        let larger = Swift.max(capacity * 2, needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) { claim(1).pointee = byte }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        claim(bytes.count).update(from: start, count: bytes.count)
    }

    private mutating func append(_ text: StaticString) {
        claim(text.utf8CodeUnitCount).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
    }

    /// `, "key": `, written straight into the storage.
    private mutating func key(_ key: StaticString, suffix: StaticString = "") {
        let separator = members > 0
        members += 1
        let k = key.utf8CodeUnitCount, x = suffix.utf8CodeUnitCount
        assert(Self.isPlainKey(UnsafeBufferPointer(start: key.utf8Start, count: k)), "a JSON key that would need an escape: \(key)")
        assert(Self.isPlainKey(UnsafeBufferPointer(start: suffix.utf8Start, count: x)), "a JSON key that would need an escape: \(suffix)")
        var out = claim((separator ? 2 : 0) + k + x + 4)
        if separator { out[0] = UInt8(ascii: ","); out[1] = UInt8(ascii: " "); out += 2 }
        out[0] = UInt8(ascii: "\""); out += 1
        out.update(from: key.utf8Start, count: k); out += k
        if x > 0 { out.update(from: suffix.utf8Start, count: x); out += x }
        out[0] = UInt8(ascii: "\""); out[1] = UInt8(ascii: ":"); out[2] = UInt8(ascii: " ")
    }

    /// An integer's decimal digits, written without a String between.
    private mutating func appendDecimal(_ value: Int) {
        let magnitude = UInt64(value.magnitude), digits = decimalDigits(magnitude)
        let sign = value < 0 ? 1 : 0
        let out = claim(sign + digits)
        if sign == 1 { out[0] = UInt8(ascii: "-") }
        writeDecimal(magnitude, digits: digits, at: out + sign)
    }

    /// A string as a JSON literal: nearly every string needs no escape, so it is one scan and one
    /// copy; one that does is escaped by `JSONValue.quote`, the writer both sinks share.
    private mutating func quoted(_ s: String) {
        var utf8 = s
        utf8.withUTF8 { bytes in
            if !JSONValue.anyNeedsEscape(bytes) {
                let out = claim(bytes.count + 2)
                out[0] = UInt8(ascii: "\"")
                if let start = bytes.baseAddress { (out + 1).update(from: start, count: bytes.count) }
                out[bytes.count + 1] = UInt8(ascii: "\"")
            } else {
                var escaped: [UInt8] = []
                JSONValue.quote(s, into: &escaped)
                escaped.withUnsafeBufferPointer { append($0) }
            }
        }
    }

    /// The schema's key alphabet: lowercase letters, digits and `_`.
    static func isPlainKey(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f }
    }

    public mutating func add(_ key: StaticString, _ value: JSONValue?) {
        guard let value else { return }
        self.key(key)
        var written: [UInt8] = []
        value.write(into: &written, pretty: false, indent: 0)
        written.withUnsafeBufferPointer { append($0) }
    }

    public mutating func add(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        quoted(value)
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
        append(value ? "true" : "false")
    }

    /// Written in place between its quotes: no String made, none scanned for escapes (a record
    /// carries four GUIDs and four device numbers; making each string cost 500–800
    /// instructions, callgrind, issue 9). `write` must write printable ASCII only (no escape).
    public mutating func addASCII(_ key: StaticString, capacity: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        self.key(key)
        let out = claim(capacity + 2)
        out[0] = UInt8(ascii: "\"")
        let n = write(out + 1)
        assert(n <= capacity && !JSONValue.anyNeedsEscape(UnsafeBufferPointer(start: out + 1, count: n)))
        out[n + 1] = UInt8(ascii: "\"")
        count -= capacity - n
    }

    public mutating func add(_ key: StaticString, _ text: SysfsText?) {
        guard let text else { return }
        add(key, text.value)
        if let raw = text.rawBase64 {
            self.key(key, suffix: "_raw_b64")
            quoted(raw)
        }
    }

    public mutating func addObject(_ key: StaticString, _ write: (inout JSONBytesWriter) -> Void) {
        self.key(key)
        writeObject(write)
    }

    public mutating func addStrings(_ key: StaticString, _ items: [String]) {
        self.key(key)
        writeArray(items) { w, item in w.quoted(item) }
    }

    public mutating func addObjects<C: Collection>(_ key: StaticString, _ items: C, _ write: (C.Element, inout JSONBytesWriter) -> Void) {
        self.key(key)
        writeArray(items) { w, item in w.writeObject { write(item, &$0) } }
    }

    /// `[a, b]`, `[]` when empty, as the tree writes it.
    private mutating func writeArray<C: Collection>(_ items: C, _ element: (inout JSONBytesWriter, C.Element) -> Void) {
        append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { append(", ") }
            first = false
            element(&self, item)
        }
        append(UInt8(ascii: "]"))
    }

    /// `{…}` with its own member count; an object with no member is `{}`, as the tree writes it.
    private mutating func writeObject(_ write: (inout JSONBytesWriter) -> Void) {
        let outer = members
        members = 0
        append(UInt8(ascii: "{"))
        write(&self)
        append(UInt8(ascii: "}"))
        members = outer
    }
}
