import ArgumentParser
import RdmaKit

/// `rdmactl show DEV[/PORT]`: everything known about one device or port.
struct ShowCommand: ParsableCommand, RdmactlRunnable {
    static let name = "show"
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show everything known about one device or port.")

    @Argument(help: ArgumentHelp("A device name, or DEV/PORT for one port.", valueName: "dev[/port]"))
    var target: String

    @OptionGroup var globals: GlobalOptions

    func execute(_ run: inout CommandRun) throws(RdmaError) {
        let parsed = try DeviceTarget(parsing: target)
        let name = parsed.device, portNumber = parsed.port
        let kernel = try run.openKernel()
        let result = try Discovery(kernel: kernel).run(source: run.selection!.source, detail: .full, only: name)
        run.warnings += result.warnings
        run.sourceName = result.source.rawValue
        guard let device = result.devices.first else {
            throw RdmaError("NO_SUCH_DEVICE", exit: .noSuchDevice, "no such device: \(terminalSafe(name))",
                            hint: "see 'rdmactl list' for the devices this system has")
        }
        if let portNumber {
            guard let port = device.ports.first(where: { $0.number == portNumber }) else {
                let have = device.ports.map { String($0.number) }.joined(separator: ", ")
                throw RdmaError("NO_SUCH_PORT", exit: .noSuchDevice,
                                "\(terminalSafe(name)) has no port \(portNumber)", hint: "its ports: \(have.isEmpty ? "none" : have)")
            }
            run.data = port.json(device: device.name, index: device.index)
            run.text = run.banner + "\n" + DeviceDetailView.render(port: port, of: device)
        } else {
            // `rdma system show`'s settings are the subsystem's, not the device's, but they
            // decide what a program sees of it (netns) and how fork() treats its memory.
            let system = try? kernel.rdmaSystemSettings()
            if case .object(var members) = device.json {
                if let system { members.append(("rdma_system", system.json)) }
                run.data = .object(members)
            } else {
                run.data = device.json
            }
            run.text = run.banner + "\n" + DeviceDetailView.render(device)
                + (system.map { "\n" + DeviceDetailView.render(system: $0) } ?? "")
        }
    }
}
