import CRdmaABI
import RdmaKit

/// Bytes ⇄ C struct values, for the UAPI and shim structs CRdmaABI imports (`hfi1_user_info`,
/// `rdmaabi_qib_cmd`, …). The emulator never retypes a kernel layout in Swift: it loads the C
/// struct from the bytes user space wrote and stores the struct the driver fills back into
/// bytes, so every offset and size is the C compiler's (checked by the shim's `_Static_assert`s).
enum CStruct {
    /// `sizeof(T)`.
    static func size<T>(of type: T.Type) -> Int { MemoryLayout<T>.size }

    /// A zero-filled `T`, as the kernel's `memset(&x, 0, sizeof(x))`.
    static func zeroed<T>(_ type: T.Type) -> T {
        decode(type, from: [])
    }

    /// Loads a `T` from the first `sizeof(T)` bytes; missing bytes read as zero (the caller
    /// decides whether a short buffer is an error before decoding).
    static func decode<T>(_ type: T.Type, from bytes: some Collection<UInt8>, offset: Int = 0) -> T {
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
    static func encode<T>(_ value: T) -> [UInt8] {
        precondition(_isPOD(T.self), "\(T.self) is not a plain C struct")
        return withUnsafeBytes(of: value) { Array($0) }
    }

    /// The bytes of a fixed-size C array member (imported as a tuple), e.g. `uuid[16]`.
    static func bytes<T>(ofArray tuple: T) -> [UInt8] {
        withUnsafeBytes(of: tuple) { Array($0) }
    }
}

/// The `_IOC_*` fields of an ioctl request, through the shim's `_IOC_SIZE` / `_IOC_NR`.
/// vfs_ioctl passes `unsigned int cmd`: the request is truncated to 32 bits first, as
/// `ioctl(2)` does between user space and the driver.
struct IoctlRequest: Equatable {
    let cmd: UInt32

    init(_ request: UInt) { cmd = UInt32(truncatingIfNeeded: request) }

    /// `_IOC_SIZE(cmd)`: the argument size encoded in the number.
    var size: Int { Int(rdmaabi_ioc_size(UInt(cmd))) }

    /// Equality with a shim constant (`RDMAABI_HFI1_IOCTL_*` are `unsigned long`).
    static func == (lhs: IoctlRequest, rhs: UInt) -> Bool { UInt(lhs.cmd) == rhs }
}

/// `copy_from_user` / `copy_to_user` / `get_user` / `put_user` on the emulated process's memory.
extension KernelState {
    func copyFromUser<T>(_ type: T.Type, at address: UInt64) throws(KernelError) -> T {
        CStruct.decode(type, from: try memory.copyFromUser(address, count: MemoryLayout<T>.size))
    }

    mutating func copyToUser<T>(_ value: T, at address: UInt64, count: Int? = nil)
        throws(KernelError) {
        let bytes = CStruct.encode(value)
        try memory.copyToUser(address, Array(bytes.prefix(count ?? bytes.count)))
    }
}

extension Errno {
    /// hfi1 CTXT_RESET's "send context did not halt" (ABI-FACTS §2.4). RdmaKit's table does not
    /// name it; the value comes from <errno.h> through the shim.
    static let ENOLCK = Errno(rawValue: RDMAABI_ENOLCK)
}
