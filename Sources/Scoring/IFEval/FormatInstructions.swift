import EvalCore
import Foundation
import JapaneseText

// The reference's own regular expressions, in its Python spelling (PythonRegex), where a pattern
// is more than a literal scan.
private func regex(_ pattern: String) -> PythonRegex { try! PythonRegex(pattern) }

/// `ja:length_constraints:number_sentences`: ja_sentence_segmenter's segments.
struct NumberOfSentences: Instruction {
    let threshold: Int, relation: Relation
    init(_ kwargs: InstructionKwargs) throws {
        threshold = try kwargs.int("num_sentences")
        relation = try kwargs.relation("relation")
    }
    func isFollowed(_ value: CheckedText) throws -> Bool { relation.holds(SentenceSegmenter.count(value.string), threshold) }
}

/// `ja:length_constraints:number_paragraphs`: parts between `***` dividers; an empty part is
/// allowed only first or last (and not counted).
struct NumberOfParagraphs: Instruction {
    static let divider = regex(#"\s?\*\*\*\s?"#)
    let paragraphs: Int
    init(_ kwargs: InstructionKwargs) throws { paragraphs = try kwargs.int("num_paragraphs") }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let parts = Self.divider.split(value)
        var n = parts.count
        for (i, p) in parts.enumerated() where Scalars(p).stripped.isEmpty {
            guard i == 0 || i == parts.count - 1 else { return false }
            n -= 1
        }
        return n == paragraphs
    }
}

/// `ja:length_constraints:number_letters`: the length in code points.
struct NumberOfLetters: Instruction {
    let letters: Int, relation: Relation
    init(_ kwargs: InstructionKwargs) throws {
        letters = try kwargs.int("num_letters")
        relation = try kwargs.relation("relation")
    }
    func isFollowed(_ value: CheckedText) throws -> Bool { relation.holds(value.scalars.count, letters) }
}

/// `ja:length_constraints:nth_paragraph_first_word`: paragraphs split at `\n\n`, counted without
/// the empty ones, while the n-th is taken from the list with them; its start, after `「` and `『`,
/// must be the first word as given (lower-cased, the response is not).
struct NthParagraphFirstWord: Instruction {
    let paragraphs: Int, nth: Int, firstWord: Scalars
    init(_ kwargs: InstructionKwargs) throws {
        paragraphs = try kwargs.int("num_paragraphs")
        nth = try kwargs.int("nth_paragraph", minimum: 1)
        guard nth <= paragraphs else { throw kwargs.randomDefault("nth_paragraph") }
        firstWord = Scalars(try kwargs.string("first_word").lowercased())
    }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let parts = value.scalars.split(literal: ["\n", "\n"])
        let n = parts.count - parts.filter { $0.stripped.isEmpty }.count
        guard nth <= n else { return false }
        let p = parts[nth - 1].stripped
        guard !p.isEmpty else { return false }
        let rest = p.stripping(["「"], trailing: false).stripping(["『"], trailing: false)
        return n == paragraphs && Array(rest.prefix(firstWord.count)) == firstWord
    }
}

/// `ja:detectable_content:number_placeholders`: at least N `[…]` (within a line).
struct Placeholders: Instruction {
    static let placeholder = regex(#"\[.*?\]"#)
    let minimum: Int
    init(_ kwargs: InstructionKwargs) throws { minimum = try kwargs.int("num_placeholders") }
    func isFollowed(_ value: CheckedText) throws -> Bool { Self.placeholder.count(in: value) >= minimum }
}

/// `ja:detectable_content:postscript`: a line containing the marker (`P.S.` and `P.P.S` as
/// loose patterns, any other marker literally), case-insensitive.
struct Postscript: Instruction {
    let pattern: PythonRegex
    init(_ kwargs: InstructionKwargs) throws {
        let marker = try kwargs.string("postscript_marker").pythonStripped
        let p = marker == "P.P.S" ? #"\s*p\.\s?p\.\s?s.*$"# : marker == "P.S." ? #"\s*p\.\s?s\..*$"#
            : #"\s*"# + PythonRegex.escape(marker) + #".*$"#
        pattern = try PythonRegex("(?im)" + p)
    }
    func isFollowed(_ value: CheckedText) throws -> Bool { pattern.count(in: value) > 0 }
}

/// `ja:detectable_format:number_bullet_lists`: exactly N lines starting with `・` and another
/// character (which may be the newline: `\s*` and `[^・]` cross lines).
struct BulletList: Instruction {
    static let bullet = regex(#"(?m)^\s*・[^・].*$"#)  // the reference writes [^\・], the same class
    let bullets: Int
    init(_ kwargs: InstructionKwargs) throws { bullets = try kwargs.int("num_bullets") }
    func isFollowed(_ value: CheckedText) throws -> Bool { Self.bullet.count(in: value) == bullets }
}

/// `ja:detectable_format:number_numbered_lists`: exactly N lines like `1. …`.
struct NumberedList: Instruction {
    static let item = regex(#"(?m)^\s*\d+\.\s.*$"#)
    let items: Int
    init(_ kwargs: InstructionKwargs) throws { items = try kwargs.int("num_items") }
    func isFollowed(_ value: CheckedText) throws -> Bool { Self.item.count(in: value) == items }
}

/// `ja:detectable_format:constrained_response`: one of the three set answers appears.
struct ConstrainedResponse: Instruction {
    static let options = ["はい、そうです。", "いいえ、違います。", "どちらとも言えません。"].map(Scalars.init)
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let v = value.scalars.stripped
        return Self.options.contains { v.contains($0) }
    }
}

/// `ja:detectable_format:number_highlighted_sections`: at least N non-blank `《…》` on one line.
struct HighlightedSections: Instruction {
    static let highlight = regex(#"《[^\n《》]*》"#)
    let minimum: Int
    init(_ kwargs: InstructionKwargs) throws { minimum = try kwargs.int("num_highlights") }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let n = Self.highlight.finditer(value.ns).filter { m in
            let inner = value.ns.substring(with: NSRange(location: m.start, length: m.end - m.start))
            return !Scalars(inner).stripping(["《", "》"]).stripped.isEmpty
        }.count
        return n >= minimum
    }
}

/// `ja:detectable_format:multiple_sections`: at least N headings `第<digits><spliter>`; the
/// spliter goes into the pattern unescaped, as in the reference.
struct MultipleSections: Instruction {
    let heading: PythonRegex, minimum: Int
    init(_ kwargs: InstructionKwargs) throws {
        let spliter = try kwargs.string("section_spliter").pythonStripped
        heading = try PythonRegex(#"\s?第[\d\uFF10-\uFF19]+"# + spliter + #"\s?"#)
        minimum = try kwargs.int("num_sections")
    }
    func isFollowed(_ value: CheckedText) throws -> Bool { heading.count(in: value) >= minimum }
}

/// `ja:detectable_format:json_format`: after stripping and removing one leading fence marker
/// (```json, ```Json, ```JSON, then ```) and one trailing ```, Python's `json.loads` accepts it.
struct JSONFormat: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        var v = value.scalars.stripped
        for p in ["```json", "```Json", "```JSON", "```"].map(Scalars.init) where v.hasPrefix(p) { v.removeFirst(p.count) }
        if v.hasSuffix(Scalars("```")) { v.removeLast(3) }
        return PythonJSON.loads(v.stripped)
    }
}

/// `ja:detectable_format:title`: some `『…』` (greedy, within a line) holds more than blanks.
struct Title: Instruction {
    static let title = regex(#"『[^\n]+』"#)
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        Self.title.finditer(value.ns).contains { m in
            let t = Scalars(value.ns.substring(with: NSRange(location: m.start, length: m.end - m.start)))
            return !t.stripping(["『"], trailing: false).stripping(["』"], leading: false).stripped.isEmpty
        }
    }
}

/// `ja:detectable_format:nominal_ending`: at least N sentence ends (a token whose surface is a
/// substring of `。！？`) right after a noun, quotations removed first.
struct NominalEnding: Instruction {
    static let ends = Scalars("。！？")
    let minimum: Int
    init(_ kwargs: InstructionKwargs) throws { minimum = try kwargs.int("count") }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let text = CheckedText(value.scalars.removingQuoted("「", "」").removingQuoted("『", "』").string)
        let tokens = try text.tokens()
        var n = 0
        for i in tokens.indices.dropFirst() where Self.ends.contains(Scalars(tokens[i].surface))
            && tokens[i - 1].partOfSpeech.unicodeScalars.starts(with: "名詞".unicodeScalars) {
            n += 1
        }
        return n >= minimum
    }
}

/// `ja:combination:two_responses`: two different non-blank answers around `******`.
struct TwoResponses: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let parts = value.scalars.split(literal: Scalars("******"))
        var valid: [Scalars] = []
        for (i, p) in parts.enumerated() {
            if p.stripped.isEmpty {
                if i != 0 && i != parts.count - 1 { return false }
            } else { valid.append(p) }
        }
        return valid.count == 2 && valid[0].stripped != valid[1].stripped
    }
}

/// `ja:combination:repeat_prompt`: the answer starts with the request.
struct RepeatPrompt: Instruction {
    let prompt: Scalars
    init(_ kwargs: InstructionKwargs) throws {
        let p = try kwargs.string("prompt_to_repeat")
        guard !p.isEmpty else { throw EvalError("empty: the reference raises", field: "\(kwargs.field).prompt_to_repeat") }
        prompt = Scalars(p).stripped
    }
    func isFollowed(_ value: CheckedText) throws -> Bool { value.scalars.stripped.hasPrefix(prompt) }
}

/// `ja:startend:end_checker`: the answer ends with the phrase, closing brackets `」』` aside.
struct EndPhrase: Instruction {
    static let brackets: Set<Unicode.Scalar> = ["」", "』"]
    let phrase: Scalars
    init(_ kwargs: InstructionKwargs) throws {
        phrase = Scalars(try kwargs.string("end_phrase")).stripped.stripped.stripping(Self.brackets)
    }
    func isFollowed(_ value: CheckedText) throws -> Bool { value.scalars.stripped.stripping(Self.brackets).hasSuffix(phrase) }
}

/// `ja:startend:sentence_unified_end`: every non-empty piece between `。！？` (quotations removed)
/// ends with the ending, so text after the last `。` (even a newline) fails.
struct SentenceUnifiedEnd: Instruction {
    let ending: Scalars
    init(_ kwargs: InstructionKwargs) throws { ending = Scalars(try kwargs.string("ending")) }
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let v = value.scalars.removingQuoted("「", "」").removingQuoted("『", "』")
        return v.split(omittingEmptySubsequences: true) { $0 == "。" || $0 == "！" || $0 == "？" }
            .allSatisfy { Array($0).hasSuffix(ending) }
    }
}

/// `ja:startend:quotation`: the stripped answer is wrapped in `「…」`.
struct Quotation: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        let v = value.scalars.stripped
        return v.count > 1 && v.first == "「" && v.last == "」"
    }
}
