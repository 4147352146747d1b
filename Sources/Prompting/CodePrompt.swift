import EvalCore

/// Code generation (HumanEval, JHumanEval, LiveCodeBench): the template gets every row field by
/// its name; the target carries `entry_point` when the row has one (the extractor looks for
/// `def <entry_point>`). The tests stay in the row, where `score` reads them. A row whose
/// `when_empty_field` is missing, null or empty gets `when_empty_template` instead (LiveCodeBench:
/// problems without starter code get another sentence and a placeholder).
public struct CodePrompt: PromptBuilder {
    public static let name = "code"
    let whenEmpty: (field: String, template: Template)?

    public init(spec: PromptSpec) throws {
        var f = spec.builderFields
        let field = try f.string("when_empty_field"), template = try f.string("when_empty_template")
        switch (field, template) {
        case let (field?, template?): whenEmpty = (field, try Template(template))
        case (nil, nil): whenEmpty = nil
        case (nil, _?): throw EvalError("code needs this key with when_empty_template", field: "prompt.when_empty_field")
        case (_?, nil): throw EvalError("code needs this key with when_empty_field", field: "prompt.when_empty_template")
        }
        try f.finish()
    }

    public func build(row: JSONObject, seed: Int) throws -> BuiltPrompt {
        var values: [String: String] = [:]
        for (k, v) in row { values[k] = v.text }
        var target: JSONObject = [:]
        if let e = row["entry_point"] {
            guard let s = e.string else { throw EvalError("expected a string, found \(e.kindName)", field: "row.entry_point") }
            target["entry_point"] = .string(s)
        }
        var built = BuiltPrompt(values: values, target: target)
        if let (field, t) = whenEmpty, (row[field]?.text ?? "").isEmpty { built.template = t }
        return built
    }
}
