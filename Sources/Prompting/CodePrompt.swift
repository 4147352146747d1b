import EvalCore

/// Code generation (HumanEval, JHumanEval, LiveCodeBench): the template gets every row field by
/// its name; the target carries `entry_point` when the row has one (the extractor looks for
/// `def <entry_point>`). The tests stay in the row, where `score` reads them.
public struct CodePrompt: PromptBuilder {
    public init(spec: PromptSpec) throws {
        for (key, v) in [("question", spec.question as Any?), ("choices", spec.choices), ("choice_fields", spec.choiceFields),
                         ("gold", spec.gold), ("correct", spec.correct), ("incorrect", spec.incorrect),
                         ("shuffle_seed", spec.shuffleSeed)] where v != nil {
            throw EvalError("not used by kind code", field: "prompt.\(key)")
        }
    }

    public func build(row: JSONObject, seed: Int) throws -> BuiltPrompt {
        var values: [String: String] = [:]
        for (k, v) in row { values[k] = v.text }
        var target: JSONObject = [:]
        if let e = row["entry_point"] {
            guard let s = e.string else { throw EvalError("expected a string, found \(e.kindName)", field: "row.entry_point") }
            target["entry_point"] = .string(s)
        }
        return BuiltPrompt(values: values, target: target)
    }
}
