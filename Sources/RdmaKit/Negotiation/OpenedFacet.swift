
/// The handle a grant holds, owned by the caller until `release()` (also run by `deinit`, so a
/// dropped grant never leaks a descriptor or a hardware context). Closing is once only.
public final class OpenedFacet: Sendable {
    public let grant: FacetGrant
    let kernel: any Kernel
    private let handle: Locked<KernelHandle?>

    init(grant: FacetGrant, kernel: any Kernel, handle: KernelHandle) {
        self.grant = grant; self.kernel = kernel; self.handle = Locked(handle)
    }

    /// Runs `body` with the open handle; EBADF once released.
    public func withHandle<R>(_ body: (any Kernel, KernelHandle) throws(KernelError) -> R) throws(KernelError) -> R {
        guard let h = handle.withLock({ $0 }) else { throw KernelError(.EBADF, .other("the grant was released")) }
        return try body(kernel, h)
    }

    /// Closes the handle (the driver's release frees what it held, e.g. a context).
    public func release() {
        if let h = handle.withLock({ h -> KernelHandle? in defer { h = nil }; return h }) { kernel.close(h) }
    }

    public var isReleased: Bool { handle.withLock { $0 == nil } }

    deinit { release() }
}
