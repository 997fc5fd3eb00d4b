/// Lexical path arithmetic for kernel paths ("/sys/class/infiniband/hfi1_0"). No I/O: the seam
/// implementations use it to resolve a link target against its directory inside a root.
public enum KernelPath {
    public static func join(_ base: String, _ component: String) -> String {
        if component.hasPrefix("/") { return component }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }

    // basename/dirname scan the UTF-8 bytes for the last "/" instead of splitting or walking
    // Characters: the emulator builds its whole tree through them (a split per node was most of
    // `--emulated` start-up), and a live listing calls them for every attribute and link, where
    // Character indexing cost 5,000 instructions a call (Docs/performance.md). Bytes are also
    // what the kernel splits on: a name may begin with a combining mark (sysfs names are bytes),
    // and "/" followed by one is a single Character that is not "/" — fuzz-emulator-nldev found
    // a device renamed to "\u{7AF}…" filed under the wrong directory (Docs/security.md). The
    // pieces are decoded from the byte slices: a String subscript would round a UTF-8 index
    // inside a Character down to the Character's start, "/" included.
    public static func basename(_ path: String) -> String {
        let bytes = path.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == slash { end = bytes.index(before: end) }
        guard end > bytes.startIndex else { return "/" }
        let start = bytes[..<end].lastIndex(of: slash).map { bytes.index(after: $0) } ?? bytes.startIndex
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    public static func dirname(_ path: String) -> String {
        let bytes = path.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == slash { end = bytes.index(before: end) }
        guard let last = bytes[..<end].lastIndex(of: slash) else { return "/" }
        var cut = last
        while cut > bytes.startIndex, bytes[bytes.index(before: cut)] == slash { cut = bytes.index(before: cut) }
        if cut == bytes.startIndex { return "/" }
        let head = String(decoding: bytes[..<cut], as: UTF8.self)
        return bytes.first == slash ? head : "/" + head
    }

    private static let slash = UInt8(ascii: "/")

    /// Resolves `target` (a link's contents) against `directory` and removes "." and "..".
    /// Returns nil when ".." would climb above "/" — for a rooted tree, above the root.
    /// Works on the UTF-8 bytes in one buffer: discovery resolves two links per device, and
    /// splitting into substrings was a fifth of a listing's instructions (Docs/performance.md).
    public static func resolve(_ target: String, against directory: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(directory.utf8.count + target.utf8.count + 1)
        /// Appends the components of `path`, folding "." and "..": false when ".." leaves "/".
        func walk(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
            var i = 0
            let n = path.count
            while i < n {
                while i < n, path[i] == 0x2f { i += 1 }
                guard i < n else { break }
                var end = i
                while end < n, path[end] != 0x2f { end += 1 }
                let length = end - i
                if length == 1, path[i] == 0x2e {
                    // "."
                } else if length == 2, path[i] == 0x2e, path[i + 1] == 0x2e {
                    guard let slash = out.lastIndex(of: 0x2f) else { return false }
                    out.removeSubrange(slash...)
                } else {
                    out.append(0x2f)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: path[i..<end]))
                }
                i = end
            }
            return true
        }
        var target = target, directory = directory
        if !target.hasPrefix("/") { guard directory.withUTF8(walk) else { return nil } }
        guard target.withUTF8(walk) else { return nil }
        return out.isEmpty ? "/" : String(decoding: out, as: UTF8.self)
    }

    /// Whether a directory-entry name is safe to join (no "/", not "." or "..", not empty).
    public static func isPlainName(_ name: String) -> Bool {
        // The bytes, not Characters: "/" followed by a combining mark is one Character.
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(0x2f)
    }
}
