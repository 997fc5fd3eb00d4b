/// Fast paths of the number parsers for what sysfs prints ("1\n", "4: ACTIVE", "0x1a"):
/// `Int(text.trimmingSpaces)`, `text.firstIndex(of: ":")` and `text.hasPrefix("0x")` walk
/// Characters (grapheme breaking), 1,000–1,500 instructions an attribute, and a full listing
/// parses about ten numbers a device (callgrind, issue 9; Docs/performance.md).
///
/// Each answers only for input of plain ASCII it reads whole, and nil for anything else,
/// where the general parse it speeds up then decides. What it accepts — ASCII digits, with ASCII
/// spaces, tabs and newlines around them, a ":" followed by ASCII or nothing — is split into
/// the same Characters as into bytes (an ASCII byte followed by an ASCII byte is always a
/// grapheme break but in "\r\n", and "\r" is accepted nowhere), so wherever the fast path
/// answers, its answer is the general parse's.

/// `digits` when they are 1 to 18 ASCII decimal digits (no sign: the general parse takes
/// those); nil otherwise. 18 digits cannot overflow an Int.
func asciiDecimal(_ digits: UnsafeBufferPointer<UInt8>) -> Int? {
    guard !digits.isEmpty, digits.count <= 18 else { return nil }
    var value = 0
    for byte in digits {
        let digit = byte &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value &* 10 &+ Int(digit)
    }
    return value
}

/// "0x"/"0X" and 1 to 16 hex digits, exactly; nil otherwise.
func asciiHex0x(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
    guard bytes.count >= 3, bytes.count <= 18, bytes[0] == UInt8(ascii: "0"),
          bytes[1] == UInt8(ascii: "x") || bytes[1] == UInt8(ascii: "X") else { return nil }
    var value: UInt64 = 0
    for byte in bytes[2...] {
        guard let digit = hexValue(byte) else { return nil }
        value = value << 4 | UInt64(digit)
    }
    return value
}

/// `bytes` without the ASCII " ", "\t" and "\n" at either end (`String.trimmingSpaces`' set).
func trimmedASCIISpaces(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a }
    var start = 0, end = bytes.count
    while start < end, isSpace(bytes[start]) { start += 1 }
    while end > start, isSpace(bytes[end - 1]) { end -= 1 }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
}

/// `Int(text.trimmingSpaces)` where the trimmed text is plain digits; nil: ask that.
func plainDecimal(_ text: String) -> Int? {
    var text = text
    return text.withUTF8 { asciiDecimal(trimmedASCIISpaces($0)) }
}

/// `parseHex(String(text.trimmingSpaces))` where the trimmed text is "0x" and plain hex digits;
/// nil: ask that.
func plainHex(_ text: String) -> UInt64? {
    var text = text
    return text.withUTF8 { asciiHex0x(trimmedASCIISpaces($0)) }
}

/// `leadingInteger(text)` where the text begins with plain digits and a ":" that is a
/// Character of its own (the end, or an ASCII byte, follows it); nil: ask that.
func plainLeadingInteger(_ text: String) -> Int? {
    var text = text
    return text.withUTF8 { b in
        var colon = 0
        while colon < b.count, colon <= 18, b[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < b.count, b[colon] == UInt8(ascii: ":"), colon + 1 == b.count || b[colon + 1] < 0x80 else { return nil }
        return asciiDecimal(UnsafeBufferPointer(rebasing: b[0..<colon]))
    }
}
