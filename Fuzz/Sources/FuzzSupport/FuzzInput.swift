/// The fuzzer's bytes read as a sequence of choices. Reads past the end give zeros and empty
/// arrays, so every input is a complete program (libFuzzer shrinks inputs; a harness that
/// rejected short ones would explore nothing).
public struct FuzzInput {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ start: UnsafePointer<UInt8>?, _ count: Int) {
        bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public var isEmpty: Bool { offset >= bytes.count }

    public mutating func u8() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16() -> UInt16 { UInt16(u8()) | UInt16(u8()) << 8 }
    public mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }
    public mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }

    /// One of `choices`, by the next byte.
    public mutating func pick<T>(_ choices: [T]) -> T { choices[Int(u8()) % choices.count] }

    /// Up to `limit` bytes, the count taken from the input first.
    public mutating func chunk(limit: Int) -> [UInt8] {
        let n = min(Int(u16()) % (limit + 1), bytes.count - min(offset, bytes.count))
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    public mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return offset < bytes.count ? Array(bytes[offset...]) : []
    }
}
