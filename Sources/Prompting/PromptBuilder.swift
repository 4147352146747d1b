import EvalCore

/// What a builder makes of one dataset row: the template's values and the metric's target.
public struct BuiltPrompt {
    public var values: [String: String]
    public var target: JSONObject
}

/// Turns a row into template values and a target. One type per kind of benchmark, registered by
/// name in `PromptBuilders.all`; the task file's `prompt.kind` picks it.
public protocol PromptBuilder: Sendable {
    init(spec: PromptSpec) throws
    /// `seed` drives any random draw for this record (choice positions).
    func build(row: JSONObject, seed: Int) throws -> BuiltPrompt
}

public enum PromptBuilders {
    public static let all: [String: any PromptBuilder.Type] = [
        "multiple_choice": MultipleChoicePrompt.self,
        "question": QuestionPrompt.self,
        "hellaswag": HellaSwagPrompt.self,
        "code": CodePrompt.self,
    ]

    public static func make(_ spec: PromptSpec) throws -> any PromptBuilder {
        guard let t = all[spec.kind] else {
            throw EvalError("unknown prompt kind '\(spec.kind)'", field: "prompt.kind",
                            hint: "known: " + all.keys.sorted().joined(separator: ", "))
        }
        return try t.init(spec: spec)
    }
}

/// A compiled task prompt: builder plus template, checked once when the task is loaded.
public struct TaskPrompt: Sendable {
    public let builder: any PromptBuilder
    public let template: Template
    /// `prompt.when_empty`: (row field, the template used when it is empty).
    public let whenEmpty: (field: String, template: Template)?
    public let defaultSeed: Int

    public init(task: TaskSpec) throws {
        let spec = try task.required(task.prompt, "prompt")
        do {
            builder = try PromptBuilders.make(spec)
            template = try Template(spec.template)
            whenEmpty = try spec.whenEmpty.map { ($0.field, try Template($0.template)) }
        } catch var e as EvalError {
            e.file = task.path
            throw e
        }
        // lighteval seeds its global generator with 1234; we default to the same number.
        defaultSeed = spec.shuffleSeed ?? 1234
    }

    /// The user message and target for a row. Each record draws from its own generator seeded
    /// with `seed + index`, so a record's prompt does not depend on which other records ran.
    public func render(row: JSONObject, index: Int, seedOverride: Int?) throws -> (text: String, target: JSONObject) {
        let built = try builder.build(row: row, seed: seedOverride ?? (defaultSeed + index))
        var chosen = template
        if let (field, t) = whenEmpty, (row[field]?.text ?? "").isEmpty { chosen = t }
        return (try chosen.render(built.values), built.target)
    }
}
