/// `ja:letters:furigana`: every run of kanji is followed by its reading in `（hiragana）`.
struct Furigana: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        // `[\u4e00-\u9faf]+` counts maximal runs; `[\u4e00-\u9faf]+（[ぁ-ん]+）` can only match a
        // whole run (a shorter one is followed by a kanji), so it counts the runs with a reading.
        let s = value.scalars
        var runs = 0, withReading = 0, i = 0
        while i < s.count {
            guard s[i].isIFEvalKanji else { i += 1; continue }
            while i < s.count && s[i].isIFEvalKanji { i += 1 }
            runs += 1
            if i < s.count && s[i] == "（" {
                var j = i + 1
                while j < s.count && ("ぁ"..."ん").contains(s[j]) { j += 1 }
                if j > i + 1 && j < s.count && s[j] == "）" { withReading += 1; i = j + 1 }
            }
        }
        return runs == withReading
    }
}

/// `ja:letters:kansuuji`: no decimal digit of any script (`\d`).
struct Kansuuji: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool { !value.scalars.contains { $0.properties.numericType == .decimal } }
}

/// `ja:letters:no_katakana`: nothing in ァ…ヺ or ｦ…ﾟ (`ー` and `・` are allowed).
struct NoKatakana: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        !value.scalars.contains { ("ァ"..."ヺ").contains($0) || ("ｦ"..."ﾟ").contains($0) }
    }
}

/// `ja:letters:katakana_only`: every letter is in ァ…ン, `ー`, `・` or ｦ…ﾟ (so `ヴ`, `ヵ`, `ヶ` fail).
struct KatakanaOnly: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        value.scalars.allSatisfy { ("ァ"..."ン").contains($0) || $0 == "ー" || $0 == "・" || ("ｦ"..."ﾟ").contains($0) || !$0.isLetter }
    }
}

/// `ja:letters:no_hiragana`: nothing in ぁ…ゖ.
struct NoHiragana: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool { !value.scalars.contains { ("ぁ"..."ゖ").contains($0) } }
}

/// `ja:letters:hiragana_only`: every letter is in ぁ…ん or is `ー`.
struct HiraganaOnly: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool {
        value.scalars.allSatisfy { ("ぁ"..."ん").contains($0) || $0 == "ー" || !$0.isLetter }
    }
}

/// `ja:letters:kanji`: the number of kanji (`[\u4e00-\u9faf]`).
struct KanjiLimit: Instruction {
    let limit: Int, relation: Relation
    init(_ kwargs: InstructionKwargs) throws {
        limit = try kwargs.int("kanji_limit")
        relation = try kwargs.relation("relation")
    }
    func isFollowed(_ value: CheckedText) throws -> Bool { relation.holds(value.scalars.filter(\.isIFEvalKanji).count, limit) }
}

/// `ja:punctuation:no_comma`: no `、`.
struct NoComma: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool { !value.scalars.contains("、") }
}

/// `ja:punctuation:no_period`: no `。`.
struct NoPeriod: Instruction {
    init(_ kwargs: InstructionKwargs) throws {}
    func isFollowed(_ value: CheckedText) throws -> Bool { !value.scalars.contains("。") }
}
