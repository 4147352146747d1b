import Aggregation
import EvalCore
import Testing

/// Metric values name their reducer; aggregate refuses what it cannot count honestly.
@Suite struct ReducerTests {
    func report(_ lines: [String], dedupe: Bool = false, missingAsZero: Bool = false) throws -> (Report, Aggregator) {
        let agg = Aggregator(catalog: TaskCatalog(directory: "/nonexistent"), missingAsZero: missingAsZero, dedupe: dedupe)
        for l in lines { try agg.add(JSON.decode(Array(l.utf8)).object!) }
        return (agg.report(), agg)
    }

    @Test func microMeanSumsItemsAcrossRecords() throws {
        let (r, _) = try report([
            #"{"task":"t","id":"1","scores":{"inst":{"reduce":"micro_mean","sum":2,"count":3},"prompt":0}}"#,
            #"{"task":"t","id":"2","scores":{"inst":{"reduce":"micro_mean","sum":1,"count":1},"prompt":1}}"#,
        ])
        let m = try #require(r.results.first?.metrics)
        #expect(m["inst"] == MetricSummary(mean: 3.0 / 4.0, stderr: nil, n: 2))
        #expect(m["prompt"]?.mean == 0.5)  // a mean of records, not of items
    }

    @Test func repeatedIdIsAnErrorUnlessDeduped() throws {
        let rec = #"{"task":"t","id":"a","scores":{"m":1}}"#
        #expect { try report([rec, rec]) } throws: { ($0 as? EvalError)?.field == "id" }
        let (r, agg) = try report([rec, rec, #"{"task":"t","id":"b","scores":{"m":0}}"#], dedupe: true)
        #expect(agg.duplicates == 1)
        #expect(r.results.first?.metrics["m"] == MetricSummary(mean: 0.5, stderr: 0.5, n: 2))
    }

    @Test(arguments: [
        (#"{"task":"t","scores":[1]}"#, "scores"),
        (#"{"task":"t","scores":{"m":"1"}}"#, "scores.m"),
        (#"{"task":"t","scores":{"m":{"sum":1}}}"#, "scores.m.reduce"),
        (#"{"task":"t","scores":{"m":{"reduce":"nope"}}}"#, "scores.m.reduce"),
        (#"{"task":"t","scores":{"m":{"reduce":"micro_mean","sum":1}}}"#, "scores.m.count"),
        (#"{"task":"t","scores":{"m":{"reduce":"micro_mean","sum":3,"count":2}}}"#, "scores.m.sum"),
    ])
    func malformedScoresNameTheirField(line: String, field: String) throws {
        #expect { try report([line]) } throws: { ($0 as? EvalError)?.field == field }
    }

    @Test func aReducerCannotChangeBetweenRecords() throws {
        #expect {
            try report([#"{"task":"t","scores":{"m":1}}"#, #"{"task":"t","scores":{"m":{"reduce":"micro_mean","sum":1,"count":1}}}"#])
        } throws: { ($0 as? EvalError)?.field == "scores.m" }
    }

    @Test func anOverflowingMeanIsAnErrorNotAnEmptyDocument() throws {
        let (r, _) = try report([#"{"task":"t","scores":{"m":1e308}}"#, #"{"task":"t","scores":{"m":1e308}}"#])
        #expect { try ReportFormat.json.render(r) } throws: { ($0 as? EvalError)?.field == "t m" }
    }

    @Test func missingAsZeroCountsMeansButNotMicroMeans() throws {
        let (r, _) = try report([
            #"{"task":"t","id":"1","scores":{"m":1,"i":{"reduce":"micro_mean","sum":1,"count":1}}}"#,
            #"{"task":"t","id":"2","status":"api_error"}"#,
        ], missingAsZero: true)
        #expect(r.results.first?.metrics["m"]?.mean == 0.5)
        #expect(r.results.first?.metrics["i"]?.mean == 1.0)
    }
}
