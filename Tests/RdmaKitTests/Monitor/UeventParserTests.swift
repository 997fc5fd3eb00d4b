import RdmaKit
@testable import RdmaLinux
import Testing

// The uevent parser against the bytes the kernel sends on NETLINK_KOBJECT_UEVENT
// (lib/kobject_uevent.c `kobject_uevent_env`: "ACTION@DEVPATH" then NUL-separated
// KEY=VALUE: ACTION, DEVPATH, SUBSYSTEM, extra env, class/bus variables, SEQNUM).

private func message(_ fields: [String]) -> [UInt8] {
    fields.flatMap { Array($0.utf8) + [0] }
}

@Suite("uevent parser")
struct UeventParserTests {
    @Test("soft-RoCE add: SUBSYSTEM=infiniband with ib_device_uevent's NAME")
    func ibDeviceAdd() throws {
        let bytes = message(["add@/devices/virtual/infiniband/rxe1", "ACTION=add",
                             "DEVPATH=/devices/virtual/infiniband/rxe1", "SUBSYSTEM=infiniband", "NAME=rxe1", "SEQNUM=2811"])
        let event = try #require(UeventSocket.parse(bytes))
        #expect(event.action == .add && event.subsystem == "infiniband" && event.name == "rxe1")
        #expect(event.devname == nil)
        #expect(event.properties["NAME"] == "rxe1" && event.properties["SEQNUM"] == "2811")
    }

    @Test("uverbs remove: dev_uevent's MAJOR, MINOR, DEVNAME (relative to /dev), DEVMODE")
    func uverbsRemove() throws {
        let bytes = message(["remove@/devices/virtual/infiniband_verbs/uverbs0", "ACTION=remove",
                             "DEVPATH=/devices/virtual/infiniband_verbs/uverbs0", "SUBSYSTEM=infiniband_verbs",
                             "MAJOR=231", "MINOR=192", "DEVNAME=infiniband/uverbs0", "DEVMODE=0666", "SEQNUM=2820"])
        let event = try #require(UeventSocket.parse(bytes))
        #expect(event.action == .remove && event.subsystem == "infiniband_verbs" && event.name == "uverbs0")
        #expect(event.devname == "infiniband/uverbs0")
        #expect(event.properties["MAJOR"] == "231" && event.properties["MINOR"] == "192")
    }

    @Test("rename: kobject_rename sends move with DEVPATH_OLD")
    func move() throws {
        let bytes = message(["move@/devices/virtual/infiniband/roce0", "ACTION=move",
                             "DEVPATH=/devices/virtual/infiniband/roce0", "SUBSYSTEM=infiniband",
                             "DEVPATH_OLD=/devices/virtual/infiniband/rxe1", "NAME=roce0", "SEQNUM=2830"])
        let event = try #require(UeventSocket.parse(bytes))
        #expect(event.action == .move && event.name == "roce0")
        #expect(event.properties["DEVPATH_OLD"] == "/devices/virtual/infiniband/rxe1")
    }

    @Test("refused: a libudev-format message, a header that disagrees, no SUBSYSTEM, an unknown action")
    func refused() {
        // libudev's monitor messages start with "libudev\0" and a binary header.
        #expect(UeventSocket.parse(Array("libudev".utf8) + [0, 0xfe, 0xed, 0xca, 0xfe] + message(["ACTION=add",
                "DEVPATH=/devices/x", "SUBSYSTEM=infiniband"])) == nil)
        #expect(UeventSocket.parse(message(["add@/devices/a", "ACTION=add", "DEVPATH=/devices/b", "SUBSYSTEM=infiniband"])) == nil)
        #expect(UeventSocket.parse(message(["add@/devices/a", "ACTION=add", "DEVPATH=/devices/a"])) == nil)
        #expect(UeventSocket.parse(message(["frob@/devices/a", "ACTION=frob", "DEVPATH=/devices/a", "SUBSYSTEM=x"])) == nil)
        #expect(UeventSocket.parse([]) == nil)
    }
}
