import EvalCore
import Foundation

/// `aggregate --compare A B`: per task, run B's headline minus run A's over the sample ids both
/// scored, with a paired bootstrap interval: `resamples` times, draw as many ids as are shared,
/// with replacement, and take the difference of the two means on that draw; the interval is the
/// 2.5th and 97.5th percentiles of those differences (linear interpolation, numpy's default).
/// Draws come from CPython's `random.Random(seed)` (`randrange(n)`), fresh per task, with the ids
/// in sorted order, so a run is reproducible and a few lines of Python give the same numbers.
/// A micro mean (`{"reduce": "micro_mean"}`) is resampled by record, as Σsum/Σcount of the draw.
/// A side is any name: `A` and `B` for `--compare`, each run's label in the html report.
/// Memory: one (sum, count) per scored record and side, not the records.
public final class Comparison {
    public let catalog: TaskCatalog
    public let resamples: Int, seed: Int
    private var metricOf: [String: String?] = [:]
    /// Per task and side: id → (sum, count) of the headline metric; nil for a record without scores.
    private var values: [String: [String: [String: (Double, Double)?]]] = [:]
    private var metrics: [String: String] = [:]
    private var runs: [String: Run] = [:]
    /// Tasks whose headline is a corpus statistic.
    private var skipped: Set<String> = []

    public init(catalog: TaskCatalog, resamples: Int = 10_000, seed: Int = 0) {
        self.catalog = catalog
        self.resamples = resamples
        self.seed = seed
    }

    public func add(_ r: JSONObject, side: String) throws {
        guard let task = r["task"]?.string else { throw EvalError(r["task"] == nil ? "missing" : "expected a string", field: "task") }
        guard let id = r["id"]?.string else { throw EvalError(r["id"] == nil ? "missing" : "expected a string", field: "id", hint: "records are paired by id") }
        let run = Run(record: r)
        if let other = runs[side], other != run {
            throw EvalError("run \(side) holds records of \(other.label) and of \(run.label)", field: "call.model", hint: "compare one run with another")
        }
        runs[side] = run
        if values[task] == nil { values[task] = [:] }
        if values[task]![side] == nil { values[task]![side] = [:] }
        guard values[task]![side]![id] == nil else {
            throw EvalError("'\(id)' appears again in run \(side)", field: "id", hint: "each side must hold one run's records once")
        }
        var value: (Double, Double)?
        if let scores = r["scores"] {
            guard let s = scores.object else { throw EvalError("expected an object, found \(scores.kindName)", field: "scores") }
            if metricOf[task] == nil { metricOf[task] = .some((try? catalog.resolve(task).task.headline?.metric) ?? nil) }
            guard let metric = metricOf[task]! ?? metrics[task] ?? s.keys.sorted().first else { return }
            metrics[task] = metric
            guard let v = s[metric] else { throw EvalError("missing: the headline metric is compared", field: "scores.\(metric)") }
            guard let x = try Self.statistic(v, field: "scores.\(metric)") else { skipped.insert(task); return }
            value = x
        }
        values[task]![side]![id] = .some(value)  // in place: a copy per record would be quadratic
    }

    /// (sum, count) of one record: a number or bool counts once, a micro mean with its own counts;
    /// nil for a corpus statistic (BLEU), which cannot be resampled by record.
    static func statistic(_ v: JSONValue, field: String) throws -> (Double, Double)? {
        if let b = v.bool { return (b ? 1 : 0, 1) }
        if let x = v.double {
            guard x.isFinite else { throw EvalError("not a finite number", field: field) }
            return (x, 1)
        }
        guard let o = v.object else { throw EvalError("expected a number or a {\"reduce\": …} object, found \(v.kindName)", field: field) }
        guard o["reduce"]?.string == MicroMeanReducer.name else { return nil }
        do { return (try o.statistic("sum"), try o.statistic("count")) } catch let e as EvalError { throw e.under(field) }
    }

    public struct TaskDifference: Codable, Sendable, Equatable {
        public var task: String
        public var metric: String
        /// Ids both runs scored; the bootstrap draws from these.
        public var n: Int
        /// Ids only one side has, or has without scores (api_error).
        public var unpairedA: Int, unpairedB: Int
        public var meanA: Double, meanB: Double
        /// meanB − meanA over the shared ids.
        public var difference: Double
        public var low: Double, high: Double
        /// The interval excludes 0.
        public var significant: Bool

        enum CodingKeys: String, CodingKey {
            case task, metric, n, difference, low = "ci_low", high = "ci_high", significant
            case unpairedA = "unpaired_a", unpairedB = "unpaired_b", meanA = "mean_a", meanB = "mean_b"
        }
    }

    public struct Result: Codable, Sendable {
        /// The runs compared: their labels.
        public var a: String?, b: String?
        public var resamples: Int, seed: Int
        public var confidence = 0.95
        public var tasks: [TaskDifference]
        /// Tasks left out: their headline is not a mean of records.
        public var notResampled: [String]

        enum CodingKeys: String, CodingKey { case a, b, resamples, seed, confidence, tasks, notResampled = "not_resampled" }
    }

    /// `b` minus `a` per task both have scored ids of.
    public func result(_ sideA: String = "A", _ sideB: String = "B") -> Result {
        var tasks: [TaskDifference] = []
        for task in values.keys.sorted() {
            guard !skipped.contains(task), let metric = metrics[task], let va = values[task]![sideA], let vb = values[task]![sideB] else { continue }
            let shared = va.compactMap { id, v in v != nil && (vb[id] ?? nil) != nil ? id : nil }.sorted()
            let a = shared.map { va[$0]!! }, b = shared.map { vb[$0]!! }
            guard !shared.isEmpty else { continue }
            let (lo, hi) = Self.interval(a, b, resamples: resamples, seed: seed)
            let ma = Self.ratio(a), mb = Self.ratio(b)
            tasks.append(TaskDifference(task: task, metric: metric, n: shared.count,
                                        unpairedA: va.count - shared.count, unpairedB: vb.count - shared.count,
                                        meanA: ma, meanB: mb, difference: mb - ma, low: lo, high: hi, significant: lo > 0 || hi < 0))
        }
        return Result(a: runs[sideA]?.label, b: runs[sideB]?.label, resamples: resamples, seed: seed, tasks: tasks,
                      notResampled: skipped.sorted())
    }

    /// Σsum/Σcount, summed in order as Python's `sum` does.
    static func ratio(_ x: [(Double, Double)]) -> Double {
        var s = 0.0, c = 0.0
        for (xs, xc) in x { s += xs; c += xc }
        return c == 0 ? 0 : s / c
    }

    /// The paired bootstrap's 95 % interval of ratio(b) − ratio(a).
    static func interval(_ a: [(Double, Double)], _ b: [(Double, Double)], resamples: Int, seed: Int) -> (Double, Double) {
        var rng = PyRandom(seed: seed)
        let n = a.count
        var diffs = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sa = 0.0, ca = 0.0, sb = 0.0, cb = 0.0
            for _ in 0..<n {
                let i = rng.randbelow(n)
                sa += a[i].0; ca += a[i].1; sb += b[i].0; cb += b[i].1
            }
            diffs[r] = (cb == 0 ? 0 : sb / cb) - (ca == 0 ? 0 : sa / ca)
        }
        diffs.sort()
        return (percentile(diffs, 0.025), percentile(diffs, 0.975))
    }

    /// Linear interpolation between the closest ranks of sorted `x` (numpy's default method).
    static func percentile(_ x: [Double], _ q: Double) -> Double {
        guard x.count > 1 else { return x.first ?? 0 }
        let h = q * Double(x.count - 1), i = Int(h.rounded(.down))
        guard i + 1 < x.count else { return x[x.count - 1] }
        return x[i] + (h - Double(i)) * (x[i + 1] - x[i])
    }

    public static func markdown(_ r: Result) -> String {
        var out = "A: \(r.a ?? "-")  \nB: \(r.b ?? "-")  \n"
        out += "B − A over the ids both scored; paired bootstrap 95 % interval (\(r.resamples) resamples, seed \(r.seed)); * when it excludes 0.\n\n"
        out += "| task | metric | n | A | B | B − A | 95 % interval | |\n|---|---|---:|---:|---:|---:|---|---|\n"
        for t in r.tasks {
            out += "| \(t.task) | \(t.metric) | \(t.n) | \(f(t.meanA)) | \(f(t.meanB)) | \(t.difference >= 0 ? "+" : "")\(f(t.difference)) | "
            out += "[\(f(t.low)), \(f(t.high))] | \(t.significant ? "*" : "") |\n"
        }
        if !r.notResampled.isEmpty { out += "\nNot compared (a corpus statistic, not a mean of records): \(r.notResampled.joined(separator: ", "))\n" }
        return out
    }

    private static func f(_ x: Double) -> String { String(format: "%.4f", x) }
}
