/// Reads sysfs attributes through the seam and decides, per attribute, whether a failure means
/// "absent" or "broken" (DESIGN §3). Broken entries become warnings; a removed device stops the
/// device's discovery with `DeviceVanished` so the caller can skip it.
public struct AttributeReader {
    public let kernel: any Kernel
    public private(set) var warnings: [Diagnostic] = []
    /// Reads only one or two attributes of each directory (`list`'s summary):
    /// `Kernel.readAttribute(_:limit:fewInDirectory:)`.
    public var fewPerDirectory: Bool

    public init(kernel: any Kernel, fewPerDirectory: Bool = false) {
        self.kernel = kernel
        self.fewPerDirectory = fewPerDirectory
    }

    /// How a missing or unreadable attribute is treated.
    public enum Policy: Sendable {
        /// Must be there: ENOENT is a warning.
        case required
        /// May be absent: ENOENT is silent.
        case optional
        /// May be absent, and the kernel answers EINVAL for "no value": `gid_attrs/ndevs/N` of an
        /// empty GID entry (core/sysfs.c), hfi1/qib `board_id` with no board name.
        case optionalEINVALMeansAbsent
    }

    /// The device cannot be read on: it went away (ENODEV from a removed or disassociated
    /// device, core/sysfs.c) or its directory is a symlink loop (ELOOP). The caller skips it.
    public struct DeviceVanished: Error {
        public var path: String
        public var errno: Errno = .ENODEV
    }

    /// Attributes read ahead (`readAhead`), a directory's at a time, each answer taken by the
    /// read of it that follows; a batch goes when all of it was taken.
    private var ahead: [Ahead] = []
    /// Batches kept at most: a device's directory waits while its PCI parent's is read.
    private static let batchesAhead = 4

    private struct Ahead {
        let directory: String
        let names: AttributeNames
        let answers: [Result<SysfsText, KernelError>]
        /// Bit i: answer i was taken.
        var taken: UInt64 = 0
        /// Where the next read is looked for first: the reads come in the names' order.
        var next = 0
        var isEmpty: Bool { taken.nonzeroBitCount == answers.count }

        /// The index of `name` among the names not taken yet, nil when there is none.
        func index(of name: String) -> Int? {
            if next < answers.count, taken & (1 << next) == 0, names.names[next] == name { return next }
            for i in answers.indices where taken & (1 << i) == 0 && names.names[i] == name { return i }
            return nil
        }
    }

    public mutating func warn(_ diagnostic: Diagnostic) { warnings.append(diagnostic) }
    mutating func dropLastWarning() { warnings.removeLast() }
    /// Forgets the warnings after the first `count` (a way of reading that is given up).
    mutating func dropWarnings(after count: Int) { warnings.removeLast(max(0, warnings.count - count)) }

    /// Where an attribute is: a whole path, or a directory and a name held apart so that a tree
    /// on disk opens the name relative to the directory without joining the two
    /// (`Kernel.readAttribute(in:named:)`). The joined path is made only for a diagnostic.
    public struct Location {
        let directory: String
        let name: String?
        /// `path` as it is.
        init(_ path: String) { directory = path; name = nil }
        /// `directory`/`name`, `name` a plain entry name.
        init(_ directory: String, _ name: String) { self.directory = directory; self.name = name }
        var path: String { name.map { directory + "/" + $0 } ?? directory }
    }

    /// Reads `names` of `directory` at once (`Kernel.readAttributeTexts`: one call where the
    /// kernel can), for the reads of them that follow — `text(in: directory, name)` with the
    /// same directory and name, each answered once and judged by its own policy then, so
    /// warnings come in the order they did. Only what the caller is about to read: an answer
    /// never taken was read and is not shown (a device that vanished half-way, an orphan class
    /// device); beyond `batchesAhead` batches the oldest is dropped.
    public mutating func readAhead(in directory: String, _ names: AttributeNames) {
        // `Ahead.taken` has a bit each: a longer list is read one by one, as it is asked for.
        guard names.count <= 64 else { return }
        let answers = kernel.readAttributeTexts(in: directory, named: names, limit: attributeReadLimit,
                                                fewInDirectory: fewPerDirectory)
        if ahead.count == Self.batchesAhead { ahead.removeFirst() }
        ahead.append(Ahead(directory: directory, names: names, answers: answers))
    }

    /// The answer read ahead for `location`, taken; nil when none is waiting.
    private mutating func takeAhead(_ location: Location) -> Result<SysfsText, KernelError>? {
        guard let name = location.name, !ahead.isEmpty else { return nil }
        for b in ahead.indices.reversed() where ahead[b].directory == location.directory {
            guard let i = ahead[b].index(of: name) else { continue }
            let answer = ahead[b].answers[i]
            ahead[b].taken |= 1 << i
            ahead[b].next = i + 1
            if ahead[b].isEmpty { ahead.remove(at: b) }
            return answer
        }
        return nil
    }

    /// An attribute as text, one trailing newline removed (`Kernel.readAttributeText`: no array
    /// between; or the answer `readAhead` read for it), or nil when it is absent or broken
    /// (`absent`).
    mutating func text(_ location: Location, _ policy: Policy) throws(DeviceVanished) -> SysfsText? {
        do {
            if let answer = takeAhead(location) { return try answer.get() }
            return try kernel.readAttributeText(in: location.directory, named: location.name, limit: attributeReadLimit,
                                                fewInDirectory: fewPerDirectory)
        } catch {
            try absent(error, at: location, policy)
            return nil
        }
    }

    /// What a failed read means under `policy`: the device went away (thrown), or the attribute
    /// is absent — silently, or with a warning when it had to be there or could not be read.
    private mutating func absent(_ error: KernelError, at location: Location, _ policy: Policy) throws(DeviceVanished) {
        let path = location.path
        switch (error.errno, policy) {
        case (.ENODEV, _), (.ELOOP, _):
            throw DeviceVanished(path: path, errno: error.errno)
        case (.ENOENT, .optional), (.ENOENT, .optionalEINVALMeansAbsent),
             (.EINVAL, .optionalEINVALMeansAbsent):
            return
        case (.ENOENT, .required):
            warn(Diagnostic("MISSING_ATTRIBUTE", path: path, "\(path): missing", errno: error.errno))
        default:
            warn(Diagnostic("UNREADABLE_ATTRIBUTE", path: path, "\(path): \(error)", errno: error.errno))
        }
    }

    public mutating func text(_ path: String, _ policy: Policy = .optional) throws(DeviceVanished) -> SysfsText? {
        try text(Location(path), policy)
    }

    public mutating func text(in directory: String, _ name: String, _ policy: Policy = .optional) throws(DeviceVanished) -> SysfsText? {
        try text(Location(directory, name), policy)
    }

    /// Parses an attribute with `parse`; a value it rejects is a MALFORMED_ATTRIBUTE warning.
    public mutating func parsed<T>(_ path: String, _ policy: Policy = .optional, what: String,
                                   _ parse: (String) -> T?) throws(DeviceVanished) -> T? {
        try parsed(Location(path), policy, what: what, parse)
    }

    /// `parsed` of `directory`/`name` (Location).
    public mutating func parsed<T>(in directory: String, _ name: String, _ policy: Policy = .optional, what: String,
                                   _ parse: (String) -> T?) throws(DeviceVanished) -> T? {
        try parsed(Location(directory, name), policy, what: what, parse)
    }

    mutating func parsed<T>(_ location: Location, _ policy: Policy, what: String,
                            _ parse: (String) -> T?) throws(DeviceVanished) -> T? {
        guard let text = try text(location, policy) else { return nil }
        if let value = parse(text.value) { return value }
        let shown = text.value.count > 64 ? String(text.value.prefix(64)) + "…" : text.value
        let path = location.path
        warn(Diagnostic("MALFORMED_ATTRIBUTE", path: path,
                        "\(path): not \(what): \"\(terminalSafe(shown))\""))
        return nil
    }

    public mutating func integer(_ path: String, _ policy: Policy = .optional) throws(DeviceVanished) -> Int? {
        try parsed(Location(path), policy, what: "a decimal integer") { plainDecimal($0) ?? Int($0.trimmingSpaces) }
    }

    public mutating func integer(in directory: String, _ name: String, _ policy: Policy = .optional) throws(DeviceVanished) -> Int? {
        try parsed(Location(directory, name), policy, what: "a decimal integer") { plainDecimal($0) ?? Int($0.trimmingSpaces) }
    }

    /// "0x1a"-style attributes (lid, sm_lid, PCI ids).
    public mutating func hex(_ path: String, _ policy: Policy = .optional) throws(DeviceVanished) -> UInt64? {
        try parsed(Location(path), policy, what: "a 0x-prefixed hex number") { plainHex($0) ?? parseHex(String($0.trimmingSpaces)) }
    }

    public mutating func hex(in directory: String, _ name: String, _ policy: Policy = .optional) throws(DeviceVanished) -> UInt64? {
        try parsed(Location(directory, name), policy, what: "a 0x-prefixed hex number") { plainHex($0) ?? parseHex(String($0.trimmingSpaces)) }
    }
}

extension String {
    var trimmingSpaces: Substring {
        // Nothing to trim — nearly always — is seen on the first and last bytes: a Character
        // " ", "\t" or "\n" begins or ends with that byte.
        if let f = utf8.first, let l = utf8.last, f != 0x20, f != 0x09, f != 0x0a, l != 0x20, l != 0x09, l != 0x0a {
            return Substring(self)
        }
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return s
    }
}

