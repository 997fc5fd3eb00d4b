/// Attributes read together from one directory (`Kernel.readAttributeTexts`): each a path of
/// plain names relative to the directory ("state", "gids/0"). Kept both as Strings and as one
/// run of NUL-terminated bytes, so that a kernel hands them all to C in one call; made once per
/// call site (a `static let`), not per read.
public struct AttributeNames: Sendable {
    public let names: [String]
    /// Each name followed by a NUL, in order.
    public let nulTerminated: [UInt8]
    /// Whether every name is a path of plain names (KernelPath.isPlainPath).
    public let arePlainPaths: Bool

    public init(_ names: [String]) {
        self.names = names
        var bytes: [UInt8] = []
        for name in names { bytes += Array(name.utf8); bytes.append(0) }
        nulTerminated = bytes
        arePlainPaths = names.allSatisfy { KernelPath.isPlainPath($0) }
    }

    public var count: Int { names.count }
}
