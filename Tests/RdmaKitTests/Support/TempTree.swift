import Foundation
import Glibc

/// A scratch directory for one test, removed when the value goes away.
final class TempTree {
    let path: String

    init(_ label: String = "tree") {
        var template = Array("/tmp/rdmactl-test-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A copy of a fixture tree (symlinks kept as symlinks).
    static func copy(of fixture: String, label: String = "tree") -> TempTree {
        let t = TempTree(label)
        let rc = system("cp -a '\(fixturePath(fixture))/.' '\(t.path)/'")
        precondition(rc == 0, "copy of \(fixture) failed")
        return t
    }

    func write(_ rel: String, _ text: String) { write(rel, Array(text.utf8)) }

    func write(_ rel: String, _ bytes: [UInt8]) {
        let full = path + "/" + rel
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        unlink(full)
        FileManager.default.createFile(atPath: full, contents: Data(bytes))
    }

    func remove(_ rel: String) { try? FileManager.default.removeItem(atPath: path + "/" + rel) }

    func symlink(_ rel: String, to target: String) {
        remove(rel)
        Glibc.symlink(target, path + "/" + rel)
    }

    func mkdir(_ rel: String) { try? FileManager.default.createDirectory(atPath: path + "/" + rel, withIntermediateDirectories: true) }

    func mkfifo(_ rel: String) { remove(rel); _ = Glibc.mkfifo(path + "/" + rel, 0o644) }
}

/// The on-disk path of a fixture under Tests/RdmaKitTests/Fixtures.
func fixturePath(_ name: String) -> String {
    Bundle.module.path(forResource: "Fixtures", ofType: nil)! + "/" + name
}
