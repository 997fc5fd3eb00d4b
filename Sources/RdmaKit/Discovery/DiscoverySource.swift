/// Where the device list comes from (DESIGN §3). Attributes always come from sysfs.
public enum DiscoverySource: String, Sendable, CaseIterable {
    case auto, netlink, udev, sysfs, emulated
}

/// How much of each record a command needs: `list` reads only its columns (DESIGN §3), a
/// negotiation what choosing and opening a node needs, `show` and `--json` everything.
public enum DiscoveryDetail: Sendable, Comparable {
    /// `list`'s columns: name, driver, node type, GUID, port states, the uverbs node.
    case summary
    /// What `open-ops`, `facets` and `doctor` decide from: every char device with its node,
    /// major:minor and ABI, port states and LIDs, the PCI parent — not the GID and P_Key
    /// tables, capability masks or the netlink port query.
    case negotiation
    /// A whole record for `list --json`: the negotiation's facts plus each port's `cap_mask`,
    /// `sm_sl`, GID 0 and its netdev — about what `ibstat` reads — but not the GID and P_Key
    /// tables or the netlink port query, which are `show`'s (issue 9: `list --json` should
    /// cost what ibstat costs, not what a thousand `show`s cost).
    case record
    /// Everything (`show`).
    case full
}
