import Foundation
import Testing

/// The Debian packages a test relies on, checked before the test uses them (issue 6). The list is
/// `.ci/packages.txt`: `.ci/install-deps.sh` installs it and `.ci/check-deps.sh` collects every
/// `HostPackage.require("NAME")` in the tests, so a test that needs a package cannot silently
/// depend on a machine that happens to have it.
///
/// `require` records a failure naming the package — never a skip — when the list does not name
/// it (removing a package from the list fails the tests that use it, on any machine) or when one
/// of its probe files is missing (a fresh machine where the install step was not run).
enum HostPackage {
    struct Entry { var stage: String; var probes: [String] }

    /// `.ci/packages.txt`, found from this file's path (Tests/RdmaKitTests/Support/…).
    static let listPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".ci/packages.txt").path
    }()

    static let listed: [String: Entry] = {
        guard let text = try? String(contentsOfFile: listPath, encoding: .utf8) else { return [:] }
        var entries: [String: Entry] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3 else { continue }
            entries[String(fields[0])] = Entry(stage: String(fields[1]),
                                               probes: fields[2].split(separator: ",").map(String.init))
        }
        return entries
    }()

    /// Why `name` cannot be relied on here, or nil when it can.
    static func problem(_ name: String) -> String? {
        guard let entry = listed[name] else {
            return "this test uses the Debian package \(name), but \(listPath) does not list it: add it, so .ci/install-deps.sh installs it on a fresh machine"
        }
        let absent = entry.probes.filter { !FileManager.default.fileExists(atPath: $0) }
        guard absent.isEmpty else {
            return "\(absent.joined(separator: ", ")) missing: install the Debian package \(name) (.ci/install-deps.sh, or apt-get install \(name))"
        }
        return nil
    }

    /// Records a test failure naming the package (and returns false) when it is not usable.
    @discardableResult
    static func require(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let why = problem(name) else { return true }
        Issue.record(Comment(rawValue: why), sourceLocation: sourceLocation)
        return false
    }
}

@Suite("host packages (.ci/packages.txt)")
struct HostPackageTests {
    /// The list parses and names the packages the suites below rely on.
    @Test func listIsReadable() {
        #expect(HostPackage.listed.count >= 10, "cannot read \(HostPackage.listPath)")
        #expect(HostPackage.listed["ibverbs-providers"]?.probes.contains("/etc/libibverbs.d/hfi1verbs.driver") == true)
    }

    /// The check can fail: an unlisted package and a listed one whose probe is absent are refused.
    @Test func requireRefusesWhatIsMissing() {
        #expect(HostPackage.problem("no-such-package-rdmactl")?.contains("does not list it") == true)
        #expect(HostPackage.problem("ibverbs-providers") == nil
                || HostPackage.problem("ibverbs-providers")!.contains("apt-get install ibverbs-providers"))
    }
}
