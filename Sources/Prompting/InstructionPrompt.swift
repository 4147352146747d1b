import EvalCore

/// Instruction-following prompts (M-IFEval-Ja): the template gets the prompt field as `prompt` (and
/// every row field by its name); the target carries the row's `instruction_id_list` and `kwargs`
/// (one object per instruction) for the checkers.
public struct InstructionPrompt: PromptBuilder {
    let prompt: String

    public init(spec: PromptSpec) throws {
        guard let q = spec.question else { throw EvalError("instruction_following needs a question field (the prompt)", field: "prompt.question") }
        for (key, v) in [("choices", spec.choices as Any?), ("choice_fields", spec.choiceFields), ("gold", spec.gold),
                         ("correct", spec.correct), ("incorrect", spec.incorrect), ("shuffle_seed", spec.shuffleSeed)] where v != nil {
            throw EvalError("not used by kind instruction_following", field: "prompt.\(key)")
        }
        prompt = q
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
