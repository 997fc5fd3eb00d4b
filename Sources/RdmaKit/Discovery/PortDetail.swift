/// The port facts only `show` wants (DiscoveryDetail.full): `sm_sl`, `cap_mask`, the GID and
/// P_Key tables and the netdev's interface index; `list --json` reads the first two and GID 0
/// (`readPortBasics`). Plain `list` never comes here, so its cost stays one `state` read a port. Each attribute is read once and each table directory
/// listed once.
extension Discovery {
    func readPortDetail(_ p: String, into port: inout Port, deviceIndex: UInt32?,
                        reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) {
        port.smSL = try reader.integer(in: p, "sm_sl")
        port.capabilities = try reader.hex(in: p, "cap_mask").map { PortCapabilities(mask: UInt32(truncatingIfNeeded: $0)) }
        try readGIDTable(p, into: &port, reader: &reader)
        port.pkeys = try readPKeyTable(p, reader: &reader)
        port.netdevIndex = try netdevIndex(of: port, at: p, deviceIndex: deviceIndex, reader: &reader)
    }

    /// `list --json`'s port facts (DiscoveryDetail.record): `sm_sl`, `cap_mask`, GID 0 (the
    /// port GUID's source, as ibstat reads it) and GID 0's netdev — no tables.
    func readPortBasics(_ p: String, into port: inout Port, reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) {
        port.smSL = try reader.integer(in: p, "sm_sl")
        port.capabilities = try reader.hex(in: p, "cap_mask").map { PortCapabilities(mask: UInt32(truncatingIfNeeded: $0)) }
        port.gid0 = try reader.text(in: p, "gids/0")
        // An InfiniBand port's GIDs have no netdev: the read can only answer EINVAL
        // (core/sysfs.c `_show_port_gid_attr` on a NULL ndev), so it is not made.
        if port.linkLayer?.value != "InfiniBand" {
            port.netdev = try reader.text(p + "/gid_attrs/ndevs/0", .optionalEINVALMeansAbsent)
        }
    }

    /// The numeric entries of a table directory (`gids`, `pkeys`), in index order; nil when it
    /// cannot be listed (ENOENT is silent: `pkeys` exists only when pkey_tbl_len > 0).
    func tableIndices(_ dir: String, reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) -> [Int]? {
        let names: [String]
        do { names = try kernel.listDirectory(dir) } catch {
            if error.errno == .ENODEV || error.errno == .ELOOP { throw .init(path: dir, errno: error.errno) }
            if error.errno != .ENOENT {
                reader.warn(Diagnostic("UNREADABLE_DIRECTORY", path: dir, "\(dir): \(error)", errno: error.errno))
            }
            return nil
        }
        return names.compactMap { name in
            guard let i = Int(name), i >= 0, String(i) == name else { return nil }
            return i
        }.sorted()
    }

    /// Every GID entry ibv_devinfo would print (libibverbs/examples/devinfo.c
    /// `print_all_port_gids`: each index of the table, skipped when `null_gid`), with its type
    /// and netdev. An empty entry's gid_attrs answer EINVAL (core/sysfs.c `_show_port_gid_attr`,
    /// "for user space compatibility reasons"; ABI-FACTS §11), so they are not read for
    /// skipped entries. GID 0 also fills the long-standing `gid0` and `netdev`.
    func readGIDTable(_ p: String, into port: inout Port, reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) {
        let ethernet = port.linkLayer?.value == "Ethernet"
        guard let indices = try tableIndices(p + "/gids", reader: &reader) else {
            // No listing: GID 0 alone, as before the table was read.
            port.gid0 = try reader.text(p + "/gids/0")
            port.netdev = try reader.text(p + "/gid_attrs/ndevs/0", .optionalEINVALMeansAbsent)
            return
        }
        var entries: [GIDEntry] = []
        for index in indices {
            let path = p + "/gids/\(index)"
            guard let text = try reader.text(path) else { continue }
            if index == 0 { port.gid0 = text }
            guard let gid = GIDAddress(sysfs: text.value) else {
                reader.warn(Diagnostic("MALFORMED_ATTRIBUTE", path: path,
                                       "\(path): not a GID (eight hex groups): \"\(terminalSafe(String(text.value.prefix(64))))\""))
                continue
            }
            if gid.isNullForDevinfo { continue }
            let type = try reader.text(p + "/gid_attrs/types/\(index)", .optionalEINVALMeansAbsent)
            let netdev = try reader.text(p + "/gid_attrs/ndevs/\(index)", .optionalEINVALMeansAbsent)
            if index == 0 { port.netdev = netdev }
            entries.append(GIDEntry(index: index, gid: gid, type: GIDType(sysfs: type?.value, ethernet: ethernet),
                                    netdev: netdev))
        }
        port.gids = entries
    }

    /// The non-zero P_Keys (`pkeys/I`, "0x%04x").
    func readPKeyTable(_ p: String, reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) -> [PKeyEntry]? {
        guard let indices = try tableIndices(p + "/pkeys", reader: &reader) else { return nil }
        var entries: [PKeyEntry] = []
        for index in indices {
            guard let value = try reader.hex(p + "/pkeys/\(index)") else { continue }
            if value != 0 { entries.append(PKeyEntry(index: index, pkey: UInt16(truncatingIfNeeded: value))) }
        }
        return entries
    }

    /// iproute2's `netdev_index`. With a netlink device index, nldev PORT_GET says it
    /// (NDEV_INDEX, only for a netdev in the caller's namespace: an answer without it means
    /// none). Otherwise, or when PORT_GET fails, the netdev sysfs named — libibverbs turns a
    /// GID's ndev name into an index with if_nametoindex (cmd_device.c
    /// `query_sysfs_gid_ndev_ifindex`); sysfs has the same number in `class/net/NAME/ifindex`
    /// (net/core/net-sysfs.c, "%d"). A snapshot has no class/net: the index is then unknown.
    func netdevIndex(of port: Port, at p: String, deviceIndex: UInt32?,
                     reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) -> UInt32? {
        if let deviceIndex, let answer = try? kernel.netlinkPort(deviceIndex: deviceIndex, port: UInt32(port.number)) {
            return answer.netdevIndex
        }
        guard let name = port.netdev?.value, port.netdev?.raw == nil, KernelPath.isPlainName(name) else { return nil }
        return try reader.integer("/sys/class/net/\(name)/ifindex").flatMap { UInt32(exactly: $0) }
    }
}
