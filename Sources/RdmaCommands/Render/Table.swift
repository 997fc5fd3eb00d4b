import RdmaKit

/// A plain text table: columns padded to the widest cell, every cell terminal-safe.
struct TextTable {
    var headers: [String]
    /// Each row's cells made terminal-safe, with their widths.
    private(set) var prepared: [Row] = []

    init(headers: [String]) { self.headers = headers }

    /// A row ready to print: its cells escaped once and measured once.
    struct Row: Sendable {
        let cells: [String]
        let widths: [Int]
        init(_ cells: [String]) {
            var cells = cells
            var widths: [Int] = []
            widths.reserveCapacity(cells.count)
            for i in cells.indices {
                // Printable ASCII, nearly every cell: nothing to escape, and as wide as it is long
                // (one look at the bytes where terminalSafe and displayWidth took one each).
                var probe = cells[i]
                if let n = probe.withUTF8({ b in b.allSatisfy { $0 >= 0x20 && $0 < 0x7f } ? b.count : nil }) {
                    widths.append(n)
                } else {
                    cells[i] = terminalSafe(cells[i])
                    widths.append(displayWidth(cells[i]))
                }
            }
            self.cells = cells
            self.widths = widths
        }
    }

    mutating func append(_ row: [String]) { prepared.append(Row(row)) }
    mutating func append(contentsOf rows: [Row]) { prepared.append(contentsOf: rows) }

    /// Built as bytes in one buffer: string concatenation per cell was a quarter of a
    /// 1,024-device listing's instructions after discovery (Docs/performance.md). `heading`, a
    /// line printed above the table (a banner), goes into the same buffer: adding it to the
    /// finished table copied all of it once more, on one thread after discovery (issue 9).
    func render(heading: String? = nil) -> String {
        let all = [Row(headers)] + prepared
        var widths = [Int](repeating: 0, count: headers.count)
        var bytes = 0
        for row in all {
            for i in row.cells.indices where i < widths.count {
                widths[i] = max(widths[i], row.widths[i])
                bytes += row.cells[i].utf8.count
            }
        }
        let space = UInt8(ascii: " ")
        var out: [UInt8] = []
        out.reserveCapacity((heading?.utf8.count ?? 0) + 1 + bytes + all.count * (widths.reduce(0, +) + 2 * widths.count + 1))
        if let heading {
            out.append(contentsOf: heading.utf8)
            out.append(UInt8(ascii: "\n"))
        }
        for row in all {
            let lineStart = out.count
            for (i, cell) in row.cells.enumerated() {
                out.append(contentsOf: cell.utf8)
                if i != row.cells.count - 1 {
                    out.append(contentsOf: repeatElement(space, count: widths[i] - row.widths[i] + 2))
                }
            }
            while out.count > lineStart, out.last == space { out.removeLast() }
            out.append(UInt8(ascii: "\n"))
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Characters a cell takes: its byte count when ASCII (counting grapheme clusters costs more
/// than the rest of a row's rendering), else its Character count.
func displayWidth(_ cell: String) -> Int {
    var probe = cell
    return probe.withUTF8 { b in b.allSatisfy { $0 < 0x80 } ? b.count : nil } ?? cell.count
}

/// `list`'s table.
enum DeviceTable {
    /// Rows are made on the kernel's threads (`concurrentMap`): formatting a thousand rows was
    /// a tenth of `list`'s instructions, on one thread after discovery.
    static func render(_ devices: [RdmaDevice], kernel: any Kernel, heading: String? = nil) -> String {
        var table = TextTable(headers: ["NAME", "DRIVER", "TYPE", "NODE GUID", "PORTS", "UVERBS", "FACETS"])
        table.append(contentsOf: kernel.concurrentMap(devices, row))
        return table.render(heading: heading)
    }

    @Sendable static func row(_ d: RdmaDevice) -> TextTable.Row {
        // Appended in place: an interpolated string per port, then a join, cost more than the
        // rest of the row.
        var ports = ""
        for i in d.ports.indices {
            if i > 0 { ports.append(" ") }
            ports.append(String(d.ports[i].number))
            ports.append(":")
            ports.append(d.ports[i].state?.name ?? "?")
        }
        let facets = FacetCatalogue.standard.offeredNames(of: d).joined(separator: ",")
        return TextTable.Row([d.name.value, d.driver ?? "-", d.nodeType?.iproute2Name ?? "-",
                              d.nodeGUID?.sysfs ?? "-", ports.isEmpty ? "-" : ports, d.uverbs?.path ?? "-",
                              facets.isEmpty ? "-" : facets])
    }
}

/// `show`'s key/value view.
enum DeviceDetailView {
    static func render(_ d: RdmaDevice) -> String {
        var lines: [(String, String)] = []
        func add(_ k: String, _ v: String?) { if let v, !v.isEmpty { lines.append((k, v)) } }
        add("name", d.name.value)
        add("driver", d.driver.map { "\($0) (from \(d.driverSource ?? "?"))" }
            ?? d.driverUnknownReason.map { "unknown: \($0)" })
        add("identity", d.identity)
        add("node type", d.nodeType?.iproute2Name)
        add("node guid", d.nodeGUID?.sysfs)
        add("sys image guid", d.systemImageGUID?.sysfs)
        add("firmware", d.firmware?.value)
        add("board id", d.boardID?.value)
        add("hw rev", d.hardwareRevision?.value)
        if let pci = d.pci {
            add("pci", pci.address + (pci.vendorDevice.map { " [\($0)]" } ?? ""))
            add("modalias", pci.modalias?.value)
        } else if d.parentUnknown {
            add("parent", "unknown (the device link is broken)")
        } else {
            add("parent", d.parentNetdev.map { "netdev \($0.value) (virtual device)" } ?? "none (virtual device)")
        }
        add("numa node", d.numaNode.map(String.init))
        add("uverbs abi", d.uverbsDeviceABI.map(String.init))
        add("facets", FacetCatalogue.standard.offeredNames(of: d).joined(separator: ", "))
        if let c = d.contexts {
            add("contexts", "\(c.free.map(String.init) ?? "?") free of \(c.total.map(String.init) ?? "?")")
        }
        add("sysfs", d.sysfsPath)
        var out = keyValues(lines)
        for p in d.ports { out += "port \(p.number):\n" + keyValues(Array(portLines(p).dropFirst()), indent: "  ") }
        if !d.charDevices.isEmpty {
            out += "char devices:\n"
            var table = TextTable(headers: ["  KIND", "PATH", "DEV", "MODE", "OWNER", "CAN OPEN"])
            for c in d.charDevices {
                table.append([
                    "  " + c.kind.rawValue + (c.port.map { "/\($0)" } ?? ""),
                    c.path ?? "-",
                    c.major.map { "\($0):\(c.minor ?? 0)" } ?? "-",
                    c.node.map { octalMode($0.mode) } ?? (c.nodePresent == false ? "missing" : "-"),
                    c.node.map { "\($0.uid):\($0.gid)" } ?? "-",
                    c.canOpen.map { $0 ? "yes (predicted)" : "no (predicted)" } ?? "-",
                ])
            }
            out += table.render()
        }
        return out
    }

    /// `rdma system show` as one line, its words: "netns shared copy-on-fork on".
    static func render(system: RdmaSystemSettings) -> String {
        var words: [String] = []
        if let mode = system.netnsMode { words.append("netns \(mode.rawValue)") }
        if let qkey = system.privilegedQKeyMode { words.append("privileged-qkey \(qkey ? "on" : "off")") }
        words.append("copy-on-fork \(system.copyOnFork ? "on" : "off")")
        return "rdma system:    " + words.joined(separator: " ") + "\n"
    }

    static func render(port p: Port, of d: RdmaDevice) -> String {
        keyValues([("device", d.name.value)] + portLines(p))
    }

    static func portLines(_ p: Port) -> [(String, String)] {
        var lines: [(String, String)] = [("port", String(p.number))]
        func add(_ k: String, _ v: String?) { if let v { lines.append((k, v)) } }
        add("state", p.state?.name)
        add("physical state", p.physicalState?.name)
        // Like the JSON (and `rdma link`): LIDs mean nothing on an Ethernet (RoCE) port.
        if p.linkLayer?.value != "Ethernet" {
            add("subnet prefix", p.subnetPrefix.map { GUID($0).sysfs })
            add("lid", p.lid.map { "0x" + String($0, radix: 16) })
            add("sm lid", p.smLID.map { "0x" + String($0, radix: 16) })
            add("lmc", p.lmc.map(String.init))
        }
        add("sm sl", p.smSL.map(String.init))
        add("rate", p.rate?.value)
        // ibv_devinfo's words ("active_width: 4X", "active_speed: 25.0 Gbps").
        add("active width", p.parsedRate?.activeWidth)
        add("active speed", p.parsedRate.map { "\($0.activeSpeed) (\($0.speedName))" })
        add("link layer", p.linkLayer?.value)
        add("cap mask", p.capabilities.map { "\($0.text) <\($0.names.joined(separator: ", "))>" })
        // ibstat's form: "Port GUID: 0x%016" PRIx64.
        add("port guid", p.portGUID.map { "0x" + hex($0.value, width: 16) })
        if p.gids == nil { add("gid 0", p.gid0?.value) }
        add("netdev", p.netdev?.value)
        if p.netdev != nil {
            // nldev PORT_GET names no netdev in this namespace, or a tree without class/net.
            add("netdev index", p.netdevIndex.map(String.init) ?? "unknown (no NDEV_INDEX from netlink, no class/net/\(p.netdev!.value)/ifindex)")
        }
        // ibv_devinfo's "GID[%3d]:" lines: RoCE v2 addresses through inet_ntop, others as sysfs.
        for g in p.gids ?? [] {
            add("GID[\(pad3(g.index))]", g.devinfoAddress + ", " + g.type.name + (g.netdev.map { ", netdev " + $0.value } ?? ""))
        }
        for k in p.pkeys ?? [] { add("P_Key[\(pad3(k.index))]", k.text) }
        return lines
    }

    /// "%3d".
    static func pad3(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, 3 - s.count)) + s
    }

    static func keyValues(_ lines: [(String, String)], indent: String = "") -> String {
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { indent + $0.0 + ":" + String(repeating: " ", count: width - $0.0.count + 1) + terminalSafe($0.1) }
            .joined(separator: "\n") + "\n"
    }
}
