import Foundation
import Testing
@testable import RdmaLinux
import RdmaKit
@testable import RdmaCommands

enum KernelPathHelper {
    static func dirname(_ p: String) -> String { (p as NSString).deletingLastPathComponent }
}

/// Unpacks a tar stream with the system's tar (GNU tar reads ustar and pax) into a new tree.
func untar(_ bytes: [UInt8], label: String) throws -> TempTree {
    let out = TempTree(label)
    try #require(HostPackage.require("tar"))
    FileManager.default.createFile(atPath: out.path + "/s.tar", contents: Data(bytes))
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/bin/tar")
    tar.arguments = ["-xf", out.path + "/s.tar", "-C", out.path]
    try tar.run(); tar.waitUntilExit()
    #expect(tar.terminationStatus == 0)
    try? FileManager.default.removeItem(atPath: out.path + "/s.tar")
    return out
}

@Suite("snapshot")
struct SnapshotTests {
    /// Issue 2 item 11: `--emulated` and `snapshot` → `--root` list exactly the same.
    // 32 devices: the rooted kernel reads them on several threads (ParallelWork.minimumItems),
    // the emulator in order — the output must not tell.
    @Test(arguments: ["hfi1,qib", "hfi1:3,qib:2", "qib,hfi1:2", "hfi1:16,qib:16"])
    func emulatedAndItsSnapshotListTheSame(_ set: String) throws {
        let out = TempTree("snap")
        let dir = out.path + "/tree"
        let s = rdmactl(["--emulated-set", set, "snapshot", dir])
        #expect(s.status == 0, "\(s.stderr)")
        let live = rdmactl(["--emulated-set", set, "list", "--json"])
        let back = rdmactl(["--root", dir, "list", "--json"])
        #expect(live.status == 0 && back.status == 0, "\(back.stderr)")
        let a = try #require(live.envelope?["data"]), b = try #require(back.envelope?["data"])
        #expect(a == b, "emulated:\n\(a.serialized(pretty: true))\nsnapshot:\n\(b.serialized(pretty: true))")
        #expect(back.envelope?["warnings"] == .array([]))
        for name in ["hfi1_0", "qib0"] {
            // Everything but `rdma_system`: the subsystem's settings come from netlink SYS_GET,
            // which a tree on disk does not have (Docs/json-schema.md).
            let emulated = rdmactl(["--emulated-set", set, "show", name, "--json"]).envelope?["data"]
            guard case .object(let members)? = emulated else { Issue.record("no data"); continue }
            #expect(members.contains { $0.0 == "rdma_system" })
            #expect(rdmactl(["--root", dir, "show", name, "--json"]).envelope?["data"]
                    == .object(members.filter { $0.0 != "rdma_system" }))
        }
    }

    /// A SYSFS_PATH-style tree has no /dev: its snapshot must say nodes are unknown, not missing.
    @Test func snapshotOfASysfsOnlyTreeKeepsNodesUnknown() throws {
        let out = TempTree("sysfsonly")
        let dir = out.path + "/t"
        let fixture = fixturePath("rxe-sysfs")
        #expect(rdmactl(["--root", fixture, "snapshot", dir]).status == 0)
        let direct = rdmactl(["--root", fixture, "show", "rxe0", "--json"])
        let back = rdmactl(["--root", dir, "show", "rxe0", "--json"])
        #expect(back.envelope?["data"]?["char_devices"] == direct.envelope?["data"]?["char_devices"])
        #expect(!back.stdout.contains("\"present\""))
    }

    @Test func brokenManifestIsAWarning() throws {
        let out = TempTree("manifest")
        let dir = out.path + "/t"
        #expect(rdmactl(["--emulated", "snapshot", dir]).status == 0)
        FileManager.default.createFile(atPath: dir + "/" + SnapshotManifest.fileName, contents: Data("{oops".utf8))
        let r = rdmactl(["--root", dir, "list", "--json"])
        #expect(r.status == 0)
        #expect(r.envelope?["warnings"]?[0]?["code"] == .string("MALFORMED_MANIFEST"))
        #expect(rdmactl(["--root", dir, "list", "--strict"]).status == 65)
    }

    /// A manifest over LinuxKernel.backgroundManifestBytes is decoded on a thread of its own
    /// while discovery runs: what it says must come out exactly as from a small one — node
    /// metadata, "never saw /dev", and a broken manifest's warning first among the warnings.
    @Test func largeManifestsSayTheSameBesideDiscovery() throws {
        let out = TempTree("largemanifest")
        func padded(_ dir: String) throws {
            let path = dir + "/" + SnapshotManifest.fileName
            var text = try String(contentsOfFile: path, encoding: .utf8)
            let padding = String(repeating: "x", count: Int(LinuxKernel.backgroundManifestBytes) + 4096)
            text = "{\"padding\": \"\(padding)\"," + text.dropFirst()
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        }
        // Node metadata from the manifest.
        let dir = out.path + "/t"
        #expect(rdmactl(["--emulated", "snapshot", dir]).status == 0)
        let small = rdmactl(["--root", dir, "list", "--json"])
        try padded(dir)
        let large = rdmactl(["--root", dir, "list", "--json"])
        #expect(large.status == 0)
        #expect(large.envelope?["data"] == small.envelope?["data"])
        #expect(large.envelope?["data"]?["devices"]?[0]?["char_devices"] != nil)
        // A SYSFS_PATH-style capture: nodes unknown, not missing.
        let sysfsOnly = out.path + "/s"
        #expect(rdmactl(["--root", fixturePath("rxe-sysfs"), "snapshot", sysfsOnly]).status == 0)
        let before = rdmactl(["--root", sysfsOnly, "show", "rxe0", "--json"])
        try padded(sysfsOnly)
        let after = rdmactl(["--root", sysfsOnly, "show", "rxe0", "--json"])
        #expect(after.envelope?["data"] == before.envelope?["data"])
        #expect(!after.stdout.contains("\"present\""))
        // Broken, and large.
        FileManager.default.createFile(atPath: dir + "/" + SnapshotManifest.fileName,
                                       contents: Data(("{\"oops\": \"" + String(repeating: "y", count: 200_000)).utf8))
        let broken = rdmactl(["--root", dir, "list", "--json"])
        #expect(broken.status == 0)
        #expect(broken.envelope?["warnings"]?[0]?["code"] == .string("MALFORMED_MANIFEST"))
    }

    @Test func existingNonEmptyOutputExits73() {
        let out = TempTree("snap73")
        out.write("precious.txt", "keep me")
        let r = rdmactl(["--emulated", "snapshot", out.path])
        #expect(r.status == 73)
        #expect(r.stderr.contains("not empty"))
        // --force refuses to replace what is not a snapshot…
        #expect(rdmactl(["--emulated", "snapshot", "--force", out.path]).status == 73)
        #expect(FileManager.default.fileExists(atPath: out.path + "/precious.txt"))
        // …and replaces an earlier snapshot.
        let dir = out.path + "/snap"
        #expect(rdmactl(["--emulated", "snapshot", dir]).status == 0)
        #expect(rdmactl(["--emulated", "snapshot", dir]).status == 73)
        #expect(rdmactl(["--emulated-set", "qib", "snapshot", "--force", dir]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/sys/class/infiniband/hfi1_0"))
        #expect(rdmactl(["--emulated", "snapshot", "/nonexistent/dir/x"]).status == 73)
    }

    @Test func tarStreamOnStdout() throws {
        let r = rdmactl(["--emulated", "snapshot", "-"])
        #expect(r.status == 0)
        #expect(r.stdoutBytes.count % 512 == 0)
        // Unpack with the system tar and read it back.
        let out = try untar(r.stdoutBytes, label: "tar")
        let back = rdmactl(["--root", out.path, "list", "--json"])
        #expect(back.envelope?["data"] == rdmactl(["--emulated", "list", "--json"]).envelope?["data"])
        #expect(rdmactl(["--emulated", "snapshot", "-", "--json"]).status == 64)
    }

    /// Devices behind PCIe switches have link targets longer than ustar's 100 bytes: pax headers.
    @Test func tarStreamCarriesDeepPCIPaths() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "deep")
        let deep = "devices/pci0000:00/0000:00:03.0/0000:02:00.0/0000:03:08.0/0000:05:00.0/0000:06:00.0/infiniband/rxe0"
        tree.mkdir(KernelPathHelper.dirname(deep))
        try FileManager.default.moveItem(atPath: tree.path + "/devices/virtual/infiniband/rxe0", toPath: tree.path + "/" + deep)
        tree.symlink("class/infiniband/rxe0", to: "../../" + deep)
        let before = rdmactl(["--root", tree.path, "list", "--json"])
        #expect(before.status == 0, "\(before.stderr)")
        let r = rdmactl(["--root", tree.path, "snapshot", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try untar(r.stdoutBytes, label: "deeptar")
        let after = rdmactl(["--root", out.path, "list", "--json"])
        // A SYSFS_PATH-style tree has no /dev, its snapshot a (node-less) one: compare the devices.
        for key in ["ifname", "node_guid", "sysfs_path", "ports"] {
            #expect(after.envelope?["data"]?["devices"]?[0]?[key] == before.envelope?["data"]?["devices"]?[0]?[key], "\(key)")
        }
    }

    @Test func captureIsAnAllowList() throws {
        let out = TempTree("allow")
        let dir = out.path + "/t"
        #expect(rdmactl(["--emulated", "snapshot", dir]).status == 0)
        let manifest = try #require(SnapshotManifest.decode(Array(FileManager.default.contents(atPath: dir + "/" + SnapshotManifest.fileName)!)))
        #expect(manifest.schema == "rdmactl-snapshot/1")
        let uverbs0 = try #require(manifest.nodes.first { $0.path == "/dev/infiniband/uverbs0" })
        #expect(uverbs0.major == 231 && uverbs0.minor == 192 && uverbs0.mode == "0666" && uverbs0.type == "char")
        #expect(manifest.nodes.first { $0.path == "/dev/infiniband/umad0" }?.mode == "0600")
        let all = FileManager.default.enumerator(atPath: dir)!.allObjects as! [String]
        for forbidden in ["/config", "/rom", "/vpd", "/resource", "/counters/", "hw_counters", "chip_reset"] {
            #expect(!all.contains { $0.contains(forbidden) }, "captured \(forbidden)")
        }
        #expect(all.contains("dev/infiniband/uverbs0"))
    }
}
