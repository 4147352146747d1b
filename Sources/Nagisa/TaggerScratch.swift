import Foundation
import NagisaKernels

/// One caller's working memory for nagisa's network: flat buffers reused from text to text, and
/// the input-layer products met so far. The BiLSTM's input is a concatenation of embeddings (the
/// word blocks sums of them), so `Wx · x` is a sum of per-(block, id) products, each computed once
/// and summed in the same order every time.
final class TaggerScratch {
    private let m: NagisaModel
    private let rows: Int  // input rows, both directions
    private var cps: [UInt32] = [], uni: [Int32] = [], bi: [Int32] = [], ctype: [Int32] = []
    /// Per character, the word id of each length 1...8 starting there; -1 if none.
    private var matches: [Int32] = []
    private var x: [Float] = [], state: [Float] = [], obs: [Double] = []
    /// Both directions' h, unit-major (forward units, then backward ones; characters padded to a
    /// multiple of 8), so that `output` reads eight characters' values of a unit at once.
    private var ht: [Float] = []
    private var back: [Int32] = []
    /// `charType` of BMP code points as met (-1: not yet).
    private var charTypes = [Int8](repeating: -1, count: 0x10000)

    /// Input blocks: unigrams, character types (window of 3), then the large tables: bigrams (window
    /// of 3), words starting and ending at the character.
    private enum Kind: Int, CaseIterable { case uni0, uni1, uni2, ct0, ct1, ct2, bi0, bi1, bi2, start, end }
    private let kindTable: [NagisaModel.Table], kindColumn: [Int], kindBase: [Int]
    /// Products by key (`kindBase` + id): the bigrams and words a corpus meets are unbounded, so
    /// their keys share a direct-mapped cache of the first 2^cacheBits slots (1.6 KB each); the
    /// small tables' keys (below `fixedKeys`) each get a slot of their own after those, given in
    /// the order they are met (`fixedSlot`, -1: none yet), so only the rows a corpus uses take
    /// memory. Every page touched is a page the kernel must clear first, which in the VMs we
    /// measured on cost more than the products it holds (2^12 slots missed more than 2^13 but
    /// ran as fast; 2^15 slower). Slot k holds the product of key `owners[k] - 1`; 0 = empty.
    private static let cacheBits = 12
    private let fixedKeys: Int
    private var fixedSlot: [Int32], fixedUsed = 0
    private var owners: [Int32]
    private let products: UnsafeMutablePointer<Float>  // written before read (see `owners`)
    /// Up to four embedding rows, aligned (the model's are read in place, unaligned).
    private let embedding: UnsafeMutablePointer<Float>
    /// `computeMissing`'s work: per slot the text that claimed it last (`pass`), per kind the ids to compute.
    private var stamps: [Int32], pass: Int32 = 0
    private var pending = [[(id: Int32, slot: Int)]](repeating: [], count: Kind.allCases.count)

    init(_ m: NagisaModel) {
        self.m = m
        rows = m.inputRows
        let u = m.uniEmb.dim, b = m.biEmb.dim, c = m.ctypeEmb.dim, w = m.wordEmb.dim
        var tables: [NagisaModel.Table] = [], columns: [Int] = [], bases: [Int] = [], total = 0
        for kind in Kind.allCases {
            let (table, column): (NagisaModel.Table, Int)
            switch kind {
            case .uni0, .uni1, .uni2: (table, column) = (m.uniEmb, (kind.rawValue - Kind.uni0.rawValue) * u)
            case .bi0, .bi1, .bi2: (table, column) = (m.biEmb, 3 * u + (kind.rawValue - Kind.bi0.rawValue) * b)
            case .ct0, .ct1, .ct2: (table, column) = (m.ctypeEmb, 3 * (u + b) + (kind.rawValue - Kind.ct0.rawValue) * c)
            case .start: (table, column) = (m.wordEmb, 3 * (u + b + c))
            case .end: (table, column) = (m.wordEmb, 3 * (u + b + c) + w)
            }
            tables.append(table); columns.append(column); bases.append(total)
            total += table.count
        }
        (kindTable, kindColumn, kindBase) = (tables, columns, bases)
        precondition(total < Int32.max)
        fixedKeys = bases[Kind.bi0.rawValue]
        fixedSlot = [Int32](repeating: -1, count: fixedKeys)
        owners = [Int32](repeating: 0, count: fixedKeys + 1 << Self.cacheBits)
        products = .allocate(capacity: rows * owners.count)
        embedding = .allocate(capacity: 4 * tables.map(\.dim).max()!)
        stamps = [Int32](repeating: 0, count: owners.count)
    }

    deinit { products.deallocate(); embedding.deallocate() }

    /// The BMES tag of each character of each text (lowered, preprocessed, not empty): two at a
    /// time through the BiLSTM, which then reads its weights once for both.
    func tags(_ texts: [[Unicode.Scalar]]) -> [[Int]] {
        var out: [[Int]] = []
        for first in Swift.stride(from: 0, to: texts.count, by: 2) {
            let pair = texts[first..<min(first + 2, texts.count)].map(\.count)
            // Each text's x rows and ht columns after the one before's.
            let xAt = [0, pair[0] * rows], htAt = [0, 2 * m.hidden * Self.padded(pair[0])]
            Self.reserve(&x, pair.reduce(0, +) * rows)
            Self.reserve(&ht, pair.reduce(0) { $0 + 2 * m.hidden * Self.padded($1) })
            for (t, n) in pair.enumerated() {
                features(texts[first + t])
                inputs(n, at: xAt[t])
            }
            recur(pair, xAt, htAt)
            for (t, n) in pair.enumerated() {
                output(n, at: htAt[t])
                out.append(viterbi(n))
            }
        }
        return out
    }

    // MARK: features (nagisa_utils.feature_extraction, window 3)

    private func features(_ lower: [Unicode.Scalar]) {
        let n = lower.count
        cps.removeAll(keepingCapacity: true)
        for c in lower { cps.append(c.value) }
        cps.append(NagisaModel.endOfText)  // the last bigram is `c + "<E>"`
        Self.fill(&uni, m.uniOOV, n); Self.fill(&bi, m.biOOV, n); Self.fill(&ctype, 0, n)
        Self.fill(&matches, -1, 8 * n)
        let (uniTable, biTable, wordTable) = (m.uni, m.bi, m.word)
        cps.withUnsafeBufferPointer { t in
            // The large tables' first probes of the whole text asked for at once: each is a cache
            // miss, and the lookups below depend on each other's results.
            for i in 0..<n {
                let h1 = CodePointTable.step(CodePointTable.seed, t[i]), h2 = CodePointTable.step(h1, t[i + 1])
                biTable.prefetch(hash: h2); wordTable.prefetch(hash: h1); wordTable.prefetch(hash: h2)
            }
            for i in 0..<n {
                let h1 = CodePointTable.step(CodePointTable.seed, t[i])
                if let id = uniTable.find(t, from: i, count: 1, hash: h1) { uni[i] = id }
                if let id = biTable.find(t, from: i, count: 2, hash: CodePointTable.step(h1, t[i + 1])) { bi[i] = id }
                ctype[i] = Int32(charType(lower[i]))
                // Words of up to 8 characters from i; a length no key starts with ends the search.
                var h = CodePointTable.seed
                for length in 1...min(8, n - i) {
                    h = CodePointTable.step(h, t[i + length - 1])
                    guard let id = wordTable.find(t, from: i, count: length, hash: h) else { break }
                    matches[8 * i + length - 1] = id
                }
            }
        }
    }

    /// `a` at least `count` long, its old contents kept (each caller writes what it reads).
    private static func reserve(_ a: inout [Float], _ count: Int) {
        if a.count < count { a = [Float](repeating: 0, count: max(count, 2 * a.count)) }
    }

    /// `a` = `count` copies of `value`, in the buffer it already has when that is large enough.
    private static func fill<T>(_ a: inout [T], _ value: T, _ count: Int) {
        a.removeAll(keepingCapacity: true)
        a.append(contentsOf: repeatElement(value, count: count))
    }

    private func charType(_ c: Unicode.Scalar) -> Int {
        guard c.value < 0x10000 else { return NagisaTagger.charType(c) }
        let i = Int(c.value)
        if charTypes[i] < 0 { charTypes[i] = Int8(NagisaTagger.charType(c)) }
        return Int(charTypes[i])
    }

    // MARK: network

    /// The offset in `products` of `Wx · embedding` for one input block, both directions; valid
    /// until the next call.
    private func product(_ kind: Kind, _ id: Int32) -> Int {
        let key = kindBase[kind.rawValue] + Int(id), slot = slot(key)
        let start = slot * rows
        if owners[slot] == key + 1 { return start }
        owners[slot] = Int32(key + 1)
        m.inputWeights.withUnsafeBufferPointer { compute(kind, id, into: slot, $0.baseAddress! + kindColumn[kind.rawValue] * rows) }
        return start
    }

    /// One product into its slot (`weights`: the kind's columns of the input weights). Each row's
    /// sum runs over the embedding in order, starting from 0.
    @inline(__always) private func compute(_ kind: Kind, _ id: Int32, into slot: Int, _ weights: UnsafePointer<Float>) {
        let table = kindTable[kind.rawValue]
        table.copyRow(id, to: embedding)
        nk_matvec(products + slot * rows, weights, embedding, rows, table.dim)
    }

    @inline(__always) private func slot(_ key: Int) -> Int {
        guard key < fixedKeys else { return Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> (64 - Self.cacheBits)) }
        if fixedSlot[key] < 0 { fixedSlot[key] = Int32((1 << Self.cacheBits) + fixedUsed); fixedUsed += 1 }
        return Int(fixedSlot[key])
    }

    /// The products the text's blocks lack, a kind at a time and four ids per pass over that kind's
    /// weights (a product is bound by reading them). A slot is claimed once a text: a second key
    /// for it is left to `product`, so what a slot holds is always what `owners` says.
    private func computeMissing(_ n: Int) {
        pass &+= 1
        if pass == 0 { stamps.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }; pass = 1 }
        for i in 0..<n {
            blocks(i, n) { kind, id in
                let key = kindBase[kind.rawValue] + Int(id), slot = slot(key)
                guard owners[slot] != key + 1, stamps[slot] != pass else { return }
                stamps[slot] = pass
                owners[slot] = Int32(key + 1)
                pending[kind.rawValue].append((id, slot))
            }
        }
        m.inputWeights.withUnsafeBufferPointer { w in
            for kind in Kind.allCases where !pending[kind.rawValue].isEmpty {
                let table = kindTable[kind.rawValue], weights = w.baseAddress! + kindColumn[kind.rawValue] * rows
                let list = pending[kind.rawValue]
                var k = 0
                while k + 4 <= list.count {
                    var y: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) =
                        (products + list[k].slot * rows, products + list[k + 1].slot * rows, products + list[k + 2].slot * rows, products + list[k + 3].slot * rows)
                    for b in 0..<4 { table.copyRow(list[k + b].id, to: embedding + b * table.dim) }
                    withUnsafeBytes(of: &y) { nk_matvec4($0.baseAddress!.assumingMemoryBound(to: UnsafeMutablePointer<Float>?.self), weights, embedding, rows, table.dim) }
                    k += 4
                }
                for (id, slot) in list[k...] { compute(kind, id, into: slot, weights) }
                pending[kind.rawValue].removeAll(keepingCapacity: true)
            }
        }
    }

    /// `x` from float `at` on = the input products per character, summed in block order (from the
    /// first block, as 0 + p₁ + p₂ + … is).
    private func inputs(_ n: Int, at: Int) {
        computeMissing(n)
        // At most 9 window blocks and 8 words each way a character; two characters' worth: the
        // next one's products are gathered and prefetched while this one's are summed (they are
        // read at random from tens of megabytes, so a sum waits on memory otherwise).
        withUnsafeTemporaryAllocation(of: (key: Int32, offset: Int).self, capacity: 64) { gathered in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { offsets in
        x.withUnsafeMutableBufferPointer { x in
            var counts = (0, 0)
            func gather(_ i: Int) {
                let half = 32 * (i & 1)
                var count = 0
                blocks(i, n) { kind, id in
                    let offset = product(kind, id)
                    gathered[half + count] = (Int32(kindBase[kind.rawValue]) + id, offset); offsets[half + count] = offset
                    count += 1
                }
                nk_prefetch(products, offsets.baseAddress! + half, count, rows)
                if i & 1 == 0 { counts.0 = count } else { counts.1 = count }
            }
            if n > 0 { gather(0) }
            for i in 0..<n {
                if i + 1 < n { gather(i + 1) }
                let y = x.baseAddress! + at + i * rows, half = 32 * (i & 1), count = i & 1 == 0 ? counts.0 : counts.1
                // One pass over the row unless a later product (of this character or the next) took the slot of one of its.
                if gathered[half..<(half + count)].allSatisfy({ owners[$0.offset / rows] == $0.key + 1 }) {
                    nk_sum(y, products, offsets.baseAddress! + half, count, rows)
                } else {
                    y.update(repeating: 0, count: rows)
                    blocks(i, n) { kind, id in
                        let p = products + product(kind, id)
                        for r in 0..<rows { y[r] += p[r] }
                    }
                }
            }
        }
        }
        }
    }

    /// Character i's input blocks in nagisa's order, the window padded by pad ids.
    @inline(__always) private func blocks(_ i: Int, _ n: Int, _ body: (Kind, Int32) -> Void) {
        let prev = i > 0, next = i + 1 < n
        body(.uni0, prev ? uni[i - 1] : 1); body(.uni1, uni[i]); body(.uni2, next ? uni[i + 1] : 1)
        body(.bi0, prev ? bi[i - 1] : 1); body(.bi1, bi[i]); body(.bi2, next ? bi[i + 1] : 1)
        body(.ct0, prev ? ctype[i - 1] : 6); body(.ct1, ctype[i]); body(.ct2, next ? ctype[i + 1] : 6)
        // Words starting at i, shortest first; then ending at i, shortest first; `oov` for none.
        var found = false
        for length in 1...8 where matches[8 * i + length - 1] >= 0 {
            body(.start, matches[8 * i + length - 1]); found = true
        }
        if !found { body(.start, m.wordOOV) }
        found = false
        for length in 1...min(8, i + 1) where matches[8 * (i - length + 1) + length - 1] >= 0 {
            body(.end, matches[8 * (i - length + 1) + length - 1]); found = true
        }
        if !found { body(.end, m.wordOOV) }
    }

    @inline(__always) private static func padded(_ n: Int) -> Int { (n + 7) & ~7 }

    /// The BiLSTM over one or two texts (their x rows and ht columns from `xAt`, `htAt`); h goes to `ht`.
    private func recur(_ n: [Int], _ xAt: [Int], _ htAt: [Int]) {
        let H = m.hidden, f = m.forward, b = m.backward, strides = n.map(Self.padded)
        Self.reserve(&state, 2 * n.count * (6 * H + 3 * Int(NK_PAD)))
        x.withUnsafeBufferPointer { x in
        ht.withUnsafeMutableBufferPointer { ht in
            let ht = ht.baseAddress!
            var xs = n.indices.map { Optional(x.baseAddress! + xAt[$0]) }, hts = n.indices.map { Optional(ht + htAt[$0]) }
            nk_bilstm(n.count, &xs, rows, f.wh, f.b, b.wh, b.b, H, n, &hts, strides, &state)
            // `output` reads the padding lanes too (and drops them): zeros, never leftovers that may be NaN.
            for (t, stride) in strides.enumerated() {
                for j in 0..<(2 * H) { (ht + htAt[t] + j * stride + n[t]).update(repeating: 0, count: stride - n[t]) }
            }
        }
        }
    }

    private typealias V = SIMD8<Float>
    @inline(__always) private static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    /// The tag scores per character: `b_ws + w_ws · [forward h; backward h]` (six tags, as the
    /// model's shapes were checked to be).
    private func output(_ n: Int, at: Int) {
        let H = m.hidden, stride = Self.padded(n)
        Self.fill(&obs, 0, n * 6)
        // Eight characters at a time, one per lane, so each score's sum keeps its scalar order.
        ht.withUnsafeBufferPointer { ht in
            m.wOut.withUnsafeBufferPointer { w in
                let b = m.bOut, ht = ht.baseAddress! + at
                for first in Swift.stride(from: 0, to: n, by: 8) {
                    var s0 = V(repeating: b[0]), s1 = V(repeating: b[1]), s2 = V(repeating: b[2])
                    var s3 = V(repeating: b[3]), s4 = V(repeating: b[4]), s5 = V(repeating: b[5])
                    for column in 0..<(2 * H) {
                        let v = Self.load(ht + column * stride + first)
                        s0 += V(repeating: w[column]) * v; s1 += V(repeating: w[2 * H + column]) * v
                        s2 += V(repeating: w[4 * H + column]) * v; s3 += V(repeating: w[6 * H + column]) * v
                        s4 += V(repeating: w[8 * H + column]) * v; s5 += V(repeating: w[10 * H + column]) * v
                    }
                    for lane in 0..<min(8, n - first) {
                        let o = (first + lane) * 6
                        obs[o] = Double(s0[lane]); obs[o + 1] = Double(s1[lane]); obs[o + 2] = Double(s2[lane])
                        obs[o + 3] = Double(s3[lane]); obs[o + 4] = Double(s4[lane]); obs[o + 5] = Double(s5[lane])
                    }
                }
            }
        }
    }

    /// `nagisa_utils.np_viterbi`: start tag 4, end tag 5, numpy's first maximum on ties.
    private func viterbi(_ n: Int) -> [Int] {
        let tags = m.tags, trans = m.trans
        var score = [Double](repeating: -1e10, count: tags), next = score
        score[4] = 0
        Self.fill(&back, 0, n * tags)
        for i in 0..<n {
            for t in 0..<tags {
                var best = 0, bestValue = score[0] + trans[t * tags]
                for p in 1..<tags where score[p] + trans[t * tags + p] > bestValue { best = p; bestValue = score[p] + trans[t * tags + p] }
                back[i * tags + t] = Int32(best)
                next[t] = bestValue + obs[i * tags + t]
            }
            swap(&score, &next)
        }
        var best = 0
        for t in 1..<tags where score[t] + trans[5 * tags + t] > score[best] + trans[5 * tags + best] { best = t }
        var path = [Int](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            path[i] = best
            best = Int(back[i * tags + best])
        }
        return path
    }
}
