import FoundationEssentials
import RdmaKit

/// Writes a snapshot into a directory on the host, atomically: everything goes into a hidden
/// sibling directory first and is moved into place by `finish()`, so a failed capture leaves no
/// half-written OUT behind (and `--force` is never needed to clean one up).
final class DirectorySink: SnapshotSink {
    let top: String
    let staging: String
    private let fm = FileManager.default
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
        if fm.fileExists(atPath: path) {
            guard let contents = try? fm.contentsOfDirectory(atPath: path) else {
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
        do { try fm.createDirectory(atPath: staging, withIntermediateDirectories: false) } catch {
            // Say why (EROFS, ENOTDIR, EACCES, ENOSPC…): the hint alone sends a user with a
            // read-only mount looking for a permission problem (issue 10).
            let why = Self.errno(of: error).map { ": \($0.message) (\($0.name))" } ?? ""
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot create a directory beside \(path)\(why)",
                            hint: "does \(parent) exist, and may you write to it?")
        }
    }

    deinit {
        if !finished { try? fm.removeItem(atPath: staging) }
    }

    func directory(_ path: String) throws(RdmaError) {
        let full = staging + "/" + path
        guard made.insert(full).inserted else { return }
        do { try fm.createDirectory(atPath: full, withIntermediateDirectories: true) } catch {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot create \(top)/\(path)")
        }
    }

    func file(_ path: String, _ bytes: [UInt8]) throws(RdmaError) {
        try directory(String(KernelPath.dirname("/" + path).dropFirst()))
        guard fm.createFile(atPath: staging + "/" + path, contents: Data(bytes)) else {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot write \(top)/\(path)")
        }
    }

    func symlink(_ path: String, target: String) throws(RdmaError) {
        try directory(String(KernelPath.dirname("/" + path).dropFirst()))
        do { try fm.createSymbolicLink(atPath: staging + "/" + path, withDestinationPath: target) } catch {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate,
                            "cannot create the link \(top)/\(path) (is it captured twice?)")
        }
    }

    /// Moves the capture into place: a new OUT is the staging directory renamed; an existing
    /// (empty, or an earlier snapshot under --force) OUT gets its parts replaced.
    func finish() throws(RdmaError) {
        do {
            if !fm.fileExists(atPath: top) {
                try fm.moveItem(atPath: staging, toPath: top)
            } else {
                for part in Self.parts {
                    if fm.fileExists(atPath: top + "/" + part) { try fm.removeItem(atPath: top + "/" + part) }
                    if fm.fileExists(atPath: staging + "/" + part) {
                        try fm.moveItem(atPath: staging + "/" + part, toPath: top + "/" + part)
                    }
                }
                try fm.removeItem(atPath: staging)
            }
            finished = true
        } catch {
            throw RdmaError("SNAPSHOT_CANNOT_REPLACE", exit: .cannotCreate, "cannot move the snapshot into \(top)")
        }
    }

    /// The errno under a FoundationEssentials file error, when it carries one.
    static func errno(of error: any Error) -> Errno? {
        if let posix = error as? POSIXError { return Errno(rawValue: posix.code.rawValue) }
        if let cocoa = error as? CocoaError, let posix = cocoa.underlying as? POSIXError {
            return Errno(rawValue: posix.code.rawValue)
        }
        return nil
    }
}
