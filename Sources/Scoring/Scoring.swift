import EvalCore
import Execution

/// A value an extractor found in a text. `description` is what `score` writes to
/// `responses[i].extracted` (the reference's `str()` of it).
public protocol Answer: Sendable, CustomStringConvertible {
    /// One (gold, prediction) comparison of the reference's `compare_gold_target`, `self` being the gold.
    func matches(_ prediction: any Answer) -> Bool
}

/// Pulls answers out of a response (and out of gold strings) for one task.
public protocol Extractor: Sendable {
    /// The name task files use (`scoring.extractor`).
    static var name: String { get }
    /// Values of `scoring.language` it has patterns for.
    static var languages: [String] { get }
    init(language: String)
    /// What the reference's extraction returns for `text`, in its order; empty when nothing matched.
    /// `target` is the record's `target` (per-record facts such as the number of choices).
    func extract(_ text: String, target: JSONObject) throws -> [any Answer]
    /// What the reference's extraction returns for one of `target.golds`: tasks whose golds are
    /// read with other patterns than responses (the math tasks) implement it; others use `extract`.
    func extractGold(_ gold: String, target: JSONObject) throws -> [any Answer]
    /// What it finds in one response: by default in its scored text (`answer`); an extractor that
    /// reads other parts of the response (a judge's ratings of each turn) implements it.
    func extract(response: JSONObject, answer: String, target: JSONObject) throws -> [any Answer]
    /// The draw's status from what was extracted: by default `no_answer_extracted` when nothing was.
    func status(of extracted: [any Answer]) -> Status
}

extension Extractor {
    public func extractGold(_ gold: String, target: JSONObject) throws -> [any Answer] {
        try extract(gold, target: target)
    }

    public func extract(response: JSONObject, answer: String, target: JSONObject) throws -> [any Answer] {
        try extract(answer, target: target)
    }

    public func status(of extracted: [any Answer]) -> Status { extracted.isEmpty ? .noAnswerExtracted : .ok }
}

/// A per-sample metric.
public protocol Metric: Sendable {
    /// The name task files use (`scoring.metrics`) and the key in `scores`.
    static var name: String { get }
    /// Every `scores` key it writes (its name, and those of `MetricScore.also`), for task files
    /// that report one of them.
    static var keys: [String] { get }
    init()
    func score(_ input: MetricInput) throws -> MetricScore
}

extension Metric {
    public static var keys: [String] { [name] }
}

/// What a metric sees of one record.
public struct MetricInput {
    public var target: JSONObject
    public var extractor: any Extractor
    /// The scored text of each response.
    public var answers: [String]
    /// The extractor's result for each response.
    public var extracted: [[any Answer]]
    /// The responses themselves, for metrics that read more than the scored text (each turn of a
    /// multi-turn draw).
    public var responses: [JSONObject] = []
    /// Code tasks: each response's program, run once.
    public var outcomes: [Outcome]? = nil
}

/// A metric's values. A number is aggregated by its mean; a corpus or micro-averaged metric
/// returns an object `{"reduce": <reducer>, …statistics…}` naming the Aggregation reducer that
/// sums them (docs/design.md, "Metric values and aggregation").
public struct MetricScore: Sendable {
    /// One value per response.
    public var perResponse: [JSONValue]
    /// The record's value: the responses combined as the reference's metric combines them.
    public var record: JSONValue
    /// Further record values under keys of their own (MT-Bench's per-turn and per-category keys).
    public var also: [String: JSONValue] = [:]

    public init(perResponse: [JSONValue], record: JSONValue, also: [String: JSONValue] = [:]) {
        self.perResponse = perResponse; self.record = record; self.also = also
    }

    public init(perResponse: [Double], record: Double) {
        self.init(perResponse: perResponse.map(JSONValue.double), record: .double(record))
    }
}

/// The registries: a new extractor or metric is one file plus one line here.
public enum Extractors {
    public static let all: [String: any Extractor.Type] = [
        LetterExtractor.name: LetterExtractor.self,
        MathLatexGoldExtractor.name: MathLatexGoldExtractor.self,
        MathExprGoldExtractor.name: MathExprGoldExtractor.self,
        MathBoxedGoldExtractor.name: MathBoxedGoldExtractor.self,
        JapaneseOpenQAExtractor.name: JapaneseOpenQAExtractor.self,
        JudgeRatingExtractor.name: JudgeRatingExtractor.self,
        WholeResponseExtractor.name: WholeResponseExtractor.self,
        TranslationExtractor.name: TranslationExtractor.self,
        CodeBlockExtractor.name: CodeBlockExtractor.self,
        CodeBlockOrResponseExtractor.name: CodeBlockOrResponseExtractor.self,
    ]
}

public enum Metrics {
    public static let all: [String: any Metric.Type] = [
        ExtractiveMatch.name: ExtractiveMatch.self,
        OpenQAExactMatch.name: OpenQAExactMatch.self,
        OpenQAQuasiExactMatch.name: OpenQAQuasiExactMatch.self,
        CharF1.name: CharF1.self,
        CharF1Quasi.name: CharF1Quasi.self,
        LLMJPEvalF1.name: LLMJPEvalF1.self,
        LLMJPEvalF1Quasi.name: LLMJPEvalF1Quasi.self,
        MTBenchJudgeScore.name: MTBenchJudgeScore.self,
        JapaneseCharacterRatio.name: JapaneseCharacterRatio.self,
        PromptLevelStrictAccuracy.name: PromptLevelStrictAccuracy.self,
        InstructionLevelStrictAccuracy.name: InstructionLevelStrictAccuracy.self,
        PromptLevelLooseAccuracy.name: PromptLevelLooseAccuracy.self,
        InstructionLevelLooseAccuracy.name: InstructionLevelLooseAccuracy.self,
        BLEU.name: BLEU.self,
        BLEULMEvalJa.name: BLEULMEvalJa.self,
        HumanEvalPassAt1.name: HumanEvalPassAt1.self,
        HumanEvalPassAt10.name: HumanEvalPassAt10.self,
        CodegenPassAt1.name: CodegenPassAt1.self,
        CodegenPassAt10.name: CodegenPassAt10.self,
    ]
}

public enum Scoring {
    /// `scoring.language` when a task file leaves it out.
    public static let defaultLanguage = "en"

    /// Checks a task's `scoring` names against the registries; errors name the task file and field.
    public static func validate(task: TaskSpec) throws {
        _ = try Scorer(task: task)
    }
}
