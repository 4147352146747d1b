import EvalCore
import JapaneseText

// Keywords are compared with whole Janome token surfaces, so a keyword Janome splits (`創造性` →
// `創造|性`) is never found, and a forbidden word inside a longer token is not seen.

/// Code-point counts of the token surfaces.
private func surfaceCounts(_ text: CheckedText) throws -> [Scalars: Int] {
    var counts: [Scalars: Int] = [:]
    for t in try text.tokens() { counts[Scalars(t.surface), default: 0] += 1 }
    return counts
}

/// `ja:keywords:existence`: every keyword is some token's surface.
struct KeywordExistence: Instruction {
    let keywords: [Scalars]
    init(_ kwargs: InstructionKwargs) throws { keywords = try kwargs.strings("keywords").map(Scalars.init) }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let counts = try surfaceCounts(value)
        return keywords.allSatisfy { counts[$0] != nil }
    }
}

/// `ja:keywords:frequency`: the number of tokens whose surface is the (stripped) keyword.
struct KeywordFrequency: Instruction {
    let keyword: Scalars, frequency: Int, relation: Relation
    init(_ kwargs: InstructionKwargs) throws {
        let k = try kwargs.string("keyword")
        guard !k.isEmpty else { throw kwargs.randomDefault("keyword") }
        keyword = Scalars(k).stripped
        frequency = try kwargs.int("frequency")
        relation = try kwargs.relation("relation")
    }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        relation.holds(try surfaceCounts(value)[keyword] ?? 0, frequency)
    }
}

/// `ja:keywords:forbidden_words`: no token's surface is a forbidden word.
struct ForbiddenWords: Instruction {
    let words: [Scalars]
    init(_ kwargs: InstructionKwargs) throws { words = try kwargs.strings("forbidden_words").map(Scalars.init) }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let counts = try surfaceCounts(value)
        return !words.contains { counts[$0] != nil }
    }
}

/// `ja:keywords:letter_frequency`: occurrences of a hiragana letter plus its katakana (code
/// point + 96), counted in the text itself.
struct LetterFrequency: Instruction {
    let letter: Unicode.Scalar, katakana: Unicode.Scalar, frequency: Int, relation: Relation
    init(_ kwargs: InstructionKwargs) throws {
        let s = Scalars(try kwargs.string("letter"))
        // Anything but one letter in ぁ…ん is replaced by a random hiragana in the reference.
        guard s.count == 1, ("ぁ"..."ん").contains(s[0]) else { throw kwargs.randomDefault("letter") }
        letter = s[0]
        katakana = Unicode.Scalar(s[0].value + 96)!
        frequency = try kwargs.int("let_frequency")
        relation = try kwargs.relation("let_relation")
    }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        relation.holds(value.scalars.reduce(0) { $0 + ($1 == letter || $1 == katakana ? 1 : 0) }, frequency)
    }
}

/// `ja:language:response_language`: langdetect (seed 0) finds the language; text it cannot
/// read at all counts as following.
struct ResponseLanguage: Instruction {
    /// The reference's `LANGUAGE_CODES`: its description looks the code up there, so another
    /// code makes it raise.
    static let codes: Set<String> = ["en", "es", "pt", "ar", "hi", "fr", "ru", "de", "ja", "it", "bn", "uk", "th", "ur",
                                     "ta", "te", "bg", "ko", "pl", "he", "fa", "vi", "ne", "sw", "kn", "mr", "gu", "pa",
                                     "ml", "fi"]
    let language: String
    init(_ kwargs: InstructionKwargs) throws {
        language = try kwargs.string("language")
        guard Self.codes.contains(language) else {
            throw EvalError("unknown language code '\(language)'", field: "\(kwargs.field).language",
                            hint: "one of " + Self.codes.sorted().joined(separator: ", "))
        }
    }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        do { return try LangDetect.detect(value.string) == language } catch is LangDetect.NoFeatures { return true }
    }
}
