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
    public func offeredNames(of device: RdmaDevice) -> [String] {
        var names: [String] = []
        for entry in entries {
            let offered: Bool
            switch entry.offeredBy {
            case .drivers(let drivers): offered = device.driver.map { drivers.contains($0) } ?? false
            case .everyDevice: offered = device.charDevices.contains { entry.nodeKinds.contains($0.kind) }
            case .everyMADPort:
                offered = device.charDevices.contains { entry.nodeKinds.contains($0.kind) && ($0.port != nil || $0.portNotRead) }
            case .system: offered = false
            }
            if offered && !names.contains(entry.name.rawValue) { names.append(entry.name.rawValue) }
        }
        return names
    }
}
