/// One device after "probing": its fixture and the numbers the RDMA core gave it.
struct ProbedDevice: Sendable, Equatable {
    var fixture: DeviceFixture
    /// N of uverbsN: core/uverbs_main.c takes it from one IDA in registration order.
    var uverbsIndex: Int
    /// N of umadN/issmN per port number: core/user_mad.c `ib_umad_init_port` takes one IDA slot
    /// per MAD-capable port, in registration order.
    var madIndex: [Int: Int]
    /// `ib_device->index` (netlink): core/device.c `assign_name` takes it with
    /// `xa_alloc_cyclic`, so it equals uverbsN at boot but a replugged device gets the next
    /// number ever handed out, never its old one.
    var index: Int

    var name: String { fixture.name }
}

enum Probe {
    /// Registers the set's devices in order, as module load and PCI probe would: hfi1 units
    /// first when hfi1 is listed first. Each driver numbers its own units from 0; uverbs and
    /// umad numbers are core-wide. Every hfi1 (OPA) and qib (IB) port is MAD-capable.
    static func run(_ set: DeviceSet) -> [ProbedDevice] {
        var devices: [ProbedDevice] = []
        var nextUverbs = 0
        var nextMad = 0
        for item in set.items {
            for unit in 0..<item.count {
                let fixture = Fixture.device(item.driver, unit: unit)
                var mad: [Int: Int] = [:]
                for port in fixture.ports {
                    mad[port.number] = nextMad
                    nextMad += 1
                }
                devices.append(ProbedDevice(fixture: fixture, uverbsIndex: nextUverbs, madIndex: mad, index: nextUverbs))
                nextUverbs += 1
            }
        }
        return devices
    }
}
