import EvalCore
import Foundation

/// langdetect 1.0.9's `detect(text)` as M-IFEval-Ja calls it (`DetectorFactory.seed = 0`): the
/// same text cleaning, n-gram extraction and seeded random walk over the same profiles, with
/// CPython's generator. The walk's probabilities are bit for bit langdetect's when its languages
/// are loaded in our (sorted) order; langdetect itself loads them in `os.listdir` order, which only
/// changes the order of one floating-point sum, so the last bits of a probability but not the
/// detected language (see LangDetectTests).
public enum LangDetect {
    /// langdetect's `LangDetectException` "No features in text": nothing in the text is a known
    /// n-gram (the reference's language checker then counts the instruction as followed).
    public struct NoFeatures: Error, Equatable {}

    /// The detected language code (`ja`, `en`, `zh-cn`, …), or `unknown` when no language is
    /// above langdetect's 0.1 threshold.
    public static func detect(_ text: String) throws -> String {
        try probabilities(text).first?.language ?? "unknown"
    }

    /// `detect_langs`: the languages above 0.1, most probable first (ties keep profile order).
    public static func probabilities(_ text: String) throws -> [(language: String, probability: Double)] {
        let profiles = LangDetectProfiles.shared
        let ngrams = extractNGrams(clean(append(Array(text.unicodeScalars))), profiles)
        guard !ngrams.isEmpty else { throw NoFeatures() }
        let n = profiles.languages.count
        var langprob = [Double](repeating: 0, count: n)
        var random = PyRandom(seed: 0)
        var factor = [Double](repeating: 0, count: n)
        for _ in 0..<7 {
            var prob = [Double](repeating: 1.0 / Double(n), count: n)
            let alpha = 0.5 + random.gauss(0.0, 1.0) * 0.05
            let weight = alpha / 10_000
            var i = 0
            while true {
                let gram = ngrams[random.randbelow(ngrams.count)]
                for k in 0..<n { factor[k] = weight }
                for e in gram { factor[Int(profiles.entryLanguage[e])] = weight + profiles.entryProbability[e] }
                for k in 0..<n { prob[k] *= factor[k] }
                if i % 5 == 0 {
                    var sum = 0.0, maxp = 0.0
                    for p in prob { sum += p }
                    for k in 0..<n {
                        let p = prob[k] / sum
                        if maxp < p { maxp = p }
                        prob[k] = p
                    }
                    if maxp > 0.99999 || i >= 1000 { break }
                }
                i += 1
            }
            for j in 0..<n { langprob[j] += prob[j] / 7 }
        }
        let kept = zip(profiles.languages, langprob).filter { $0.1 > 0.1 }
        // Python's stable `sort(reverse=True)` on the probability.
        return kept.enumerated().sorted { a, b in a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset }
            .map { (language: $0.element.0, probability: $0.element.1) }
    }

    typealias Scalars = [Unicode.Scalar]

    /// `Detector.append`: URLs and e-mail addresses become a space, Vietnamese letter + mark pairs
    /// are composed, then the first 10,000 characters are kept with runs of spaces squeezed.
    static func append(_ input: Scalars) -> Scalars {
        let text = normalizeVietnamese(replaceMails(replaceURLs(input)))
        var out = Scalars()
        out.reserveCapacity(min(text.count, 10_000))
        var previous: Unicode.Scalar?
        for ch in text.prefix(10_000) {
            if ch != " " || previous != " " { out.append(ch) }
            previous = ch
        }
        return out
    }

    /// `cleaning_text`: when letters between `A` and `z` are fewer than half the characters at or
    /// above U+0300, they are dropped. (langdetect means to leave Latin Extended Additional out
    /// of that count, but compares a block number with a block name, so every such character counts.)
    static func clean(_ text: Scalars) -> Scalars {
        var latin = 0, nonLatin = 0
        for ch in text {
            if ("A"..."z").contains(ch) { latin += 1 } else if ch.value >= 0x300 { nonLatin += 1 }
        }
        return latin * 2 < nonLatin ? text.filter { !("A"..."z").contains($0) } : text
    }

    /// `_extract_ngrams`: the 1-, 2- and 3-grams of the normalized text that the profiles know,
    /// skipping words in capitals; each as the range of its entries in the profile table.
    static func extractNGrams(_ text: Scalars, _ profiles: LangDetectProfiles) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var grams: Scalars = [" "]
        var capitalWord = false
        for raw in text {
            let ch = normalize(raw, profiles)
            let last = grams[grams.count - 1]
            if last == " " {
                grams = [" "]
                capitalWord = false
                if ch == " " { continue }
            } else if grams.count >= 3 {
                grams.removeFirst()
            }
            grams.append(ch)
            if ch.properties.isUppercase {
                if last.properties.isUppercase { capitalWord = true }
            } else {
                capitalWord = false
            }
            if capitalWord { continue }
            for n in 1...3 {
                if grams.count < n { break }
                if n == 1 && grams[grams.count - 1] == " " { continue }
                if let r = profiles.entries(grams[(grams.count - n)...]) { result.append(r) }
            }
        }
        return result
    }

    /// `NGram.normalize`: one representative character per script block, punctuation and digits
    /// as spaces, kanji by their class.
    static func normalize(_ ch: Unicode.Scalar, _ profiles: LangDetectProfiles) -> Unicode.Scalar {
        switch ch.value {
        case 0...0x7F:
            return ("A"..."Z").contains(ch) || ("a"..."z").contains(ch) ? ch : " "
        case 0x80...0xFF:
            return profiles.latin1Excluded.contains(ch) ? " " : ch
        case 0x180...0x24F:
            return ch == "\u{219}" ? "\u{15F}" : ch == "\u{21B}" ? "\u{163}" : ch
        case 0x2000...0x206F:
            return " "
        case 0x600...0x6FF:
            return ch == "\u{6CC}" ? "\u{64A}" : ch
        case 0x1E00...0x1EFF:
            return ch.value >= 0x1EA0 ? "\u{1EC3}" : ch
        case 0x3040...0x309F:
            return "\u{3042}"
        case 0x30A0...0x30FF:
            return "\u{30A2}"
        case 0x3100...0x312F, 0x31A0...0x31BF:
            return "\u{3105}"
        case 0x4E00...0x9FFF:
            return profiles.kanjiRepresentative[ch] ?? ch
        case 0xAC00...0xD7AF:
            return "\u{AC00}"
        default:
            return ch
        }
    }

    /// `NGram.normalize_vi`: `([letters])([marks])` → the precomposed letter.
    static func normalizeVietnamese(_ s: Scalars) -> Scalars {
        let profiles = LangDetectProfiles.shared
        var out = Scalars()
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if i + 1 < s.count, let letter = profiles.vietnameseLetters[s[i]], let mark = profiles.vietnameseMarks[s[i + 1]] {
                out.append(profiles.vietnameseComposed[mark][letter])
                i += 2
            } else {
                out.append(s[i]); i += 1
            }
        }
        return out
    }

    private static func isASCIIAlnum(_ c: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(c) || ("A"..."Z").contains(c) || ("a"..."z").contains(c)
    }

    /// `re.sub(r'https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076}', ' ', text)`.
    static func replaceURLs(_ s: Scalars) -> Scalars {
        func inClass(_ c: Unicode.Scalar) -> Bool { isASCIIAlnum(c) || "-_.?&~;+=/#".unicodeScalars.contains(c) }
        func match(at i: Int) -> Int? {
            guard i + 4 <= s.count, s[i] == "h", s[i + 1] == "t", s[i + 2] == "t", s[i + 3] == "p" else { return nil }
            var j = i + 4
            if j < s.count, s[j] == "s" { j += 1 }
            guard j + 3 <= s.count, s[j] == ":", s[j + 1] == "/", s[j + 2] == "/" else { return nil }
            j += 3
            let start = j
            while j < s.count, j - start < 2076, inClass(s[j]) { j += 1 }
            return j > start ? j : nil
        }
        return substitute(s, match)
    }

    /// `re.sub(r'[-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255}', ' ', text)`, with
    /// the regex's greedy matching and backtracking.
    static func replaceMails(_ s: Scalars) -> Scalars {
        func local(_ c: Unicode.Scalar) -> Bool { isASCIIAlnum(c) || c == "-" || c == "_" || c == "." }
        func host(_ c: Unicode.Scalar) -> Bool { isASCIIAlnum(c) || c == "-" || c == "_" }
        func match(at i: Int) -> Int? {
            // The local part cannot hold `@`, so it runs to the next one, at most 64 long.
            var at = i
            while at < s.count, at - i <= 64, local(s[at]) { at += 1 }
            guard at > i, at - i <= 64, at < s.count, s[at] == "@" else { return nil }
            let p = at + 1
            var r2 = 0
            while p + r2 < s.count, r2 < 255, host(s[p + r2]) { r2 += 1 }
            var m2 = r2
            while m2 >= 1 {
                var m3 = 0
                while p + m2 + m3 < s.count, m3 < 255, local(s[p + m2 + m3]) { m3 += 1 }
                if m3 >= 1 { return p + m2 + m3 }
                m2 -= 1
            }
            return nil
        }
        return substitute(s, match)
    }

    /// `re.sub(pattern, ' ', s)` given the end of the pattern's match at each start, if any.
    private static func substitute(_ s: Scalars, _ match: (Int) -> Int?) -> Scalars {
        var out = Scalars()
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if let end = match(i) { out.append(" "); i = end } else { out.append(s[i]); i += 1 }
        }
        return out
    }
}

/// langdetect's 55 language profiles: for each known n-gram, the languages it occurs in and
/// its frequency there over the profile's count of n-grams of that length.
final class LangDetectProfiles: Sendable {
    static let shared = LangDetectProfiles()

    let languages: [String]
    /// Per n-gram, keyed by its packed code points, the range of its entries.
    private let index: [UInt64: Range<Int>]
    let entryLanguage: [UInt8]
    let entryProbability: [Double]
    let kanjiRepresentative: [Unicode.Scalar: Unicode.Scalar]
    let latin1Excluded: Set<Unicode.Scalar>
    let vietnameseLetters: [Unicode.Scalar: Int]
    let vietnameseMarks: [Unicode.Scalar: Int]
    let vietnameseComposed: [[Unicode.Scalar]]

    static func key<C: Collection>(_ gram: C) -> UInt64 where C.Element == Unicode.Scalar {
        var k: UInt64 = 0
        for c in gram { k = k << 21 | UInt64(c.value + 1) }
        return k
    }

    func entries<C: Collection>(_ gram: C) -> Range<Int>? where C.Element == Unicode.Scalar { index[Self.key(gram)] }

    private init() {
        let data = [UInt8](Data(base64Encoded: Self.base64, options: .ignoreUnknownCharacters)!)
        var pos = 0
        func byte() -> Int { pos += 1; return Int(data[pos - 1]) }
        func u32() -> Int { (0..<4).reduce(0) { acc, k in acc | byte() << (8 * k) } }
        func varint() -> Int {
            var v = 0, shift = 0
            while true {
                let b = byte()
                v |= (b & 0x7F) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
            }
        }
        func utf8(_ n: Int) -> String {
            defer { pos += n }
            return String(decoding: data[pos..<pos + n], as: UTF8.self)
        }
        precondition(utf8(4) == "LDP1", "langdetect profile table: bad header")
        var languages: [String] = [], nWords: [[Int]] = []
        for _ in 0..<byte() {
            languages.append(utf8(byte()))
            nWords.append([u32(), u32(), u32()])
        }
        let grams = u32()
        var index: [UInt64: Range<Int>] = [:]
        index.reserveCapacity(grams)
        var lang: [UInt8] = [], prob: [Double] = []
        lang.reserveCapacity(200_000); prob.reserveCapacity(200_000)
        for _ in 0..<grams {
            let word = Array(utf8(byte()).unicodeScalars)
            let start = lang.count
            for _ in 0..<byte() {
                let l = byte(), freq = varint()
                lang.append(UInt8(l))
                prob.append(1.0 * Double(freq) / Double(nWords[l][word.count - 1]))
            }
            index[Self.key(word)] = start..<lang.count
        }
        self.languages = languages
        self.index = index
        entryLanguage = lang
        entryProbability = prob
        var kanji: [Unicode.Scalar: Unicode.Scalar] = [:]
        for line in Self.kanjiClasses.split(separator: "\n") {
            let cls = Array(line.unicodeScalars)
            for c in cls { kanji[c] = cls[0] }
        }
        kanjiRepresentative = kanji
        latin1Excluded = Set(Self.latin1Excluded.unicodeScalars)
        vietnameseLetters = Dictionary(Array(Self.vietnameseLetters.unicodeScalars).enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        vietnameseMarks = Dictionary(Array(Self.vietnameseMarks.unicodeScalars).enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        vietnameseComposed = Self.vietnameseComposed.split(separator: "\n").map { Array($0.unicodeScalars) }
    }
}
