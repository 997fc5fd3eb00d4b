/// One result per index, each written by exactly one thread of `concurrentlyPerform` and read
/// after it returned (which joined those threads), so no two threads touch one slot.
final class Slots<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T?>
    private let count: Int
    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: nil, count: max(count, 1))
    }
    deinit {
        base.deinitialize(count: max(count, 1))
        base.deallocate()
    }
    func set(_ i: Int, _ value: T) { base[i] = value }
    func take(_ i: Int) -> T { base[i].take()! }
    /// `body` of slot `i`'s value, borrowed where it lies (not copied, not taken).
    func peek<R>(_ i: Int, _ body: (borrowing T) -> R) -> R { body(base[i]!) }
}
