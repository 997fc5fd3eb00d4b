/// Text read from a kernel file. sysfs is bytes, not text: a value that is not valid UTF-8 keeps
/// its raw bytes so JSON can carry them (`*_raw_b64`, DESIGN §6) while `value` stays printable.
public struct SysfsText: Sendable, Equatable, CustomStringConvertible {
    /// The text with invalid UTF-8 replaced by `\xNN` escapes.
    public let value: String
    /// The original bytes, only when they were not valid UTF-8.
    public let raw: [UInt8]?

    public init(bytes: [UInt8]) {
        // Nearly every attribute and name is ASCII: one scan of the buffer, then a copy.
        if let s = bytes.withUnsafeBufferPointer({ b in isASCII(b) ? String(decoding: b, as: UTF8.self) : nil }) {
            value = s; raw = nil
        } else if let s = String(validating: bytes, as: UTF8.self) {
            value = s; raw = nil
        } else {
            var out = ""
            var i = 0
            while i < bytes.count {
                // Decode the longest valid prefix scalar by scalar; escape bytes that are not.
                let (scalar, length) = SysfsText.decodeScalar(bytes, at: i)
                if let scalar { out.unicodeScalars.append(scalar); i += length }
                else { out += "\\x" + SysfsText.hex2(bytes[i]); i += 1 }
            }
            value = out; raw = bytes
        }
    }

    public init(_ string: String) { value = string; raw = nil }

    /// `init(bytes:)` of bytes lent for the call: ASCII (nearly every attribute) becomes the
    /// String at once, without an array; anything else takes the array's way.
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        if isASCII(bytes) { self.init(String(decoding: bytes, as: UTF8.self)) } else { self.init(bytes: Array(bytes)) }
    }

    public var rawBase64: String? { raw.map(base64) }
    public var description: String { value }

    static func hex2(_ b: UInt8) -> String {
        let d = String(b, radix: 16)
        return d.count == 1 ? "0" + d : d
    }

    private static func decodeScalar(_ bytes: [UInt8], at i: Int) -> (Unicode.Scalar?, Int) {
        let b0 = bytes[i]
        let length: Int
        switch b0 {
        case 0x00...0x7f: return (Unicode.Scalar(b0), 1)
        case 0xc2...0xdf: length = 2
        case 0xe0...0xef: length = 3
        case 0xf0...0xf4: length = 4
        default: return (nil, 1)
        }
        guard i + length <= bytes.count else { return (nil, 1) }
        let slice = Array(bytes[i..<i + length])
        guard let s = String(validating: slice, as: UTF8.self), let scalar = s.unicodeScalars.first,
              s.unicodeScalars.count == 1 else { return (nil, 1) }
        return (scalar, length)
    }
}

/// Terminal-safe text: control bytes become visible escapes so a hostile sysfs value cannot
/// move the cursor or change colours (DESIGN §6: "Text escapes control bytes").
public func terminalSafe(_ s: String) -> String {
    // Nearly every name and value is printable ASCII: nothing to escape, nothing to copy.
    var probe = s
    if probe.withUTF8({ b in b.allSatisfy { $0 >= 0x20 && $0 < 0x7f } }) { return s }
    var out = ""
    for scalar in s.unicodeScalars {
        // Bidirectional overrides and isolates can reorder what a terminal shows (Trojan Source).
        // So are the line and paragraph separators, which some terminals treat as newlines.
        let bidi = (0x202a...0x202e).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029
        if bidi {
            out += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else if scalar.value < 0x20 || (scalar.value >= 0x7f && scalar.value < 0xa0) {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out += "\\x" + SysfsText.hex2(UInt8(scalar.value))
            }
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// RFC 4648 base64 with padding (what `*_raw_b64` carries).
func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
        let b0 = UInt32(bytes[i])
        let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
        let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
        let v = b0 << 16 | b1 << 8 | b2
        out.append(alphabet[Int(v >> 18 & 63)])
        out.append(alphabet[Int(v >> 12 & 63)])
        out.append(i + 1 < bytes.count ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
        out.append(i + 2 < bytes.count ? alphabet[Int(v & 63)] : UInt8(ascii: "="))
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}

/// Whether every byte is ASCII (the common case of sysfs text), scanning the buffer directly.
func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var all: UInt8 = 0
    for b in bytes { all |= b }
    return all < 0x80
}
