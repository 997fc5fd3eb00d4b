import Glibc
import RdmaKit
@testable import RdmaLinux
import Testing

/// The POSIX file operations that replaced FoundationEssentials' FileManager for snapshots,
/// gather and fleet.
@Suite("host file operations")
struct HostFilesTests {
    @Test(arguments: [("a/b/c", "a/b"), ("a", nil), ("/x", "/"), ("/x/y//", "/x"), ("a//b", "a"), ("./t", "."), ("/", nil)])
    func parentDirectory(_ path: String, _ parent: String?) {
        #expect(HostFiles.parentDirectory(path) == parent)
    }

    @Test func makeWriteListRemove() throws {
        let base = "/tmp/rdmactl-hostfiles-\(getpid())"
        defer { try? HostFiles.removeTree(base) }
        try HostFiles.makeDirectory(base + "/a/b/c", intermediate: true)
        try HostFiles.makeDirectory(base + "/a/b/c", intermediate: true)   // exists: fine
        #expect(throws: KernelError.self) { try HostFiles.makeDirectory(base + "/a", intermediate: false) }
        try HostFiles.writeFile(base + "/a/f", Array("hello\n".utf8))
        try HostFiles.writeFile(base + "/a/empty", [])
        try HostFiles.symlink(base + "/a/link", target: "f")
        #expect(Host.readFile(base + "/a/f") == Array("hello\n".utf8))
        #expect(try HostFiles.entries(base + "/a").sorted() == ["b", "empty", "f", "link"])
        #expect(HostFiles.kind(base + "/a") == .directory && HostFiles.kind(base + "/a/link") == .other)
        #expect(HostFiles.kind(base + "/nothing") == nil)
        // A file where a directory should go is not a directory, and says so with its errno.
        do { try HostFiles.makeDirectory(base + "/a/f/x", intermediate: true); Issue.record("made a directory under a file") } catch {
            #expect(error.errno == .ENOTDIR)
        }
        // The link is removed, not followed: f stays until its own turn.
        try HostFiles.removeTree(base + "/a/link")
        #expect(HostFiles.kind(base + "/a/f") == .other)
        // A name that is not UTF-8, and a link to a directory outside: removed, not followed.
        let outside = base + "-outside"
        try HostFiles.makeDirectory(outside, intermediate: false)
        try HostFiles.writeFile(outside + "/keep", [])
        defer { try? HostFiles.removeTree(outside) }
        try HostFiles.symlink(base + "/a/b/out", target: outside)
        let latin1 = base + "/a/b/caf" + String(decoding: [0xe9], as: UTF8.self)
        let raw = Array((base + "/a/b/caf").utf8CString.dropLast()) + [CChar(bitPattern: 0xe9), 0]
        #expect(open(raw, O_CREAT | O_WRONLY, 0o644) >= 0)
        _ = latin1
        try HostFiles.removeTree(base)
        #expect(HostFiles.kind(base) == nil)
        #expect(HostFiles.kind(outside + "/keep") == .other)
    }

    // Relative paths (`snapshot tree` in the working directory) are covered through the binary:
    // CIRecipeTests runs Docs/ci.md's `rdmactl --emulated snapshot tree` (no chdir in a shared test process).

    @Test func environmentIsTheProcesss() {
        setenv("RDMACTL_HOSTFILES_TEST", "a=b", 1)
        #expect(Host.environment()["RDMACTL_HOSTFILES_TEST"] == "a=b")
        #expect(Host.environment()["PATH"] == String(cString: getenv("PATH")))
    }
}
