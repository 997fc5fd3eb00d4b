/// `%0<width>x` / `%0<width>X`, as the kernel's printf formats and rdmactl's output write hex.
public func hex(_ value: UInt64, width: Int, uppercase: Bool = false) -> String {
    let digits = String(value, radix: 16, uppercase: uppercase)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
