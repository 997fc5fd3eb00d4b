/// Where the device list comes from (DESIGN §3). Attributes always come from sysfs.
public enum DiscoverySource: String, Sendable, CaseIterable {
    case auto, netlink, udev, sysfs, emulated
}

/// How much of each record a command needs: `list` reads only its columns (DESIGN §3).
public enum DiscoveryDetail: Sendable {
    case summary
    case full
}
