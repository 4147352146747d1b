/// How an LLM judge rates a task's answers (MT-Bench): its prompt templates, verbatim from the
/// reference, and its generation settings. `render-prompts --judge` turns answered records into
/// one judge request per draw and turn; `call-model` sends them to the judge's endpoint; `score`
/// merges the judgements back into their question's record.
public struct JudgeSpec: Decodable, Sendable {
    public var source: String
    public var generation: GenerationSpec
    /// Categories judged against the reference answer (the `*_reference` templates).
    public var referenceCategories: [String]
    /// `single` and `single_reference` rate turn 1 (`{question}`, `{answer}`, `{gold}`);
    /// `multi_turn` and `multi_turn_reference` rate turn 2 (`{question_1}`, `{answer_1}`,
    /// `{ref_answer_1}`, and the same with `_2`).
    public var templates: [String: JudgeTemplate]

    public static let templateNames = ["single", "single_reference", "multi_turn", "multi_turn_reference"]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case source, generation, templates
        case referenceCategories = "reference_categories"
    }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        source = try c.decode(String.self, forKey: .source)
        generation = try c.decode(GenerationSpec.self, forKey: .generation)
        referenceCategories = try c.decodeIfPresent([String].self, forKey: .referenceCategories) ?? []
        templates = try c.decode([String: JudgeTemplate].self, forKey: .templates)
        for name in Self.templateNames where templates[name] == nil {
            throw EvalError("missing", field: "judge.templates.\(name)")
        }
        if let bad = templates.keys.sorted().first(where: { !Self.templateNames.contains($0) }) {
            throw EvalError("unknown template", field: "judge.templates.\(bad)", hint: "known: " + Self.templateNames.joined(separator: ", "))
        }
    }
}

/// One judge prompt: a system message and a user message, Python `str.format` templates.
public struct JudgeTemplate: Decodable, Sendable {
    public var system: String
    public var user: String

    enum CodingKeys: String, CodingKey, CaseIterable { case system, user }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        system = try c.decode(String.self, forKey: .system)
        user = try c.decode(String.self, forKey: .user)
    }
}

/// The shape of a judge request record, shared by the stage that writes it and the one that merges
/// the judgements back. A question's record becomes one judge record per draw and turn:
/// `id` `<question id>/judge/<turn>/<draw>`, the judge's `messages` and `generation`, and `judge`:
/// `{of, turn, draw, draws, turns}` plus, in each draw's turn-1 record, `response` (that draw of
/// the answered record) and, in the first one, `answered` (the answered record's own keys that
/// the judge records replace).
public enum JudgeRecord {
    /// Keys of the answered record that a judge record does not carry at its top level.
    public static let replacedKeys = ["id", "messages", "generation", "followups", "conversation", "responses",
                                      "call", "status", "profile", "reasoning_parser"]

    public static func id(of question: String, turn: Int, draw: Int) -> String { "\(question)/judge/\(turn)/\(draw)" }
}
