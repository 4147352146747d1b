/// Which registered extractor and metrics score the task (names are checked by `score`).
public struct ScoringSpec: Decodable, Sendable {
    public var extractor: String
    /// Extraction language (`en`, `ja`): anchors and separators differ.
    public var language: String?
    public var metrics: [String]
    /// Code tasks: how each extracted program is run (its verdicts feed the pass@k metrics).
    public var execution: ExecutionSpec?

    enum CodingKeys: String, CodingKey, CaseIterable { case extractor, language, metrics, execution }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        extractor = try c.decode(String.self, forKey: .extractor)
        language = try c.decodeIfPresent(String.self, forKey: .language)
        metrics = try c.decode([String].self, forKey: .metrics)
        execution = try c.decodeIfPresent(ExecutionSpec.self, forKey: .execution)
    }
}

/// How a code task's programs are graded: `check` (HumanEval: the row's `test` defines
/// `check(candidate)`, called on `entry_point`) or `livecodebench` (the row's public and private
/// test cases, stdin or call-based as `metadata.func_name` says), with the per-test alarm.
public struct ExecutionSpec: Decodable, Sendable {
    public enum Mode: String, Decodable, Sendable { case check, livecodebench }
    public var mode: Mode
    public var timeout: Int

    enum CodingKeys: String, CodingKey, CaseIterable { case mode, timeout }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        mode = try c.decode(Mode.self, forKey: .mode)
        timeout = try c.decode(Int.self, forKey: .timeout)
    }
}
