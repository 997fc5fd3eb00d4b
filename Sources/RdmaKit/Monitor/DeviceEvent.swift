/// One RDMA device event as `rdmactl monitor` reports it: an ib device added, removed or
/// renamed, with the char-device uevents that belong to it folded in (DeviceEventFolder).
public struct DeviceEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case add, remove, rename }

    public var kind: Kind
    /// The ib device name (after a rename: the new one).
    public var device: String
    /// A rename's old name (the basename of the kernel's DEVPATH_OLD).
    public var oldDevice: String?
    /// DEVPATH of the ib device, below /sys.
    public var devpath: String?
    /// The kernel's SEQNUM of the device uevent, when it carried one.
    public var seqnum: UInt64?
    /// The char-device uevents folded in, in arrival order.
    public var charDevices: [CharDeviceEvent]

    public init(kind: Kind, device: String, oldDevice: String? = nil, devpath: String? = nil, seqnum: UInt64? = nil,
                charDevices: [CharDeviceEvent] = []) {
        self.kind = kind; self.device = device; self.oldDevice = oldDevice; self.devpath = devpath
        self.seqnum = seqnum; self.charDevices = charDevices
    }

    /// The envelope's `data` (Docs/json-schema.md, monitor).
    public var json: JSONValue {
        .object([
            ("event", .string(kind.rawValue)),
            ("device", .string(device)),
            ("old_device", oldDevice.map(JSONValue.string) ?? .null),
            ("devpath", devpath.map(JSONValue.string) ?? .null),
            ("seqnum", seqnum.map(JSONValue.uint) ?? .null),
            ("char_devices", .array(charDevices.map(\.json))),
        ])
    }

    /// One text line (without the newline); control bytes escaped.
    public var line: String {
        var s = kind.rawValue + " " + terminalSafe(device)
        if let oldDevice { s = "rename " + terminalSafe(oldDevice) + " -> " + terminalSafe(device) }
        if !charDevices.isEmpty {
            s += "  char devices: " + charDevices.map { c in
                (c.action == kind.rawValue ? "" : c.action + " ") + terminalSafe(c.devname.map { "/dev/" + $0 } ?? c.name)
            }.joined(separator: ", ")
        }
        return s
    }
}

/// A char-device uevent (infiniband_verbs, infiniband_mad, hfi1_user, ipath) folded into the
/// device event it belongs to.
public struct CharDeviceEvent: Sendable, Equatable {
    public var action: String
    public var subsystem: String
    /// The class device's name, e.g. uverbs0, umad1, hfi1_0, ipath.
    public var name: String
    /// DEVNAME, relative to /dev (infiniband/uverbs0).
    public var devname: String?
    public var major: UInt32?
    public var minor: UInt32?
    public var devpath: String?

    public init(_ event: KernelEvent) {
        action = event.action.rawValue
        subsystem = event.subsystem
        name = event.name
        devname = event.devname ?? event.properties["DEVNAME"]
        major = event.properties["MAJOR"].flatMap { UInt32($0) }
        minor = event.properties["MINOR"].flatMap { UInt32($0) }
        devpath = event.properties["DEVPATH"]
    }

    public var json: JSONValue {
        .object([
            ("action", .string(action)),
            ("subsystem", .string(subsystem)),
            ("name", .string(name)),
            ("devname", devname.map(JSONValue.string) ?? .null),
            ("major", major.map { JSONValue.uint(UInt64($0)) } ?? .null),
            ("minor", minor.map { JSONValue.uint(UInt64($0)) } ?? .null),
            ("devpath", devpath.map(JSONValue.string) ?? .null),
        ])
    }
}
