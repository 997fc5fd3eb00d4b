import Foundation
import Testing

/// Docs/ci.md is a page of recipes users copy into their pipelines (issue 7). A recipe that does
/// not run is worse than none, so this runs every ```sh block of the page as written: each on its
/// own, with `/bin/bash -euo pipefail`, in an empty temporary directory, with the built debug
/// `rdmactl` first on PATH and no RDMACTL_* variables inherited. A block passes when it exits 0; a
/// block that shows a failure captures and checks the status itself. ```yaml blocks are not run.
enum CIRecipes {
    /// The package root: Tests/RdmaKitTests/Docs/<this file> is four levels below it.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()
    static let docPath = packageRoot.appendingPathComponent("Docs/ci.md").path
    /// The directory of the `rdmactl` built beside this test bundle (BinaryTests.binary), so a
    /// sanitizer run with its own `--scratch-path` runs its own binary; `.build/debug` otherwise.
    static let binDir = BinaryTests.binary.map { ($0 as NSString).deletingLastPathComponent }
        ?? packageRoot.appendingPathComponent(".build/debug").path
    static let timeoutSeconds = 60

    struct Block: CustomTestStringConvertible {
        var number: Int
        var line: Int          // of the opening fence, 1-based
        var script: String
        var firstLine: String { script.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "" }
        var testDescription: String { "sh block \(number) (Docs/ci.md:\(line)): \(firstLine)" }
    }

    /// The page's ```sh blocks. Fences open at the start of a line; a block of any other language
    /// is skipped whole, so a ```sh inside it is not taken for one.
    static func shBlocks(in text: String) -> (blocks: [Block], unterminated: Int?) {
        var blocks: [Block] = []
        var open: (language: String, line: Int, body: [Substring])? = nil
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("```") else {
                open?.body.append(line)
                continue
            }
            if let block = open {
                if block.language == "sh" {
                    blocks.append(Block(number: blocks.count + 1, line: block.line,
                                        script: block.body.joined(separator: "\n") + "\n"))
                }
                open = nil
            } else {
                open = (String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces), i + 1, [])
            }
        }
        return (blocks, open.map(\.line))
    }

    static let page: String? = try? String(contentsOfFile: docPath, encoding: .utf8)
    static let blocks: [Block] = page.map { shBlocks(in: $0).blocks } ?? []

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    /// Runs one block under `timeout`, in a fresh directory, and returns its status and output.
    static func run(_ block: Block) throws -> Run {
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("rdmactl-ci-md-\(block.number)-\(UUID().uuidString)")
        let work = scratch.appendingPathComponent("work")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }
        let script = scratch.appendingPathComponent("block-\(block.number).sh")
        try block.script.write(to: script, atomically: true, encoding: .utf8)
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = fm.createFile(atPath: outURL.path, contents: nil)
        _ = fm.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        // The block is sourced so that an ERR trap can name the failing command and its line in
        // Docs/ci.md (the block's line 1 is the line after the fence); -e, -u and pipefail apply
        // to it as to a script.
        let wrapper = #"trap 's=$?; echo "Docs/ci.md:$((LINENO + "# + String(block.line)
            + #")): $BASH_COMMAND (exit $s)" >&2' ERR; . "$0""#
        p.arguments = ["--kill-after=5", String(timeoutSeconds),
                       "/bin/bash", "-euo", "pipefail", "-c", wrapper, script.path]
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("RDMACTL_") { environment[key] = nil }
        environment["PATH"] = binDir + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        p.environment = environment
        p.currentDirectoryURL = work
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = out
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let read = { (url: URL) in readText(atPath: url.path) }
        return Run(status: p.terminationStatus, stdout: read(outURL), stderr: read(errURL))
    }
}

@Suite("Docs/ci.md recipes")
struct CIRecipeTests {
    /// The page exists, its fences close, and it has enough runnable blocks that the parameterised
    /// test below cannot pass by running nothing.
    @Test func pageHasRunnableBlocks() throws {
        let page = try #require(CIRecipes.page, "cannot read \(CIRecipes.docPath)")
        let parsed = CIRecipes.shBlocks(in: page)
        #expect(parsed.unterminated == nil, "Docs/ci.md: the fence opened at line \(parsed.unterminated ?? 0) never closes")
        #expect(parsed.blocks.count >= 5, "Docs/ci.md has \(parsed.blocks.count) ```sh blocks; the recipes need at least 5")
        #expect(page.contains("```yaml"), "Docs/ci.md shows no pipeline configuration (```yaml blocks)")
    }

    /// What the test runs must stay offline and on the emulator: no downloads or installs, and
    /// every block that calls rdmactl selects the emulated kernel (a flag or RDMACTL_EMULATE).
    @Test(arguments: CIRecipes.blocks)
    func blockIsOfflineAndEmulated(_ block: CIRecipes.Block) {
        for word in ["curl ", "wget ", "apt-get ", "git clone", "ssh "] {
            #expect(!block.script.contains(word), "\(block.testDescription): a runnable block must not use '\(word)'")
        }
        let callsRdmactl = block.script.split(separator: "\n").contains { line in
            line.contains("rdmactl ") && !line.contains("rdmactl --version")
                && !line.trimmingCharacters(in: .whitespaces).hasPrefix("#")
        }
        if callsRdmactl {
            #expect(block.script.contains("--emulated") || block.script.contains("RDMACTL_EMULATE=1"),
                    "\(block.testDescription): rdmactl must run against the emulator here (--emulated or RDMACTL_EMULATE=1)")
        }
    }

    /// Every ```sh block runs to exit 0 against the built binary.
    @Test(arguments: CIRecipes.blocks)
    func blockRuns(_ block: CIRecipes.Block) throws {
        try #require(HostPackage.require("jq"))
        let binary = CIRecipes.binDir + "/rdmactl"
        try #require(FileManager.default.isExecutableFile(atPath: binary),
                     "\(binary) does not exist: run 'swift build' before 'swift test' (the recipes run the built binary)")
        let r = try CIRecipes.run(block)
        let timedOut = r.status == 124 || r.status == 137
        #expect(r.status == 0, """
            \(block.testDescription) exited \(r.status)\(timedOut ? " (killed by the \(CIRecipes.timeoutSeconds) s timeout)" : "")
            stderr:
            \(r.stderr.isEmpty ? "(empty)" : String(r.stderr.suffix(4000)))
            stdout (tail):
            \(String(r.stdout.suffix(1500)))
            """)
    }
}
