/// A POSIX tar stream (`snapshot -`), deterministic: mtime 0, owner 0:0, entries in the order
/// written. Long paths use the ustar prefix field; a path or link target that does not fit
/// (deep PCIe hierarchies do not) gets a pax extended header (POSIX.1-2001 `x`), which GNU tar,
/// bsdtar and Python's tarfile read.
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
        let split = Self.ustarSplit(Array(path.utf8))
        var records: [(String, String)] = []
        if split == nil { records.append(("path", path)) }
        if link.utf8.count > 100 { records.append(("linkpath", link)) }
        if !records.isEmpty {
            let body = records.map(Self.paxRecord).joined()
            emitHeader(name: Array("PaxHeaders/entry".utf8), prefix: [], type: "x", mode: 0o644,
                       size: body.utf8.count, link: [])
            emit(Array(body.utf8))
            let pad = (512 - body.utf8.count % 512) % 512
            if pad > 0 { emit([UInt8](repeating: 0, count: pad)) }
        }
        let (name, prefix) = split ?? (Array(path.utf8.prefix(100)), [])
        emitHeader(name: name, prefix: prefix, type: type, mode: mode, size: size, link: Array(link.utf8.prefix(100)))
    }

    /// ustar's name (100 bytes) and prefix (155 bytes), split at a "/"; nil when it cannot hold the path.
    static func ustarSplit(_ bytes: [UInt8]) -> ([UInt8], [UInt8])? {
        if bytes.count <= 100 { return (bytes, []) }
        guard let cut = bytes.indices.last(where: { bytes[$0] == 0x2f && $0 <= 155 && bytes.count - $0 - 1 <= 100 }) else {
            return nil
        }
        return (Array(bytes[(cut + 1)...]), Array(bytes[..<cut]))
    }

    /// "%d key=value\n" where %d counts the whole record, its own digits included.
    static func paxRecord(_ record: (String, String)) -> String {
        let body = " \(record.0)=\(record.1)\n"
        var length = body.utf8.count + 1
        while String(length).count + body.utf8.count != length { length = String(length).count + body.utf8.count }
        return String(length) + body
    }

    private func emitHeader(name: [UInt8], prefix: [UInt8], type: Character, mode: Int, size: Int, link: [UInt8]) {
        var h = [UInt8](repeating: 0, count: 512)
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
        put(link, at: 157)
        put(Array("ustar\u{0}00".utf8), at: 257)
        put(Array("root".utf8), at: 265)
        put(Array("root".utf8), at: 297)
        put(prefix, at: 345)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [0x20], at: 148)
        emit(h)
    }
}
