/// Lexical path arithmetic for kernel paths ("/sys/class/infiniband/hfi1_0"). No I/O: the seam
/// implementations use it to resolve a link target against its directory inside a root.
public enum KernelPath {
    public static func join(_ base: String, _ component: String) -> String {
        if component.hasPrefix("/") { return component }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }

    // basename/dirname scan for the last "/" instead of splitting: the emulator builds its
    // whole tree through them (a split per node was most of `--emulated` start-up).
    public static func basename(_ path: String) -> String {
        var end = path.endIndex
        while end > path.startIndex, path[path.index(before: end)] == "/" { end = path.index(before: end) }
        guard end > path.startIndex else { return "/" }
        let start = path[..<end].lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        return String(path[start..<end])
    }

    public static func dirname(_ path: String) -> String {
        var end = path.endIndex
        while end > path.startIndex, path[path.index(before: end)] == "/" { end = path.index(before: end) }
        guard let slash = path[..<end].lastIndex(of: "/") else { return "/" }
        var cut = slash
        while cut > path.startIndex, path[path.index(before: cut)] == "/" { cut = path.index(before: cut) }
        return cut == path.startIndex ? "/" : (path.hasPrefix("/") ? "" : "/") + String(path[..<cut])
    }

    /// Resolves `target` (a link's contents) against `directory` and removes "." and "..".
    /// Returns nil when ".." would climb above "/" — for a rooted tree, above the root.
    public static func resolve(_ target: String, against directory: String) -> String? {
        let full = target.hasPrefix("/") ? target : join(directory, target)
        var out: [Substring] = []
        for part in full.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                if out.isEmpty { return nil }
                out.removeLast()
            default: out.append(part)
            }
        }
        return "/" + out.joined(separator: "/")
    }

    /// Whether a directory-entry name is safe to join (no "/", not "." or "..", not empty).
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/")
    }
}
