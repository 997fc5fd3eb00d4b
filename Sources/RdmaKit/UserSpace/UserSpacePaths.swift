/// The user-space side of "No IB devices found": files that are not kernel sysfs but decide
/// whether libibverbs can use a device — rdma-core's provider configuration and libraries, and
/// the process's memlock limit and cgroup. They cross the same seam as sysfs (Docs/architecture.md,
/// "User-space facts"): `Kernel.listDirectory`/`readAttribute` on these absolute paths read the
/// live system, `DIR/etc`, `DIR/usr` and `DIR/proc` under a system root, or the files the
/// emulator's modelled rdma-core installation holds. A SYSFS_PATH-style root has none of them.
public enum UserSpacePaths {
    /// rdma-core's IBV_CONFIG_DIR (buildlib/config.h.in; CMakeLists.txt CONFIG_DIR default
    /// `${CMAKE_INSTALL_FULL_SYSCONFDIR}/libibverbs.d`): one `*.driver` file per provider.
    public static let configDirectory = "/etc/libibverbs.d"

    /// Where distributions install rdma-core's VERBS_PROVIDER_DIR (`${CMAKE_INSTALL_FULL_LIBDIR}/
    /// libibverbs`, CMakeLists.txt): Debian/Ubuntu multiarch first, then RPM's lib64, then a
    /// plain libdir. The first that exists is the one libibverbs was built with.
    public static let providerDirectories = [
        "/usr/lib/x86_64-linux-gnu/libibverbs",
        "/usr/lib/aarch64-linux-gnu/libibverbs",
        "/usr/lib/powerpc64le-linux-gnu/libibverbs",
        "/usr/lib/s390x-linux-gnu/libibverbs",
        "/usr/lib64/libibverbs",
        "/usr/lib/libibverbs",
        "/usr/local/lib/libibverbs",
    ]

    /// fs/proc/base.c `proc_pid_limits`: the process's rlimits, one line each — the values
    /// getrlimit(2) returns, readable without libc above the seam.
    public static let limits = "/proc/self/limits"

    /// kernel/cgroup/cgroup.c `proc_cgroup_show`: "ID:CONTROLLERS:PATH" per hierarchy; v2 is
    /// the "0::PATH" line.
    public static let cgroup = "/proc/self/cgroup"

    /// cgroup v1's device controller mount (security/device_cgroup.c `devcgroup_seq_show`
    /// prints `devices.list`).
    public static let devicesCgroupMount = "/sys/fs/cgroup/devices"
}
