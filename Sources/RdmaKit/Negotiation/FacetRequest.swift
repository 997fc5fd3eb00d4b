/// A facet request as the user writes it (DESIGN §4): `NAME`, `NAME@MAJOR` or
/// `NAME@MAJOR.MINOR` (MINOR is the lowest acceptable minor). Parsed and validated before any
/// syscall: a bad request is a usage error (exit 64).
public struct FacetRequest: Sendable, Equatable, CustomStringConvertible {
    public var name: FacetName
    /// nil: the newest catalogued major (or, for a name the catalogue does not know, major 0 —
    /// a driver that offers the name answers ENODEV with the version it has, and the driver-ops
    /// transport asks once more at that major).
    public var major: Int?
    public var minMinor: Int?

    public init(name: FacetName, major: Int? = nil, minMinor: Int? = nil) {
        self.name = name; self.major = major; self.minMinor = minMinor
    }

    /// Parses `text`; the error says what is wrong in words.
    public init(parsing text: String) throws(RdmaError) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        do {
            name = try FacetName(String(parts[0]))
        } catch {
            throw RdmaError("BAD_FACET_NAME", exit: .usage, "bad facet name \"\(terminalSafe(String(parts[0])))\": \(error)",
                            hint: "facet names look like psm2.intel.com, psm.intel.com, uverbs, umad, issm, rdma_cm")
        }
        guard parts.count == 2 else { return }
        let version = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 9, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(s)
        }
        guard (1...2).contains(version.count), let major = number(version[0]),
              version.count == 1 || number(version[1]) != nil else {
            throw RdmaError("BAD_FACET_VERSION", exit: .usage,
                            "bad version \"\(terminalSafe(String(parts[1])))\" in \"\(terminalSafe(text))\"",
                            hint: "write NAME, NAME@MAJOR or NAME@MAJOR.MINOR, e.g. psm2.intel.com@6.3")
        }
        self.major = major
        self.minMinor = version.count == 2 ? number(version[1]) : nil
    }

    public var description: String {
        var s = name.rawValue
        if let major { s += "@\(major)" + (minMinor.map { ".\($0)" } ?? "") }
        return s
    }
}

/// Where a candidate of the chain comes from (JSON `origin`).
public enum CandidateOrigin: String, Sendable, Equatable {
    case request
    /// An older catalogued major of the requested name.
    case olderMajor = "older-major"
    /// The catalogue's cross-name fallback (psm2.intel.com → psm.intel.com).
    case crossName = "cross-name"
    /// `--fallback NAME[@VER]`.
    case userFallback = "user-fallback"
}

/// One step of the chain: a name at one major (nil: whatever the device has — per-device
/// versions such as uverbs), with a minimum minor.
public struct FacetCandidate: Sendable, Equatable, CustomStringConvertible {
    public var name: FacetName
    public var major: Int?
    public var minMinor: Int
    public var origin: CandidateOrigin

    public var description: String {
        name.rawValue + (major.map { "@\($0)" + (minMinor > 0 ? ".\(minMinor)" : "") } ?? "")
    }

    /// Same name and version (the origin does not make a candidate different).
    func sameTarget(_ other: FacetCandidate) -> Bool {
        name == other.name && major == other.major && minMinor == other.minMinor
    }
}
