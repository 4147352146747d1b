import EvalCore

/// How one metric's per-record values become the task's value. A record's `scores[metric]` names
/// its reducer itself: a number is reduced by `mean`; an object `{"reduce": name, …}` by the
/// reducer registered under that name, from the statistics it carries. So `aggregate` needs no
/// scoring code, and corpus metrics (BLEU) stream: each record carries its sufficient statistics
/// and the reducer keeps only their sums.
public protocol Reducer: AnyObject {
    /// The `reduce` value that selects it.
    static var name: String { get }
    init()
    /// One record's value; a malformed one throws an `EvalError` naming the field.
    func add(_ value: JSONObject) throws
    /// `count` records that have no value (`aggregate --missing-as-zero`), where the reducer can
    /// count them; one that cannot (a micro mean does not know their length) says so.
    func addMissing(_ count: Int) -> Bool
    /// The metric's value (`mean`), its standard error where the reference reports one, and the
    /// number of records reduced.
    var summary: MetricSummary { get }
}

/// The reducers by name: a new one is its own file plus one line here.
public enum Reducers {
    public static let all: [String: any Reducer.Type] = [
        MeanReducer.name: MeanReducer.self,
        MicroMeanReducer.name: MicroMeanReducer.self,
        MTBenchReducer.name: MTBenchReducer.self,
        CorpusBLEU.name: CorpusBLEU.self,
    ]

    /// The reducer a value asks for: `mean` for a number or bool, else its `reduce` name.
    static func type(of value: JSONValue, field: String) throws -> any Reducer.Type {
        if value.double != nil || value.bool != nil { return MeanReducer.self }
        guard let object = value.object else {
            throw EvalError("expected a number or a {\"reduce\": …} object, found \(value.kindName)", field: field)
        }
        guard let name = object["reduce"]?.string else {
            throw EvalError("missing or not a string", field: field + ".reduce")
        }
        guard let type = all[name] else {
            throw EvalError("unknown reducer '\(name)'", field: field + ".reduce",
                            hint: "known: " + all.keys.sorted().joined(separator: ", "))
        }
        return type
    }
}

/// Statistics a reducer reads from a record's value object: errors name `scores.<metric>.<key>`.
extension JSONObject {
    func statistic(_ key: String) throws -> Double {
        guard let v = self[key] else { throw EvalError("missing", field: key) }
        guard let x = v.double, x.isFinite else { throw EvalError("expected a finite number, found \(v.kindName)", field: key) }
        return x
    }

    func statistics(_ key: String, count: Int) throws -> [Double] {
        guard let a = self[key]?.array else { throw EvalError(self[key] == nil ? "missing" : "expected an array", field: key) }
        guard a.count == count else { throw EvalError("expected \(count) numbers, found \(a.count)", field: key) }
        return try a.indices.map { i in
            guard let x = a[i].double, x.isFinite else { throw EvalError("expected a finite number", field: "\(key)[\(i)]") }
            return x
        }
    }
}

/// lighteval's default: the mean of per-record values, with its standard error.
public final class MeanReducer: Reducer {
    public static let name = "mean"
    private var stats = RunningStats()
    public init() {}

    public func add(_ x: Double) { stats.add(x) }
    public func add(_ value: JSONObject) throws { stats.add(try value.statistic("value")) }
    public func addMissing(_ count: Int) -> Bool { stats.add(0, count: count); return true }
    public var summary: MetricSummary { MetricSummary(mean: stats.mean, stderr: stats.stderr, n: stats.n) }
}

/// A mean over the items of every record at once (lighteval's `agg_inst_level_acc`: the lists
/// flattened, then sum/len): `{"reduce": "micro_mean", "sum": S, "count": C}` per record gives
/// ΣS/ΣC. S and C are integers, so the value equals the reference's bit for bit.
public final class MicroMeanReducer: Reducer {
    public static let name = "micro_mean"
    private var sum = 0.0, count = 0.0, n = 0
    public init() {}

    public func add(_ value: JSONObject) throws {
        let s = try value.statistic("sum"), c = try value.statistic("count")
        guard c >= 0, s >= 0, s <= c else { throw EvalError("expected 0 ≤ sum ≤ count", field: "sum") }
        sum += s; count += c; n += 1
    }
    public func addMissing(_ count: Int) -> Bool { false }
    public var summary: MetricSummary { MetricSummary(mean: count == 0 ? 0 : sum / count, stderr: nil, n: n) }
}
