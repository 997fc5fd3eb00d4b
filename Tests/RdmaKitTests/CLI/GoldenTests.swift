import Foundation
import Testing
import RdmaKit

/// In-process command runs compared with golden files under Fixtures/golden. Regenerate with
/// RDMACTL_UPDATE_GOLDEN=1 swift test --filter Golden (then review the diff).
@Suite("golden output")
struct GoldenTests {
    static let cases: [(String, [String])] = [
        ("list-emulated.json", ["--emulated", "list", "--json", "--pretty"]),
        ("show-qib0.json", ["--emulated", "show", "qib0", "--json", "--pretty"]),
        ("show-qib0-port2.json", ["--emulated", "show", "qib0/2", "--json", "--pretty"]),
        ("list-emulated.txt", ["--emulated", "list"]),
        ("show-hfi1_0.txt", ["--emulated", "show", "hfi1_0"]),
        ("list-none.json", ["--emulated-set", "none", "list", "--json", "--pretty"]),
        ("show-missing.json", ["--emulated", "show", "mlx5_0", "--json", "--pretty"]),
    ]

    @Test(arguments: cases.map(\.0))
    func matchesGolden(_ name: String) throws {
        let args = Self.cases.first { $0.0 == name }!.1
        let r = rdmactl(args, credentials: Credentials(uid: 1000, gid: 1000))
        let path = fixturePath("golden/" + name)
        if ProcessInfo.processInfo.environment["RDMACTL_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // Write into the source tree, not the copied bundle.
            let source = #filePath.replacingOccurrences(of: "CLI/GoldenTests.swift", with: "Fixtures/golden/" + name)
            FileManager.default.createFile(atPath: source, contents: Data(r.stdout.utf8))
            return
        }
        let want = try String(contentsOfFile: path, encoding: .utf8)
        #expect(r.stdout == want, "rdmactl \(args.joined(separator: " ")) differs from \(name):\n\(r.stdout)")
    }

    @Test func noDevicesSaysWhyAndExits69() throws {
        let text = rdmactl(["--emulated-set", "none", "list"])
        #expect(text.status == 69)
        #expect(text.stderr.contains("no RDMA devices"))
        let json = rdmactl(["--emulated-set", "none", "list", "--json"])
        #expect(json.status == 69)
        #expect(json.envelope?["error"]?["code"] == .string("NO_DEVICES"))
        #expect(json.envelope?["error"]?["exit_code"] == .int(69))
    }

    @Test func showMissingDeviceOrPortExits66() {
        #expect(rdmactl(["--emulated", "show", "mlx5_0"]).status == 66)
        #expect(rdmactl(["--emulated", "show", "qib0/3"]).status == 66)
        #expect(rdmactl(["--emulated", "show", "qib0/x"]).status == 64)
    }
}
