import EvalCore
import Foundation

/// nagisa 0.2.11's `Tagger().wakati(text)` (nagisa/tagger.py, nagisa_utils.pyx, model.py), ported:
/// the text is `rstrip()`ed, NFKC-normalized, `İ` → `I`, spaces → U+3000; features come from its
/// Python `lower()`; a BiLSTM scores the four BMES tags per character and nagisa's Viterbi picks
/// the path; the words are cut from the normalized (not lowered) text. The network runs in double
/// precision on DyNet's float32 weights and its scores are rounded to float32, as DyNet's are,
/// before the Viterbi search in float64 (numpy's); the result equals nagisa's on every string we
/// compared (Tests/TranslationTests).
public final class NagisaTagger: @unchecked Sendable {  // the model is immutable; the cache is locked
    let model: NagisaModel
    /// Input-layer products per (feature, id), filled as ids are met: the BiLSTM's input is a
    /// concatenation of embeddings, so `Wx · x` is a sum of per-embedding products.
    private var cache: [Int: [Double]] = [:]
    private let lock = NSLock()

    public init(directory: String) throws { model = try NagisaModel(directory: directory) }

    /// Where bin/nagisa-setup puts the model: `NAGISA_DATA`, else the evalpipe cache.
    public static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let d = env["NAGISA_DATA"], !d.isEmpty { return d }
        let cache = env["EVALPIPE_CACHE"] ?? ((env["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")) + "/evalpipe")
        return cache + "/nagisa-0.2.11"
    }

    private nonisolated(unsafe) static var sharedTagger: Result<NagisaTagger, Error>?
    private static let sharedLock = NSLock()

    /// One tagger per process, loaded on first use (about 0.3 s).
    public static func shared() throws -> NagisaTagger {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if sharedTagger == nil { sharedTagger = Result { try NagisaTagger(directory: defaultDirectory) } }
        return try sharedTagger!.get()
    }

    public func wakati(_ input: String) -> [String] {
        let text = Self.preprocess(input)
        guard !text.isEmpty else { return [] }
        let lower = Self.pythonLower(text)
        let tags = viterbi(observations(Self.features(lower, model)))
        // segmenter_for_bmes: S (3) is a word by itself (an open word stays open), E (2) ends the
        // open word, anything else extends it; a word still open at the end is dropped, as in nagisa.
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for (c, tag) in zip(text, tags) {
            if tag == 3 { words.append(String(String.UnicodeScalarView([c]))); continue }
            current.append(c)
            if tag == 2 { words.append(String(current)); current = String.UnicodeScalarView() }
        }
        return words
    }

    // MARK: text

    /// `nagisa_utils.preprocess`, as code points.
    static func preprocess(_ s: String) -> [Unicode.Scalar] {
        return nfkc(s.pythonRStripped).unicodeScalars.map { c in
            c == "\u{130}" ? "I" : c == " " ? "\u{3000}" : c
        }
    }

    /// NFKC as its definition composes it, NFC of NFKD: Foundation's one-step compatibility
    /// composition leaves `ｶﾞﾟ` as `カ\u{3099}\u{309A}` where Python gives `ガ\u{309A}`.
    static func nfkc(_ s: String) -> String {
        s.decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
    }

    /// Python's `str.lower()`: full lowercase mappings, and capital sigma as final sigma when a cased
    /// letter precedes it and none follows (case-ignorable characters skipped both ways).
    static func pythonLower(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        for (i, c) in s.enumerated() {
            if c == "\u{3A3}" {
                var j = i - 1
                while j >= 0 && s[j].properties.isCaseIgnorable { j -= 1 }
                var final = j >= 0 && s[j].properties.isCased
                if final {
                    var k = i + 1
                    while k < s.count && s[k].properties.isCaseIgnorable { k += 1 }
                    final = k == s.count || !s[k].properties.isCased
                }
                out.append(final ? "\u{3C2}" : "\u{3C3}")
            } else if c.isASCII {
                out.append(c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(c.value + 32)! : c)
            } else {
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// `get_chartype`: hiragana 0, katakana 1, kanji 2, then by the character's NFKC form: a Latin
    /// letter in it 3, an ASCII digit 4; else 5. The window pads with 6.
    static func charType(_ c: Unicode.Scalar) -> Int {
        switch c.value {
        case 0x3040...0x309F: return 0
        case 0x30A1...0x30FA: return 1
        case 0x4E00...0x9FA5: return 2
        default:
            let n = c.isASCII ? [c] : Array(nfkc(String(String.UnicodeScalarView([c]))).unicodeScalars)
            if n.contains(where: { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }) { return 3 }
            if n.contains(where: { ("0"..."9").contains($0) }) { return 4 }
            return 5
        }
    }

    // MARK: features (nagisa_utils.feature_extraction, window 3)

    struct Features {
        var uni: [Int], bi: [Int], ctype: [Int]
        /// Dictionary words (up to 8 characters) starting / ending at each character, shortest first.
        var starting: [[Int]], ending: [[Int]]
    }

    static func features(_ t: [Unicode.Scalar], _ m: NagisaModel) -> Features {
        let bytes = t.map { Array(String(String.UnicodeScalarView([$0])).utf8) }
        func utf8(_ s: ArraySlice<Unicode.Scalar>) -> [UInt8] { s.indices.flatMap { bytes[$0] } }
        let n = t.count
        let uni = t.indices.map { m.uni[utf8(t[$0...$0])] ?? m.uniOOV }
        let bi = t.indices.map { i in m.bi[i == n - 1 ? utf8(t[i...i]) + Array("<E>".utf8) : utf8(t[i...i + 1])] ?? m.biOOV }
        let ctype = t.map(charType)
        var starting = [[Int]](repeating: [], count: n), ending = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            for j in i..<min(i + 8, n) { if let id = m.word[utf8(t[i...j])] { starting[i].append(id) } }
            if starting[i].isEmpty { starting[i] = [m.wordOOV] }
            for j in stride(from: i, to: max(i - 8, -1), by: -1) { if let id = m.word[utf8(t[j...i])] { ending[i].append(id) } }
            if ending[i].isEmpty { ending[i] = [m.wordOOV] }
        }
        return Features(uni: uni, bi: bi, ctype: ctype, starting: starting, ending: ending)
    }

    // MARK: network

    /// Feature kinds for the input-product cache; the id is added on top.
    private enum Kind: Int { case uni0, uni1, uni2, bi0, bi1, bi2, ct0, ct1, ct2, start, end }

    /// `Wx · embedding` for one input block of both directions (forward's, then backward's rows).
    private func product(_ kind: Kind, _ id: Int) -> [Double] {
        let key = kind.rawValue << 32 | id
        lock.lock()
        if let v = cache[key] { lock.unlock(); return v }
        lock.unlock()
        let m = model
        let (table, offset): (NagisaModel.Matrix, Int)
        let u = m.uniEmb.cols, b = m.biEmb.cols, c = m.ctypeEmb.cols, w = m.wordEmb.cols
        switch kind {
        case .uni0, .uni1, .uni2: (table, offset) = (m.uniEmb, (kind.rawValue - Kind.uni0.rawValue) * u)
        case .bi0, .bi1, .bi2: (table, offset) = (m.biEmb, 3 * u + (kind.rawValue - Kind.bi0.rawValue) * b)
        case .ct0, .ct1, .ct2: (table, offset) = (m.ctypeEmb, 3 * (u + b) + (kind.rawValue - Kind.ct0.rawValue) * c)
        case .start: (table, offset) = (m.wordEmb, 3 * (u + b + c))
        case .end: (table, offset) = (m.wordEmb, 3 * (u + b + c) + w)
        }
        let e = table[id]
        var out = [Double](repeating: 0, count: m.forward.wx.rows + m.backward.wx.rows)
        for (d, lstm) in [m.forward, m.backward].enumerated() {
            let rows = lstm.wx.rows, cols = lstm.wx.cols
            lstm.wx.values.withUnsafeBufferPointer { wx in
                for r in 0..<rows {
                    var s = 0.0
                    var k = r * cols + offset
                    for x in e { s += wx[k] * x; k += 1 }
                    out[d * rows + r] = s
                }
            }
        }
        lock.lock()
        cache[key] = out
        lock.unlock()
        return out
    }

    /// The tag scores per character: `w_ws · [forward h; backward h] + b_ws`, rounded to float32.
    func observations(_ f: Features) -> [[Double]] {
        let n = f.uni.count
        let m = model
        let rows = m.forward.wx.rows
        // Input products per character, both directions, with the window padded by pad ids.
        var inputs = [[Double]](repeating: [], count: n)
        for i in 0..<n {
            func at(_ l: [Int], _ k: Int, pad: Int) -> Int { k < 0 || k >= n ? pad : l[k] }
            var parts: [(Kind, Int)] = [
                (.uni0, at(f.uni, i - 1, pad: 1)), (.uni1, f.uni[i]), (.uni2, at(f.uni, i + 1, pad: 1)),
                (.bi0, at(f.bi, i - 1, pad: 1)), (.bi1, f.bi[i]), (.bi2, at(f.bi, i + 1, pad: 1)),
                (.ct0, at(f.ctype, i - 1, pad: 6)), (.ct1, f.ctype[i]), (.ct2, at(f.ctype, i + 1, pad: 6)),
            ]
            parts += f.starting[i].map { (.start, $0) } + f.ending[i].map { (.end, $0) }
            var x = [Double](repeating: 0, count: 2 * rows)
            for (kind, id) in parts {
                let p = product(kind, id)
                for r in 0..<(2 * rows) { x[r] += p[r] }
            }
            inputs[i] = x
        }
        let fw = run(m.forward, inputs, rowOffset: 0, reversed: false)
        let bw = run(m.backward, inputs, rowOffset: rows, reversed: true)
        return (0..<n).map { i in
            let h = fw[i] + bw[i]
            return (0..<m.wOut.rows).map { r in
                var s = 0.0
                for (w, x) in zip(m.wOut[r], h) { s += w * x }
                return Double(Float(s + m.bOut[r]))
            }
        }
    }

    private func run(_ l: NagisaModel.LSTM, _ inputs: [[Double]], rowOffset: Int, reversed: Bool) -> [[Double]] {
        let H = l.hidden, R = 4 * H
        var h = [Double](repeating: 0, count: H), c = h
        var out = [[Double]](repeating: [], count: inputs.count)
        var a = [Double](repeating: 0, count: R)
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        l.wh.values.withUnsafeBufferPointer { wh in
            for step in inputs.indices {
                let i = reversed ? inputs.count - 1 - step : step
                inputs[i].withUnsafeBufferPointer { x in
                    h.withUnsafeBufferPointer { h in
                        a.withUnsafeMutableBufferPointer { a in
                            // Four rows at a time: each row's sum is added up in the same order as
                            // alone (so the same value), but four independent sums keep the adder busy.
                            var r = 0
                            while r + 4 <= R {
                                var s0 = x[rowOffset + r] + l.b[r], s1 = x[rowOffset + r + 1] + l.b[r + 1]
                                var s2 = x[rowOffset + r + 2] + l.b[r + 2], s3 = x[rowOffset + r + 3] + l.b[r + 3]
                                let k = r * H
                                for j in 0..<H {
                                    let v = h[j]
                                    s0 += wh[k + j] * v; s1 += wh[k + H + j] * v
                                    s2 += wh[k + 2 * H + j] * v; s3 += wh[k + 3 * H + j] * v
                                }
                                a[r] = s0; a[r + 1] = s1; a[r + 2] = s2; a[r + 3] = s3
                                r += 4
                            }
                            while r < R {
                                var s = x[rowOffset + r] + l.b[r]
                                for j in 0..<H { s += wh[r * H + j] * h[j] }
                                a[r] = s
                                r += 1
                            }
                        }
                    }
                }
                for j in 0..<H {
                    let ig = sigmoid(a[j]), fg = sigmoid(a[H + j] + 1), og = sigmoid(a[2 * H + j]), g = tanh(a[3 * H + j])
                    c[j] = fg * c[j] + ig * g
                    h[j] = og * tanh(c[j])
                }
                out[i] = h
            }
        }
        return out
    }

    /// `nagisa_utils.np_viterbi`: start tag 4, end tag 5, numpy's first maximum on ties.
    func viterbi(_ observations: [[Double]]) -> [Int] {
        let trans = model.trans, tags = trans.count
        var score = [Double](repeating: -1e10, count: tags)
        score[4] = 0
        var back: [[Int]] = []
        for obs in observations {
            var next = [Double](repeating: 0, count: tags), ptr = [Int](repeating: 0, count: tags)
            for t in 0..<tags {
                var best = 0, bestValue = score[0] + trans[t][0]
                for p in 1..<tags where score[p] + trans[t][p] > bestValue { best = p; bestValue = score[p] + trans[t][p] }
                ptr[t] = best
                next[t] = bestValue + obs[t]
            }
            score = next
            back.append(ptr)
        }
        var best = 0
        for t in 1..<tags where score[t] + trans[5][t] > score[best] + trans[5][best] { best = t }
        var path = [best]
        for ptr in back.reversed() { best = ptr[best]; path.append(best) }
        path.removeLast()
        return path.reversed()
    }
}
