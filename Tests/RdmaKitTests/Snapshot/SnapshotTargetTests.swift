import Foundation
import Testing

// Issue 10, hostile input: a snapshot target rdmactl cannot write is a clear "cannot create"
// (exit 73, DESIGN §6) with nothing half-written — never a trap or a partial tree.

@Suite("snapshot targets that cannot be written", .serialized)
struct SnapshotTargetTests {
    /// A component of OUT is a regular file (ENOTDIR): 73, and the file is untouched.
    @Test func parentIsAFile() {
        let out = TempTree("snapfile")
        out.write("file", "keep me")
        let r = rdmactl(["--emulated", "snapshot", out.path + "/file/snap"])
        #expect(r.status == 73, "\(r.stderr)")
        #expect(!r.stderr.isEmpty)
        #expect((try? String(contentsOfFile: out.path + "/file", encoding: .utf8)) == "keep me")
    }

    /// A read-only file system (EROFS): the built binary in a private mount namespace where the
    /// target's directory is bind-mounted read-only. Root bypasses mode bits, so only a
    /// read-only mount makes the target unwritable for the CI's root. Needs root and
    /// `unshare -m` (util-linux); CI requires it (RDMACTL_REQUIRE_NAMESPACE_TESTS=1).
    @Test func readOnlyFileSystem() throws {
        let required = ProcessInfo.processInfo.environment["RDMACTL_REQUIRE_NAMESPACE_TESTS"] == "1"
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            if required { Issue.record("namespace test could not run: needs root and /usr/bin/unshare") }
            return
        }
        try #require(HostPackage.require("util-linux"))
        let exe = try #require(BinaryTests.binary)
        let out = TempTree("snapro")
        let script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && exec \"$2\" --emulated snapshot \"$1/snap\""
        let r = try BinaryTests.spawn("/usr/bin/unshare",
                                      ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", out.path, exe])
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("Read-only file system") || r.stderr.contains("EROFS"), "\(r.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out.path)) == [])
    }
}
