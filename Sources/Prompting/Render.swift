import EvalCore
import Foundation

/// render-prompts' work on one record: chat messages, target and generation settings from the
/// record's task file.
public final class PromptRenderer {
    public let catalog: TaskCatalog
    public let systemPrompt: String?
    /// Flags win over the task's defaults.
    public let generationOverride: GenerationSpec
    public let seedOverride: Int?
    /// Multi-turn records continue each draw from its own first answer instead of draw 0's (a
    /// deliberate deviation from the reference).
    public let ownTurnContext: Bool
    /// A model profile's custom settings: between the task's defaults and the flags.
    public let profile: (profile: ModelProfile, name: String, settings: ModelProfile.CustomSettings)?
    private var prompts: [String: TaskPrompt] = [:]

    public init(catalog: TaskCatalog, systemPrompt: String?, generation: GenerationSpec, seed: Int?,
                profile: ModelProfile? = nil, customSettings: String = "default", ownTurnContext: Bool = false) throws {
        self.catalog = catalog
        self.systemPrompt = systemPrompt
        generationOverride = generation
        seedOverride = seed
        self.ownTurnContext = ownTurnContext
        self.profile = try profile.map { ($0, customSettings, try $0.settings(named: customSettings)) }
    }

    public func render(_ record: inout JSONObject) throws {
        guard let taskName = record["task"]?.string else { throw EvalError("missing", field: "task") }
        guard let row = record["row"]?.object else { throw EvalError("expected the dataset row object", field: "row") }
        let task = try catalog.resolve(taskName).task
        let prompt = try compiled(task)
        let index = record["index"]?.int ?? 0
        let seed = try record["shuffle_seed"]?.int ?? seedOverride.map { try TaskPrompt.seed($0, plus: index) }
        let (text, built) = try prompt.renderBuilt(row: row, index: index, seedOverride: seed)
        var messages: [JSONValue] = []
        let system = systemPrompt ?? profile?.settings.systemMessage
        // The reference sends the system prompt as given (`S + ""`) and the query unstripped.
        if let s = system { messages.append(["role": "system", "content": .string(s)]) }
        messages.append(["role": "user", "content": .string(text)])
        record["messages"] = .array(messages)
        record["target"] = .object(built.target)
        if let f = built.followups, !f.isEmpty { record["followups"] = .array(f.map(JSONValue.string)) }
        if var conv = built.conversation {
            if ownTurnContext { conv["context"] = "own_draw" }
            record["conversation"] = .object(conv)
        }
        var gen = task.generation ?? GenerationSpec()
        if let (p, name, settings) = profile {
            let (withProfile, samplingApplied) = settings.generation(for: gen)
            gen = withProfile
            if record["reasoning_parser"] == nil, let parser = settings.reasoningParser {
                record["reasoning_parser"] = .string(parser)
            }
            record["profile"] = Self.record(p, name, settings, samplingApplied: samplingApplied)
        }
        gen = gen.overridden(by: generationOverride)
        // MT-Bench's category temperature overwrites the user's, as the reference's does.
        if let t = built.temperature { gen.temperature = t }
        record["generation"] = .object(gen.json)
    }

    /// What the results keep of a profile: which one, and the values it supplied to this record.
    private static func record(_ p: ModelProfile, _ name: String, _ s: ModelProfile.CustomSettings,
                               samplingApplied: Bool) -> JSONValue {
        var applied: JSONObject = [:]
        applied["system_message"] = s.systemMessage.map { .string($0) }
        applied["max_new_tokens"] = s.maxNewTokens.map { .int(Int64($0)) }
        applied["reasoning_parser"] = s.reasoningParser.map { .string($0) }
        applied["stop"] = s.stop.map { .array($0.map { .string($0) }) }
        if samplingApplied {
            applied["temperature"] = s.temperature.map { .double($0) }
            applied["top_p"] = s.topP.map { .double($0) }
        }
        return .object(["file": .string(p.path), "model": .string(p.model), "custom_settings": .string(name),
                        "card": .string(p.card), "applied": .object(applied),
                        "sampling": .string(samplingApplied ? "applied" : (s.temperature ?? s.topP) == nil ? "none" : "skipped: the task samples by default")])
    }

    private func compiled(_ task: TaskSpec) throws -> TaskPrompt {
        if let p = prompts[task.name] { return p }
        let p = try TaskPrompt(task: task)
        prompts[task.name] = p
        return p
    }
}
