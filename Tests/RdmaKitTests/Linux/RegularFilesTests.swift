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

    /// A tree whose one directory holds each kind of entry: a regular file, a FIFO, a
    /// subdirectory and a link to the file. Returns the root and that directory.
    static func mixedTree(_ label: String, file: String, content: String, fifo: String, subdirectory: String,
                          link: String) throws -> (root: String, dir: String) {
        let root = try tree(label)
        let dir = root + "/sys/class/infiniband/d"
        try HostFiles.writeFile(dir + "/" + file, Array(content.utf8))
        #expect(mkfifo(dir + "/" + fifo, 0o644) == 0)
        try HostFiles.makeDirectory(dir + "/" + subdirectory, intermediate: false)
        try HostFiles.symlink(dir + "/" + link, target: file)
        return (root, dir)
    }

    @Test func listsOnlyRegularFiles() throws {
        let (root, dir) = try Self.mixedTree("types", file: "plain", content: "x\n", fifo: "fifo", subdirectory: "sub", link: "link")
        defer { try? HostFiles.removeTree(root) }
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

    /// `fewInDirectory` (list's one or two attributes of a directory): no listing, an fstatat
    /// per attribute — the same bytes, the same refusals.
    @Test func fewAttributesLookWithoutListing() throws {
        let (root, dir) = try Self.mixedTree("few", file: "node_guid", content: "0000:0000:0000:0001\n", fifo: "node_type",
                                             subdirectory: "ports", link: "alias")
        defer { try? HostFiles.removeTree(root) }
        try HostFiles.symlink(dir + "/escape", target: "../../../../../../../etc/hostname")
        let k = try LinuxKernel.rooted(at: root)
        let path = "/sys/class/infiniband/d"
        #expect(try k.readAttribute(path + "/node_guid", limit: 64, fewInDirectory: true) == Array("0000:0000:0000:0001\n".utf8))
        // Opened to look, not listed: no entry types kept with the descriptor.
        #expect(k.directoryCache.withLock { $0.entries[path] }?.regular == nil)
        do { _ = try k.readAttribute(path + "/node_type", limit: 64, fewInDirectory: true); Issue.record("a FIFO was read") } catch {
            #expect(error.errno == .EINVAL)
        }
        do { _ = try k.readAttribute(path + "/ports", limit: 64, fewInDirectory: true); Issue.record("a directory was read") } catch {
            #expect(error.errno == .EISDIR)
        }
        // A link is resolved inside the root: to the attribute beside it, never out of the tree.
        #expect(try k.readAttribute(path + "/alias", limit: 64, fewInDirectory: true) == Array("0000:0000:0000:0001\n".utf8))
        #expect(throws: KernelError.self) { try k.readAttribute(path + "/escape", limit: 64, fewInDirectory: true) }
        // The default still lists the directory it first opens.
        let listed = try LinuxKernel.rooted(at: root)
        _ = try listed.readAttribute(path + "/node_guid")
        #expect(listed.directoryCache.withLock { $0.entries[path] }?.regular != nil)
    }

    /// A class directory's entries are links (sysfs makes them so): opened the long way at once.
    @Test func classEntriesAreKnownByTheirPath() {
        #expect(LinuxKernel.isClassEntry("/sys/class/infiniband_verbs/uverbs0"))
        #expect(LinuxKernel.isClassEntry("/sys/class/infiniband/hfi1_0"))
        for path in ["/sys/class/infiniband", "/sys/class/infiniband/hfi1_0/ports", "/sys/class/", "/sys/classy/x/y",
                     "/sys/devices/pci0000:00/infiniband/hfi1_0", "/sys/class/infiniband/hfi1_0/", "/sys/class//x"] {
            #expect(!LinuxKernel.isClassEntry(path), "\(path)")
        }
    }
}
