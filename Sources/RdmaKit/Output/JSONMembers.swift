/// Where an object's members go, so a record's schema is written once (DeviceJSON.swift) and
/// serves both forms: `JSONObjectBuilder` keeps a tree (`show`, renderers, tests),
/// `JSONBytesWriter` writes compact bytes at once (`list --json`'s records: building each
/// device's tree only to write and free it was a fifth of its user time, issue 9).
/// A nil value is no member at all.
public protocol JSONMembers {
    mutating func add(_ key: String, _ value: JSONValue?)
    mutating func add(_ key: String, _ value: String?)
    mutating func add(_ key: String, _ value: Int?)
    mutating func add(_ key: String, _ value: UInt32?)
    mutating func add(_ key: String, _ value: Bool?)
    /// A sysfs text: the escaped string, plus `<key>_raw_b64` when the bytes were not UTF-8.
    mutating func add(_ key: String, _ text: SysfsText?)
    /// A member whose value is an object written by `members`.
    mutating func addObject(_ key: String, _ members: (inout Self) -> Void)
    /// A member whose value is an array of strings.
    mutating func addStrings(_ key: String, _ items: [String])
    /// A member whose value is an array with one object per item, written by `members`.
    mutating func addObjects<C: Collection>(_ key: String, _ items: C, _ members: (C.Element, inout Self) -> Void)
}

extension JSONObjectBuilder: JSONMembers {
    public mutating func addObject(_ key: String, _ members: (inout JSONObjectBuilder) -> Void) {
        var inner = JSONObjectBuilder()
        members(&inner)
        add(key, inner.value)
    }

    public mutating func addStrings(_ key: String, _ items: [String]) {
        add(key, JSONValue.array(items.map(JSONValue.string)))
    }

    public mutating func addObjects<C: Collection>(_ key: String, _ items: C, _ members: (C.Element, inout JSONObjectBuilder) -> Void) {
        add(key, JSONValue.array(items.map { item in
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
        w.bytes.append(UInt8(ascii: "{"))
        write(&w)
        w.bytes.append(UInt8(ascii: "}"))
        return JSONFragment(compact: w.bytes)
    }

    private mutating func key(_ key: String) {
        if members > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: " ")) }
        members += 1
        JSONValue.quote(key, into: &bytes)
        bytes.append(UInt8(ascii: ":")); bytes.append(UInt8(ascii: " "))
    }

    public mutating func add(_ key: String, _ value: JSONValue?) {
        guard let value else { return }
        self.key(key)
        value.write(into: &bytes, pretty: false, indent: 0)
    }

    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        JSONValue.quote(value, into: &bytes)
    }

    public mutating func add(_ key: String, _ value: Int?) {
        guard let value else { return }
        self.key(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func add(_ key: String, _ value: UInt32?) {
        guard let value else { return }
        self.key(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func add(_ key: String, _ value: Bool?) {
        guard let value else { return }
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func add(_ key: String, _ text: SysfsText?) {
        guard let text else { return }
        add(key, text.value)
        if let raw = text.rawBase64 { add(key + "_raw_b64", raw) }
    }

    public mutating func addObject(_ key: String, _ write: (inout JSONBytesWriter) -> Void) {
        self.key(key)
        writeObject(write)
    }

    public mutating func addStrings(_ key: String, _ items: [String]) {
        self.key(key)
        if items.isEmpty { bytes.append(contentsOf: "[]".utf8); return }
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: " ")) }
            JSONValue.quote(item, into: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func addObjects<C: Collection>(_ key: String, _ items: C, _ write: (C.Element, inout JSONBytesWriter) -> Void) {
        self.key(key)
        if items.isEmpty { bytes.append(contentsOf: "[]".utf8); return }
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: " ")) }
            writeObject { write(item, &$0) }
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
