import Foundation

/// A model's profile, `conf/models/<publisher>/<model>.yaml`: named custom settings (`default`,
/// `reasoning`, `code`, …), each saying how to serve the model and how to ask it. Every key is
/// known: a typo is an error naming the file and the key.
public struct ModelProfile: Decodable, Sendable {
    /// Where it was loaded from (error messages, records).
    public var path: String = ""
    /// The Hub id the profile is for (`Qwen/Qwen3-8B`).
    public var model: String
    /// The model card the settings come from.
    public var card: String
    public var settings: [String: CustomSettings]

    enum CodingKeys: String, CodingKey, CaseIterable { case model, card, settings }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        card = try c.decode(String.self, forKey: .card)
        settings = try c.decode([String: CustomSettings].self, forKey: .settings)
    }

    /// One named custom setting.
    public struct CustomSettings: Decodable, Sendable, Equatable {
        public var systemMessage: String?
        public var temperature: Double?
        public var topP: Double?
        /// vLLM's `--max-model-len`.
        public var maxModelLength: Int?
        /// Sent as the request's `max_tokens`.
        public var maxNewTokens: Int?
        /// A parser name of `strip-reasoning` (`deepseek_r1_markup`, `vllm:qwen3`, …). A `vllm:`
        /// name is also vLLM's built-in `--reasoning-parser`; ours alone run only in strip-reasoning,
        /// as the reference does for models vLLM cannot parse.
        public var reasoningParser: String?
        /// A Jinja chat template for the server: a file beside `conf/chat_templates/`, by name
        /// (`base_passthrough`) or by path relative to the profile.
        public var chatTemplate: String?
        /// Extra `vllm serve` flags: `tensor_parallel_size: 2` → `--tensor-parallel-size 2`;
        /// `true` → the bare flag, `false` → left out.
        public var vllm: [String: String]?
        /// Stop strings (e.g. for base models).
        public var stop: [String]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case temperature, vllm, stop
            case systemMessage = "system_message", topP = "top_p", maxModelLength = "max_model_length"
            case maxNewTokens = "max_new_tokens", reasoningParser = "reasoning_parser", chatTemplate = "chat_template"
        }

        public init(from d: Decoder) throws {
            let c = try d.strictContainer(keyedBy: CodingKeys.self)
            systemMessage = try c.decodeIfPresent(String.self, forKey: .systemMessage)
            temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
            topP = try c.decodeIfPresent(Double.self, forKey: .topP)
            maxModelLength = try c.decodeIfPresent(Int.self, forKey: .maxModelLength)
            maxNewTokens = try c.decodeIfPresent(Int.self, forKey: .maxNewTokens)
            reasoningParser = try c.decodeIfPresent(String.self, forKey: .reasoningParser)
            chatTemplate = try c.decodeIfPresent(String.self, forKey: .chatTemplate)
            vllm = try c.decodeIfPresent([String: String].self, forKey: .vllm)
            stop = try c.decodeIfPresent([String].self, forKey: .stop)
        }

        /// Generation settings for a task whose own defaults are `task`. The manual's rule: the
        /// profile's sampling (temperature, top_p) applies only to tasks that decode greedily by
        /// default; tasks with their own sampling (MT-Bench, LiveCodeBench) keep it, and a flag
        /// is the way to ask otherwise.
        public func generation(for task: GenerationSpec) -> (spec: GenerationSpec, samplingApplied: Bool) {
            let greedy = (task.temperature ?? 0) == 0
            let mine = GenerationSpec(temperature: greedy ? temperature : nil, topP: greedy ? topP : nil,
                                      maxTokens: maxNewTokens, stop: stop)
            return (task.overridden(by: mine), greedy && (temperature != nil || topP != nil))
        }
    }

    /// The named setting, or an error listing the ones there are.
    public func settings(named name: String) throws -> CustomSettings {
        guard let s = settings[name] else {
            throw EvalError("no custom settings '\(name)'", file: path, field: "settings",
                            hint: "this profile has: " + settings.keys.sorted().joined(separator: ", "))
        }
        return s
    }

    /// The chat template file a setting names, or nil when it names none.
    public func chatTemplatePath(_ s: CustomSettings) throws -> String? {
        guard let t = s.chatTemplate else { return nil }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        // conf/models/<publisher>/<model>.yaml → conf/chat_templates/<name>.jinja
        let candidates = t.contains("/") || t.hasSuffix(".jinja")
            ? [dir.appendingPathComponent(t).standardizedFileURL.path]
            : [dir.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("chat_templates/\(t).jinja").standardizedFileURL.path]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw EvalError("chat template '\(t)' not found", file: path, field: "chat_template", hint: "looked for \(candidates[0])")
        }
        return found
    }

    public static func load(path: String) throws -> ModelProfile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw EvalError("cannot read model profile", file: path, hint: "profiles live in conf/models/<publisher>/<model>.yaml")
        }
        do {
            var p = try StrictYAML.decode(ModelProfile.self, from: text, file: path)
            p.path = path
            return p
        } catch {
            throw EvalError.decoding(error, file: path)
        }
    }
}
