import EvalCore
import Foundation

/// ja_sentence_segmenter 0.0.2's pipeline as M-IFEval-Ja's `count_sentences` composes it:
/// `normalize` (neologd rules, tildes kept) → `split_newline` → `concatenate_matching` (a line
/// ending in `の` is joined to the next) → `split_punctuation` (after each `。`, `!`, `?` outside
/// `「…」` and `(…)`). Works on code points, as the Python does.
public enum SentenceSegmenter {
    typealias Scalars = [Unicode.Scalar]

    /// The segments the pipeline yields for `text`.
    public static func segments(_ text: String) -> [String] {
        let lines = String(String.UnicodeScalarView(normalize(Array(text.unicodeScalars)))).pythonSplitLines
        return concatenateAfterNo(lines).flatMap { splitPunctuation(Array($0.unicodeScalars)) }
    }

    /// `count_sentences`: the number of segments.
    public static func count(_ text: String) -> Int { segments(text).count }

    // MARK: normalize (neologd_normalizer, remove_tildes=False)

    static func normalize(_ input: Scalars) -> Scalars {
        var s = Array(String(String.UnicodeScalarView(input)).pythonStripped.unicodeScalars)
        s = nfkcRuns(s, where: isNFKCClass1)
        s = collapseRuns(s, of: hyphens, into: "-")
        s = collapseRuns(s, of: choonpus, into: "ー")
        s = s.map { tildes.contains($0) ? "～" : $0 }
        s = s.map { translation[$0] ?? $0 }
        s = removeExtraSpaces(s)
        s = nfkcRuns(s, where: isNFKCClass2)
        return s.map { $0 == "’" ? "'" : $0 == "”" ? "\"" : $0 }
    }

    /// `０-９Ａ-Ｚａ-ｚ｡-ﾟ`: full-width alphanumerics and half-width katakana and punctuation.
    static func isNFKCClass1(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF61...0xFF9F: return true
        default: return false
        }
    }

    /// `！”＃＄％＆’（）＊＋，－．／：；＜＞？＠［￥］＾＿｀｛｜｝〜` (`，－．` is a range there, of the same three).
    static let class2: Set<Unicode.Scalar> = Set("！”＃＄％＆’（）＊＋，－．／：；＜＞？＠［￥］＾＿｀｛｜｝〜".unicodeScalars)
    static func isNFKCClass2(_ c: Unicode.Scalar) -> Bool { class2.contains(c) }

    static let hyphens: Set<Unicode.Scalar> = Set("˗֊‐‑‒–⁃⁻₋−".unicodeScalars)
    static let choonpus: Set<Unicode.Scalar> = Set("﹣－ｰ—―─━ー".unicodeScalars)
    static let tildes: Set<Unicode.Scalar> = Set("~∼∾〜〰～".unicodeScalars)
    static let translation: [Unicode.Scalar: Unicode.Scalar] = Dictionary(uniqueKeysWithValues: zip(
        "!\"#$%&'()*+,-./:;<=>?@[¥]^_`{|}~｡､･｢｣".unicodeScalars,
        "！”＃＄％＆’（）＊＋，－．／：；＜＝＞？＠［￥］＾＿｀｛｜｝〜。、・「」".unicodeScalars))

    /// `__unicode_normalize`: NFKC applied to each maximal run of the class alone, then `－` → `-`.
    static func nfkcRuns(_ s: Scalars, where inClass: (Unicode.Scalar) -> Bool) -> Scalars {
        var out = Scalars()
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            guard inClass(s[i]) else { out.append(s[i]); i += 1; continue }
            var j = i
            while j < s.count && inClass(s[j]) { j += 1 }
            out.append(contentsOf: String(String.UnicodeScalarView(s[i..<j])).nfkc.unicodeScalars)
            i = j
        }
        return out.map { $0 == "－" ? "-" : $0 }
    }

    /// `re.sub("[…]+", c, s)`: each maximal run of the set becomes one `c`.
    static func collapseRuns(_ s: Scalars, of set: Set<Unicode.Scalar>, into c: Unicode.Scalar) -> Scalars {
        var out = Scalars()
        out.reserveCapacity(s.count)
        var inRun = false
        for x in s {
            if set.contains(x) {
                if !inRun { out.append(c) }
                inRun = true
            } else { out.append(x); inRun = false }
        }
        return out
    }

    /// `__remove_extra_spaces`: runs of ` `/`　` become one space, then a space goes when it sits
    /// between two CJK/kana/full-width characters, or between one of them and Basic Latin. Each
    /// of the reference's three substitution loops removes exactly the spaces whose neighbours
    /// match, and a removal never changes another space's neighbours (no two spaces touch), so
    /// one pass decides every space.
    static func removeExtraSpaces(_ input: Scalars) -> Scalars {
        var s = Scalars()
        s.reserveCapacity(input.count)
        for c in input {
            if c == " " || c == "　" {
                if s.last != " " { s.append(" ") }
            } else { s.append(c) }
        }
        func isBlock(_ c: Unicode.Scalar) -> Bool {
            switch c.value {
            case 0x4E00...0x9FFF, 0x3040...0x309F, 0x30A0...0x30FF, 0x3000...0x303F, 0xFF00...0xFFEF: return true
            default: return false
            }
        }
        var out = Scalars()
        out.reserveCapacity(s.count)
        for i in s.indices {
            if s[i] == " ", i > 0, i + 1 < s.count {
                let l = s[i - 1], r = s[i + 1]
                if (isBlock(l) && (isBlock(r) || r.isASCII)) || (l.isASCII && isBlock(r)) { continue }
            }
            out.append(s[i])
        }
        return out
    }

    // MARK: concatenate_matching(former_matching_rule=r"^(?P<result>.+)(の)$", remove_former_matched=False)

    /// A line of at least two characters ending in `の` (lines hold no `\n`, so `.+` takes any) is
    /// joined to the next one, and the joined line is tested again.
    static func concatenateAfterNo(_ lines: [String]) -> [String] {
        guard var former = lines.first.map({ Array($0.unicodeScalars) }) else { return [] }
        var out: [String] = []
        for latter in lines.dropFirst() {
            if former.count >= 2 && former.last == "の" {
                former.append(contentsOf: latter.unicodeScalars)
            } else {
                out.append(String(String.UnicodeScalarView(former)))
                former = Array(latter.unicodeScalars)
            }
        }
        out.append(String(String.UnicodeScalarView(former)))
        return out
    }

    // MARK: split_punctuation(punctuations=r"。!?")

    static let escape: Unicode.Scalar = "∯"
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool { c == "。" || c == "!" || c == "?" }

    /// `(?<!∯)([。!?])(?!∯)` at `i` of `s`.
    static func isBarePunctuation(_ s: ArraySlice<Unicode.Scalar>, _ i: Int) -> Bool {
        isPunctuation(s[i]) && (i == s.startIndex || s[i - 1] != escape) && (i + 1 == s.endIndex || s[i + 1] != escape)
    }

    /// Protects the punctuation inside each leftmost non-overlapping `open [^open close]* close`
    /// (`「[^「」]*」` and `\([^()]*\)`) by wrapping it in `∯`.
    static func escapeBetween(_ s: Scalars, open: Unicode.Scalar, close: Unicode.Scalar) -> Scalars {
        var out = Scalars()
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] == open, let j = s[(i + 1)...].firstIndex(where: { $0 == open || $0 == close }), s[j] == close {
                let m = s[i...j]
                for k in m.indices {
                    if isBarePunctuation(m, k) { out.append(escape); out.append(m[k]); out.append(escape) } else { out.append(m[k]) }
                }
                i = j + 1
            } else {
                out.append(s[i]); i += 1
            }
        }
        return out
    }

    static func splitPunctuation(_ line: Scalars) -> [String] {
        let t = escapeBetween(escapeBetween(line, open: "「", close: "」"), open: "(", close: ")")
        var split = Scalars()
        split.reserveCapacity(t.count + 8)
        for i in t.indices {
            split.append(t[i])
            if isBarePunctuation(t[...], i) { split.append("\n") }
        }
        var out = Scalars()
        out.reserveCapacity(split.count)
        var i = 0
        while i < split.count {
            if split[i] == escape, i + 2 < split.count, isPunctuation(split[i + 1]), split[i + 2] == escape {
                out.append(split[i + 1]); i += 3
            } else { out.append(split[i]); i += 1 }
        }
        return String(String.UnicodeScalarView(out)).pythonSplitLines
    }
}
