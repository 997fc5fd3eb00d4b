/// A POSIX ustar stream (`snapshot -`), deterministic: mtime 0, owner 0:0, entries in the order
/// written. Long paths use the ustar prefix field; paths that do not fit are refused.
public final class TarWriter: SnapshotSink {
    private let emit: ([UInt8]) -> Void
    private var directories: Set<String> = []

    public init(emit: @escaping ([UInt8]) -> Void) { self.emit = emit }

    public func directory(_ path: String) throws(RdmaError) {
        try ensureParents(of: path + "/x")
    }

    public func file(_ path: String, _ bytes: [UInt8]) throws(RdmaError) {
        try ensureParents(of: path)
        try header(path, type: "0", mode: 0o644, size: bytes.count, link: "")
        emit(bytes)
        let pad = (512 - bytes.count % 512) % 512
        if pad > 0 { emit([UInt8](repeating: 0, count: pad)) }
    }

    public func symlink(_ path: String, target: String) throws(RdmaError) {
        try ensureParents(of: path)
        guard target.utf8.count <= 100 else {
            throw RdmaError("SNAPSHOT_PATH_TOO_LONG", exit: .cannotCreate, "link target too long for tar: \(target)")
        }
        try header(path, type: "2", mode: 0o777, size: 0, link: target)
    }

    public func finish() throws(RdmaError) { emit([UInt8](repeating: 0, count: 1024)) }

    private func ensureParents(of path: String) throws(RdmaError) {
        var parts = path.split(separator: "/").map(String.init)
        parts.removeLast()
        var prefix = ""
        for part in parts {
            prefix = prefix.isEmpty ? part : prefix + "/" + part
            if directories.insert(prefix).inserted {
                try header(prefix + "/", type: "5", mode: 0o755, size: 0, link: "")
            }
        }
    }

    private func header(_ path: String, type: Character, mode: Int, size: Int, link: String) throws(RdmaError) {
        var h = [UInt8](repeating: 0, count: 512)
        let bytes = Array(path.utf8)
        var name = bytes, prefix: [UInt8] = []
        if bytes.count > 100 {
            // Split at a "/" so that name ≤ 100 and prefix ≤ 155 bytes.
            guard let cut = bytes.indices.last(where: { bytes[$0] == 0x2f && $0 <= 155 && bytes.count - $0 - 1 <= 100 }) else {
                throw RdmaError("SNAPSHOT_PATH_TOO_LONG", exit: .cannotCreate, "path too long for tar: \(path)")
            }
            prefix = Array(bytes[..<cut]); name = Array(bytes[(cut + 1)...])
        }
        func put(_ field: [UInt8], at offset: Int) { for (i, b) in field.enumerated() { h[offset + i] = b } }
        func octal(_ v: Int, width: Int) -> [UInt8] {
            let s = String(v, radix: 8)
            return Array((String(repeating: "0", count: width - 1 - s.count) + s).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put([UInt8](repeating: 0x20, count: 8), at: 148)
        h[156] = UInt8(ascii: type.unicodeScalars.first!)
        put(Array(link.utf8), at: 157)
        put(Array("ustar\u{0}00".utf8), at: 257)
        put(Array("root".utf8), at: 265)
        put(Array("root".utf8), at: 297)
        put(prefix, at: 345)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [0x20], at: 148)
        emit(h)
    }
}
