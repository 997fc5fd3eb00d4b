/// The device cgroup the caller runs in, as far as it can be read.
///
/// cgroup v1's device controller keeps a list (security/device_cgroup.c `devcgroup_seq_show`
/// prints `devices.list`: "a *:* rwm" when the default is allow, else one line per allowed
/// exception, "TYPE MAJOR:MINOR ACCESS" with '*' wildcards). An open of a char device the list
/// does not allow read-write fails with EPERM, whatever the node's mode — the container case.
/// cgroup v2 has no such file: the policy is a BPF program (BPF_PROG_TYPE_CGROUP_DEVICE) the
/// kernel does not show back, so it cannot be judged without trying the open.
public enum DeviceCgroup: Sendable, Equatable {
    /// No /proc/self/cgroup (a tree that did not record one, a kernel without cgroups).
    case unknown
    /// A v1 devices hierarchy at `path`, with its list (nil: the list could not be read).
    case v1(path: String, rules: [Rule]?)
    /// Only the unified hierarchy (or v1 without the devices controller).
    case v2(path: String)

    public struct Rule: Sendable, Equatable {
        /// 'a' (all), 'c' or 'b'.
        public var type: Character
        public var major: UInt32?   // nil: '*'
        public var minor: UInt32?
        public var access: String

        /// Whether the rule lets a char device MAJOR:MINOR be opened read-write.
        public func allowsCharRW(_ major: UInt32, _ minor: UInt32) -> Bool {
            (type == "a" || type == "c") && (self.major == nil || self.major == major)
                && (self.minor == nil || self.minor == minor) && access.contains("r") && access.contains("w")
        }

        /// One `devices.list` line.
        public static func parse(_ line: Substring) -> Rule? {
            let f = line.split(separator: " ")
            guard f.count == 3, let t = f[0].first, f[0].count == 1, "abc".contains(t) else { return nil }
            let mm = f[1].split(separator: ":", omittingEmptySubsequences: false)
            guard mm.count == 2 else { return nil }
            func num(_ s: Substring) -> UInt32?? { s == "*" ? .some(nil) : UInt32(s).map { .some($0) } }
            guard let major = num(mm[0]), let minor = num(mm[1]) else { return nil }
            return Rule(type: t, major: major, minor: minor, access: String(f[2]))
        }
    }

    /// Reads /proc/self/cgroup and, for v1, the devices.list of the caller's devices cgroup.
    public static func read(_ kernel: any Kernel) -> DeviceCgroup {
        guard let bytes = try? kernel.readAttribute(UserSpacePaths.cgroup) else { return .unknown }
        var unified: String?
        for line in SysfsText(bytes: bytes).value.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[1].split(separator: ",").contains("devices") {
                let list = UserSpacePaths.devicesCgroupMount + (path == "/" ? "" : path) + "/devices.list"
                guard let text = try? kernel.readAttribute(list) else { return .v1(path: path, rules: nil) }
                let rules = SysfsText(bytes: text).value.split(separator: "\n").compactMap(Rule.parse)
                return .v1(path: path, rules: rules)
            }
            if parts[0] == "0" && parts[1].isEmpty { unified = path }
        }
        return unified.map { .v2(path: $0) } ?? .unknown
    }
}
