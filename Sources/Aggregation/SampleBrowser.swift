import EvalCore
import Foundation

/// The records the report's sample browser shows. Per run and task it keeps the first `limit`
/// records of each kind (right, partial, wrong, unrated, truncated, error) in input order, and
/// cuts every text to `maxChars` characters, so the page stays bounded however many records
/// stream through, and every filter has examples to show.
public final class SampleBrowser {
    /// A record's grade by its headline metric: full, partial or no credit, or a value that is
    /// not a fraction (a corpus statistic, no scores).
    public enum Grade: String, Sendable { case right, partial, wrong, unrated }

    public struct Sample: Sendable {
        public var id: String
        public var subset: String?
        public var status: String
        public var grade: Grade
        /// The headline metric's value for this record, as text.
        public var score: String?
        public var messages: [(role: String, content: String)]
        public var reasoning: String?
        public var answer: String?
        public var extracted: [String]
        public var gold: String?
        public var draws: Int
        public var error: String?

        /// Statuses whose record could not be scored honestly.
        static let errorStatuses: Set<String> = [Status.apiError.rawValue, Status.execError.rawValue, Status.judgeFailed.rawValue]
        public var isError: Bool { Self.errorStatuses.contains(status) }
        public var isTruncated: Bool { status.hasPrefix("truncated_") }
        /// The bucket `limit` applies to.
        var bucket: String { isError ? "error" : isTruncated ? "truncated" : grade.rawValue }
    }

    struct Slot: Hashable { var run: Run, task: String }

    public let limit: Int, maxChars: Int
    let catalog: TaskCatalog
    private var metricOf: [String: String?] = [:]
    private(set) var kept: [Slot: [Sample]] = [:]
    private var buckets: [Slot: [String: Int]] = [:]
    /// Records seen per run and task, kept or not.
    private(set) var seen: [Slot: Int] = [:]

    public init(catalog: TaskCatalog, limit: Int = 20, maxChars: Int = 4000) {
        self.catalog = catalog
        self.limit = limit
        self.maxChars = maxChars
    }

    /// One record that `Aggregator.add` accepted.
    public func add(_ r: JSONObject) {
        guard let task = r["task"]?.string else { return }
        let slot = Slot(run: Run(record: r), task: task)
        seen[slot, default: 0] += 1
        let status = r["status"]?.string ?? "unknown"
        let metric = headlineMetric(task, r["scores"]?.object)
        let value = metric.flatMap { r["scores"]?[$0] }
        var s = Sample(id: r["id"]?.text ?? "-", subset: r["subset"]?.string, status: status, grade: Self.grade(value),
                       score: value.map(Self.describe), messages: [], reasoning: nil, answer: nil, extracted: [], gold: nil,
                       draws: r["responses"]?.array?.count ?? 0, error: r["call"]?["error"]?.string.map(cut))
        guard buckets[slot, default: [:]][s.bucket, default: 0] < limit else { return }
        buckets[slot, default: [:]][s.bucket, default: 0] += 1
        s.messages = (r["messages"]?.array ?? []).map { ($0["role"]?.text ?? "?", cut($0["content"]?.text ?? "")) }
        if let first = r["responses"]?.array?.first {
            s.reasoning = (first["reasoning"] ?? first["reasoning_content"])?.string.map(cut)
            s.answer = (first["answer"] ?? first["content"])?.string.map(cut)
            s.extracted = (first["extracted"]?.array ?? []).map { cut($0.text) }
        }
        if let target = r["target"] {
            s.gold = cut(target["golds"]?.array.map { $0.map(\.text).joined(separator: " | ") } ?? target.text)
        }
        kept[slot, default: []].append(s)
    }

    /// The task file's headline metric, or the record's first metric when there is no task file.
    private func headlineMetric(_ task: String, _ scores: JSONObject?) -> String? {
        if metricOf[task] == nil { metricOf[task] = .some((try? catalog.resolve(task).task.headline?.metric) ?? nil) }
        return metricOf[task]! ?? scores?.keys.sorted().first
    }

    static func grade(_ v: JSONValue?) -> Grade {
        var x: Double?
        switch v {
        case .bool(let b)?: x = b ? 1 : 0
        case .object(let o)? where o["reduce"]?.string == MicroMeanReducer.name:
            if let s = o["sum"]?.double, let c = o["count"]?.double, c > 0 { x = s / c }
        default: x = v?.double
        }
        guard let x, x.isFinite else { return .unrated }
        return x >= 1 ? .right : x <= 0 ? .wrong : .partial
    }

    static func describe(_ v: JSONValue) -> String {
        if let o = v.object, o["reduce"]?.string == MicroMeanReducer.name, let s = o["sum"], let c = o["count"] { return "\(s.text)/\(c.text)" }
        return v.text
    }

    func cut(_ s: String) -> String {
        guard s.count > maxChars else { return s }
        return String(s.prefix(maxChars)) + "\n… [\(s.count - maxChars) more characters]"
    }
}
