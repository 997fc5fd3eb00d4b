@testable import RdmaKit
import Testing

/// `list --json` writes device records as fragments on the kernel's threads; the document must
/// not change by it. The pretty form is fixed by hand here (two spaces a level, ", " and ": " in
/// the compact form: the envelope DESIGN §6 prints), and every other case against the tree
/// writer, at several depths.
@Suite("JSON fragments written ahead of the document")
struct JSONFragmentTests {
    @Test func prettyFragmentReadsAsItsTree() {
        let record = JSONValue.object([("a", .array([.int(1), .object([])])), ("b", .array([])),
                                       ("c", .string(#"x", {"y": [1]}"#)), ("d", .object([("e", .null)]))])
        let document = JSONValue.object([("data", .array([.written(JSONFragment(record))]))])
        #expect(document.serialized(pretty: true) == """
            {
              "data": [
                {
                  "a": [
                    1,
                    {}
                  ],
                  "b": [],
                  "c": "x\\", {\\"y\\": [1]}",
                  "d": {
                    "e": null
                  }
                }
              ]
            }
            """)
        #expect(document.serialized(pretty: false) == #"{"data": [{"a": [1, {}], "b": [], "c": "x\", {\"y\": [1]}", "d": {"e": null}}]}"#)
    }

    @Test func fragmentsWriteWhatTheirTreesWrite() {
        var rng = SplitMix(seed: 9)
        for _ in 0..<2_000 {
            let value = Self.randomValue(&rng, depth: 0)
            for depth in 0..<3 {
                var tree = value, fragment = JSONValue.written(JSONFragment(value))
                for _ in 0..<depth {
                    tree = .array([.null, tree]); fragment = .array([.null, fragment])
                    tree = .object([("k", tree)]); fragment = .object([("k", fragment)])
                }
                #expect(fragment.serialized(pretty: true) == tree.serialized(pretty: true))
                #expect(fragment.serialized(pretty: false) == tree.serialized(pretty: false))
                #expect(fragment == tree)
            }
        }
    }

    /// The compact document in pieces (written with writev, no copy into one buffer) is the
    /// compact document byte for byte, each fragment a piece of its own: random trees with
    /// fragments at several depths, empty arrays and objects, strings that need escapes.
    @Test func documentPiecesJoinToTheDocument() {
        var rng = SplitMix(seed: 11)
        for _ in 0..<1_000 {
            let value = Self.randomValue(&rng, depth: 0)
            let document = JSONValue.object([("data", .array([.written(JSONFragment(value)), value, .written(JSONFragment(value))])),
                                             ("empty", .array([])), ("none", .object([])), ("k\"ey", .string("\u{1}"))])
            let pieces = document.compactDocumentPieces()
            #expect(Array(pieces.joined()) == document.document(pretty: false))
            #expect(pieces.contains { $0 == JSONFragment(value).compact })
        }
        #expect(JSONValue.int(7).compactDocumentPieces() == [Array("7\n".utf8)])
    }

    @Test func lookupsSeeInsideAFragment() {
        let record = JSONValue.object([("ifname", .string("hfi1_0")), ("ports", .array([.object([("port", .int(1))])]))])
        let fragment = JSONValue.written(JSONFragment(record))
        #expect(fragment["ifname"] == .string("hfi1_0"))
        #expect(fragment["ports"]?[0]?["port"] == .int(1))
        #expect(fragment["missing"] == nil)
        #expect(Verdict.key(of: .array([fragment])) == Verdict.key(of: .array([record])))
    }

    /// Strings with the bytes the re-indenter must not take for structure: quotes, backslashes
    /// (an escaped quote, a backslash before a closing quote), brackets, commas, colons.
    static func randomValue(_ rng: inout SplitMix, depth: Int) -> JSONValue {
        let pieces = ["\"", "\\", "{", "}", "[", "]", ",", ", ", ":", ": ", "a", "é", "\u{1}", "\n", " ", "\\\""]
        switch rng.next() % (depth > 3 ? 4 : 7) {
        case 0: return .null
        case 1: return .int(Int64(bitPattern: rng.next()) >> 20)
        case 2: return .bool(rng.next() % 2 == 0)
        case 3: return .string((0..<Int(rng.next() % 6)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined())
        case 4: return .uint(rng.next())
        case 5: return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            return .object((0..<Int(rng.next() % 4)).map { i in
                (pieces[Int(rng.next() % UInt64(pieces.count))] + "\(i)", randomValue(&rng, depth: depth + 1))
            })
        }
    }
}
