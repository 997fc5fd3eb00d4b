extension KernelPath {
    /// The relative link target that leads from `directory` to `target` (both absolute), the
    /// way the kernel writes sysfs links ("../../devices/...").
    public static func relative(from directory: String, to target: String) -> String {
        let from = directory.split(separator: "/"), to = target.split(separator: "/")
        var common = 0
        while common < from.count && common < to.count && from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let rest = to[common...].map(String.init)
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
