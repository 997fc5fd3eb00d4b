import Testing
import RdmaKit
@testable import RdmaEmulator

/// `AttributeReader.readAhead` (issue 9): a directory's attributes read at once, each answer
/// taken by the read of it that follows and judged there by that read's policy — so a record,
/// its warnings and their order are what one read after another gives — and no attribute
/// read twice.
@Suite("Read ahead")
struct ReadAheadTests {
    static let device = "/sys/class/infiniband/hfi1_0"

    static func kernel(faults: [String: Errno] = [:]) -> FaultInjectingKernel {
        FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: Credentials(uid: 0, gid: 0)), readFaults: faults)
    }

    /// The same texts and warnings as reads one by one, the failing attribute's warning where
    /// its read is, by its own policy; every attribute read by the batch and not again.
    @Test func answersAreTheReadsOneByOne() throws {
        let faults: [String: Errno] = [Self.device + "/board_id": .EACCES, Self.device + "/hw_rev": .ENOENT]
        let names = ["fw_ver", "board_id", "hw_rev", "nctxts"]
        let plainKernel = Self.kernel(faults: faults), aheadKernel = Self.kernel(faults: faults)
        var plain = AttributeReader(kernel: plainKernel), ahead = AttributeReader(kernel: aheadKernel)
        ahead.readAhead(in: Self.device, AttributeNames(names))
        let readsByBatch = aheadKernel.recorded.count
        #expect(readsByBatch == names.count)
        var texts: [[SysfsText?]] = [[], []]
        for (i, name) in names.enumerated() {
            let policy: AttributeReader.Policy = i == 2 ? .required : .optional
            texts[0].append(try plain.text(in: Self.device, name, policy))
            texts[1].append(try ahead.text(in: Self.device, name, policy))
        }
        #expect(texts[0] == texts[1])
        #expect(texts[1][0] != nil && texts[1][1] == nil && texts[1][2] == nil && texts[1][3] != nil)
        #expect(plain.warnings.map(\.code) == ["UNREADABLE_ATTRIBUTE", "MISSING_ATTRIBUTE"])
        #expect(ahead.warnings == plain.warnings)
        // Every answer came from the batch: no read after it.
        #expect(aheadKernel.recorded.count == readsByBatch)
    }

    /// An answer is taken once: the same attribute read again goes to the kernel; a name the
    /// batch does not hold, or the same name in another directory, goes to the kernel; an
    /// answer never taken is not shown anywhere.
    @Test func eachAnswerIsTakenOnce() throws {
        let k = Self.kernel()
        var reader = AttributeReader(kernel: k)
        reader.readAhead(in: Self.device, AttributeNames(["fw_ver", "hw_rev"]))
        #expect(k.recorded.count == 2)
        let first = try reader.text(in: Self.device, "fw_ver")
        #expect(k.recorded.count == 2)
        #expect(try reader.text(in: Self.device, "fw_ver") == first)
        #expect(k.recorded.count == 3 && k.recorded.last == "read " + Self.device + "/fw_ver")
        _ = try reader.text(in: Self.device, "node_guid")
        _ = try reader.text(in: "/sys/class/infiniband/qib0", "hw_rev")
        #expect(k.recorded.count == 5)
        #expect(reader.warnings.isEmpty)
    }

    /// Discovery at every detail level reads no attribute twice (the batches ahead of the reads
    /// are exactly what is then read), from the emulator and from a tree on disk.
    @Test(arguments: [DiscoveryDetail.summary, .negotiation, .record, .full])
    func discoveryReadsNoAttributeTwice(_ detail: DiscoveryDetail) throws {
        let emulated = Self.kernel()
        let found = try Discovery(kernel: emulated).run(source: .emulated, detail: detail)
        #expect(found.devices.count == 2)
        let reads = emulated.recorded.filter { $0.hasPrefix("read ") }
        #expect(Set(reads).count == reads.count, "read twice: \(reads.filter { r in reads.filter { $0 == r }.count > 1 })")
        if detail >= .negotiation {
            #expect(found.devices.allSatisfy { $0.firmware != nil && $0.ports.allSatisfy { $0.lid != nil } })
        }
    }
}
