import EvalCore

/// MT-Bench's judge score (`JudgeLLMMTBenchSwallow.compute`): per question, the mean rating of
/// each turn over the draws, with -1 for a judgement without a rating (the reference averages
/// those in), and the mean of the two turns. The record carries them under the overall keys and
/// again under its category's (`judge_score_writing_avg`, …), each reduced by `mt_bench` (the
/// corpus mean without questions at exactly -1, divided by 10). Each draw's `scores` keep its two
/// ratings.
public struct MTBenchJudgeScore: Metric {
    public static let name = "judge_score_overall_avg"
    public static let keys = (["overall"] + MTBench.categories).flatMap { key in
        ["judge_score_\(key)_turn_1_avg", "judge_score_\(key)_turn_2_avg", "judge_score_\(key)_avg"]
    }
    public init() {}

    public func score(_ input: MetricInput) throws -> MetricScore {
        guard let category = input.target["category"]?.string else {
            throw EvalError("expected a string", field: "target.category", hint: "render the prompts with a multi_turn task")
        }
        let ratings = try input.extracted.indices.map { i -> [JudgeRating] in
            let r = input.extracted[i].compactMap { $0 as? JudgeRating }
            guard r.count == 2, input.extracted[i].count == 2 else {
                throw EvalError("expected the ratings of two turns", field: "responses[\(i)].extracted", hint: "use the judge_rating extractor")
            }
            return r
        }
        // numpy's mean of a handful of values: their sum in order, over the count.
        func mean(_ turn: Int) -> Double {
            ratings.reduce(0.0) { $0 + ($1[turn].score.double ?? -1) } / Double(ratings.count)
        }
        let t1 = mean(0), t2 = mean(1), avg = (t1 + t2) / 2
        func value(_ x: Double) -> JSONValue { ["reduce": .string(MTBench.reducer), "value": .double(x)] }
        var also: [String: JSONValue] = [:]
        for key in ["overall", category] {
            also["judge_score_\(key)_turn_1_avg"] = value(t1)
            also["judge_score_\(key)_turn_2_avg"] = value(t2)
            also["judge_score_\(key)_avg"] = value(avg)
        }
        let perDraw = ratings.map { r -> JSONValue in ["turn_1": r[0].score, "turn_2": r[1].score] }
        return MetricScore(perResponse: perDraw, record: value(avg), also: also)
    }
}

/// The Japanese MT-Bench's share of Japanese characters (`japanese_character_ratio_metric`): for
/// each draw, the two turns' answers joined without a separator, rendered as Python-Markdown
/// renders them and reduced to their text (BeautifulSoup's `get_text`); the corpus value is the
/// Japanese characters over all characters of every draw of every question (`micro_mean`).
public struct JapaneseCharacterRatio: Metric {
    public static let name = "japanese_ratio_overall"
    public static let keys = [name] + MTBench.categories.map { "japanese_ratio_\($0)" }
    public init() {}

    public func score(_ input: MetricInput) throws -> MetricScore {
        guard let category = input.target["category"]?.string else {
            throw EvalError("expected a string", field: "target.category", hint: "render the prompts with a multi_turn task")
        }
        var ja = 0, total = 0
        let perDraw = try input.responses.indices.map { i -> JSONValue in
            guard let turns = input.responses[i]["turns"]?.array else { throw EvalError("missing", field: "responses[\(i)].turns") }
            let text = try turns.indices.map { t -> String in
                switch turns[t]["answer"] ?? turns[t]["content"] {
                case .string(let s)?: return s
                case nil, .null?: return ""
                case let v?: throw EvalError("expected a string, found \(v.kindName)", field: "responses[\(i)].turns[\(t)].answer")
                }
            }.joined()
            let plain = MarkdownText.plainText(text).unicodeScalars
            let n = plain.count, j = plain.reduce(0) { $0 + (Self.isJapanese($1) ? 1 : 0) }
            ja += j; total += n
            return Self.value(j, n)
        }
        let record = Self.value(ja, total)
        return MetricScore(perResponse: perDraw, record: record, also: ["japanese_ratio_\(category)": record])
    }

    static func value(_ ja: Int, _ total: Int) -> JSONValue {
        ["reduce": "micro_mean", "sum": JSONValue(ja), "count": JSONValue(total)]
    }

    /// The reference's `is_japanese_char`: hiragana, katakana, CJK unified ideographs, full-width
    /// forms, CJK punctuation and the middle dot.
    static func isJapanese(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x3041...0x309F, 0x30A1...0x30FF, 0x4E00...0x9FFF, 0xFF01...0xFF5E, 0x3000...0x3036, 0x30FB: return true
        default: return false
        }
    }
}

public enum MTBench {
    /// The Aggregation reducer of the judge scores.
    public static let reducer = "mt_bench"
    /// The datasets' eight categories, each with keys of its own.
    public static let categories = ["coding", "extraction", "humanities", "math", "reasoning", "roleplay", "stem", "writing"]
}
