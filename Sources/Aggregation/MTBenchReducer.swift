import EvalCore

/// MT-Bench's corpus value (`mt_bench_corpus_level_fn`): the mean of the per-question values
/// `{"reduce": "mt_bench", "value": v}` leaving out those exactly -1 (every judgement of the
/// question failed), divided by 10. `n` counts the questions kept; with none kept (the reference
/// raises) the value is missing, never a 0.
public final class MTBenchReducer: Reducer {
    public static let name = "mt_bench"
    private var sum = 0.0, kept = 0
    public init() {}

    public func add(_ value: JSONObject) throws {
        let v = try value.statistic("value")
        if v == -1 { return }
        sum += v; kept += 1
    }
    public func addMissing(_ count: Int) -> Bool { false }
    public var summary: MetricSummary {
        MetricSummary(mean: kept == 0 ? .nan : sum / Double(kept) / 10, stderr: nil, n: kept)
    }
}
