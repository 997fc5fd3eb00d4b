/// Bytes ⇄ C struct values, for the UAPI and shim structs CRdmaABI imports (`hfi1_user_info`,
/// `rdmaabi_qib_cmd`, …). Neither the client nor the emulator retypes a kernel layout in Swift: a
/// request is a C struct stored as bytes, a reply the bytes loaded back into the C struct, so
/// every offset and size is the C compiler's (checked by the shim's `_Static_assert`s).
public enum CStruct {
    /// `sizeof(T)`.
    public static func size<T>(of type: T.Type) -> Int { MemoryLayout<T>.size }

    /// A zero-filled `T`, as the kernel's `memset(&x, 0, sizeof(x))`.
    public static func zeroed<T>(_ type: T.Type) -> T {
        decode(type, from: [])
    }

    /// Loads a `T` from the first `sizeof(T)` bytes; missing bytes read as zero (the caller
    /// decides whether a short buffer is an error before decoding).
    public static func decode<T>(_ type: T.Type, from bytes: some Collection<UInt8>, offset: Int = 0) -> T {
        precondition(_isPOD(T.self), "\(T.self) is not a plain C struct")
        let size = MemoryLayout<T>.size
        var buffer = [UInt8](repeating: 0, count: size)
        let available = Array(bytes.dropFirst(offset).prefix(size))
        buffer.replaceSubrange(0..<available.count, with: available)
        // Through aligned scratch memory: imported C unions are not BitwiseCopyable, so the
        // unaligned load is not available for them.
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: MemoryLayout<T>.alignment)
        defer { scratch.deallocate() }
        buffer.withUnsafeBytes { scratch.copyMemory(from: $0.baseAddress!, byteCount: size) }
        return scratch.load(as: T.self)
    }

    /// The `sizeof(T)` bytes of a value, as `copy_to_user(&x, sizeof(x))` sends them.
    public static func encode<T>(_ value: T) -> [UInt8] {
        precondition(_isPOD(T.self), "\(T.self) is not a plain C struct")
        return withUnsafeBytes(of: value) { Array($0) }
    }

    /// The bytes of a fixed-size C array member (imported as a tuple), e.g. `uuid[16]`.
    public static func bytes<T>(ofArray tuple: T) -> [UInt8] {
        withUnsafeBytes(of: tuple) { Array($0) }
    }
}

