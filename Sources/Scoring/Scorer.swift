import EvalCore

/// One task's extractor and metrics, applied record by record.
public struct Scorer: Sendable {
    public let extractor: any Extractor
    public let metrics: [any Metric]

    /// Resolves the names in `scoring`; an unknown one is an error naming `file` and the field.
    public init(scoring: ScoringSpec, file: String? = nil) throws {
        func fail(_ field: String, _ what: String, known: [String]) -> EvalError {
            EvalError(what, file: file, field: "scoring.\(field)", hint: "known: " + known.sorted().joined(separator: ", "))
        }
        guard let extractorType = Extractors.all[scoring.extractor] else {
            throw fail("extractor", "unknown extractor '\(scoring.extractor)'", known: Array(Extractors.all.keys))
        }
        let language = scoring.language ?? Scoring.defaultLanguage
        guard extractorType.languages.contains(language) else {
            throw fail("language", "unknown language '\(language)' for extractor '\(scoring.extractor)'",
                       known: extractorType.languages)
        }
        guard !scoring.metrics.isEmpty else {
            throw fail("metrics", "no metric", known: Array(Metrics.all.keys))
        }
        metrics = try scoring.metrics.map { name in
            guard let m = Metrics.all[name] else {
                throw fail("metrics", "unknown metric '\(name)'", known: Array(Metrics.all.keys))
            }
            return m.init()
        }
        extractor = extractorType.init(language: language)
    }

    public init(task: TaskSpec) throws {
        try self.init(scoring: task.required(task.scoring, "scoring"), file: task.path)
    }

    /// Adds `responses[i].extracted`, `responses[i].scores`, `scores` and `status` to a record.
    /// An `api_error` record is left as it is: it has no answer, and scoring it as an empty one
    /// would be a silent zero.
    public func score(_ record: inout JSONObject) throws {
        let status = try Self.status(of: record)
        if status == .apiError { return }
        guard let target = record["target"]?.object else {
            throw EvalError(record["target"] == nil ? "missing" : "expected an object", field: "target",
                            hint: "run render-prompts first")
        }
        guard var responses = record["responses"]?.array else {
            throw EvalError(record["responses"] == nil ? "missing" : "expected an array", field: "responses",
                            hint: "run call-model first")
        }
        guard !responses.isEmpty else { throw EvalError("no responses", field: "responses") }

        let answers = try responses.indices.map { try Self.answer(of: responses[$0], at: $0) }
        let objects = responses.map { $0.object! }
        let extracted = try responses.indices.map { try extractor.extract(response: objects[$0], answer: answers[$0], target: target) }
        let input = MetricInput(target: target, extractor: extractor, answers: answers, extracted: extracted, responses: objects)
        let results = try metrics.map { (type(of: $0).name, try $0.score(input)) }

        var found: [Status] = []
        for i in responses.indices {
            var r = responses[i].object!
            r["extracted"] = .array(extracted[i].map { .string($0.description) })
            let s = extractor.status(of: extracted[i])
            found.append(s)
            // A draw the judge could not rate says so itself (the reference counts it as -1).
            if s == .judgeFailed { r["status"] = .string(s.rawValue) }
            r["scores"] = .object(Dictionary(uniqueKeysWithValues: results.map { ($0.0, $0.1.perResponse[i]) }))
            responses[i] = .object(r)
        }
        record["responses"] = .array(responses)
        var scores = Dictionary(uniqueKeysWithValues: results.map { ($0.0, $0.1.record) })
        for (_, r) in results { scores.merge(r.also) { first, _ in first } }
        record["scores"] = .object(scores)
        record["status"] = .string(Status.worst([status] + found).rawValue)
    }

    private static func status(of record: JSONObject) throws -> Status {
        guard let v = record["status"] else { return .ok }
        guard let s = v.string, let status = Status(rawValue: s) else {
            throw EvalError("unknown status \(JSON.encodeString(v))", field: "status",
                            hint: "known: " + Status.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return status
    }

    /// The text that gets scored: `answer` (strip-reasoning's), else `content` (straight from
    /// call-model). A null one (the server sent no text) is the empty string.
    private static func answer(of response: JSONValue, at i: Int) throws -> String {
        guard let r = response.object else {
            throw EvalError("expected an object, found \(response.kindName)", field: "responses[\(i)]")
        }
        let key = r["answer"] != nil ? "answer" : "content"
        switch r[key] {
        case .string(let s)?: return s
        case .null?: return ""
        case nil: throw EvalError("missing", field: "responses[\(i)].content", hint: "a response needs `answer` or `content`")
        case let v?: throw EvalError("expected a string, found \(v.kindName)", field: "responses[\(i)].\(key)")
        }
    }
}

/// The scorers of every task a stream mentions, each built once from its task file.
public final class TaskScorers {
    private let catalog: TaskCatalog
    private var scorers: [String: Scorer] = [:]

    public init(catalog: TaskCatalog) { self.catalog = catalog }

    /// Scores a record with its task's scorer (`record.task` names the task).
    public func score(_ record: inout JSONObject) throws {
        guard let name = record["task"]?.string else {
            throw EvalError(record["task"] == nil ? "missing" : "expected a string", field: "task")
        }
        if scorers[name] == nil { scorers[name] = try Scorer(task: catalog.resolve(name).task) }
        try scorers[name]!.score(&record)
    }
}
