import RdmaKit
import Testing

// Folding char-device uevents into device events, fed in the kernel's own orders
// (core/device.c `ib_register_device`: clients' char devices before the ib device's add;
// hfi1 init.c: /dev/hfi1_N after registering; `__ib_unregister_device`: clients' removes
// before the ib device's).

private func uevent(_ action: KernelEvent.Action, _ subsystem: String, _ devpath: String,
                    _ extra: [String: String] = [:]) -> KernelEvent {
    var properties = ["ACTION": action.rawValue, "DEVPATH": devpath, "SUBSYSTEM": subsystem]
    properties.merge(extra) { $1 }
    return KernelEvent(action: action, subsystem: subsystem, name: KernelPath.basename(devpath),
                       devname: extra["DEVNAME"], properties: properties)
}

@Suite("Device event folding")
struct DeviceEventFolderTests {
    let clock = ContinuousClock()

    @Test("rxe add and delete: uverbs/umad/issm folded into one add and one remove")
    func rxe() {
        let t0 = clock.now
        // The uverbs/umad ibdev attribute names rxe1 while it exists.
        var folder = DeviceEventFolder(settle: .milliseconds(100)) { $0.action == .add ? "rxe1" : nil }
        folder.receive(uevent(.add, "infiniband_verbs", "/devices/virtual/infiniband_verbs/uverbs1",
                              ["DEVNAME": "infiniband/uverbs1", "MAJOR": "231", "MINOR": "193"]), at: t0)
        folder.receive(uevent(.add, "infiniband_mad", "/devices/virtual/infiniband_mad/umad1"), at: t0)
        folder.receive(uevent(.add, "infiniband_mad", "/devices/virtual/infiniband_mad/issm1"), at: t0)
        folder.receive(uevent(.add, "ports", "/devices/virtual/infiniband/rxe1/ports/1"), at: t0)
        folder.receive(uevent(.add, "infiniband", "/devices/virtual/infiniband/rxe1", ["NAME": "rxe1", "SEQNUM": "7"]), at: t0)
        #expect(folder.due(at: t0) == [])
        let added = folder.due(at: t0 + .milliseconds(100))
        #expect(added.count == 1)
        #expect(added.first?.kind == .add && added.first?.device == "rxe1" && added.first?.seqnum == 7)
        #expect(added.first?.charDevices.map(\.name) == ["uverbs1", "umad1", "issm1"])
        #expect(added.first?.charDevices.first?.major == 231 && added.first?.charDevices.first?.minor == 193)

        // On delete the ibdev attribute is gone: the owner learned at add is used.
        let t1 = t0 + .seconds(1)
        folder.receive(uevent(.remove, "infiniband_verbs", "/devices/virtual/infiniband_verbs/uverbs1"), at: t1)
        folder.receive(uevent(.remove, "infiniband_mad", "/devices/virtual/infiniband_mad/umad1"), at: t1)
        folder.receive(uevent(.remove, "infiniband_mad", "/devices/virtual/infiniband_mad/issm1"), at: t1)
        folder.receive(uevent(.remove, "infiniband", "/devices/virtual/infiniband/rxe1", ["NAME": "rxe1"]), at: t1)
        let removed = folder.flush()
        #expect(removed.map(\.kind) == [.remove])
        #expect(removed.first?.charDevices.map(\.name) == ["uverbs1", "umad1", "issm1"])
    }

    @Test("hfi1: /dev/hfi1_N trails the ib device's add and is folded within the settle time")
    func trailingDriverNode() {
        let t0 = clock.now
        var folder = DeviceEventFolder(settle: .milliseconds(100))
        let pci = "/devices/pci0000:80/0000:80:03.0/0000:81:00.0"
        // No ibdev attribute readable: matched by the DEVPATH parent shared with the ib device.
        folder.receive(uevent(.add, "infiniband_verbs", pci + "/infiniband_verbs/uverbs0"), at: t0)
        folder.receive(uevent(.add, "infiniband", pci + "/infiniband/hfi1_0"), at: t0)
        folder.receive(uevent(.add, "hfi1_user", "/devices/virtual/hfi1_user/hfi1_0", ["DEVNAME": "hfi1_0"]), at: t0 + .milliseconds(50))
        let events = folder.due(at: t0 + .milliseconds(100))
        #expect(events.first?.charDevices.map(\.name) == ["uverbs0", "hfi1_0"])
        // A remove's char event does not join an add still held: it waits for the remove.
        folder.receive(uevent(.add, "infiniband", pci + "/infiniband/hfi1_0"), at: t0 + .seconds(1))
        folder.receive(uevent(.remove, "hfi1_user", "/devices/virtual/hfi1_user/hfi1_0"), at: t0 + .seconds(1))
        #expect(folder.flush().first?.charDevices == [])
        folder.receive(uevent(.remove, "infiniband", pci + "/infiniband/hfi1_0"), at: t0 + .seconds(2))
        #expect(folder.flush().first?.charDevices.map(\.name) == ["hfi1_0"])
    }

    @Test("rename: a move uevent of SUBSYSTEM=infiniband with DEVPATH_OLD")
    func rename() {
        let t0 = clock.now
        var folder = DeviceEventFolder(settle: .zero)
        folder.learn(subsystem: "infiniband_verbs", name: "uverbs0", ibdev: "rxe0")
        folder.receive(uevent(.move, "infiniband", "/devices/virtual/infiniband/roce0",
                              ["DEVPATH_OLD": "/devices/virtual/infiniband/rxe0", "NAME": "roce0"]), at: t0)
        let events = folder.due(at: t0)
        #expect(events == [DeviceEvent(kind: .rename, device: "roce0", oldDevice: "rxe0",
                                       devpath: "/devices/virtual/infiniband/roce0")])
        // The learned owner follows the rename.
        folder.receive(uevent(.remove, "infiniband_verbs", "/devices/virtual/infiniband_verbs/uverbs0"), at: t0)
        folder.receive(uevent(.remove, "infiniband", "/devices/virtual/infiniband/roce0"), at: t0)
        #expect(folder.due(at: t0).first?.charDevices.map(\.name) == ["uverbs0"])
    }

    @Test("the JSON shape of a device event")
    func json() {
        let event = DeviceEvent(kind: .remove, device: "hfi1_0", devpath: "/devices/x/infiniband/hfi1_0", seqnum: 3)
        #expect(event.json.serialized(pretty: false)
                == #"{"event": "remove", "device": "hfi1_0", "old_device": null, "devpath": "/devices/x/infiniband/hfi1_0", "seqnum": 3, "char_devices": []}"#)
    }
}
