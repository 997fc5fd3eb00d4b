import RdmaKit

/// A strict JSON parser for tests (keeps key order, so golden comparisons see what users see).
enum JSONParser {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func parse(_ text: String) throws -> JSONValue {
        var p = Parser(Array(text.utf8))
        p.skipSpace()
        let v = try p.value()
        p.skipSpace()
        guard p.i == p.s.count else { throw Failure(description: "trailing bytes at \(p.i)") }
        return v
    }

    struct Parser {
        let s: [UInt8]
        var i = 0
        init(_ s: [UInt8]) { self.s = s }

        mutating func skipSpace() { while i < s.count, [0x20, 0x0a, 0x0d, 0x09].contains(s[i]) { i += 1 } }

        mutating func expect(_ c: UInt8) throws {
            guard i < s.count, s[i] == c else { throw Failure(description: "expected \(Character(UnicodeScalar(c))) at \(i)") }
            i += 1
        }

        mutating func value() throws -> JSONValue {
            guard i < s.count else { throw Failure(description: "unexpected end") }
            switch s[i] {
            case UInt8(ascii: "{"):
                i += 1; skipSpace()
                var members: [(String, JSONValue)] = []
                if s[i] == UInt8(ascii: "}") { i += 1; return .object([]) }
                while true {
                    skipSpace()
                    guard case .string(let key) = try value() else { throw Failure(description: "key at \(i)") }
                    skipSpace(); try expect(UInt8(ascii: ":")); skipSpace()
                    members.append((key, try value()))
                    skipSpace()
                    if s[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "}")); return .object(members)
                }
            case UInt8(ascii: "["):
                i += 1; skipSpace()
                var items: [JSONValue] = []
                if s[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
                while true {
                    skipSpace(); items.append(try value()); skipSpace()
                    if s[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "]")); return .array(items)
                }
            case UInt8(ascii: "\""):
                i += 1
                var bytes: [UInt8] = []
                while s[i] != UInt8(ascii: "\"") {
                    if s[i] == UInt8(ascii: "\\") {
                        i += 1
                        switch s[i] {
                        case UInt8(ascii: "n"): bytes.append(0x0a)
                        case UInt8(ascii: "t"): bytes.append(0x09)
                        case UInt8(ascii: "r"): bytes.append(0x0d)
                        case UInt8(ascii: "u"):
                            let hex = String(decoding: s[(i + 1)...(i + 4)], as: UTF8.self)
                            guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                                throw Failure(description: "bad \\u at \(i)")
                            }
                            bytes.append(contentsOf: Array(String(Character(scalar)).utf8)); i += 4
                        default: bytes.append(s[i])
                        }
                        i += 1
                    } else {
                        guard s[i] >= 0x20 else { throw Failure(description: "raw control byte in string at \(i)") }
                        bytes.append(s[i]); i += 1
                    }
                }
                i += 1
                return .string(String(decoding: bytes, as: UTF8.self))
            case UInt8(ascii: "t"): i += 4; return .bool(true)
            case UInt8(ascii: "f"): i += 5; return .bool(false)
            case UInt8(ascii: "n"): i += 4; return .null
            default:
                let start = i
                while i < s.count, s[i] == UInt8(ascii: "-") || (s[i] >= 0x30 && s[i] <= 0x39) { i += 1 }
                let text = String(decoding: s[start..<i], as: UTF8.self)
                if let v = Int64(text) { return .int(v) }
                if let v = UInt64(text) { return .uint(v) }
                throw Failure(description: "bad number at \(start)")
            }
        }
    }
}
