/// A port's `rate` split into width and speed. core/sysfs.c has no link_width or link_speed
/// port attribute: `rate_show` prints `"%d%s Gb/sec (%dX%s)"` from ib_port_attr's active_speed
/// (" SDR" … " XDR"; kernels before the HDR/NDR additions printed no name for SDR) and
/// `ib_width_enum_to_int(active_width)` (1, 2, 4, 8, 12). The words are ibv_devinfo's
/// (libibverbs/examples/devinfo.c `width_str` + "X", `speed_str`).
public struct PortRate: Sendable, Equatable {
    /// Lanes, as the "(4X" of the sysfs text.
    public var lanes: Int
    /// The IB speed name of the sysfs text: SDR, DDR, QDR, FDR10, FDR, EDR, HDR, NDR, XDR.
    public var speedName: String

    /// Parses "100 Gb/sec (4X EDR)", "2.5 Gb/sec (1X SDR)", "10 Gb/sec (4X)" (old SDR). On the
    /// UTF-8 bytes, as the kernel wrote them (core/sysfs.c rate_show): Character look-ups cost
    /// 17,000 instructions a port, and "(" followed by a combining mark is not "(" to them.
    public init?(sysfs text: String) {
        var text = text
        guard let (lanes, speedName) = text.withUTF8({ b -> (Int, String)? in
            guard let open = b.firstIndex(of: UInt8(ascii: "(")), b.last == UInt8(ascii: ")"),
                  let x = b[open...].firstIndex(of: UInt8(ascii: "X")),
                  let lanes = Int(String(decoding: UnsafeBufferPointer(rebasing: b[(open + 1)..<x]), as: UTF8.self)),
                  [1, 2, 4, 8, 12].contains(lanes) else { return nil }
            var start = x + 1, end = b.count - 1
            while start < end, b[start] == UInt8(ascii: " ") { start += 1 }
            while end > start, b[end - 1] == UInt8(ascii: " ") { end -= 1 }
            let name = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
            return (lanes, name.isEmpty ? "SDR" : name)
        }), Self.speeds[speedName] != nil else { return nil }
        self.lanes = lanes; self.speedName = speedName
    }

    /// ibv_devinfo's `active_width`: "4X".
    public var activeWidth: String { "\(lanes)X" }

    /// ibv_devinfo's `active_speed`: the per-lane rate of the IB speed (IB_SPEED_* → speed_str).
    public var activeSpeed: String { Self.speeds[speedName]! }

    static let speeds: [String: String] = [
        "SDR": "2.5 Gbps", "DDR": "5.0 Gbps", "QDR": "10.0 Gbps", "FDR10": "10.0 Gbps",
        "FDR": "14.0 Gbps", "EDR": "25.0 Gbps", "HDR": "50.0 Gbps", "NDR": "100.0 Gbps",
        "XDR": "200.0 Gbps",
    ]
}
