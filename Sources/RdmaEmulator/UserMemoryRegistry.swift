import CRdmaABI
import RdmaKit

/// The emulated process's user memory: buffers the client allocated through the seam, addressed
/// by fake virtual addresses. Drivers copy payloads in and out through it and get EFAULT for an
/// address range no live buffer covers — the emulator's `copy_from_user`/`copy_to_user`.
struct UserMemoryRegistry: Sendable {
    /// The first address handed out: high in the canonical user half, page aligned.
    static let base: UInt64 = 0x7f00_0000_0000
    static let pageSize = UInt64(RDMAABI_PAGE_SIZE)

    /// Start address → contents. The count of a region is its byte count.
    private(set) var regions: [UInt64: [UInt8]] = [:]
    /// Regions made read-only (`mprotect(PROT_READ)`): readable, and EFAULT to `copy_to_user`.
    private(set) var readOnly: Set<UInt64> = []
    private var next = base

    /// A zero-filled region of `count` bytes at a fresh page-aligned address. One unmapped page
    /// separates regions, so a payload running past its buffer faults instead of landing in the
    /// next one.
    mutating func allocate(count: Int) -> UInt64 {
        let address = next
        let pages = (UInt64(max(count, 1)) + Self.pageSize - 1) / Self.pageSize
        next += (pages + 1) * Self.pageSize
        regions[address] = [UInt8](repeating: 0, count: count)
        return address
    }

    mutating func release(_ address: UInt64) {
        regions[address] = nil
        readOnly.remove(address)
    }

    /// `mprotect(PROT_READ)` of the region that starts at `address`.
    mutating func protect(_ address: UInt64) {
        if regions[address] != nil { readOnly.insert(address) }
    }

    /// The region holding all of [address, address + count), as (start, offset).
    private func locate(_ address: UInt64, count: Int) -> (UInt64, Int)? {
        guard count >= 0 else { return nil }
        for (start, bytes) in regions where address >= start {
            let offset = address - start
            if offset <= UInt64(bytes.count), UInt64(count) <= UInt64(bytes.count) - offset {
                return (start, Int(offset))
            }
        }
        return nil
    }

    /// The bytes at [address, address + count), or nil when no live buffer covers them all.
    func bytes(at address: UInt64, count: Int) -> [UInt8]? {
        if count == 0 { return [] }
        guard let (start, offset) = locate(address, count: count) else { return nil }
        return Array(regions[start]![offset..<offset + count])
    }

    /// `copy_from_user`: EFAULT when the range is not covered.
    func copyFromUser(_ address: UInt64, count: Int) throws(KernelError) -> [UInt8] {
        guard let bytes = bytes(at: address, count: count) else {
            throw KernelError(.EFAULT, .other("no user buffer at 0x\(hex(address, width: 1)) for \(count) bytes"))
        }
        return bytes
    }

    /// `copy_to_user`: EFAULT when the range is not covered; nothing is written then.
    mutating func copyToUser(_ address: UInt64, _ bytes: [UInt8]) throws(KernelError) {
        if bytes.isEmpty { return }
        guard let (start, offset) = locate(address, count: bytes.count) else {
            throw KernelError(.EFAULT, .other("no user buffer at 0x\(hex(address, width: 1)) for \(bytes.count) bytes"))
        }
        guard !readOnly.contains(start) else {
            throw KernelError(.EFAULT, .other("user buffer at 0x\(hex(start, width: 1)) is read-only"))
        }
        regions[start]!.replaceSubrange(offset..<offset + bytes.count, with: bytes)
    }
}
