/// A read-only map from code-point sequences to ids, looked up in place in a text's code points:
/// nagisa's vocabularies are Python `dict`s keyed by `str`, so keys compare code point by code point.
/// Every proper prefix of a key is stored too (as `prefixOnly` unless it is a key itself), so a
/// search for the keys starting at a position stops at the first length nothing extends.
struct CodePointTable: Sendable {
    static let prefixOnly: Int32 = -1
    /// Open addressing, a power of two long; one slot holds all a probe reads but the key itself,
    /// which is a range of `keys` (a prefix shares its key's code points).
    private let slots: [Slot]
    private let keys: [UInt32]

    private struct Slot {
        var hash: UInt64 = 0
        /// start << 4 | length; 0 = empty (every key has a length).
        var startLength: UInt32 = 0
        var value: Int32 = 0
    }

    /// FNV-1a over code points, one step per code point, so lookups of growing lengths share it.
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    @inline(__always) static func step(_ h: UInt64, _ c: UInt32) -> UInt64 { (h ^ UInt64(c)) &* 0x100_0000_01B3 }
    @inline(__always) private static func bucket(_ h: UInt64) -> Int { Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> 20) }

    /// The keys `source[start..<start + count]` with their ids; keys longer than `maxLength` (at
    /// most 15) are left out (no lookup reaches them). `prefixes`: store every key's proper
    /// prefixes as `prefixOnly`.
    init(_ source: [UInt32], _ entries: [(start: Int, count: Int, id: Int32)], maxLength: Int, prefixes: Bool) {
        precondition(maxLength < 16 && source.count < 1 << 28)
        let kept = entries.filter { $0.count > 0 && $0.count <= maxLength }
        let most = kept.reduce(0) { $0 + (prefixes ? $1.count : 1) }
        var size = 16
        while size < 2 * most { size *= 2 }
        var slots = [Slot](repeating: Slot(), count: size)
        source.withUnsafeBufferPointer { keys in
        slots.withUnsafeMutableBufferPointer { slots in
            for (start, count, id) in kept {
                var h = Self.seed
                for n in 1...count {
                    h = Self.step(h, keys[start + n - 1])
                    guard prefixes || n == count else { continue }
                    let value = n == count ? id : Self.prefixOnly
                    var b = Self.bucket(h) & (size - 1)
                    while true {
                        if slots[b].startLength == 0 {
                            slots[b] = Slot(hash: h, startLength: UInt32(start << 4 | n), value: value)
                            break
                        }
                        if Self.holds(slots[b], h, keys, keys, start, n) {
                            if value != Self.prefixOnly { slots[b].value = value }
                            break
                        }
                        b = (b + 1) & (size - 1)
                    }
                }
            }
        }
        }
        (self.slots, self.keys) = (slots, source)
    }

    /// Whether `slot` holds the key `text[from..<from + count]`, of hash `hash`.
    @inline(__always) private static func holds(_ slot: Slot, _ hash: UInt64, _ keys: UnsafeBufferPointer<UInt32>,
                                                _ text: UnsafeBufferPointer<UInt32>, _ from: Int, _ count: Int) -> Bool {
        guard Int(slot.startLength & 15) == count && slot.hash == hash else { return false }
        let k = Int(slot.startLength >> 4)
        var i = 0
        while i < count && keys[k + i] == text[from + i] { i += 1 }
        return i == count
    }

    /// The value of `text[from..<from + count]`, whose hash (`step` from `seed`) is `hash`; nil if absent.
    @inline(__always)
    func find(_ text: UnsafeBufferPointer<UInt32>, from: Int, count: Int, hash: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            keys.withUnsafeBufferPointer { keys in
                let mask = slots.count - 1
                var b = Self.bucket(hash) & mask
                while true {
                    let s = slots[b]
                    if s.startLength == 0 { return nil }
                    if Self.holds(s, hash, keys, text, from, count) { return s.value }
                    b = (b + 1) & mask
                }
            }
        }
    }
}
