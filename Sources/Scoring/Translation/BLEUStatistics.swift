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
        let hyp = Tokenizer13a.tokens(hypothesis), ref = Tokenizer13a.tokens(reference)
        sysLen = hyp.count
        refLen = ref.count
        // Tokens become small integers shared by both sides (equal bytes, equal id), n-grams
        // fixed-size keys; both sides' n-grams sorted and merged, which counts them without hashing
        // (per segment, hashing cost as much as segmenting the Japanese).
        let ids = Self.intern(ref + hyp)
        let r = NGram.all(ids[0..<ref.count]).sorted(), h = NGram.all(ids[ref.count...]).sorted()
        var j = 0, i = 0
        while i < h.count {
            let g = h[i]
            var end = i + 1
            while end < h.count && h[end] == g { end += 1 }
            while j < r.count && r[j] < g { j += 1 }
            var refEnd = j
            while refEnd < r.count && r[refEnd] == g { refEnd += 1 }
            total[g.n - 1] += end - i
            correct[g.n - 1] += min(end - i, refEnd - j)
            i = end
            j = refEnd
        }
    }

    /// An id per token, equal for tokens with equal bytes.
    private static func intern(_ tokens: [ArraySlice<UInt8>]) -> [Int32] {
        func less(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    let n = min(a.count, b.count)
                    let c = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
                    return c < 0 || (c == 0 && a.count < b.count)
                }
            }
        }
        let order = tokens.indices.sorted { less(tokens[$0], tokens[$1]) }
        var ids = [Int32](repeating: 0, count: tokens.count), next: Int32 = 0
        for (k, t) in order.enumerated() {
            if k > 0 && less(tokens[order[k - 1]], tokens[t]) { next += 1 }
            ids[t] = next
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

    struct NGram: Comparable {
        var a: Int32, b: Int32 = -1, c: Int32 = -1, d: Int32 = -1
        var n: Int { d >= 0 ? 4 : c >= 0 ? 3 : b >= 0 ? 2 : 1 }

        static func < (x: NGram, y: NGram) -> Bool { (x.a, x.b, x.c, x.d) < (y.a, y.b, y.c, y.d) }

        static func all(_ t: ArraySlice<Int32>) -> [NGram] {
            var out: [NGram] = []
            out.reserveCapacity(t.count * 4)
            for i in t.indices {
                out.append(NGram(a: t[i]))
                if i + 1 < t.endIndex { out.append(NGram(a: t[i], b: t[i + 1])) }
                if i + 2 < t.endIndex { out.append(NGram(a: t[i], b: t[i + 1], c: t[i + 2])) }
                if i + 3 < t.endIndex { out.append(NGram(a: t[i], b: t[i + 1], c: t[i + 2], d: t[i + 3])) }
            }
            return out
        }
    }
}
