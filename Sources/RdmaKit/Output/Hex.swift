/// Numbers as the kernel's printf formats print them, written straight into a String's storage:
/// through `String(_:radix:)`, padding and `+` each took 400–2,500 instructions, and a
/// `list --json` record formats some twenty (issue 9). Every result here is ASCII and at most
/// 15 bytes but a GID, so nearly all are small strings, stored without an allocation.

/// `%0<width>x` / `%0<width>X` after `prefix` ("0x" where sysfs prints one).
public func hex(_ value: UInt64, width: Int, uppercase: Bool = false, prefix: StaticString = "") -> String {
    String(unsafeUninitializedCapacity: hexLength(value, width: width, prefix: prefix)) {
        writeHex(value, width: width, uppercase: uppercase, prefix: prefix, to: $0.baseAddress!)
    }
}

/// How many bytes `hex` makes.
func hexLength(_ value: UInt64, width: Int, prefix: StaticString = "") -> Int {
    var digits = 1
    var rest = value >> 4
    while rest != 0 { digits += 1; rest >>= 4 }
    return prefix.utf8CodeUnitCount + max(digits, width)
}

/// `hex`'s bytes at `out`; returns how many (a JSON record's PCI ids are written in place,
/// JSONMembers `addASCII`).
func writeHex(_ value: UInt64, width: Int, uppercase: Bool = false, prefix: StaticString = "",
              to out: UnsafeMutablePointer<UInt8>) -> Int {
    let p = prefix.utf8CodeUnitCount, length = hexLength(value, width: width, prefix: prefix)
    for i in 0..<p { out[i] = prefix.utf8Start[i] }
    var v = value
    for i in stride(from: length - 1, through: p, by: -1) {
        out[i] = hexDigit(UInt8(truncatingIfNeeded: v & 0xf), uppercase: uppercase)
        v >>= 4
    }
    return length
}

@inline(__always)
func hexDigit(_ nibble: UInt8, uppercase: Bool = false) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : (uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")) + nibble - 10
}

/// `words` as `%04x` groups joined by ":" (sysfs GUIDs and GIDs, `%pI6`).
func colonHexString<C: Collection<UInt16>>(_ words: C) -> String {
    let n = words.count
    guard n > 0 else { return "" }
    return String(unsafeUninitializedCapacity: n * 5 - 1) { out in
        var i = 0
        for w in words {
            if i > 0 { out[i] = UInt8(ascii: ":"); i += 1 }
            for shift in stride(from: 12, through: 0, by: -4) {
                out[i] = hexDigit(UInt8(truncatingIfNeeded: w >> UInt16(shift) & 0xf)); i += 1
            }
        }
        return i
    }
}

/// "231:192": a device number as sysfs `dev` prints it (`%u:%u`, drivers/base/core.c dev_show).
func devNumberText(_ major: UInt32, _ minor: UInt32) -> String {
    String(unsafeUninitializedCapacity: devNumberMaxLength) { writeDevNumber(major, minor, to: $0.baseAddress!) }
}

/// The longest `devNumberText`: two 10-digit numbers and the colon.
let devNumberMaxLength = 21

/// `devNumberText`'s bytes at `out`; returns how many (a JSON record's `dev` is written in place,
/// JSONMembers `addASCII`).
func writeDevNumber(_ major: UInt32, _ minor: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
    var i = writeDecimal(major, at: out)
    out[i] = UInt8(ascii: ":"); i += 1
    return i + writeDecimal(minor, at: out + i)
}

/// Writes `value`'s decimal digits at `out`; returns how many.
private func writeDecimal(_ value: UInt32, at out: UnsafeMutablePointer<UInt8>) -> Int {
    let digits = decimalDigits(UInt64(value))
    writeDecimal(UInt64(value), digits: digits, at: out)
    return digits
}

/// How many decimal digits `value` has (1 for 0).
func decimalDigits(_ value: UInt64) -> Int {
    var digits = 1
    var rest = value / 10
    while rest > 0 { digits += 1; rest /= 10 }
    return digits
}

/// `value`'s `digits` decimal digits (`decimalDigits`) written at `out`, no String between.
func writeDecimal(_ value: UInt64, digits: Int, at out: UnsafeMutablePointer<UInt8>) {
    var v = value
    for i in stride(from: digits - 1, through: 0, by: -1) {
        out[i] = UInt8(ascii: "0") + UInt8(v % 10)
        v /= 10
    }
}
