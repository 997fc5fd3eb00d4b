import Foundation
import Testing

/// README's quick start is exactly two commands: install + `rdmactl --emulated list`, and the
/// tests. This runs the first one's rdmactl part and checks what a new user must see.
@Suite("README")
struct ReadmeTests {
    static func quickStartCommands() throws -> [String] {
        let readme = try String(contentsOfFile: GeneratedFilesTests.repo + "/README.md", encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Quick start").dropFirst().first)
            .components(separatedBy: "\n## ").first!
        let beforeTry = section.components(separatedBy: "Then try").first!
        return beforeTry.split(separator: "\n").filter { $0.hasPrefix("    ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func twoCommands() throws {
        let commands = try Self.quickStartCommands()
        #expect(commands.count == 2, "\(commands)")
        #expect(commands.first?.hasSuffix("rdmactl --emulated list") == true)
        #expect(commands.last == "swift test")
    }

    @Test func firstCommandListsTheEmulatedDevices() throws {
        let command = try #require(try Self.quickStartCommands().first)
        let args = command.components(separatedBy: "rdmactl ").last!.split(separator: " ").map(String.init)
        let r = rdmactl(args)
        #expect(r.status == 0)
        #expect(r.stdout.contains("\nhfi1_0 ") && r.stdout.contains("\nqib0 "))
    }
}
