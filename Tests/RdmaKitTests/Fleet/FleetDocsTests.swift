import Foundation
import Testing
import RdmaKit

/// Issue 11: the volatile fields gather ignores are "listed in Docs", and the exit-status order
/// is the one Docs/fleet.md and Docs/exit-codes.md state. This keeps the code and the page equal.
@Suite("fleet docs")
struct FleetDocsTests {
    static func page(_ name: String) throws -> String {
        try String(contentsOfFile: GeneratedFilesTests.repo + "/Docs/" + name, encoding: .utf8)
    }

    @Test func everyVolatileKeyIsListed() throws {
        let doc = try Self.page("fleet.md")
        let section = try #require(doc.components(separatedBy: "## 5. What counts as the same verdict").dropFirst().first)
            .components(separatedBy: "\n## ").first!
        for (key, _) in Verdict.volatileKeys {
            #expect(section.contains("`\(key)`"), "Docs/fleet.md §5 does not list \(key)")
        }
    }

    @Test func theWorstFirstOrderIsDocumented() throws {
        let order = GatherReport.severity.map(String.init).joined(separator: " > ")
        #expect(order == "1 > 64 > 77 > 76 > 65 > 66 > 71 > 73 > 75 > 69 > 0")
        #expect(try Self.page("fleet.md").contains(order))
        #expect(try Self.page("exit-codes.md").contains(order))
    }
}
