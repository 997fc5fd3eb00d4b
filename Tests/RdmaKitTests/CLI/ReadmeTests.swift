import Foundation
import Testing

/// README's quick start is exactly two commands: install + the emulated negotiation
/// (`rdmactl --emulated open-ops psm2.intel.com --handshake --explain`, issue 7), and the tests.
/// This runs the first one's rdmactl part and checks what a new user must see.
@Suite("README")
struct ReadmeTests {
    static func quickStartCommands() throws -> [String] {
        let readme = try String(contentsOfFile: GeneratedFilesTests.repo + "/README.md", encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Quick start").dropFirst().first)
            .components(separatedBy: "\n## ").first!
        let beforeTry = section.components(separatedBy: "The first reads as a short story").first!
        return beforeTry.split(separator: "\n").filter { $0.hasPrefix("    ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func twoCommands() throws {
        let commands = try Self.quickStartCommands()
        #expect(commands.count == 2, "\(commands)")
        #expect(commands.first?.hasSuffix("rdmactl --emulated open-ops psm2.intel.com --handshake --explain") == true)
        #expect(commands.last == "swift test")
    }

    /// DESIGN §4's first worked example: psm2.intel.com 6.3 (HFI1_USER_SWMAJOR/MINOR, ABI-FACTS
    /// §2.5) on hfi1_0 through the proposed driver-ops ioctl, then the ioctl-era handshake.
    @Test func firstCommandNegotiatesAndShakesHands() throws {
        let command = try #require(try Self.quickStartCommands().first)
        let args = command.components(separatedBy: "rdmactl ").last!.split(separator: " ").map(String.init)
        let r = rdmactl(args)
        #expect(r.status == 0)
        #expect(r.stdout.contains("\ngranted: psm2.intel.com 6.3 on hfi1_0 via driver-ops-ioctl"))
        #expect(r.stdout.contains("handshake (hfi1-ioctl): GET_VERS → 0, ASSIGN_CTXT → 0, CTXT_INFO → 0, USER_INFO → 0"))
        #expect(r.stdout.contains("chain (tried in this order):") && r.stdout.contains("released:"))
    }
}
