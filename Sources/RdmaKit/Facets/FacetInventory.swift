/// The facets a device offers by the static inventory (DESIGN §3): its driver's catalogue
/// entries, uverbs where it has a uverbs node, umad and issm per port that has those nodes —
/// decided from sysfs and the char devices discovery found; nothing is opened.
public struct FacetOffer: Sendable, Equatable {
    public var name: FacetName
    public var port: Int?
    /// Majors (and minors where known), newest first: the catalogue's for driver facets — which
    /// of them a kernel really offers only `--probe` (or `open-ops`) can tell, since that takes
    /// opening a node —, the device's `uverbsN/abi_version` for uverbs.
    public var versions: [(major: Int, minor: Int?)]
    /// Where `versions` come from: "catalogue" or "sysfs".
    public var versionsFrom: String

    /// "6.3, 5".
    public var versionsText: String {
        versions.map { v in "\(v.major)" + (v.minor.map { ".\($0)" } ?? "") }.joined(separator: ", ")
    }

    public static func == (a: FacetOffer, b: FacetOffer) -> Bool {
        a.name == b.name && a.port == b.port && a.versionsText == b.versionsText && a.versionsFrom == b.versionsFrom
            && a.transports == b.transports && a.nodes == b.nodes
    }
    public var transports: [FacetTransport]
    /// The nodes the legacy or sysfs transport would open.
    public var nodes: [String]
}

extension FacetCatalogue {
    public func inventory(of device: RdmaDevice) -> [FacetOffer] {
        var offers: [FacetOffer] = []
        for entry in entries {
            switch entry.offeredBy {
            case .drivers(let names):
                guard let driver = device.driver, names.contains(driver) else { continue }
                offers.append(offer(entry, device: device, port: nil))
            case .everyDevice:
                guard device.charDevices.contains(where: { entry.nodeKinds.contains($0.kind) }) else { continue }
                offers.append(offer(entry, device: device, port: nil))
            case .everyMADPort:
                // Per port, so it needs the ports `list` does not read (`portNotRead`): the
                // inventory is built from negotiation-level records (facets, open-ops, show).
                let ports = device.charDevices.filter { entry.nodeKinds.contains($0.kind) }.compactMap(\.port)
                for port in Set(ports).sorted() { offers.append(offer(entry, device: device, port: port)) }
            case .system:
                continue
            }
        }
        return offers
    }

    private func offer(_ entry: FacetEntry, device: RdmaDevice, port: Int?) -> FacetOffer {
        let versions: [(major: Int, minor: Int?)]
        let from: String
        switch entry.versions {
        case .catalogued(let list): versions = list.map { ($0.major, $0.minor) }; from = "catalogue"
        case .perDevice: versions = device.uverbsDeviceABI.map { [($0, nil)] } ?? []; from = "sysfs"
        }
        let nodes = device.charDevices.filter { entry.nodeKinds.contains($0.kind) && (port == nil || $0.port == port) }
            .compactMap(\.path)
        return FacetOffer(name: entry.name, port: port, versions: versions, versionsFrom: from,
                          transports: entry.transports, nodes: nodes)
    }

    /// The distinct names a device offers, for `list`'s FACETS column and the device JSON.
    /// The same decision as `inventory(of:)` without building its offers (a listing asks it
    /// once per device).
    /// The device's char devices are looked at once, two fields of each read in place (a
    /// closure per entry copied every `CharDevice`, strings and all: a third of a `list` row's
    /// cost, issue 9), into the kinds it has and the kinds it has with a port.
    public func offeredNames(of device: RdmaDevice) -> [String] {
        var present: UInt8 = 0, withPort: UInt8 = 0
        device.charDevices.withUnsafeBufferPointer { devices in
            for i in devices.indices {
                let bit = Self.bit(devices[i].kind)
                present |= bit
                if devices[i].port != nil || devices[i].portNotRead { withPort |= bit }
            }
        }
        var names: [String] = []
        names.reserveCapacity(entries.count)
        entries.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                let offered: Bool
                switch entries[i].offeredBy {
                case .drivers(let drivers): offered = device.driver.map { drivers.contains($0) } ?? false
                case .everyDevice: offered = present & Self.mask(entries[i].nodeKinds) != 0
                case .everyMADPort: offered = withPort & Self.mask(entries[i].nodeKinds) != 0
                case .system: offered = false
                }
                let name = entries[i].name.rawValue
                if offered && !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    private static func bit(_ kind: CharDevice.Kind) -> UInt8 {
        switch kind {
        case .uverbs: 1
        case .umad: 2
        case .issm: 4
        case .hfi1: 8
        case .ipath: 16
        }
    }

    private static func mask(_ kinds: [CharDevice.Kind]) -> UInt8 { kinds.reduce(0) { $0 | bit($1) } }
}
