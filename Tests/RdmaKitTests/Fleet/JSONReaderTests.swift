import Testing
import RdmaKit

/// gather's reader: every envelope rdmactl writes reads back to the same value (the test
/// parser is the reference), and malformed input fails with an offset instead of a guess.
@Suite("JSON reader")
struct JSONReaderTests {
    @Test(arguments: [["--emulated", "list", "--json"], ["--emulated", "open-ops", "psm2.intel.com", "--json"],
                      ["--emulated", "doctor", "--json"], ["--emulated-set", "qib", "open-ops", "psm2.intel.com@7", "--json"],
                      ["--emulated", "list", "--json", "--pretty"]])
    func readsRdmactlsOwnEnvelopes(_ args: [String]) async throws {
        let out = await rdmactlOffPool(args).stdout
        #expect(try JSONReader.parse(out) == JSONParser.parse(out))
    }

    @Test func stringsNumbersAndSequences() throws {
        #expect(try JSONReader.parse(#"{"a": "\u00e9\ud83d\ude00\n\"x\"", "b": -3, "c": 18446744073709551615, "d": 1.5e3}"#)
                == .object([("a", .string("é😀\n\"x\"")), ("b", .int(-3)), ("c", .uint(.max)), ("d", .string("1.5e3"))]))
        var r = JSONReader(Array("{\"a\": 1}\n\n[true, null]  {}".utf8))
        #expect(try r.next() == .object([("a", .int(1))]))
        #expect(try r.next() == .array([.bool(true), .null]))
        #expect(try r.next() == .object([]))
        #expect(try r.next() == nil)
    }

    /// Integers read digit by digit give what parsing their text gives (RFC 8259 §6 leaves the
    /// range to the reader; this one keeps Int64, then UInt64, then the text): every edge of
    /// both ranges, and beyond them.
    @Test(arguments: ["0", "-0", "7", "-7", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                      "-9223372036854775809", "18446744073709551615", "18446744073709551616", "-18446744073709551616",
                      "99999999999999999999999", "1230", "-1230"])
    func integersReadAsTheirText(_ text: String) throws {
        let expected: JSONValue = Int64(text).map { .int($0) } ?? UInt64(text).map { .uint($0) } ?? .string(text)
        #expect(try JSONReader.parse(text) == expected)
        #expect(try JSONReader.parse("[" + text + ", 1]") == .array([expected, .int(1)]))
    }

    @Test(arguments: ["", "{", "{\"a\" 1}", "[1,]", "\"\\ud800\"", "01", "{} x", "\"a\u{01}\"", "tru",
                      String(repeating: "[", count: 200) + String(repeating: "]", count: 200)])
    func refusesMalformedInput(_ text: String) {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(text) }
    }
}
