import RdmaKit

/// `DEV` or `DEV/PORT`, as `show` and `open-ops --device` take it; checked before any syscall.
struct DeviceTarget: Equatable {
    var device: String
    var port: Int?

    init(parsing text: String) throws(RdmaError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), KernelPath.isPlainName(String(parts[0])) else {
            throw .usage("bad device \"\(terminalSafe(text))\"", hint: "use DEV or DEV/PORT, e.g. hfi1_0 or qib0/2")
        }
        device = String(parts[0])
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0 else {
                throw .usage("bad port \"\(terminalSafe(String(parts[1])))\"", hint: "ports are numbers, e.g. qib0/2")
            }
            port = p
        }
    }

    /// The device's record, or 66 naming what exists.
    func find(in devices: [RdmaDevice]) throws(RdmaError) -> RdmaDevice {
        guard let d = devices.first(where: { $0.name.value == device }) else {
            throw RdmaError("NO_SUCH_DEVICE", exit: .noSuchDevice, "no such device: \(terminalSafe(device))",
                            hint: "see 'rdmactl list' for the devices this system has")
        }
        if let port, !d.ports.contains(where: { $0.number == port }) {
            let have = d.ports.map { String($0.number) }.joined(separator: ", ")
            throw RdmaError("NO_SUCH_PORT", exit: .noSuchDevice, "\(terminalSafe(device)) has no port \(port)",
                            hint: "its ports: \(have.isEmpty ? "none" : have)")
        }
        return d
    }
}
