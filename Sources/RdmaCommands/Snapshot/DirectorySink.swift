import FoundationEssentials
import RdmaKit

/// Writes a snapshot into a directory on the host.
final class DirectorySink: SnapshotSink {
    let top: String
    private let fm = FileManager.default
    private var made: Set<String> = []

    /// DESIGN §6: an existing non-empty OUT exits 73 without --force. With --force only an
    /// earlier rdmactl snapshot is replaced (its sys/, dev/ and manifest); anything else is
    /// refused rather than deleted.
    init(_ path: String, force: Bool) throws(RdmaError) {
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
                for name in ["sys", "dev", SnapshotManifest.fileName] where contents.contains(name) {
                    do { try fm.removeItem(atPath: path + "/" + name) } catch {
                        throw RdmaError("SNAPSHOT_CANNOT_REPLACE", exit: .cannotCreate, "cannot remove \(path)/\(name): \(error)")
                    }
                }
            }
        } else {
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: false) } catch {
                throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot create \(path): \(error)",
                                hint: "does the parent directory exist and is it writable?")
            }
        }
    }

    func directory(_ path: String) throws(RdmaError) {
        let full = top + "/" + path
        guard made.insert(full).inserted else { return }
        do { try fm.createDirectory(atPath: full, withIntermediateDirectories: true) } catch {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot create \(full): \(error)")
        }
    }

    func file(_ path: String, _ bytes: [UInt8]) throws(RdmaError) {
        try directory(KernelPath.dirname("/" + path).dropFirst().description)
        let full = top + "/" + path
        guard fm.createFile(atPath: full, contents: Data(bytes)) else {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot write \(full)")
        }
    }

    func symlink(_ path: String, target: String) throws(RdmaError) {
        try directory(KernelPath.dirname("/" + path).dropFirst().description)
        do { try fm.createSymbolicLink(atPath: top + "/" + path, withDestinationPath: target) } catch {
            throw RdmaError("SNAPSHOT_CANNOT_CREATE", exit: .cannotCreate, "cannot link \(top)/\(path): \(error)")
        }
    }

    func finish() throws(RdmaError) {}
}
