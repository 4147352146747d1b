import EvalCore

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
        // Tokens become small integers (shared by both sides), n-grams fixed-size keys.
        var ids: [ArraySlice<UInt8>: Int32] = [:]
        func intern(_ t: [ArraySlice<UInt8>]) -> [Int32] {
            t.map { tok in
                if let id = ids[tok] { return id }
                let id = Int32(ids.count)
                ids[tok] = id
                return id
            }
        }
        let r = intern(ref), h = intern(hyp)
        var refCounts: [NGram: Int] = [:]
        for g in NGram.all(r) { refCounts[g, default: 0] += 1 }
        var hypCounts: [NGram: Int] = [:]
        for g in NGram.all(h) { hypCounts[g, default: 0] += 1 }
        for (g, c) in hypCounts {
            total[g.n - 1] += c
            if let rc = refCounts[g] { correct[g.n - 1] += min(c, rc) }
        }
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

    struct NGram: Hashable {
        var a: Int32, b: Int32 = -1, c: Int32 = -1, d: Int32 = -1
        var n: Int { d >= 0 ? 4 : c >= 0 ? 3 : b >= 0 ? 2 : 1 }

        static func all(_ t: [Int32]) -> [NGram] {
            var out: [NGram] = []
            out.reserveCapacity(t.count * 4)
            for i in t.indices {
                out.append(NGram(a: t[i]))
                if i + 1 < t.count { out.append(NGram(a: t[i], b: t[i + 1])) }
                if i + 2 < t.count { out.append(NGram(a: t[i], b: t[i + 1], c: t[i + 2])) }
                if i + 3 < t.count { out.append(NGram(a: t[i], b: t[i + 1], c: t[i + 2], d: t[i + 3])) }
            }
            return out
        }
    }
}
