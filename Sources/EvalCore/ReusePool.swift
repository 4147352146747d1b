import Foundation

/// Working memory reused from call to call by concurrent callers (the Janome lattice, nagisa's
/// buffers): `take` pops a kept item or makes a fresh one, `give` keeps it again, at most `keep`
/// of them. Callers wait only for the list, never for each other's work.
public final class ReusePool<Item>: @unchecked Sendable {  // `free` is only touched under `lock`
    private let lock = NSLock()
    private var free: [Item] = []
    private let keep: Int
    private let make: @Sendable () -> Item

    public init(keep: Int = 8, make: @escaping @Sendable () -> Item) {
        self.keep = keep
        self.make = make
    }

    public func take() -> Item {
        lock.lock()
        let item = free.popLast()
        lock.unlock()
        return item ?? make()
    }

    public func give(_ item: Item) {
        lock.lock()
        if free.count < keep { free.append(item) }
        lock.unlock()
    }
}
