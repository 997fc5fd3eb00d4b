@testable import RdmaKit
import Testing

/// The byte-level fast paths of the number parsers (PlainNumbers.swift) answer for what the
/// kernel prints — `%d\n` (`port`, `abi_version`, `numa_node`'s non-negative values), `"%d: %s"`
/// (core/sysfs.c state_show, phys_state_show), `0x%x` (`lid`, `sm_lid`: show_port_lid et al.),
/// uevent's `MAJOR=%u` (drivers/base/core.c dev_uevent) — and wherever they answer, they answer
/// what the general parse (`Int(trimmingSpaces)`, `leadingInteger`, `parseHex`) would; anything
/// else they leave to it.
@Suite("Plain numbers: the fast paths")
struct PlainNumbersTests {
    @Test func theKernelsFormatsTakeTheFastPath() {
        #expect(plainDecimal("1\n") == 1)
        #expect(plainDecimal("2") == 2)
        #expect(plainDecimal("231") == 231)
        #expect(plainLeadingInteger("4: ACTIVE") == 4)
        #expect(plainLeadingInteger("5: LinkUp") == 5)
        #expect(plainLeadingInteger("1: CA") == 1)
        #expect(plainHex("0x1\n") == 0x1)
        #expect(plainHex("0x00410020") == 0x0041_0020)
        #expect(plainHex("0XFFFF") == 0xffff)
        var digits = "192"
        #expect(digits.withUTF8(asciiDecimal) == 192)
    }

    /// Kernel formats, neighbours of them and hostile text: the fast answer, where there is one,
    /// is the general one.
    static let corpus = [
        "", " ", "\n", "0", "1", "1\n", " 2\n", "\t3\t", "+1", "-1", "-0", "--1", "1 2", "12a", "a12",
        "1\r\n", "\r1", "1\u{301}", " \u{301}1", "\u{0664}", "４", "999999999999999999", "9999999999999999999",
        "99999999999999999999", "0x", "0x1", "0x1a", "0X1A", "0x1g", "0x+1", "0x-1", "x1", "0x1a\n", " 0x1a ",
        "0x00000000000000001", "0xffffffffffffffff", "0x10000000000000000", "0x1\u{301}", "4: ACTIVE", "4:ACTIVE",
        "4 : ACTIVE", ":4", "4:", "+4: ACTIVE", "-4: ACTIVE", "4:\u{301}", "4\u{301}: A", "12345678901234567890: x",
        "5: LinkUp\n", "1: CA",
    ]

    @Test(arguments: corpus)
    func whereTheFastPathAnswersItAnswersTheGeneralParse(_ text: String) {
        if let fast = plainDecimal(text) { #expect(fast == Int(text.trimmingSpaces)) }
        if let fast = plainHex(text) { #expect(fast == parseHex(String(text.trimmingSpaces))) }
        if let fast = plainLeadingInteger(text) {
            let colon = text.firstIndex(of: ":")
            #expect(colon.flatMap { Int(text[..<$0]) } == fast)
        }
        // The parsers that use the fast paths give the general answer either way.
        let colon = text.firstIndex(of: ":")
        #expect(leadingInteger(text) == colon.flatMap { Int(text[..<$0]) })
        #expect(parseHex(text) == (text.hasPrefix("0x") || text.hasPrefix("0X") ? UInt64(text.dropFirst(2), radix: 16) : nil))
    }

    @Test func whatTheFastPathLeavesToTheGeneralParse() {
        // A sign, a grapheme that joins a digit or the colon, more digits than it reads whole.
        #expect(plainDecimal("+1") == nil && Int("+1".trimmingSpaces) == 1)
        #expect(plainDecimal("1\r\n") == nil)
        #expect(plainDecimal("9999999999999999999") == nil)
        #expect(plainLeadingInteger("4:\u{301}") == nil)
        #expect(plainHex("0x00000000000000001") == nil && parseHex("0x00000000000000001") == 1)
    }
}
