import Glibc
import RdmaKit
@testable import RdmaLinux
import Testing

/// Rooted attribute reads trust a directory's first getdents64 batch only for what it names as
/// a regular file (d_type); everything else — other types, names beyond the batch — is looked at
/// with fstatat as before, so the device-node and no-escape rules hold either way.
@Suite("rooted reads: one listing per directory")
struct RegularFilesTests {
    static func tree(_ label: String) throws -> String {
        let root = "/tmp/rdmactl-regular-\(label)-\(getpid())"
        try? HostFiles.removeTree(root)
        try HostFiles.makeDirectory(root + "/sys/class/infiniband/d", intermediate: true)
        return root
    }

    @Test func listsOnlyRegularFiles() throws {
        let root = try Self.tree("types")
        defer { try? HostFiles.removeTree(root) }
        let dir = root + "/sys/class/infiniband/d"
        try HostFiles.writeFile(dir + "/plain", Array("x\n".utf8))
        #expect(mkfifo(dir + "/fifo", 0o644) == 0)
        try HostFiles.makeDirectory(dir + "/sub", intermediate: false)
        try HostFiles.symlink(dir + "/link", target: "plain")
        let fd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        let regular = try #require(RegularFiles(fd: fd))
        #expect(regular.contains("plain"))
        for name in ["fifo", "sub", "link", "pla", "plainer", ""] { #expect(!regular.contains(name), "\(name)") }
    }

    @Test func aFIFOListedBesideAttributesIsStillRefused() throws {
        let root = try Self.tree("fifo")
        defer { try? HostFiles.removeTree(root) }
        let dir = root + "/sys/class/infiniband/d"
        try HostFiles.writeFile(dir + "/node_guid", Array("0000:0000:0000:0001\n".utf8))
        #expect(mkfifo(dir + "/node_type", 0o644) == 0)
        let k = try LinuxKernel.rooted(at: root)
        #expect(try k.readAttribute("/sys/class/infiniband/d/node_guid") == Array("0000:0000:0000:0001\n".utf8))
        do { _ = try k.readAttribute("/sys/class/infiniband/d/node_type"); Issue.record("a FIFO was read") } catch {
            #expect(error.errno == .EINVAL)
        }
    }

    /// More entries than one getdents64 batch holds: a name in a later batch is still read.
    @Test func namesBeyondTheFirstBatchAreStillRead() throws {
        let root = try Self.tree("many")
        defer { try? HostFiles.removeTree(root) }
        let dir = root + "/sys/class/infiniband/d"
        let filler = String(repeating: "f", count: 200)
        for i in 0..<400 { try HostFiles.writeFile(dir + "/\(filler)\(i)", []) }
        try HostFiles.writeFile(dir + "/wanted", Array("1\n".utf8))
        let fd = open(dir, O_RDONLY | O_DIRECTORY)
        let regular = try #require(RegularFiles(fd: fd))
        close(fd)
        let k = try LinuxKernel.rooted(at: root)
        #expect(try k.readAttribute("/sys/class/infiniband/d/wanted") == Array("1\n".utf8))
        // 16 KiB holds at most ~70 of these 224-byte records: most names below are not in the
        // first batch, and every one must still be read.
        let unlisted = (0..<400).filter { !regular.contains("\(filler)\($0)") }
        #expect(unlisted.count > 300)
        for i in unlisted { #expect(try k.readAttribute("/sys/class/infiniband/d/\(filler)\(i)") == []) }
    }
}
