import EvalCore

/// Instruction-following prompts (M-IFEval-Ja): the template gets the prompt field as `prompt` (and
/// every row field by its name); the target carries the row's `instruction_id_list` and `kwargs`
/// (one object per instruction) for the checkers.
public struct InstructionPrompt: PromptBuilder {
    public static let name = "instruction_following"
    let prompt: String

    public init(spec: PromptSpec) throws {
        var f = spec.builderFields
        prompt = try f.require("question")
        try f.finish()
    }

    public func build(row: JSONObject, seed: Int) throws -> BuiltPrompt {
        guard let q = row[prompt]?.string else {
            throw EvalError(row[prompt] == nil ? "missing" : "expected a string", field: "row.\(prompt)")
        }
        guard let ids = row["instruction_id_list"]?.array else { throw EvalError("missing or not a list", field: "row.instruction_id_list") }
        guard let kwargs = row["kwargs"]?.array, kwargs.count == ids.count, kwargs.allSatisfy({ $0.object != nil }) else {
            throw EvalError("expected a list of \(ids.count) objects, one per instruction", field: "row.kwargs")
        }
        var values: [String: String] = [:]
        for (k, v) in row { values[k] = v.text }
        values[prompt] = q
        return BuiltPrompt(values: values, target: ["instruction_id_list": .array(ids), "kwargs": .array(kwargs)])
    }
}
