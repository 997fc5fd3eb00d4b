import Foundation
import Testing
import RdmaKit
@testable import RdmaLinux
import RdmaEmulator
import Glibc
import CRdmaSys

/// `Kernel.readAttributeTexts` (a directory's attributes in one call into C, issue 9) answers
/// exactly what one `readAttributeText` after another answers — the reference being the looked
/// way of a tree that allows device nodes, which looks at each entry before it opens it — for
/// every kind of entry where an attribute should be, and reads each attribute once.
@Suite("Attribute batches")
struct AttributeBatchTests {
    static let rxe = UnlookedAttributeTests.rxe
    /// Plain paths only (a batch takes nothing else): a file, links in and out of the tree, a
    /// directory, a FIFO, a character device, nothing, a port's attribute two levels down, an
    /// attribute longer than the batch's slot, an empty one.
    static let names = ["node_guid", "fw_ver", "hw_rev", "ports", "board_id", "sys_image_guid", "no_such_attribute",
                        "ports/1/state", "node_type", "long_attribute", "empty_attribute", "gids/0"]
    static let directories = ["/sys/" + rxe, "/sys/class/infiniband/rxe0", "/sys/" + rxe + "/ports/1", "/sys/class/infiniband_verbs/uverbs0"]
    /// Longer than an attribute's first read (`LinuxKernel.firstRead`).
    static let long = String(repeating: "0123456789", count: 60)

    static func decorate(_ root: String) {
        UnlookedAttributeTests.decorate(root)
        let dir = root + "/" + rxe
        FileManager.default.createFile(atPath: dir + "/long_attribute", contents: Data((long + "\n").utf8))
        FileManager.default.createFile(atPath: dir + "/empty_attribute", contents: Data())
    }

    /// The batch's answers against `reference`'s single reads, name by name.
    static func expectBatch(_ kernel: any Kernel, matches reference: any Kernel, _ directory: String, limit: Int = 4096,
                            fewInDirectory few: Bool, _ sourceLocation: SourceLocation = #_sourceLocation) {
        let batch = kernel.readAttributeTexts(in: directory, named: AttributeNames(names), limit: limit, fewInDirectory: few)
        #expect(batch.count == names.count, sourceLocation: sourceLocation)
        for (name, answer) in zip(names, batch) {
            let single = Result { () throws(KernelError) in try reference.readAttributeText(in: directory, named: name, limit: limit, fewInDirectory: few) }
            let what = "\(directory) \(name) few: \(few)"
            switch (answer, single) {
            case let (.success(x), .success(y)): #expect(x == y, "\(what)", sourceLocation: sourceLocation)
            case let (.failure(x), .failure(y)):
                #expect(x.errno == y.errno && x.detail == y.detail, "\(what): \(x) / \(y)", sourceLocation: sourceLocation)
            default: Issue.record("\(what): \(answer) / \(single)", sourceLocation: sourceLocation)
            }
        }
    }

    /// A batch's names and a port's place below its device are paths that only go down (the
    /// batch's opens below a directory rely on it, without RESOLVE_BENEATH): each component a
    /// plain name as KernelPath.isPlainName says, none empty.
    @Test(arguments: ["state", "gids/0", "ports/1/gids/0", "...", "a.b", ".a", "", ".", "..", "a/..", "../a", "a/./b",
                      "/abs", "a/", "a//b", "a\u{0}b", "ü/ß"])
    func plainPaths(_ path: String) {
        let reference = !path.utf8.contains(0)
            && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { KernelPath.isPlainName(String($0)) }
        #expect(KernelPath.isPlainPath(path) == reference)
        #expect(KernelPath.isPlainPath(Substring(path)) == reference)
        #expect(AttributeNames([path]).arePlainPaths == reference)
    }

    /// A batch closes every descriptor it opened — together where they are all the numbers
    /// between the lowest and the highest (close_range), one by one where another descriptor lies
    /// between — and never one it did not open: here a descriptor held across a hole the batch
    /// fills stays open, and the table holds what it held before. Live sysfs (a batch there
    /// always goes through C), attributes every Linux has; on a thread with a descriptor table
    /// of its own, so that no other test's descriptors come and go in it.
    @Test func aBatchClosesWhatItOpenedAndNothingElse() throws {
        let failure = Locked<String?>(nil)
        let thread = RdmaLinux.Thread {
            guard rdmasys_unshare_files() == 0 else { failure.withLock { $0 = "unshare: \(errno)" }; return }
            do { try Self.closesWhatItOpened() } catch { failure.withLock { $0 = "\(error)" } }
        }
        guard let tid = thread.startJoinable() else { throw POSIXError(.EAGAIN) }
        pthread_join(tid, nil)
        if let message = failure.withLock({ $0 }) { Issue.record(Comment(rawValue: message)) }
    }

    static func closesWhatItOpened() throws {
        let kernel = try LinuxKernel.live()
        let directory = "/sys/devices/system/cpu"
        let names = AttributeNames(["online", "possible", "present", "kernel_max", "offline"])
        func openDescriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/thread-self/fd").count) ?? -1 }
        let before = openDescriptors()
        let a = open("/dev/null", O_RDONLY | O_CLOEXEC), held = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let c = open("/dev/null", O_RDONLY | O_CLOEXEC)
        try #require(a >= 0 && held > a && c > held)
        close(a); close(c)
        let answers = kernel.readAttributeTexts(in: directory, named: names, limit: 4096, fewInDirectory: false)
        #expect(answers.allSatisfy { (try? $0.get()) != nil })
        #expect(fcntl(held, F_GETFD) >= 0, "a descriptor the batch did not open was closed")
        close(held)
        #expect(openDescriptors() == before)
        // Contiguous: one close_range, and again nothing left open.
        _ = kernel.readAttributeTexts(in: directory, named: names, limit: 4096, fewInDirectory: false)
        #expect(openDescriptors() == before)
    }

    /// Live sysfs's batch always goes through C: against its single reads for files, a
    /// directory, a path two levels down and nothing, in a directory every Linux has.
    @Test func liveSysfsBatchIsItsSingleReads() throws {
        let live = try LinuxKernel.live()
        let names = AttributeNames(["online", "possible", "cpu0", "no_such_attribute", "kernel_max", "power/control"])
        let batch = live.readAttributeTexts(in: "/sys/devices/system/cpu", named: names, limit: 4096, fewInDirectory: false)
        for (name, answer) in zip(names.names, batch) {
            let single = Result { () throws(KernelError) in
                try live.readAttributeText(in: "/sys/devices/system/cpu", named: name, limit: 4096, fewInDirectory: false)
            }
            switch (answer, single) {
            case let (.success(x), .success(y)): #expect(x == y, "\(name)")
            case let (.failure(x), .failure(y)): #expect(x.errno == y.errno && x.detail == y.detail, "\(name): \(x) / \(y)")
            default: Issue.record("\(name): \(answer) / \(single)")
            }
        }
        #expect((try? batch[0].get()) != nil)
        #expect(throws: KernelError(.ENOENT)) { try batch[3].get() }
    }

    /// Whatever /tmp is here, the batch is the single reads: the tree's own way when /tmp
    /// allows device nodes (one read after another), the C loop when it does not.
    @Test func aTreesBatchIsItsSingleReads() throws {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "batch")
        Self.decorate(tree.path)
        for few in [false, true] {
            for directory in Self.directories {
                Self.expectBatch(try LinuxKernel.rooted(at: tree.path), matches: try LinuxKernel.rooted(at: tree.path), directory, fewInDirectory: few)
            }
        }
        // Too large for the bound: EFBIG, as the single read says.
        let kernel = try LinuxKernel.rooted(at: tree.path)
        let answer = kernel.readAttributeTexts(in: "/sys/" + Self.rxe, named: AttributeNames(["long_attribute"]), limit: 300, fewInDirectory: false)
        #expect(throws: KernelError(.EFBIG, .tooLarge(limit: 300))) { try answer[0].get() }
        // The emulator's is its default: the single reads.
        let emulated = EmulatedKernel(devices: .default, credentials: Credentials(uid: 0, gid: 0))
        let port = "/sys/class/infiniband/hfi1_0/ports/1"
        let read = emulated.readAttributeTexts(in: port, named: AttributeNames(["state", "gids/0", "nothing"]), limit: 4096, fewInDirectory: false)
        #expect(try read[0].get() == emulated.readAttributeText(in: port, named: "state", limit: 4096, fewInDirectory: false))
        #expect(try read[1].get() == emulated.readAttributeText(in: port + "/gids/0", named: nil, limit: 4096, fewInDirectory: false))
        #expect(throws: KernelError(.ENOENT)) { try read[2].get() }
    }

    /// On a nodev tmpfs, where the batch opens without a look: every answer is the looked way's
    /// on a copy that allows devices, each attribute is opened once (inotify: one IN_OPEN, the
    /// long one included, read on from the same descriptor), the device node never; and live
    /// sysfs's batch (the tree bound over /sys) is live sysfs's single reads.
    @Test(.enabled(if: geteuid() == 0, "mounts need root"))
    func aNodevTreesBatchAnswersAsTheLookedWay() throws {
        try UnlookedAttributeTests.withLookedAndNodevCopies(decorate: Self.decorate) { lookedPath, mountPoint in
            let device = mountPoint + "/" + Self.rxe
            let node = try OpenWatch(device + "/sys_image_guid")
            let guid = try OpenWatch(device + "/node_guid"), long = try OpenWatch(device + "/long_attribute")
            for few in [false, true] {
                for directory in Self.directories {
                    let reference = try LinuxKernel.rooted(at: lookedPath), unlooked = try LinuxKernel.rooted(at: mountPoint)
                    #expect(!reference.opensUnlooked && unlooked.opensUnlooked)
                    Self.expectBatch(unlooked, matches: reference, directory, fewInDirectory: few)
                    #expect(unlooked.opensUnlooked)
                }
            }
            #expect(node.opens() == 0, "a device node in a nodev tree was opened")
            _ = guid.opens(); _ = long.opens()
            let unlooked = try LinuxKernel.rooted(at: mountPoint)
            _ = unlooked.readAttributeTexts(in: "/sys/" + Self.rxe, named: AttributeNames(["node_guid", "long_attribute"]),
                                            limit: 4096, fewInDirectory: false)
            #expect(guid.opens() == 1 && long.opens() == 1, "an attribute of a batch was opened more than once")

            guard mount(mountPoint, "/sys", nil, UInt(MS_BIND), nil) == 0 else { throw POSIXError(.init(rawValue: errno)!) }
            let live = try LinuxKernel.live()
            for directory in Self.directories {
                Self.expectBatch(live, matches: live, directory, fewInDirectory: false)
            }
            #expect(node.opens() == 0, "a device node in a nodev tree was opened")
        }
    }

    /// A mount inside a nodev tree ends unlooked opens for the batch as for the single read:
    /// the device node on it is looked at, not opened, and the kernel goes on looked.
    @Test(.enabled(if: geteuid() == 0, "mounts need root"))
    func aMountInsideTheTreeEndsTheBatchsUnlookedOpens() throws {
        try UnlookedAttributeTests.withMountInsideANodevTree { mountPoint, watch in
            let kernel = try LinuxKernel.rooted(at: mountPoint)
            #expect(kernel.opensUnlooked)
            let answers = kernel.readAttributeTexts(in: "/sys/" + Self.rxe, named: AttributeNames(["node_guid", "ports/1/state", "node_type"]),
                                                    limit: 4096, fewInDirectory: false)
            #expect(try answers[0].get().value.utf8.count == 19)
            #expect(throws: KernelError(.EINVAL, .notRegular(.characterDevice))) { try answers[1].get() }
            #expect(try answers[2].get().value.hasSuffix("CA"))
            #expect(!kernel.opensUnlooked)
            #expect(watch.opens() == 0, "a device node on a mount inside the tree was opened")
        }
    }
}
