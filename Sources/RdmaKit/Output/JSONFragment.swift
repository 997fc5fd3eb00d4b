/// A JSON value written ahead of its document, as compact bytes: `list --json` writes each device
/// record on the kernel's threads (issue 9: building, writing and freeing the records' trees
/// was 42 % of its instructions, all of it on one thread after discovery). The document
/// copies the bytes in; pretty output re-indents them on the way (`writePretty`), so a fragment
/// reads the same as the tree it came from in both forms.
public struct JSONFragment: Sendable {
    /// `value` as `JSONValue.serialized(pretty: false)` writes it.
    public let compact: [UInt8]

    public init(_ value: JSONValue) {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        value.write(into: &out, pretty: false, indent: 0)
        compact = out
    }

    /// Bytes already written as compact JSON (JSONBytesWriter).
    init(compact: [UInt8]) { self.compact = compact }

    /// The tree again, for tests and renderers that look inside (`JSONValue` subscripts).
    /// Numbers come back as the reader types them: `int` when they fit, as written.
    public var value: JSONValue {
        (try? JSONReader.parse(compact)) ?? .null
    }

    /// Appends the fragment as the value at `indent` of a document being written.
    func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
        if pretty { Self.writePretty(compact, at: indent, into: &out) } else { out.append(contentsOf: compact) }
    }

    /// Compact JSON as `JSONValue.write` writes it (", " between items, ": " after keys, `{}` and
    /// `[]` when empty) re-indented as its pretty form: a new line and two spaces per level after
    /// each opening bracket and comma and before each closing one. Bytes inside strings are
    /// copied as they are (an escaped quote does not end one).
    static func writePretty(_ compact: [UInt8], at indent: Int, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + compact.count + compact.count / 2)
        compact.withUnsafeBufferPointer { b in
            var level = indent
            var i = 0
            let n = b.count
            func newline() {
                out.append(UInt8(ascii: "\n"))
                out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
            }
            while i < n {
                let c = b[i]
                switch c {
                case UInt8(ascii: "\""):
                    // The string, up to its unescaped closing quote, in one copy.
                    var end = i + 1
                    while end < n, b[end] != UInt8(ascii: "\"") { end += b[end] == UInt8(ascii: "\\") ? 2 : 1 }
                    end = min(end + 1, n)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<end]))
                    i = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    out.append(c)
                    if i + 1 < n, b[i + 1] == c + 2 {   // "{}" and "[]" stay as they are ('}' = '{' + 2)
                        out.append(b[i + 1])
                        i += 2
                        continue
                    }
                    level += 1
                    newline()
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    level -= 1
                    newline()
                    out.append(c)
                case UInt8(ascii: ","):
                    out.append(c)
                    newline()
                    if i + 1 < n, b[i + 1] == UInt8(ascii: " ") { i += 1 }
                default:
                    out.append(c)
                }
                i += 1
            }
        }
    }
}

extension JSONFragment: Equatable {
    /// Equal when written the same.
    public static func == (lhs: JSONFragment, rhs: JSONFragment) -> Bool { lhs.compact == rhs.compact }
}
