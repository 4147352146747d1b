import EvalCore
import Foundation
import JapaneseText

/// One M-IFEval-Ja instruction checker: the reference's `build_description(**kwargs)` is `init`,
/// its `check_following(value)` is `isFollowed`. Checkers read only the parameters of their own
/// `build_description`, as the reference filters kwargs by its signature.
protocol Instruction: Sendable {
    init(_ kwargs: InstructionKwargs) throws
    func isFollowed(_ value: CheckedText) throws -> Bool
}

/// Every instruction id the reference registers (`JA_INSTRUCTION_DICT`), 33 in all.
enum Instructions {
    static let all: [String: any Instruction.Type] = [
        "ja:keywords:existence": KeywordExistence.self,
        "ja:keywords:frequency": KeywordFrequency.self,
        "ja:keywords:forbidden_words": ForbiddenWords.self,
        "ja:keywords:letter_frequency": LetterFrequency.self,
        "ja:language:response_language": ResponseLanguage.self,
        "ja:length_constraints:number_sentences": NumberOfSentences.self,
        "ja:length_constraints:number_paragraphs": NumberOfParagraphs.self,
        "ja:length_constraints:number_letters": NumberOfLetters.self,
        "ja:length_constraints:nth_paragraph_first_word": NthParagraphFirstWord.self,
        "ja:detectable_content:number_placeholders": Placeholders.self,
        "ja:detectable_content:postscript": Postscript.self,
        "ja:detectable_format:number_bullet_lists": BulletList.self,
        "ja:detectable_format:number_numbered_lists": NumberedList.self,
        "ja:detectable_format:constrained_response": ConstrainedResponse.self,
        "ja:detectable_format:number_highlighted_sections": HighlightedSections.self,
        "ja:detectable_format:multiple_sections": MultipleSections.self,
        "ja:detectable_format:json_format": JSONFormat.self,
        "ja:detectable_format:title": Title.self,
        "ja:detectable_format:nominal_ending": NominalEnding.self,
        "ja:combination:two_responses": TwoResponses.self,
        "ja:combination:repeat_prompt": RepeatPrompt.self,
        "ja:startend:end_checker": EndPhrase.self,
        "ja:startend:sentence_unified_end": SentenceUnifiedEnd.self,
        "ja:startend:quotation": Quotation.self,
        "ja:letters:furigana": Furigana.self,
        "ja:letters:kansuuji": Kansuuji.self,
        "ja:letters:no_katakana": NoKatakana.self,
        "ja:letters:katakana_only": KatakanaOnly.self,
        "ja:letters:no_hiragana": NoHiragana.self,
        "ja:letters:hiragana_only": HiraganaOnly.self,
        "ja:letters:kanji": KanjiLimit.self,
        "ja:punctuation:no_comma": NoComma.self,
        "ja:punctuation:no_period": NoPeriod.self,
    ]
}

/// A response (or one of its loose variants) in the forms the checkers read: code points, as
/// Python indexes them, an NSString for the regular expressions, and Janome tokens, computed once.
final class CheckedText {
    let string: String
    let scalars: [Unicode.Scalar]
    private(set) lazy var ns = string as NSString
    private var tokenCache: [MorphToken]?

    init(_ s: String) { string = s; scalars = Array(s.unicodeScalars) }

    /// Janome's tokens of the text (the reference's `tokenizing_texts`).
    func tokens() throws -> [MorphToken] {
        if let t = tokenCache { return t }
        let t = try JanomeTokenizer.shared().tokenize(string)
        tokenCache = t
        return t
    }
}

/// A checker's kwargs: one object of the record's `target.kwargs`. A parameter the reference would
/// replace with a random draw (missing, null or out of range) is an error here: that draw depends
/// on everything the reference scored before, so no per-record score could reproduce it.
struct InstructionKwargs {
    let object: JSONObject
    let field: String

    func value(_ key: String) -> JSONValue? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func randomDefault(_ key: String) -> EvalError {
        EvalError("missing or out of range: the reference would draw a random value", field: "\(field).\(key)",
                  hint: "give the instruction its parameter")
    }

    func int(_ key: String, minimum: Int = 0) throws -> Int {
        guard let v = value(key) else { throw randomDefault(key) }
        guard let i = v.int else { throw EvalError("expected an integer, found \(v.kindName)", field: "\(field).\(key)") }
        guard i >= minimum else { throw randomDefault(key) }
        return i
    }

    func string(_ key: String) throws -> String {
        guard let v = value(key) else { throw randomDefault(key) }
        guard let s = v.string else { throw EvalError("expected a string, found \(v.kindName)", field: "\(field).\(key)") }
        return s
    }

    func strings(_ key: String) throws -> [String] {
        guard let v = value(key), let a = v.array, !a.isEmpty else { throw randomDefault(key) }
        return try a.indices.map { i in
            guard let s = a[i].string else { throw EvalError("expected a string", field: "\(field).\(key)[\(i)]") }
            return s
        }
    }

    /// `未満` (fewer than) or `以上` (at least); anything else makes the reference raise.
    func relation(_ key: String) throws -> Relation {
        let s = try string(key)
        guard let r = Relation(rawValue: s) else {
            throw EvalError("unknown relation '\(s)'", field: "\(field).\(key)", hint: "未満 or 以上")
        }
        return r
    }
}

enum Relation: String, Sendable {
    case lessThan = "未満", atLeast = "以上"
    func holds(_ count: Int, _ threshold: Int) -> Bool { self == .lessThan ? count < threshold : count >= threshold }
}

// MARK: Python string operations on code points (Swift's String compares canonical equivalents
// as equal and treats `\r\n` as one character; Python does neither).

typealias Scalars = [Unicode.Scalar]

extension Array where Element == Unicode.Scalar {
    init(_ s: String) { self = Array(s.unicodeScalars) }
    var string: String { String(String.UnicodeScalarView(self)) }

    func hasPrefix(_ p: Scalars) -> Bool { count >= p.count && self[..<p.count].elementsEqual(p) }
    func hasSuffix(_ p: Scalars) -> Bool { count >= p.count && self[(count - p.count)...].elementsEqual(p) }

    /// Python `str.find(p) >= 0`.
    func contains(_ p: Scalars) -> Bool { firstRange(of: p, from: 0) != nil }

    func firstRange(of p: Scalars, from start: Int) -> Range<Int>? {
        guard !p.isEmpty else { return start..<start }
        var i = start
        while i + p.count <= count {
            if self[i] == p[0] && self[i..<i + p.count].elementsEqual(p) { return i..<i + p.count }
            i += 1
        }
        return nil
    }

    /// Python `str.split(sep)` for a non-empty literal separator.
    func split(literal sep: Scalars) -> [Scalars] {
        var out: [Scalars] = []
        var start = 0
        while let r = firstRange(of: sep, from: start) {
            out.append(Array(self[start..<r.lowerBound]))
            start = r.upperBound
        }
        out.append(Array(self[start...]))
        return out
    }

    /// Python `str.strip()`.
    var stripped: Scalars {
        guard let first = firstIndex(where: { !$0.isPythonSpace }) else { return [] }
        return Array(self[first...lastIndex(where: { !$0.isPythonSpace })!])
    }

    /// Python `str.strip(chars)`, `lstrip(chars)`, `rstrip(chars)`.
    func stripping(_ chars: Set<Unicode.Scalar>, leading: Bool = true, trailing: Bool = true) -> Scalars {
        var lo = 0, hi = count
        if leading { while lo < hi && chars.contains(self[lo]) { lo += 1 } }
        if trailing { while hi > lo && chars.contains(self[hi - 1]) { hi -= 1 } }
        return Array(self[lo..<hi])
    }

    /// `re.sub(open + ".*?" + close, "", s)`: each `open` up to the nearest `close` on its line goes.
    func removingQuoted(_ open: Unicode.Scalar, _ close: Unicode.Scalar) -> Scalars {
        var out = Scalars()
        out.reserveCapacity(count)
        var i = 0
        while i < count {
            if self[i] == open, let j = self[(i + 1)...].firstIndex(where: { $0 == close || $0 == "\n" }), self[j] == close {
                i = j + 1
            } else {
                out.append(self[i]); i += 1
            }
        }
        return out
    }
}

extension Unicode.Scalar {
    /// `unicodedata.category(c).startswith('L')`.
    var isLetter: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// The reference's kanji range, `[\u4e00-\u9faf]`.
    var isIFEvalKanji: Bool { (0x4E00...0x9FAF).contains(value) }
}

extension PythonRegex {
    /// `re.findall`'s count.
    func count(in text: CheckedText) -> Int { finditer(text.ns).count }

    /// `re.split(pattern, text)` for a pattern without groups.
    func split(_ text: CheckedText) -> [String] {
        var out: [String] = []
        var start = 0
        for m in finditer(text.ns) {
            out.append(text.ns.substring(with: NSRange(location: start, length: m.start - start)))
            start = m.end
        }
        out.append(text.ns.substring(from: start))
        return out
    }
}
