/// JSON views of the model (schema rdmactl/1, Docs/json-schema.md). iproute2's key names and
/// values where `rdma -j` has them: ifname, ifindex, node_type, node_guid, sys_image_guid, fw,
/// port, state, physical_state, subnet_prefix, lid, sm_lid, lmc, netdev, netdev_index, caps.
extension RdmaDevice {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        writeMembers(into: &o)
        return o.value
    }

    /// The record as compact bytes, written without a tree (`list --json`, JSONMembers).
    public var jsonFragment: JSONFragment { JSONBytesWriter.object { writeMembers(into: &$0) } }

    func writeMembers<M: JSONMembers>(into o: inout M) {
        o.add("ifname", name)
        o.add("ifindex", index)
        o.add("driver", driver)
        o.add("driver_source", driverSource)
        o.add("driver_id", driverID)
        o.add("driver_unknown_reason", driverUnknownReason)
        o.add("identity", identity)
        o.add("virtual", isVirtual)
        o.add("node_type", nodeType?.iproute2Name)
        o.add("node_guid", guid: nodeGUID)
        o.add("sys_image_guid", guid: systemImageGUID)
        // iproute2 omits an empty firmware version (nldev sends no FW_VERSION for "").
        o.add("fw", firmware?.value.isEmpty == true ? nil : firmware)
        o.add("board_id", boardID)
        o.add("hw_rev", hardwareRevision)
        if let pci { o.addObject("pci") { pci.writeMembers(into: &$0) } }
        o.add("parent_netdev", parentNetdev)
        o.add("numa_node", numaNode)
        o.add("uverbs_abi", uverbsDeviceABI)
        if let contexts {
            o.addObject("contexts") { c in
                c.add("nctxts", contexts.total)
                c.add("nfreectxts", contexts.free)
            }
        }
        o.add("sysfs_path", sysfsPath)
        o.addObjects("ports", ports) { port, p in port.writeMembers(into: &p, device: nil, index: nil) }
        o.addObjects("char_devices", charDevices) { node, c in node.writeMembers(into: &c) }
        o.addStrings("facets", FacetCatalogue.standard.offeredNames(of: self))
    }
}

extension PCIParent {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        writeMembers(into: &o)
        return o.value
    }

    func writeMembers<M: JSONMembers>(into o: inout M) {
        o.add("address", address)
        o.add("vendor_device", vendorDevice)
        // "0x%04x", as pci-sysfs.c prints each id; written in place (addASCII).
        func id(_ key: StaticString, _ value: UInt16?) {
            guard let value else { return }
            o.addASCII(key, capacity: 6) { writeHex(UInt64(value), width: 4, prefix: "0x", to: $0) }
        }
        id("vendor", vendor)
        id("device", device)
        id("subsystem_vendor", subsystemVendor)
        id("subsystem_device", subsystemDevice)
        o.add("modalias", modalias)
    }
}

extension Port {
    /// `device` (and its netlink `index`) are set when the port is shown on its own
    /// (`show DEV/PORT`), like `rdma link`.
    public func json(device: SysfsText?, index: UInt32?) -> JSONValue {
        var o = JSONObjectBuilder()
        writeMembers(into: &o, device: device, index: index)
        return o.value
    }

    func writeMembers<M: JSONMembers>(into o: inout M, device: SysfsText?, index: UInt32?) {
        o.add("ifindex", index)
        o.add("ifname", device)
        o.add("port", number)
        o.add("state", state?.name)
        o.add("physical_state", physicalState?.name)
        // LIDs mean nothing on Ethernet (RoCE); nldev sends them only for IB (fill_port_info),
        // and the subnet prefix likewise (iproute2 `subnet_prefix`, "%04x:%04x:%04x:%04x").
        // GID 0 parsed once for the two members taken from it (`subnetPrefix`, `portGUID`).
        let gid = gid0Address
        if linkLayer?.value != "Ethernet" {
            o.add("subnet_prefix", guid: gid.map { GUID($0.subnetPrefix) })
            o.add("lid", lid)
            o.add("sm_lid", smLID)
            o.add("lmc", lmc)
        }
        // Not iproute2's: ibv_devinfo's `sm_sl`, `active_width`, `active_speed`.
        o.add("sm_sl", smSL)
        o.add("rate", rate)
        let parsed = parsedRate
        o.add("active_width", parsed?.activeWidth)
        o.add("active_speed", parsed?.activeSpeed)
        o.add("link_layer", linkLayer)
        // sysfs `cap_mask` for every link layer; iproute2's `caps` names (it has them from
        // nldev, which sends CAP_FLAGS for IB ports only).
        o.add("cap_mask", capabilities?.text)
        if let capabilities { o.addStrings("caps", capabilities.names) }
        o.add("port_guid", guid: gid.flatMap(Self.portGUID))
        o.add("gid0", gid0)
        o.add("netdev", netdev)
        o.add("netdev_index", netdevIndex)
        if let gids { o.addObjects("gids", gids) { entry, g in entry.writeMembers(into: &g) } }
        if let pkeys { o.addObjects("pkeys", pkeys) { entry, p in entry.writeMembers(into: &p) } }
    }
}

extension GIDEntry {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        writeMembers(into: &o)
        return o.value
    }

    func writeMembers<M: JSONMembers>(into o: inout M) {
        o.add("index", index)
        o.add("gid", gid.sysfs)
        o.add("type", type.name)
        o.add("netdev", netdev)
    }
}

extension PKeyEntry {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        writeMembers(into: &o)
        return o.value
    }

    func writeMembers<M: JSONMembers>(into o: inout M) {
        o.add("index", index)
        o.add("pkey", text)
    }
}

extension CharDevice {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        writeMembers(into: &o)
        return o.value
    }

    func writeMembers<M: JSONMembers>(into o: inout M) {
        o.add("kind", kind.rawValue)
        o.add("name", name)
        o.add("port", port)
        o.add("path", path)
        if let major, let minor { o.addASCII("dev", capacity: devNumberMaxLength) { writeDevNumber(major, minor, to: $0) } }
        o.add("present", nodePresent)
        if let node {
            o.addASCII("mode", capacity: 4) { writeOctalMode(node.mode, to: $0) }
            o.add("uid", node.uid)
            o.add("gid", node.gid)
        }
        if let canOpen {
            o.add("can_open", canOpen)
            o.add("can_open_is_prediction", true)
        }
    }
}

/// "0666".
public func octalMode(_ mode: UInt32) -> String {
    String(unsafeUninitializedCapacity: 4) { writeOctalMode(mode, to: $0.baseAddress!) }
}

/// `octalMode`'s four bytes at `out`; returns 4.
func writeOctalMode(_ mode: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
    // The permission bits are at most 0o7777: always four octal digits, written in place.
    for i in 0..<4 { out[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: mode >> UInt32(9 - 3 * i) & 7) }
    return 4
}

extension Diagnostic {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("code", code)
        o.add("path", path)
        o.add("message", message)
        o.add("errno", errno.map { Int($0.rawValue) })
        o.add("errno_name", errno?.name)
        o.add("hint", hint)
        return o.value
    }
}

extension RdmaError {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("exit_code", Int(exitCode.rawValue))
        o.add("code", code)
        o.add("errno", errno.map { Int($0.rawValue) })
        o.add("errno_name", errno?.name)
        o.add("message", message)
        o.add("hint", hint)
        return o.value
    }
}

/// The one JSON document a command prints (DESIGN §6), on success and on failure.
/// Which host answered (DESIGN §6): the hostname and, under Slurm, the node name from
/// `SLURMD_NODENAME`, so per-node envelopes can be gathered from anywhere.
public struct HostIdentity: Sendable, Equatable {
    public var hostname: String?
    public var slurmNode: String?
    public init(hostname: String?, slurmNode: String?) { self.hostname = hostname; self.slurmNode = slurmNode }

    public var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("hostname", hostname)
        o.add("slurm_node", slurmNode)
        return o.value
    }
}

public struct Envelope: Sendable {
    public static let schema = "rdmactl/1"
    public var command: String
    public var host: HostIdentity?
    public var source: String?
    /// What stood behind the seam: "live", "root" or "emulated" (a netlink source alone does not
    /// tell an emulated run from a real one).
    public var kernel: String?
    public var data: JSONValue?
    public var warnings: [Diagnostic]
    public var error: RdmaError?

    public init(command: String, host: HostIdentity? = nil, source: String?, kernel: String? = nil, data: JSONValue?,
                warnings: [Diagnostic], error: RdmaError?) {
        self.command = command; self.host = host; self.source = source; self.kernel = kernel; self.data = data
        self.warnings = warnings; self.error = error
    }

    public var json: JSONValue {
        .object([
            ("schema", .string(Self.schema)),
            ("command", .string(command)),
            ("host", host?.json ?? .null),
            ("source", source.map(JSONValue.string) ?? .null),
            ("kernel", kernel.map(JSONValue.string) ?? .null),
            ("ok", .bool(error == nil)),
            ("data", data ?? .null),
            ("warnings", .array(warnings.map(\.json))),
            ("error", error?.json ?? .null),
        ])
    }
}
