import EvalCore
import Glibc

/// One segment's BLEU sufficient statistics as sacreBLEU 2.5.1 counts them (`BLEU(max_ngram_order=4)`,
/// one reference): hypothesis and reference lengths in 13a tokens, and per n = 1…4 the clipped
/// matches (`min(hyp count, ref count)` summed over the hypothesis's n-grams) and the number of
/// hypothesis n-grams. A corpus's statistics are the sums of its segments'.
public struct BLEUStatistics: Equatable, Sendable {
    public static let order = 4
    public var correct = [Int](repeating: 0, count: order)
    public var total = [Int](repeating: 0, count: order)
    public var sysLen = 0
    public var refLen = 0

    public init() {}

    /// The statistics of `hypothesis` against `reference`, both untokenized.
    public init(hypothesis: String, reference: String) {
        let hyp = Tokenizer13a.tokenized(hypothesis), ref = Tokenizer13a.tokenized(reference)
        sysLen = hyp.tokens.count
        refLen = ref.tokens.count
        // Tokens become small integers shared by both sides (equal bytes, equal id); n-grams of those
        // ids are counted per side in one open-addressing table sized for the segment (a Dictionary
        // of strings, or sorting the n-grams, cost as much per segment as segmenting the Japanese).
        let ids = ref.line.withUnsafeBufferPointer { r in
            hyp.line.withUnsafeBufferPointer { h in
                Self.intern(ref.tokens.map { UnsafeBufferPointer(rebasing: r[$0]) } + hyp.tokens.map { UnsafeBufferPointer(rebasing: h[$0]) })
            }
        }
        var correct = [0, 0, 0, 0], total = [0, 0, 0, 0]
        NGramCounts.with(capacity: 4 * ids.count) { counts in
            ids.withUnsafeBufferPointer { ids in
                counts.add(UnsafeBufferPointer(rebasing: ids[0..<refLen]), side: 0)
                counts.add(UnsafeBufferPointer(rebasing: ids[refLen...]), side: 1)
            }
            counts.forEach { n, refCount, hypCount in
                total[n - 1] += hypCount
                correct[n - 1] += min(refCount, hypCount)
            }
        }
        self.correct = correct
        self.total = total
    }

    /// An id per token, equal for tokens with equal bytes (FNV-1a hashes, linear probing).
    private static func intern(_ tokens: [UnsafeBufferPointer<UInt8>]) -> [UInt32] {
        var ids = [UInt32](repeating: 0, count: tokens.count)
        guard !tokens.isEmpty else { return ids }
        var size = 16
        while size < 2 * tokens.count { size *= 2 }
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: size) { slots in  // a token index + 1, or 0
            slots.initialize(repeating: 0)
            var next: UInt32 = 0
            for (k, t) in tokens.enumerated() {
                var h: UInt64 = 0xCBF2_9CE4_8422_2325
                for b in t { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
                var slot = Int(truncatingIfNeeded: h ^ h >> 32) & (size - 1)
                while true {
                    let other = Int(slots[slot]) - 1
                    if other < 0 {
                        slots[slot] = Int32(k + 1)
                        ids[k] = next
                        next += 1
                        break
                    }
                    let u = tokens[other]
                    if u.count == t.count && (t.isEmpty || memcmp(u.baseAddress!, t.baseAddress!, t.count) == 0) {
                        ids[k] = ids[other]
                        break
                    }
                    slot = (slot + 1) & (size - 1)
                }
            }
        }
        return ids
    }

    public static func += (a: inout BLEUStatistics, b: BLEUStatistics) {
        for n in 0..<order { a.correct[n] += b.correct[n]; a.total[n] += b.total[n] }
        a.sysLen += b.sysLen
        a.refLen += b.refLen
    }

    /// The metric value a record carries: `{"reduce": "bleu", …}`, summed by aggregate's corpus BLEU reducer.
    public var json: JSONValue {
        ["reduce": "bleu", "correct": .array(correct.map { .int(Int64($0)) }),
         "total": .array(total.map { .int(Int64($0)) }),
         "sys_len": .int(Int64(sysLen)), "ref_len": .int(Int64(refLen))]
    }

    /// Per n-gram of token ids, how often it occurs in the reference and in the hypothesis. A key
    /// holds ids + 1, 0 where the n-gram is shorter; an empty slot has key 0. The slots taken are
    /// listed, so that reading the counts does not scan the table.
    struct NGramCounts {
        struct Slot { var key0: UInt64, key1: UInt64, count: (Int32, Int32) }
        let slots: UnsafeMutableBufferPointer<Slot>
        let taken: UnsafeMutableBufferPointer<Int32>
        var takenCount = 0

        /// A table for at most `capacity` distinct n-grams, at most half full.
        static func with(capacity: Int, _ body: (inout NGramCounts) -> Void) {
            var size = 16
            while size < 2 * capacity { size *= 2 }
            withUnsafeTemporaryAllocation(of: Slot.self, capacity: size) { slots in
                slots.initialize(repeating: Slot(key0: 0, key1: 0, count: (0, 0)))
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { taken in
                    var counts = NGramCounts(slots: slots, taken: taken)
                    body(&counts)
                }
            }
        }

        /// Every n-gram (n = 1…4) of `ids`, counted for `side` (0 the reference, 1 the hypothesis).
        mutating func add(_ ids: UnsafeBufferPointer<UInt32>, side: Int) {
            let mask = slots.count - 1
            for i in 0..<ids.count {
                let a = UInt64(ids[i]) + 1
                for n in 1...min(4, ids.count - i) {
                    let b = n > 1 ? UInt64(ids[i + 1]) + 1 : 0, c = n > 2 ? UInt64(ids[i + 2]) + 1 : 0, d = n > 3 ? UInt64(ids[i + 3]) + 1 : 0
                    let key0 = a << 32 | b, key1 = c << 32 | d
                    let h = (key0 &* 0x9E37_79B9_7F4A_7C15) ^ (key1 &* 0xC2B2_AE3D_27D4_EB4F)
                    var slot = Int(truncatingIfNeeded: h ^ h >> 29) & mask
                    while slots[slot].key0 != 0 && (slots[slot].key0 != key0 || slots[slot].key1 != key1) { slot = (slot + 1) & mask }
                    if slots[slot].key0 == 0 {
                        slots[slot].key0 = key0
                        slots[slot].key1 = key1
                        taken[takenCount] = Int32(truncatingIfNeeded: slot)
                        takenCount += 1
                    }
                    if side == 0 { slots[slot].count.0 += 1 } else { slots[slot].count.1 += 1 }
                }
            }
        }

        /// Each n-gram's order and counts (reference, hypothesis).
        func forEach(_ body: (Int, Int, Int) -> Void) {
            for t in taken[0..<takenCount] {
                let s = slots[Int(t)]
                let n = s.key1 & 0xFFFF_FFFF != 0 ? 4 : s.key1 != 0 ? 3 : s.key0 & 0xFFFF_FFFF != 0 ? 2 : 1
                body(n, Int(s.count.0), Int(s.count.1))
            }
        }
    }
}
