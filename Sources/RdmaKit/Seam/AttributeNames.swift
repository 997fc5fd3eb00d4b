/// Attributes read together from one directory (`Kernel.readAttributeTexts`): each a path of
/// plain names relative to the directory ("state", "gids/0"). Kept both as Strings and as one
/// run of NUL-terminated bytes, so that a kernel hands them all to C in one call; made once per
/// call site (a `static let`), not per read.
public struct AttributeNames: Sendable {
    public let names: [String]
    /// Each name followed by a NUL, in order.
    public let nulTerminated: [UInt8]
    /// Whether every name is a path of plain names (KernelPath.isPlainName: no "", ".", "..").
    public let arePlainPaths: Bool

    public init(_ names: [String]) {
        self.names = names
        var bytes: [UInt8] = []
        for name in names { bytes += Array(name.utf8); bytes.append(0) }
        nulTerminated = bytes
        arePlainPaths = names.allSatisfy { Self.isPlainPath($0) }
    }

    /// Plain names (KernelPath.isPlainName) joined by single "/"s, no NUL: a path that only goes
    /// down from where it starts.
    public static func isPlainPath(_ path: some StringProtocol) -> Bool {
        // On the bytes, nothing made: asked for every port a batch reads.
        var length = 0, dots = 0   // the current component's bytes, and how many are "."
        for byte in path.utf8 {
            if byte == 0 { return false }
            if byte == UInt8(ascii: "/") {
                guard isPlainComponent(length, dots) else { return false }
                length = 0; dots = 0
            } else {
                length += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return isPlainComponent(length, dots)
    }

    /// Not empty, not "." or "..".
    private static func isPlainComponent(_ length: Int, _ dots: Int) -> Bool { length > 0 && !(length == dots && length <= 2) }

    public var count: Int { names.count }
}
