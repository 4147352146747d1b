import EvalCore

/// Corpus BLEU of the WMT20 tasks (sacreBLEU 2.5.1, `BLEU(trg_lang=…)`: 13a, exp smoothing, order 4).
/// A record's value is its segment's sufficient statistics, `{"reduce": "bleu", …}`; aggregate
/// sums them over the corpus and finishes the score (Aggregation's CorpusBLEU). Japanese targets
/// are segmented first and re-joined with single spaces, as the reference's preparators do.
///
/// `bleu`: Janome segmentation for Japanese (`scoring.language: ja`), none for English.
public struct BLEU: Metric {
    public static let name = "bleu"
    public init() {}

    public func score(_ input: MetricInput) throws -> MetricScore {
        switch try TranslationMetric.language(of: input, metric: Self.name) {
        case "ja": return try TranslationMetric.score(input, segment: JapaneseSegmentation.janome)
        default: return try TranslationMetric.score(input, segment: { $0 })
        }
    }
}

/// `bleu_lmevalja`: nagisa segmentation (llm-jp-eval's choice, hence the name); Japanese only.
public struct BLEULMEvalJa: Metric {
    public static let name = "bleu_lmevalja"
    public init() {}

    public func score(_ input: MetricInput) throws -> MetricScore {
        guard try TranslationMetric.language(of: input, metric: Self.name) == "ja" else {
            throw EvalError("\(Self.name) segments Japanese text", field: "scoring.language", hint: "use bleu for English targets")
        }
        return try TranslationMetric.score(input, segment: JapaneseSegmentation.nagisa)
    }
}

enum TranslationMetric {
    static func language(of input: MetricInput, metric: String) throws -> String {
        guard let t = input.extractor as? TranslationExtractor else {
            throw EvalError("\(metric) needs the translation extractor", field: "scoring.extractor", hint: "extractor: translation")
        }
        return t.language
    }

    /// Each response's statistics against the reference; the record's are those of the first
    /// translation any response gave, `""` when none did (the reference's preparator collects
    /// the extractions of all responses, falls back to `""`, and BLEU keeps the first).
    /// `segment` gets the record's texts in one call (the reference first), so that a segmenter
    /// can batch them.
    static func score(_ input: MetricInput, segment: ([String]) throws -> [String]) throws -> MetricScore {
        guard let golds = input.target["golds"]?.array, golds.count == 1, let gold = golds[0].string else {
            throw EvalError("expected one reference string", field: "target.golds", hint: "render the record with a translation task")
        }
        let translations = input.extracted.map { $0.first?.description ?? "" }
        let chosen = input.extracted.lazy.compactMap(\.first).first?.description ?? ""
        let own = chosen != translations[0]
        let segmented = try segment([gold] + translations + (own ? [chosen] : []))
        func stats(_ hypothesis: String) -> JSONValue { BLEUStatistics(hypothesis: hypothesis, reference: segmented[0]).json }
        let perResponse = segmented[1...translations.count].map(stats)
        return MetricScore(perResponse: perResponse, record: own ? stats(segmented.last!) : perResponse[0])
    }
}
