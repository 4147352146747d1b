import EvalCore

/// Multi-turn chat benchmarks (MT-Bench): the row's first user turn is `{Question}`, the later
/// ones become `followups`; the category picks the temperature, which overrides every other
/// setting as the reference's does. The target keeps what the judge needs: the category, the
/// questions and the reference answers.
public struct MultiTurnPrompt: PromptBuilder {
    public static let name = "multi_turn"
    let turns: String
    let category: String
    let references: String?
    let temperatures: [String: Double]
    let conversation: JSONObject

    public static let contexts = ["first_draw", "own_draw"]

    public init(spec: PromptSpec) throws {
        var f = spec.builderFields
        let t = try f.require("turns")
        let c = try f.require("category")
        let refs = try f.string("references")
        let temps = try f.numbers("category_temperature")
        let maxChars = try f.int("max_answer_chars")
        let context = try f.string("turn_context") ?? "first_draw"
        try f.finish()
        guard Self.contexts.contains(context) else {
            throw EvalError("unknown turn context '\(context)'", field: "prompt.turn_context", hint: "known: " + Self.contexts.joined(separator: ", "))
        }
        if let m = maxChars, m < 1 { throw EvalError("must be at least 1", field: "prompt.max_answer_chars") }
        turns = t
        category = c
        references = refs
        temperatures = temps ?? [:]
        var conv: JSONObject = ["context": .string(context)]
        conv["max_chars"] = maxChars.map { .int(Int64($0)) }
        conversation = conv
    }

    public func build(row: JSONObject, seed: Int) throws -> BuiltPrompt {
        guard let list = row[turns]?.array, !list.isEmpty, case let texts = list.compactMap(\.string), texts.count == list.count else {
            throw EvalError("expected a non-empty list of strings", field: "row.\(turns)")
        }
        guard let cat = row[category]?.string else { throw EvalError("expected a string", field: "row.\(category)") }
        var target: JSONObject = ["category": .string(cat), "questions": .array(texts.map(JSONValue.string))]
        if let references {
            // The reference reads `reference[0]["turns"]` for every question, with or without a judge reference.
            guard let refs = row[references]?.array?.first?["turns"]?.array, case let r = refs.compactMap(\.string), r.count == refs.count else {
                throw EvalError("expected [{\"turns\": [strings]}]", field: "row.\(references)")
            }
            target["references"] = .array(r.map(JSONValue.string))
        }
        var values: [String: String] = [:]
        for (k, v) in row { values[k] = v.text }
        values["Question"] = texts[0]
        return BuiltPrompt(values: values, target: target, followups: Array(texts.dropFirst()),
                           temperature: temperatures[cat] ?? 0, conversation: conversation)
    }
}
