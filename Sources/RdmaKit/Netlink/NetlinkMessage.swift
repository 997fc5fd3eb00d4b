import CRdmaABI

// The netlink wire format shared by the client (RdmaNetlink) and the emulated nldev: one
// `struct nlmsghdr` (<linux/netlink.h>, 16 bytes, host byte order) and its payload. Sizes and
// flag values come from the C shim, whose _Static_asserts pin them to the UAPI header.

/// Header sizes and message types/flags of <linux/netlink.h>, as Swift values.
public enum Netlink {
    public static let headerLength = Int(RDMAABI_NLMSG_HDRLEN)        // 16
    public static let attributeHeaderLength = Int(RDMAABI_NLA_HDRLEN)  // 4
    public static let errorLength = Int(RDMAABI_SIZEOF_NLMSGERR)     // 20: int error + nlmsghdr

    public static let request = RDMAABI_NLM_F_REQUEST   // 0x001
    public static let multi = RDMAABI_NLM_F_MULTI       // 0x002
    public static let ack = RDMAABI_NLM_F_ACK           // 0x004
    public static let dump = RDMAABI_NLM_F_DUMP         // 0x300 (ROOT|MATCH)
    public static let capped = RDMAABI_NLM_F_CAPPED     // 0x100 on NLMSG_ERROR: request not echoed

    public static let noop = RDMAABI_NLMSG_NOOP     // 1
    public static let error = RDMAABI_NLMSG_ERROR   // 2
    public static let done = RDMAABI_NLMSG_DONE     // 3
    public static let minType = RDMAABI_NLMSG_MIN_TYPE  // 0x10: below are control messages

    /// NLMSG_ALIGN: up to a multiple of NLMSG_ALIGNTO (4).
    public static func align(_ length: Int) -> Int { rdmaabi_nlmsg_align(length) }

    /// NLA_ALIGN: up to a multiple of NLA_ALIGNTO (4).
    public static func attributeAlign(_ length: Int) -> Int { rdmaabi_nla_align(length) }

    /// The `struct nlattr` at `offset` of `bytes` (the caller checks that NLA_HDRLEN bytes fit).
    public static func attributeHeader(_ bytes: [UInt8], at offset: Int) -> nlattr {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: nlattr.self) }
    }

    /// The bytes of `struct nlattr` { nla_len, nla_type }, in host byte order.
    static func attributeHeaderBytes(length: Int, type: UInt16) -> [UInt8] {
        withUnsafeBytes(of: nlattr(nla_len: UInt16(truncatingIfNeeded: length), nla_type: type)) { Array($0) }
    }

    /// `nlmsgerr.error` (an int, 0 or -errno): where it sits in an NLMSG_ERROR payload and its
    /// size. NLMSG_DONE carries the dump's errno as the same int at the payload's start
    /// (netlink_dump_done).
    static let errorCodeOffset = MemoryLayout<nlmsgerr>.offset(of: \.error)!
    static let errorCodeSize = MemoryLayout.size(ofValue: nlmsgerr().error)
}

/// One netlink message: `struct nlmsghdr` and its payload. `bytes` encodes it with
/// `nlmsg_len` = 16 + payload; `decode` reads one back.
public struct NetlinkMessage: Sendable, Equatable {
    public var type: UInt16
    public var flags: UInt16
    public var sequence: UInt32
    /// nlmsg_pid: 0 from a client that lets the kernel pick its port; the socket's port id in
    /// the kernel's replies.
    public var portID: UInt32
    public var payload: [UInt8]

    public init(type: UInt16, flags: UInt16, sequence: UInt32 = 0, portID: UInt32 = 0, payload: [UInt8] = []) {
        self.type = type; self.flags = flags; self.sequence = sequence; self.portID = portID
        self.payload = payload
    }

    /// A message whose payload is a list of attributes (each padded to 4 bytes, as nla_put does).
    public init(type: UInt16, flags: UInt16, sequence: UInt32 = 0, portID: UInt32 = 0,
                attributes: [NetlinkAttribute]) {
        self.init(type: type, flags: flags, sequence: sequence, portID: portID,
                  payload: attributes.flatMap(\.bytes))
    }

    /// nlmsg_len: the header plus the payload, unpadded.
    public var length: Int { Netlink.headerLength + payload.count }

    /// The wire bytes: nlmsghdr in host byte order, then the payload.
    public var bytes: [UInt8] { headerBytes(length: length) + payload }

    /// `struct nlmsghdr` alone, with `nlmsg_len` = `length`.
    func header(length: Int) -> nlmsghdr {
        nlmsghdr(nlmsg_len: UInt32(length), nlmsg_type: type, nlmsg_flags: flags, nlmsg_seq: sequence,
                 nlmsg_pid: portID)
    }

    /// The header's bytes: the C struct as the compiler lays it out (host byte order).
    func headerBytes(length: Int) -> [UInt8] {
        withUnsafeBytes(of: header(length: length)) { Array($0) }
    }

    /// Reads the message at the start of `bytes`: `nlmsg_len` must be at least 16 and fit.
    /// Bytes after `nlmsg_len` (padding, further messages) are ignored.
    public static func decode(_ bytes: [UInt8]) throws(KernelError) -> NetlinkMessage {
        guard bytes.count >= Netlink.headerLength else { throw malformed("a \(bytes.count)-byte message is shorter than nlmsghdr") }
        let header = bytes.withUnsafeBytes { $0.loadUnaligned(as: nlmsghdr.self) }
        let length = Int(header.nlmsg_len)
        guard length >= Netlink.headerLength, length <= bytes.count else {
            throw malformed("nlmsg_len \(length) does not fit the \(bytes.count) bytes received")
        }
        return NetlinkMessage(type: header.nlmsg_type, flags: header.nlmsg_flags, sequence: header.nlmsg_seq,
                              portID: header.nlmsg_pid, payload: Array(bytes[Netlink.headerLength..<length]))
    }

    /// Splits a receive buffer into its messages (each starts at an NLMSG_ALIGN boundary).
    public static func split(_ buffer: [UInt8]) throws(KernelError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = 0
        while offset < buffer.count {
            let message = try decode(Array(buffer[offset...]))
            messages.append(message)
            offset += Netlink.align(message.length)
        }
        return messages
    }

    /// The payload as attributes (nla_parse semantics: the last of duplicate types wins).
    public func attributes() throws(KernelError) -> NetlinkAttributes {
        try NetlinkAttributes(parsing: payload)
    }

    // MARK: NLMSG_ERROR

    /// For NLMSG_ERROR: `nlmsgerr.error`, 0 for an acknowledgement, -errno for a failure.
    public var errorCode: Int32? {
        guard type == Netlink.error, payload.count >= Netlink.errorCodeOffset + Netlink.errorCodeSize else { return nil }
        return payload.loadHost(Int32.self, at: Netlink.errorCodeOffset)
    }

    /// An NLMSG_ERROR answering `request`, as netlink_ack (net/netlink/af_netlink.c) builds it:
    /// an acknowledgement (error 0) echoes only the request's header and is flagged CAPPED; an
    /// error echoes the whole request, its payload padded to NLMSG_ALIGN. The reply's port id
    /// is the requesting socket's.
    public static func acknowledgement(of request: NetlinkMessage, error: Int32, portID: UInt32) -> NetlinkMessage {
        // struct nlmsgerr { int error; struct nlmsghdr msg; }, then (on an error) the request's
        // payload, padded.
        var payload = withUnsafeBytes(of: nlmsgerr(error: error, msg: request.header(length: request.length))) { Array($0) }
        if error != 0 {
            payload += request.payload
            payload += [UInt8](repeating: 0, count: Netlink.align(request.payload.count) - request.payload.count)
        }
        return NetlinkMessage(type: Netlink.error, flags: error == 0 ? Netlink.capped : 0,
                              sequence: request.sequence, portID: portID, payload: payload)
    }

    static func malformed(_ what: String) -> KernelError {
        KernelError(.EPROTO, .other("malformed netlink reply: \(what)"))
    }
}

// MARK: host-order integers

extension Array where Element == UInt8 {
    /// Appends `value` in host byte order (netlink's order; x86_64 and arm64 are little-endian).
    mutating func appendHost<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
    }

    /// Reads a host-order integer at `offset` (no alignment needed). The caller checks bounds.
    func loadHost<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
}
