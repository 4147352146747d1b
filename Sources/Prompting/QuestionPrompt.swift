import EvalCore

/// Open-answer questions (MATH-500, AIME, JEMHopQA…): the template gets `Question` and every
/// row field by its name; the target is `{"golds": [...]}` from the gold field (a string, or a
/// list of them), for the task's extractor to read as it needs.
public struct QuestionPrompt: PromptBuilder {
    public static let name = "question"
    let question: String
    let gold: String

    public init(spec: PromptSpec) throws {
        var f = spec.builderFields
        question = try f.require("question")
        gold = try f.require("gold")
        try f.finish()
    }

    public func build(row: JSONObject, seed: Int) throws -> BuiltPrompt {
        guard let q = row[question], !q.isNull else { throw EvalError("missing", field: "row.\(question)") }
        let golds: [JSONValue]
        switch row[gold] {
        case .array(let list)?: golds = list.map { .string($0.text) }
        case let v? where !v.isNull: golds = [.string(v.text)]
        default: throw EvalError("missing", field: "row.\(gold)")
        }
        var values: [String: String] = [:]
        for (k, v) in row { values[k] = v.text }
        values["Question"] = q.text
        return BuiltPrompt(values: values, target: ["golds": .array(golds)])
    }
}
