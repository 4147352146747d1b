/// A read-only map from code-point sequences to ids, looked up in place in a text's code points:
/// nagisa's vocabularies are Python `dict`s keyed by `str`, so keys compare code point by code point.
/// Every proper prefix of a key is stored too (as `prefixOnly` unless it is a key itself), so a
/// search for the keys starting at a position stops at the first length nothing extends.
struct CodePointTable: Sendable {
    static let prefixOnly: Int32 = -1
    private let slots: [Int32]  // entry index + 1; 0 = empty; a power of two long
    private let hashes: [UInt64], starts: [Int32], lengths: [Int32], values: [Int32]
    private let keys: [UInt32]

    /// FNV-1a over code points, one step per code point, so lookups of growing lengths share it.
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    @inline(__always) static func step(_ h: UInt64, _ c: UInt32) -> UInt64 { (h ^ UInt64(c)) &* 0x100_0000_01B3 }
    @inline(__always) private static func bucket(_ h: UInt64) -> Int { Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> 20) }

    /// The keys `source[start..<start + count]` with their ids; keys longer than `maxLength` are
    /// left out (no lookup reaches them). `prefixes`: store every key's proper prefixes as `prefixOnly`.
    init(_ source: [UInt32], _ entries: [(start: Int, count: Int, id: Int32)], maxLength: Int, prefixes: Bool) {
        let kept = entries.filter { $0.count > 0 && $0.count <= maxLength }
        let most = kept.reduce(0) { $0 + (prefixes ? $1.count : 1) }
        var size = 16
        while size < 2 * most { size *= 2 }
        var slots = [Int32](repeating: 0, count: size)
        var hashes: [UInt64] = [], starts: [Int32] = [], lengths: [Int32] = [], values: [Int32] = [], keys: [UInt32] = []
        for (start, count, id) in kept {
            let key = source[start..<(start + count)]
            var h = Self.seed
            for n in 1...count {
                h = Self.step(h, key[start + n - 1])
                guard prefixes || n == count else { continue }
                let value = n == count ? id : Self.prefixOnly
                var b = Self.bucket(h) & (size - 1)
                while true {
                    let e = Int(slots[b]) - 1
                    if e < 0 {
                        slots[b] = Int32(values.count + 1)
                        hashes.append(h); starts.append(Int32(keys.count)); lengths.append(Int32(n)); values.append(value)
                        keys += key.prefix(n)
                        break
                    }
                    if hashes[e] == h && Int(lengths[e]) == n && keys[Int(starts[e])..<(Int(starts[e]) + n)].elementsEqual(key.prefix(n)) {
                        if value != Self.prefixOnly { values[e] = value }
                        break
                    }
                    b = (b + 1) & (size - 1)
                }
            }
        }
        (self.slots, self.hashes, self.starts, self.lengths, self.values, self.keys) = (slots, hashes, starts, lengths, values, keys)
    }

    /// The value of `text[from..<from + count]`, whose hash (`step` from `seed`) is `hash`; nil if absent.
    @inline(__always)
    func find(_ text: UnsafeBufferPointer<UInt32>, from: Int, count: Int, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var b = Self.bucket(hash) & mask
        while true {
            let s = Int(slots[b])
            if s == 0 { return nil }
            let e = s - 1
            if hashes[e] == hash && Int(lengths[e]) == count {
                let k = Int(starts[e])
                var same = true
                for i in 0..<count where keys[k + i] != text[from + i] { same = false; break }
                if same { return values[e] }
            }
            b = (b + 1) & mask
        }
    }
}
