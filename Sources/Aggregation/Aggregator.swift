import EvalCore
import Foundation

/// Sums over scored records, per run (model and the profile's custom settings), task and subset.
/// Keeps only counters, so any number of records aggregates in constant memory.
public final class Aggregator {
    struct Key: Hashable, Comparable {
        var model: String, settings: String?, task: String
        static func < (a: Key, b: Key) -> Bool { (a.model, a.settings ?? "", a.task) < (b.model, b.settings ?? "", b.task) }
    }

    final class Group {
        var records = 0
        var status: [String: Int] = [:]
        var metrics: [String: any Reducer] = [:]
        var usage: [String: Int64] = [:]
        /// Σ call.latency_s, and how many records carried one.
        var latency = 0.0, timed = 0
        var subsets: [String: Group] = [:]
        /// How the task ran (the task's group only): the first record's `generation` and profile
        /// file, every `dataset` commit its rows were read at.
        var generation: JSONValue?, profile: String?
        var datasets: Set<String> = [], lastDataset: JSONValue?

        /// `scores` was checked by `Aggregator.add`: each value is one its reducer accepts.
        func add(_ r: JSONObject, scores: [(String, JSONValue, any Reducer.Type)]) throws {
            records += 1
            status[r["status"]?.string ?? "unknown", default: 0] += 1
            for (m, v, type) in scores {
                let reducer = metrics[m] ?? type.init()
                metrics[m] = reducer
                guard Swift.type(of: reducer) == type else {
                    throw EvalError("reduced by '\(type.name)' here but by '\(Swift.type(of: reducer).name)' in earlier records", field: "scores.\(m)")
                }
                do {
                    if let mean = reducer as? MeanReducer, let x = v.double ?? v.bool.map({ $0 ? 1 : 0 }) { mean.add(x) }
                    else { try reducer.add(v.object!) }
                } catch let e as EvalError { throw e.under("scores.\(m)") }
            }
            for (k, v) in r["call"]?["usage"]?.object ?? [:] { if case .int(let i) = v { usage[k, default: 0] &+= i } }
            if let s = r["call"]?["latency_s"]?.double, s.isFinite, s >= 0 { latency += s; timed += 1 }
        }

        var scored: Int { metrics.values.map(\.summary.n).max() ?? 0 }
    }

    public let catalog: TaskCatalog
    /// Count records without scores (api_error) as 0 for every metric, as the reference does.
    public let missingAsZero: Bool
    private var groups: [Key: Group] = [:]
    /// Ids seen per model and task: a repeated id (two writers of one file, a concatenated rerun)
    /// would count a sample twice and shrink the stderr.
    private var seen: [Key: Set<String>] = [:]
    /// Keep the first record of a repeated id and count the rest, instead of failing.
    public let dedupe: Bool
    public private(set) var duplicates = 0

    public init(catalog: TaskCatalog, missingAsZero: Bool = false, dedupe: Bool = false) {
        self.catalog = catalog
        self.missingAsZero = missingAsZero
        self.dedupe = dedupe
    }

    /// Every top-level field `add` reads: a reader may build only these (`RecordReader(keeping:)`).
    public static let fields: Set<String> = ["task", "id", "call", "model", "profile", "scores", "status", "generation", "dataset", "subset"]

    /// Counts one record; false when `dedupe` left it out as a repeated id.
    @discardableResult
    public func add(_ r: JSONObject) throws -> Bool {
        guard let task = r["task"]?.string else { throw EvalError(r["task"] == nil ? "missing" : "expected a string", field: "task") }
        let run = Run(record: r), model = run.model
        let key = Key(model: model, settings: run.settings, task: task)
        if let id = r["id"] {
            guard let id = id.string else { throw EvalError("expected a string, found \(id.kindName)", field: "id") }
            if !seen[key, default: []].insert(id).inserted {
                guard dedupe else {
                    throw EvalError("'\(id)' appears again for model \(model)", field: "id",
                                    hint: "each sample must be counted once: remove the repeated records, or pass --dedupe to keep the first")
                }
                duplicates += 1
                return false
            }
        }
        let scores = try Self.scores(of: r)
        let g = groups[key, default: Group()]
        groups[key] = g
        try g.add(r, scores: scores)
        if g.generation == nil { g.generation = r["generation"] }
        if g.profile == nil { g.profile = r["profile"]?["file"]?.string }
        // Records of a task share one or a few commits: only a change of `dataset` is looked at.
        if let d = r["dataset"], d != g.lastDataset, let repo = d["repo"]?.string, let commit = d["commit"]?.string {
            g.lastDataset = d
            g.datasets.insert("\(repo)@\(commit)")
        }
        if let sub = r["subset"]?.string {
            let s = g.subsets[sub, default: Group()]
            g.subsets[sub] = s
            try s.add(r, scores: scores)
        }
        return true
    }

    /// A record's metric values with their reducers; anything else is an error, never a record
    /// silently counted as unscored.
    private static func scores(of r: JSONObject) throws -> [(String, JSONValue, any Reducer.Type)] {
        guard let v = r["scores"] else { return [] }
        guard let scores = v.object else { throw EvalError("expected an object, found \(v.kindName)", field: "scores") }
        return try scores.keys.sorted().map { m in
            let value = scores[m]!
            if let x = value.double, !x.isFinite { throw EvalError("not a finite number", field: "scores.\(m)") }
            return (m, value, try Reducers.type(of: value, field: "scores.\(m)"))
        }
    }

    /// Finishes the aggregation (missing records are counted in here): call once, after the last `add`.
    public func report() -> Report {
        var rows: [TaskResult] = []
        for key in groups.keys.sorted() {
            let g = groups[key]!
            let task = try? catalog.resolve(key.task).task
            if task == nil { Log.line("aggregate: warning: no task file for '\(key.task)': no headline") }
            let metrics = summarize(g)
            // A headline metric without a value (MT-Bench with no rated question) stays named, valueless.
            let headline = task?.headline.map { Headline(name: $0.name, metric: $0.metric, value: metrics[$0.metric]?.mean) }
            rows.append(TaskResult(
                model: key.model, settings: key.settings, task: key.task, records: g.records, scored: g.scored,
                status: g.status, metrics: metrics, headline: headline,
                subsets: g.subsets.isEmpty ? nil : g.subsets.mapValues {
                    SubsetResult(records: $0.records, scored: $0.scored, metrics: summarize($0))
                },
                usage: g.usage.isEmpty ? nil : g.usage,
                latency: g.timed == 0 ? nil : Latency(seconds: g.latency, records: g.timed),
                generation: g.generation, profile: g.profile, datasets: g.datasets.isEmpty ? nil : g.datasets.sorted()))
        }
        return Report(results: rows)
    }

    private func summarize(_ g: Group) -> [String: MetricSummary] {
        g.metrics.compactMapValues { reducer in
            if missingAsZero, g.records > reducer.summary.n, !reducer.addMissing(g.records - reducer.summary.n) {
                Log.line("aggregate: warning: \(type(of: reducer).name) cannot count records without scores: --missing-as-zero leaves them out")
            }
            // A reducer left with nothing to reduce (MT-Bench when every question's judge failed,
            // where the reference raises) reports NaN over 0: the metric is missing, not a number.
            let s = reducer.summary
            return s.n == 0 && s.mean.isNaN ? nil : s
        }
    }
}

public struct MetricSummary: Codable, Equatable, Sendable {
    public var mean: Double
    public var stderr: Double?
    public var n: Int

    public init(mean: Double, stderr: Double?, n: Int) { self.mean = mean; self.stderr = stderr; self.n = n }
}

public struct Headline: Codable, Equatable, Sendable {
    public var name: String
    public var metric: String
    /// nil when the metric has no value (left out of the JSON).
    public var value: Double?
}

public struct SubsetResult: Codable, Sendable {
    public var records: Int
    public var scored: Int
    public var metrics: [String: MetricSummary]
}

/// The summed request time of a task's records (`call.latency_s`); requests overlap, so this is
/// work, not wall time.
public struct Latency: Codable, Sendable {
    public var seconds: Double
    public var records: Int
}

public struct TaskResult: Codable, Sendable {
    public var model: String
    /// The profile's custom settings the records were rendered with (`profile.custom_settings`).
    public var settings: String?
    public var task: String
    public var records: Int
    /// Records that carry scores; the rest (api_error) are missing coverage.
    public var scored: Int
    public var status: [String: Int]
    public var metrics: [String: MetricSummary]
    public var headline: Headline?
    public var subsets: [String: SubsetResult]?
    public var usage: [String: Int64]?
    public var latency: Latency?
    /// The first record's `generation` and `profile.file`; the Hub commits (`repo@commit`) its rows
    /// were read at.
    public var generation: JSONValue?
    public var profile: String?
    public var datasets: [String]?

    public var run: Run { Run(model: model, settings: settings) }
    public var coverage: Double { records == 0 ? 0 : Double(scored) / Double(records) }
}

/// A model with the custom settings it ran with: a row of the leaderboard.
public struct Run: Hashable, Comparable, Sendable {
    public var model: String
    public var settings: String?

    public init(model: String, settings: String? = nil) { self.model = model; self.settings = settings }
    /// A record's run: the model it was sent to, the custom settings it was rendered with.
    public init(record r: JSONObject) {
        self.init(model: r["call"]?["model"]?.string ?? r["model"]?.string ?? "-", settings: r["profile"]?["custom_settings"]?.string)
    }

    public var label: String { settings.map { "\(model) (\($0))" } ?? model }
    public static func < (a: Run, b: Run) -> Bool { (a.model, a.settings ?? "") < (b.model, b.settings ?? "") }
}

public struct Report: Codable, Sendable {
    public var results: [TaskResult]

    /// Every run in the results, sorted.
    public var runs: [Run] { Array(Set(results.map(\.run))).sorted() }
    public func results(of run: Run) -> [TaskResult] { results.filter { $0.run == run } }

    func checkFinite() throws {
        for r in results {
            let all = [(nil, r.metrics)] + (r.subsets ?? [:]).sorted { $0.key < $1.key }.map { ($0.key as String?, $0.value.metrics) }
            for (subset, metrics) in all {
                for (m, s) in metrics.sorted(by: { $0.key < $1.key }) where !s.mean.isFinite || !(s.stderr?.isFinite ?? true) {
                    throw EvalError("\(s.mean.isFinite ? "its stderr" : "its mean") is \(s.mean.isFinite ? s.stderr! : s.mean)",
                                    field: "\(r.task)\(subset.map { ":" + $0 } ?? "") \(m)",
                                    hint: "the values are too large to sum in a double")
                }
            }
        }
    }
}
