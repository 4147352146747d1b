import EvalCore
import NagisaKernels

/// A read-only map from code-point sequences to ids, looked up in place in a text's code points:
/// nagisa's vocabularies are Python `dict`s keyed by `str`, so keys compare code point by code point.
/// Every proper prefix of a key is stored too (as `prefixOnly` unless it is a key itself), so a
/// search for the keys starting at a position stops at the first length nothing extends.
/// Built from the vocabulary once, then read in place from a cache file (`bytes`, `init(mapped:at:ids:)`).
struct CodePointTable: @unchecked Sendable {  // read-only memory that `owner` keeps alive
    static let prefixOnly: Int32 = -1
    /// Open addressing, a power of two long; one slot holds all a probe reads but the key itself,
    /// which is a range of `keys` (a prefix shares its key's code points).
    private let slots: UnsafeBufferPointer<Slot>
    private let keys: UnsafeBufferPointer<UInt32>
    private let owner: AnyObject

    /// 16 bytes, as the cache file stores it (little-endian, the hash first).
    struct Slot {
        var hash: UInt64 = 0
        /// start << 4 | length; 0 = empty (every key has a length).
        var startLength: UInt32 = 0
        var value: Int32 = 0
    }

    /// The memory of a table built here.
    private final class Built {
        let slots: UnsafeMutableBufferPointer<Slot>, keys: UnsafeMutableBufferPointer<UInt32>
        init(slots: Int, keys: [UInt32]) {
            self.slots = .allocate(capacity: slots)
            self.slots.initialize(repeating: Slot())
            self.keys = .allocate(capacity: keys.count)
            _ = self.keys.initialize(from: keys)
        }
        deinit { slots.deallocate(); keys.deallocate() }
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
        let built = Built(slots: size, keys: source), slots = built.slots, keys = UnsafeBufferPointer(built.keys)
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
        (self.slots, self.keys, owner) = (UnsafeBufferPointer(slots), keys, built)
    }

    /// The table as `bytes` wrote it at `offset` of `file`, checked as a built one would be: nil
    /// unless the sizes fit the file, the slot count is a power of two, some slot is empty, and
    /// every key lies within the keys and has an id below `ids` (or is a prefix).
    init?(mapped file: MappedFile, at offset: Int, ids: Int) {
        let raw = UnsafeRawBufferPointer(file.bytes)
        guard MemoryLayout<Slot>.size == 16, MemoryLayout<Slot>.offset(of: \.startLength) == 8,
              offset >= 0, offset % 16 == 0, offset <= raw.count - 16 else { return nil }
        let slotCount = Int(truncatingIfNeeded: UInt64(littleEndian: raw.load(fromByteOffset: offset, as: UInt64.self)))
        let keyCount = Int(truncatingIfNeeded: UInt64(littleEndian: raw.load(fromByteOffset: offset + 8, as: UInt64.self)))
        guard slotCount >= 16, slotCount & (slotCount - 1) == 0, slotCount <= raw.count / 16, (0..<(1 << 28)).contains(keyCount),
              offset + 16 + 16 * slotCount + 4 * keyCount <= raw.count else { return nil }
        let base = raw.baseAddress! + offset + 16
        let slots = UnsafeBufferPointer(start: base.assumingMemoryBound(to: Slot.self), count: slotCount)
        var empty = false
        for s in slots {
            let length = Int(s.startLength & 15), start = Int(s.startLength >> 4)
            if s.startLength == 0 { empty = true; continue }
            guard length > 0, start + length <= keyCount, s.value == Self.prefixOnly || (0..<ids).contains(Int(s.value)) else { return nil }
        }
        guard empty else { return nil }
        self.slots = slots
        keys = UnsafeBufferPointer(start: (base + 16 * slotCount).assumingMemoryBound(to: UInt32.self), count: keyCount)
        owner = file
    }

    /// What `init(mapped:at:ids:)` reads: the slot and key counts, the slots, the keys, padded to 16 bytes.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(slots.count).littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(keys.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: UnsafeRawBufferPointer(slots))
        out.append(contentsOf: UnsafeRawBufferPointer(keys))
        out.append(contentsOf: repeatElement(0, count: (16 - out.count % 16) % 16))
        return out
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

    /// Asks for the slot a lookup of `hash` reads first, to be read soon.
    @inline(__always) func prefetch(hash: UInt64) {
        nk_prefetch_line(slots.baseAddress! + (Self.bucket(hash) & (slots.count - 1)))
    }

    /// The value of `text[from..<from + count]`, whose hash (`step` from `seed`) is `hash`; nil if absent.
    @inline(__always)
    func find(_ text: UnsafeBufferPointer<UInt32>, from: Int, count: Int, hash: UInt64) -> Int32? {
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
