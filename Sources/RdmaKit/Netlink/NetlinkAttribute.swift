import CRdmaABI

/// One netlink attribute (`struct nlattr`: u16 nla_len, u16 nla_type, then the value), not
/// nested. Encoded as nla_put does: `nla_len` = 4 + value, then zero padding to NLA_ALIGN.
public struct NetlinkAttribute: Sendable, Equatable {
    public var type: UInt16
    public var value: [UInt8]

    public init(type: UInt16, value: [UInt8]) { self.type = type; self.value = value }

    /// nla_put_u8 / nla_put_u32 / nla_put_u64_64bit (no PAD attribute: x86_64 and arm64 have
    /// efficient unaligned access, so the kernel never inserts one — the captures agree).
    public static func u8(_ type: UInt16, _ value: UInt8) -> NetlinkAttribute { .init(type: type, value: [value]) }
    public static func u32(_ type: UInt16, _ value: UInt32) -> NetlinkAttribute { .init(type: type, value: hostBytes(value)) }
    public static func u64(_ type: UInt16, _ value: UInt64) -> NetlinkAttribute { .init(type: type, value: hostBytes(value)) }

    /// nla_put_string: the bytes and a terminating NUL.
    public static func string(_ type: UInt16, _ text: String) -> NetlinkAttribute {
        .init(type: type, value: Array(text.utf8) + [0])
    }

    /// nla_len: header plus value, unpadded.
    public var length: Int { Netlink.attributeHeaderLength + value.count }

    public var bytes: [UInt8] {
        var out = Netlink.attributeHeaderBytes(length: length, type: type)
        out += value
        out += [UInt8](repeating: 0, count: Netlink.attributeAlign(length) - length)
        return out
    }

    private static func hostBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        var out: [UInt8] = []
        out.appendHost(value)
        return out
    }
}

/// The attributes of one message, by type (nla_parse: the last of duplicates wins), with typed
/// accessors. An accessor returns nil when the attribute is absent and throws EPROTO when it is
/// present with the wrong size.
public struct NetlinkAttributes: Sendable, Equatable {
    /// In wire order, duplicates included.
    public let all: [NetlinkAttribute]

    public init(_ attributes: [NetlinkAttribute]) { all = attributes }

    /// Walks `payload` as nla_for_each_attr does. A header that does not fit, or an `nla_len`
    /// below 4 or beyond the payload, is malformed. Trailing bytes shorter than a header are
    /// ignored, as the kernel's own parser ignores them (the strict one rejects them).
    public init(parsing payload: [UInt8]) throws(KernelError) {
        var found: [NetlinkAttribute] = []
        var offset = 0
        while payload.count - offset >= Netlink.attributeHeaderLength {
            let header = Netlink.attributeHeader(payload, at: offset)
            let length = Int(header.nla_len)
            guard length >= Netlink.attributeHeaderLength, offset + length <= payload.count else {
                throw NetlinkMessage.malformed("attribute at offset \(offset) has nla_len \(length)")
            }
            let type = header.nla_type & RDMAABI_NLA_TYPE_MASK
            let value = Array(payload[(offset + Netlink.attributeHeaderLength)..<(offset + length)])
            found.append(NetlinkAttribute(type: type, value: value))
            offset += Netlink.attributeAlign(length)
        }
        all = found
    }

    /// The value of the last attribute of `type`.
    public subscript(type: UInt16) -> [UInt8]? { all.last { $0.type == type }?.value }

    public func contains(_ type: UInt16) -> Bool { self[type] != nil }

    public func u8(_ type: UInt16) throws(KernelError) -> UInt8? {
        try fixed(type, UInt8.self)
    }

    public func u32(_ type: UInt16) throws(KernelError) -> UInt32? {
        try fixed(type, UInt32.self)
    }

    public func u64(_ type: UInt16) throws(KernelError) -> UInt64? {
        try fixed(type, UInt64.self)
    }

    /// An unsigned value of 1, 2, 4 or 8 bytes, for attributes whose width the kernel and its
    /// header disagree on (UVERBS_DRIVER_ID: documented u64, sent as u32).
    public func unsigned(_ type: UInt16) throws(KernelError) -> UInt64? {
        guard let value = self[type] else { return nil }
        switch value.count {
        case 1: return UInt64(value[0])
        case 2: return UInt64(value.loadHost(UInt16.self, at: 0))
        case 4: return UInt64(value.loadHost(UInt32.self, at: 0))
        case 8: return value.loadHost(UInt64.self, at: 0)
        default: throw wrongSize(type, value.count, expected: "1, 2, 4 or 8")
        }
    }

    /// A NUL-terminated string: the bytes before the first NUL (all of them when there is
    /// none), decoded as UTF-8 with invalid sequences replaced.
    public func string(_ type: UInt16) -> String? {
        guard let value = self[type] else { return nil }
        return String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
    }

    private func fixed<T: FixedWidthInteger>(_ type: UInt16, _: T.Type) throws(KernelError) -> T? {
        guard let value = self[type] else { return nil }
        guard value.count == MemoryLayout<T>.size else {
            throw wrongSize(type, value.count, expected: "\(MemoryLayout<T>.size)")
        }
        return value.loadHost(T.self, at: 0)
    }

    private func wrongSize(_ type: UInt16, _ count: Int, expected: String) -> KernelError {
        NetlinkMessage.malformed("attribute \(type) has \(count) bytes, expected \(expected)")
    }
}
