/// Lexical path arithmetic for kernel paths ("/sys/class/infiniband/hfi1_0"). No I/O: the seam
/// implementations use it to resolve a link target against its directory inside a root.
public enum KernelPath {
    public static func join(_ base: String, _ component: String) -> String {
        if component.hasPrefix("/") { return component }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }

    public static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? "/"
    }

    public static func dirname(_ path: String) -> String {
        var parts = path.split(separator: "/")
        guard !parts.isEmpty else { return "/" }
        parts.removeLast()
        return "/" + parts.joined(separator: "/")
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
