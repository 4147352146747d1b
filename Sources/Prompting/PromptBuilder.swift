import EvalCore

/// What a builder makes of one dataset row: the template's values and the metric's target.
public struct BuiltPrompt {
    public var values: [String: String]
    public var target: JSONObject
    /// Later user turns (multi-turn tasks).
    public var followups: [String]? = nil
    /// A temperature that overrides the task, the profile and the flags (MT-Bench's per category).
    public var temperature: Double? = nil
    /// How call-model runs the turns (a record's `conversation`).
    public var conversation: JSONObject? = nil
    /// Set when the builder picks another template than the task's for this row.
    public var template: Template? = nil
}

/// Turns a row into template values and a target. One type per kind of benchmark, registered by
/// name in `PromptBuilders.all`; the task file's `prompt.kind` picks it.
public protocol PromptBuilder: Sendable {
    /// The task files' `prompt.kind`.
    static var name: String { get }
    /// Reads its own keys of `prompt:` (`spec.builderFields`), rejecting any it does not use.
    init(spec: PromptSpec) throws
    /// Base seed of the per-record draws (`prompt.shuffle_seed`), for builders that draw.
    var shuffleSeed: Int? { get }
    /// `seed` drives any random draw for this record (choice positions).
    func build(row: JSONObject, seed: Int) throws -> BuiltPrompt
}

extension PromptBuilder {
    public var shuffleSeed: Int? { nil }
}

/// The builders by name: a new one is its own file plus one line here.
public enum PromptBuilders {
    public static let all: [String: any PromptBuilder.Type] = [
        MultipleChoicePrompt.name: MultipleChoicePrompt.self,
        QuestionPrompt.name: QuestionPrompt.self,
        HellaSwagPrompt.name: HellaSwagPrompt.self,
        MultiTurnPrompt.name: MultiTurnPrompt.self,
        InstructionPrompt.name: InstructionPrompt.self,
        TranslationPrompt.name: TranslationPrompt.self,
        CodePrompt.name: CodePrompt.self,
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
    public let defaultSeed: Int

    public init(task: TaskSpec) throws {
        let spec = try task.required(task.prompt, "prompt")
        do {
            builder = try PromptBuilders.make(spec)
            template = try Template(spec.template)
        } catch var e as EvalError {
            e.file = task.path
            throw e
        }
        // lighteval seeds its global generator with 1234; we default to the same number.
        defaultSeed = builder.shuffleSeed ?? 1234
    }

    /// The user message and target for a row. Each record draws from its own generator seeded
    /// with `seed + index`, so a record's prompt does not depend on which other records ran.
    public func render(row: JSONObject, index: Int, seedOverride: Int?) throws -> (text: String, target: JSONObject) {
        let (text, built) = try renderBuilt(row: row, index: index, seedOverride: seedOverride)
        return (text, built.target)
    }

    /// The user message and everything the builder made of the row.
    public func renderBuilt(row: JSONObject, index: Int, seedOverride: Int?) throws -> (text: String, built: BuiltPrompt) {
        let built = try builder.build(row: row, seed: seedOverride ?? Self.seed(defaultSeed, plus: index))
        return (try (built.template ?? template).render(built.values), built)
    }

    /// `seed + index`, or an error naming `index` when the sum leaves 64 bits (an index of 2^63-1).
    public static func seed(_ seed: Int, plus index: Int) throws -> Int {
        let (s, overflow) = seed.addingReportingOverflow(index)
        if overflow { throw EvalError("\(index) + the shuffle seed \(seed) does not fit 64 bits", field: "index") }
        return s
    }
}
