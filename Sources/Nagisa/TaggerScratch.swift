import Foundation

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
    private var x: [Double] = [], hf: [Double] = [], hb: [Double] = [], obs: [Double] = []
    private var back: [Int32] = []
    /// `charType` of BMP code points as met (-1: not yet).
    private var charTypes = [Int8](repeating: -1, count: 0x10000)

    /// Input blocks: unigrams, character types (window of 3), then the large tables: bigrams (window
    /// of 3), words starting and ending at the character.
    private enum Kind: Int, CaseIterable { case uni0, uni1, uni2, ct0, ct1, ct2, bi0, bi1, bi2, start, end }
    private let kindTable: [NagisaModel.Table], kindColumn: [Int], kindBase: [Int]
    /// Products by key (`kindBase` + id): the small tables' keys (below `fixedKeys`, about 30 MB
    /// at most) each have their own slot; the others share a direct-mapped cache of 2^14 slots
    /// (about 50 MB), since the bigrams and words a corpus meets are unbounded. Slot k holds the
    /// product of key `owners[k] - 1`; 0 = empty.
    private static let cacheBits = 14
    private let fixedKeys: Int
    private var owners: [Int32]
    private let products: UnsafeMutablePointer<Double>  // written before read (see `owners`)

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
        owners = [Int32](repeating: 0, count: fixedKeys + 1 << Self.cacheBits)
        products = .allocate(capacity: rows * owners.count)
    }

    deinit { products.deallocate() }

    /// The BMES tag of each character of `lower` (the lowered, preprocessed text).
    func tags(_ lower: [Unicode.Scalar]) -> [Int] {
        let n = lower.count
        features(lower)
        inputs(n)
        recur(m.forward, into: &hf, n: n, rowOffset: 0, reversed: false)
        recur(m.backward, into: &hb, n: n, rowOffset: m.gateRows, reversed: true)
        output(n)
        return viterbi(n)
    }

    // MARK: features (nagisa_utils.feature_extraction, window 3)

    private func features(_ lower: [Unicode.Scalar]) {
        let n = lower.count
        cps.removeAll(keepingCapacity: true)
        for c in lower { cps.append(c.value) }
        cps.append(NagisaModel.endOfText)  // the last bigram is `c + "<E>"`
        Self.fill(&uni, m.uniOOV, n); Self.fill(&bi, m.biOOV, n); Self.fill(&ctype, 0, n)
        Self.fill(&matches, -1, 8 * n)
        cps.withUnsafeBufferPointer { t in
            for i in 0..<n {
                let h1 = CodePointTable.step(CodePointTable.seed, t[i])
                if let id = m.uni.find(t, from: i, count: 1, hash: h1) { uni[i] = id }
                if let id = m.bi.find(t, from: i, count: 2, hash: CodePointTable.step(h1, t[i + 1])) { bi[i] = id }
                ctype[i] = Int32(charType(lower[i]))
                // Words of up to 8 characters from i; a length no key starts with ends the search.
                var h = CodePointTable.seed
                for length in 1...min(8, n - i) {
                    h = CodePointTable.step(h, t[i + length - 1])
                    guard let id = m.word.find(t, from: i, count: length, hash: h) else { break }
                    matches[8 * i + length - 1] = id
                }
            }
        }
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
        let key = kindBase[kind.rawValue] + Int(id)
        let slot = key < fixedKeys ? key : fixedKeys + Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> (64 - Self.cacheBits))
        let start = slot * rows
        if owners[slot] == key + 1 { return start }
        owners[slot] = Int32(key + 1)
        let table = kindTable[kind.rawValue], column = kindColumn[kind.rawValue], rows = rows
        let p = products + start
        m.inputWeights.withUnsafeBufferPointer { w in
            table.floats.withUnsafeBufferPointer { e in
                // Each row's sum runs over the embedding in order, starting from 0.
                p.update(repeating: 0, count: rows)
                for k in 0..<table.dim {
                    Self.addProduct(p, w.baseAddress! + (column + k) * rows, Double(e[table.offset + Int(id) * table.dim + k]), rows)
                }
            }
        }
        return start
    }

    /// `x` = the input products per character, summed in block order, the window padded by pad ids.
    private func inputs(_ n: Int) {
        Self.fill(&x, 0, n * rows)
        for i in 0..<n {
            func add(_ kind: Kind, _ id: Int32) {
                let p = product(kind, id), base = i * rows, rows = rows
                x.withUnsafeMutableBufferPointer { Self.add($0.baseAddress! + base, products + p, rows) }
            }
            let prev = i > 0, next = i + 1 < n
            add(.uni0, prev ? uni[i - 1] : 1); add(.uni1, uni[i]); add(.uni2, next ? uni[i + 1] : 1)
            add(.bi0, prev ? bi[i - 1] : 1); add(.bi1, bi[i]); add(.bi2, next ? bi[i + 1] : 1)
            add(.ct0, prev ? ctype[i - 1] : 6); add(.ct1, ctype[i]); add(.ct2, next ? ctype[i + 1] : 6)
            // Words starting at i, shortest first; then ending at i, shortest first; `oov` for none.
            var found = false
            for length in 1...8 where matches[8 * i + length - 1] >= 0 {
                add(.start, matches[8 * i + length - 1]); found = true
            }
            if !found { add(.start, m.wordOOV) }
            found = false
            for length in 1...min(8, i + 1) where matches[8 * (i - length + 1) + length - 1] >= 0 {
                add(.end, matches[8 * (i - length + 1) + length - 1]); found = true
            }
            if !found { add(.end, m.wordOOV) }
        }
    }

    /// One direction of the BiLSTM over the characters; `rowOffset` picks its rows of `x`.
    private func recur(_ l: NagisaModel.LSTM, into out: inout [Double], n: Int, rowOffset: Int, reversed: Bool) {
        let H = m.hidden, R = m.gateRows, rows = rows
        Self.fill(&out, 0, n * H)
        var c = [Double](repeating: 0, count: H), a = [Double](repeating: 0, count: R)
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        // tanh through exp, which glibc computes about ten times faster than tanh (its expm1): within
        // about 1e-16 of it, far below the float32 rounding of the scores (and DyNet's own float32 tanh).
        func tanh(_ x: Double) -> Double { let e = exp(-2 * abs(x)), t = (1 - e) / (1 + e); return x < 0 ? -t : t }
        x.withUnsafeBufferPointer { x in
            l.wh.withUnsafeBufferPointer { wh in
                l.b.withUnsafeBufferPointer { b in
                    out.withUnsafeMutableBufferPointer { out in
                        a.withUnsafeMutableBufferPointer { a in
                            var previous = -1  // the step before's row of `out`
                            for step in 0..<n {
                                let i = reversed ? n - 1 - step : step
                                // Each gate row: x + b, then + wh[r][j] · h[j] for j in order.
                                for r in 0..<R { a[r] = x[i * rows + rowOffset + r] + b[r] }
                                if previous >= 0 { Self.addMatrixVector(a.baseAddress!, wh.baseAddress!, out.baseAddress! + previous * H, R, H) }
                                for j in 0..<H {
                                    let ig = sigmoid(a[j]), fg = sigmoid(a[H + j] + 1), og = sigmoid(a[2 * H + j])
                                    let g = tanh(a[3 * H + j])
                                    c[j] = fg * c[j] + ig * g
                                    out[i * H + j] = og * tanh(c[j])
                                }
                                previous = i
                            }
                        }
                    }
                }
            }
        }
    }

    // Vector loops eight rows at a time; each row's sum keeps its scalar order (no reassociation,
    // no fused multiply-add), so the values are the scalar loops'.
    private typealias V = SIMD8<Double>
    @inline(__always) private static func load(_ p: UnsafePointer<Double>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) private static func store(_ v: V, _ p: UnsafeMutablePointer<Double>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// `y[r] += x[r]` for r < n (n a multiple of 8).
    @inline(__always) private static func add(_ y: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) {
        for r in stride(from: 0, to: n, by: 8) { store(load(y + r) + load(x + r), y + r) }
    }
    /// `y[r] += x[r] · a` for r < n (n a multiple of 8).
    @inline(__always) private static func addProduct(_ y: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, _ a: Double, _ n: Int) {
        let a = V(repeating: a)
        for r in stride(from: 0, to: n, by: 8) { store(load(y + r) + load(x + r) * a, y + r) }
    }
    /// `y[r] += Σ_j w[j · rows + r] · v[j]`, j in order, for r < rows (a multiple of 8): sixteen rows
    /// at a time so that two independent sums keep the adders busy.
    @inline(__always) private static func addMatrixVector(_ y: UnsafeMutablePointer<Double>, _ w: UnsafePointer<Double>, _ v: UnsafePointer<Double>, _ rows: Int, _ cols: Int) {
        var r = 0
        while r + 16 <= rows {
            var s0 = load(y + r), s1 = load(y + r + 8)
            for j in 0..<cols {
                let vj = V(repeating: v[j]), col = w + j * rows + r
                s0 += load(col) * vj; s1 += load(col + 8) * vj
            }
            store(s0, y + r); store(s1, y + r + 8)
            r += 16
        }
        while r < rows {
            var s = load(y + r)
            for j in 0..<cols { s += load(w + j * rows + r) * V(repeating: v[j]) }
            store(s, y + r)
            r += 8
        }
    }

    /// The tag scores per character: `w_ws · [forward h; backward h] + b_ws`, rounded to float32 as DyNet's are.
    private func output(_ n: Int) {
        let H = m.hidden, tags = m.tags
        Self.fill(&obs, 0, n * tags)
        for i in 0..<n {
            for r in 0..<tags {
                var s = 0.0
                for j in 0..<H { s += m.wOut[r * 2 * H + j] * hf[i * H + j] }
                for j in 0..<H { s += m.wOut[r * 2 * H + H + j] * hb[i * H + j] }
                obs[i * tags + r] = Double(Float(s + m.bOut[r]))
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
