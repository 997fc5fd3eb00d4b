import Foundation
import Testing
import RdmaKit

/// completions/ and Docs/ are generated from the parser; these fail when they go stale
/// (regenerate with `.ci/check-generated.sh .build/debug/rdmactl --update`).
@Suite("generated files")
struct GeneratedFilesTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptIsFresh(_ shell: String) throws {
        let r = rdmactl(["--generate-completion-script", shell])
        #expect(r.status == 0)
        let committed = try String(contentsOfFile: Self.repo + "/completions/rdmactl." + shell, encoding: .utf8)
        #expect(r.stdout == committed, "completions/rdmactl.\(shell) is stale")
    }

    @Test func manPageDocumentsEveryExitStatus() throws {
        let page = try String(contentsOfFile: Self.repo + "/Docs/rdmactl.1", encoding: .utf8)
        let section = try #require(page.components(separatedBy: ".Sh \"EXIT STATUS\"").last)
        for code in ExitCode.allCases {
            #expect(section.contains(".It \(code.rawValue)\n"), "EXIT STATUS lacks \(code.rawValue)")
        }
        let doc = try String(contentsOfFile: Self.repo + "/Docs/exit-codes.md", encoding: .utf8)
        for code in ExitCode.allCases { #expect(doc.contains("| \(code.rawValue) |")) }
        // Every subcommand is in the page.
        for command in ["list", "show", "snapshot", "doctor"] { #expect(page.contains(command)) }
    }
}
