import EvalCore
import Execution

/// One task's extractor and metrics, applied record by record. Code tasks run in two steps:
/// `prepare` extracts the programs, the engine runs each once, `finish` scores from the outcomes.
public struct Scorer: Sendable {
    public let extractor: any Extractor
    public let metrics: [any Metric]
    public let execution: CodeExecution?

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
        execution = scoring.execution.map(CodeExecution.init)
    }

    public init(task: TaskSpec) throws {
        try self.init(scoring: task.required(task.scoring, "scoring"), file: task.path)
    }

    /// A record between extraction and its metrics: `programs` (one per draw) still to run.
    public struct Pending: @unchecked Sendable {
        public var record: JSONObject
        var status: Status
        var target: JSONObject
        var responses: [JSONValue]
        var answers: [String]
        var extracted: [[any Answer]]
        public var programs: [Program]
    }

    /// Adds `responses[i].extracted`, `responses[i].scores`, `scores` and `status` to a record
    /// of a task that runs no code.
    public func score(_ record: inout JSONObject) throws {
        guard let pending = try prepare(record) else { return }
        guard pending.programs.isEmpty else {
            throw EvalError("a code task's programs run in score's stream", field: "task", hint: "use ScoreStream, or prepare and finish with an Engine")
        }
        record = try finish(pending, outcomes: nil)
    }

    /// Extraction, and the programs to run. nil for an `api_error` record, which is left as it
    /// is: it has no answer, and scoring it as an empty one would be a silent zero.
    public func prepare(_ record: JSONObject) throws -> Pending? {
        let status = try Self.status(of: record)
        if status == .apiError { return nil }
        guard let target = record["target"]?.object else {
            throw EvalError(record["target"] == nil ? "missing" : "expected an object", field: "target",
                            hint: "run render-prompts first")
        }
        guard let responses = record["responses"]?.array else {
            throw EvalError(record["responses"] == nil ? "missing" : "expected an array", field: "responses",
                            hint: "run call-model first")
        }
        guard !responses.isEmpty else { throw EvalError("no responses", field: "responses") }

        let answers = try responses.indices.map { try Self.answer(of: responses[$0], at: $0) }
        let objects = responses.map { $0.object! }
        let extracted = try responses.indices.map { try extractor.extract(response: objects[$0], answer: answers[$0], target: target) }
        var programs: [Program] = []
        if let execution {
            guard let row = record["row"]?.object else {
                throw EvalError("missing", field: "row", hint: "code tasks read their tests from the dataset row")
            }
            programs = try execution.programs(row: row, codes: extracted.map { $0.first?.description ?? "" })
        }
        return Pending(record: record, status: status, target: target, responses: responses, answers: answers,
                       extracted: extracted, programs: programs)
    }

    /// Metrics from the extraction and, for code tasks, each program's outcome. A draw whose
    /// harness failed has status `exec_error`, and then the record gets no scores: never a silent 0.
    public func finish(_ p: Pending, outcomes: [Outcome]?) throws -> JSONObject {
        var record = p.record, responses = p.responses
        let input = MetricInput(target: p.target, extractor: extractor, answers: p.answers, extracted: p.extracted,
                                responses: responses.map { $0.object! }, outcomes: outcomes)
        let failed = outcomes?.contains { $0.results == nil } ?? false
        let results = failed ? [] : try metrics.map { (type(of: $0).name, try $0.score(input)) }

        var found: [Status] = []
        for i in responses.indices {
            var r = responses[i].object!
            r["extracted"] = .array(p.extracted[i].map { .string($0.description) })
            let s = extractor.status(of: p.extracted[i])
            found.append(s)
            // A draw the judge could not rate says so itself (the reference counts it as -1).
            if s == .judgeFailed { r["status"] = .string(s.rawValue) }
            if !failed {
                r["scores"] = .object(Dictionary(uniqueKeysWithValues: results.map { ($0.0, $0.1.perResponse[i]) }))
            }
            if let o = outcomes?[i] {
                var e: JSONObject = ["passed": .bool(o.passed)]
                if let res = o.results { e["results"] = .array(res) } else { r["status"] = .string(Status.execError.rawValue) }
                if let note = o.note { e["note"] = .string(note) }
                r["execution"] = .object(e)
            }
            responses[i] = .object(r)
        }
        record["responses"] = .array(responses)
        if !failed {
            // A value the reference cannot compute for this record (pass@10 of 3 draws raises) is left out.
            var scores = Dictionary(uniqueKeysWithValues: results.compactMap {
                $0.1.record.double?.isNaN == true ? nil : ($0.0, $0.1.record)
            })
            for (_, r) in results { scores.merge(r.also) { first, _ in first } }
            record["scores"] = .object(scores)
        }
        record["status"] = .string(Status.worst([p.status] + found + [failed ? .execError : .ok]).rawValue)
        return record
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

    /// The scorer of a record's task (`record.task` names the task).
    public func scorer(for record: JSONObject) throws -> Scorer {
        guard let name = record["task"]?.string else {
            throw EvalError(record["task"] == nil ? "missing" : "expected a string", field: "task")
        }
        if scorers[name] == nil { scorers[name] = try Scorer(task: catalog.resolve(name).task) }
        return scorers[name]!
    }
}
