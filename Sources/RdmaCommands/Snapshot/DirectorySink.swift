import RdmaKit
import RdmaLinux

/// Writes a snapshot into a directory on the host, atomically: everything goes into a hidden
/// sibling directory first and is moved into place by `finish()`, so a failed capture leaves no
/// half-written OUT behind (and `--force` is never needed to clean one up).
final class DirectorySink: SnapshotSink {
    let top: String
    let staging: String
    private var made: Set<String> = []
    private var finished = false
    /// What `finish()` replaces in OUT (an earlier snapshot's parts, with --force).
    static let parts = ["sys", "dev", SnapshotManifest.fileName]

    /// DESIGN §6: an existing non-empty OUT exits 73 without --force. With --force only an
    /// earlier rdmactl snapshot is replaced (its sys/, dev/ and manifest); anything else is
    /// refused rather than deleted.
    init(_ path: String, force: Bool) throws(RdmaError) {
        guard !path.isEmpty else {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "the snapshot directory name is empty")
        }
        top = path
        if HostFiles.kind(path) != nil {
            guard let contents = try? HostFiles.entries(path) else {
                throw RdmaError("SNAPSHOT_EXISTS", exit: .cannotCreate, "\(path) exists and is not a directory")
            }
            if !contents.isEmpty {
                guard force else {
                    throw RdmaError("SNAPSHOT_EXISTS", exit: .cannotCreate, "\(path) exists and is not empty",
                                    hint: "choose a new directory, or add --force to replace an earlier snapshot")
                }
                guard contents.contains(SnapshotManifest.fileName) else {
                    throw RdmaError("SNAPSHOT_EXISTS", exit: .cannotCreate,
                                    "\(path) is not an rdmactl snapshot (no \(SnapshotManifest.fileName)); not replacing it",
                                    hint: "choose a new directory")
                }
            }
        }
        let parent = KernelPath.dirname(path.hasPrefix("/") ? path : "./" + path)
        let name = KernelPath.basename(path)
        staging = (path.hasPrefix("/") ? parent : String(parent.dropFirst())) + "/.\(name).rdmactl-\(UInt32.random(in: 0...UInt32.max))"
        do { try HostFiles.makeDirectory(staging, intermediate: false) } catch {
            // Say why (EROFS, ENOTDIR, EACCES, ENOSPC…): the hint alone sends a user with a
            // read-only mount looking for a permission problem (issue 10).
            let why = ": \(error.errno.message) (\(error.errno.name))"
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot create a directory beside \(path)\(why)",
                            hint: "does \(parent) exist, and may you write to it?")
        }
    }

    deinit {
        if !finished { try? HostFiles.removeTree(staging) }
    }

    func directory(_ path: String) throws(RdmaError) {
        let full = staging + "/" + path
        guard made.insert(full).inserted else { return }
        do { try HostFiles.makeDirectory(full, intermediate: true) } catch {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot create \(top)/\(path)")
        }
    }

    func file(_ path: String, _ bytes: [UInt8]) throws(RdmaError) {
        try directory(String(KernelPath.dirname("/" + path).dropFirst()))
        do { try HostFiles.writeFile(staging + "/" + path, bytes) } catch {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, errno: error.errno,
                            "cannot write \(top)/\(path): \(error.errno.message)")
        }
    }

    func symlink(_ path: String, target: String) throws(RdmaError) {
        try directory(String(KernelPath.dirname("/" + path).dropFirst()))
        do { try HostFiles.symlink(staging + "/" + path, target: target) } catch {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate,
                            "cannot create the link \(top)/\(path) (is it captured twice?)")
        }
    }

    /// Moves the capture into place: a new OUT is the staging directory renamed; an existing
    /// (empty, or an earlier snapshot under --force) OUT gets its parts replaced.
    func finish() throws(RdmaError) {
        do {
            if !exists(top) {
                try HostFiles.rename(staging, to: top)
            } else {
                for part in Self.parts {
                    if exists(top + "/" + part) { try HostFiles.removeTree(top + "/" + part) }
                    if exists(staging + "/" + part) {
                        try HostFiles.rename(staging + "/" + part, to: top + "/" + part)
                    }
                }
                try HostFiles.removeTree(staging)
            }
            finished = true
        } catch {
            throw RdmaError("SNAPSHOT_CANNOT_REPLACE", exit: .cannotCreate, "cannot move the snapshot into \(top)")
        }
    }

    /// Whether `path` exists, links followed (as FileManager's fileExists answered).
    private func exists(_ path: String) -> Bool { HostFiles.kind(path) != nil }
}
