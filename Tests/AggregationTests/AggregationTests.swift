@testable import Aggregation
import EvalCore
import Foundation
import XCTest

final class RunningStatsTests: XCTestCase {
    func testMeanAndLightevalStderr() {
        var s = RunningStats()
        for x in [1.0, 0, 1, 1] { s.add(x) }
        XCTAssertEqual(s.mean, 0.75)
        // numpy: np.std([1,0,1,1], ddof=1) / sqrt(4) = 0.25
        XCTAssertEqual(s.stderr!, 0.25, accuracy: 1e-12)
        var one = RunningStats()
        one.add(1)
        XCTAssertNil(one.stderr)
    }

    /// The reference divides a sum by n: 0/1 scores must give exactly k/n, which a running mean
    /// misses in the last digit for most n.
    func testMeanIsSumOverN() {
        for n in 1...300 {
            for k in stride(from: 0, through: n, by: max(1, n / 7)) {
                var s = RunningStats()
                for i in 0..<n { s.add(i < k ? 1 : 0) }
                XCTAssertEqual(s.mean, Double(k) / Double(n), "k=\(k) n=\(n)")
            }
        }
        var f = RunningStats()
        for x in [0.1, 0.2, 0.3] { f.add(x) }
        XCTAssertEqual(f.mean, 0.6 / 3)  // Python: (0.1 + 0.2 + 0.3) / 3 == 0.19999999999999998; exact sum 0.6
    }

    func testAddingManyZerosAtOnceEqualsOneByOne() {
        var a = RunningStats(), b = RunningStats()
        for x in [0.2, 0.9, 0.4] { a.add(x); b.add(x) }
        a.add(0, count: 5)
        for _ in 0..<5 { b.add(0) }
        XCTAssertEqual(a.n, b.n)
        XCTAssertEqual(a.mean, b.mean, accuracy: 1e-12)
        XCTAssertEqual(a.stderr!, b.stderr!, accuracy: 1e-12)
    }
}

final class AggregatorTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let catalog = TaskCatalog(directory: repo.appendingPathComponent("tasks").path)

    func record(_ score: Double?, status: String = "ok", model: String = "m", subset: String? = nil) -> JSONObject {
        var r: JSONObject = ["task": "gpqa_diamond", "status": .string(status), "call": ["model": .string(model), "usage": ["completion_tokens": 10]]]
        if let score { r["scores"] = ["extractive_match": .double(score)] }
        if let subset { r["subset"] = .string(subset) }
        return r
    }

    func testHeadlineCoverageAndMissingRecords() throws {
        let agg = Aggregator(catalog: catalog)
        for r in [record(1), record(0), record(1), record(nil, status: "api_error"), record(1, model: "other")] { try agg.add(r) }
        let report = agg.report()
        XCTAssertEqual(report.results.map(\.model), ["m", "other"])
        let m = report.results[0]
        XCTAssertEqual(m.records, 4)
        XCTAssertEqual(m.scored, 3)
        XCTAssertEqual(m.status, ["ok": 3, "api_error": 1])
        XCTAssertEqual(m.headline, Headline(name: "gpqa_diamond", metric: "extractive_match", value: 2.0 / 3))
        XCTAssertEqual(m.usage, ["completion_tokens": 40])

        let zero = Aggregator(catalog: catalog, missingAsZero: true)
        for r in [record(1), record(0), record(1), record(nil, status: "api_error")] { try zero.add(r) }
        XCTAssertEqual(zero.report().results[0].headline?.value, 0.5)
    }

    func testSubsetsAreMicroAveragedIntoTheTask() throws {
        let agg = Aggregator(catalog: catalog)
        for r in [record(1, subset: "a"), record(0, subset: "b"), record(0, subset: "b"), record(0, subset: "b")] { try agg.add(r) }
        let r = agg.report().results[0]
        XCTAssertEqual(r.headline?.value, 0.25)
        XCTAssertEqual(r.subsets?["a"]?.metrics["extractive_match"]?.mean, 1)
        XCTAssertEqual(r.subsets?["b"]?.records, 3)
    }

    func testFormats() throws {
        let agg = Aggregator(catalog: catalog)
        for r in [record(1), record(0)] { try agg.add(r) }
        let report = agg.report()
        let md = try ReportFormat.markdown.render(report)
        XCTAssertTrue(md.contains("| m | gpqa_diamond | gpqa_diamond | 0.5000 | 0.5000 | 2/2 | 100.0% | - |"), md)
        XCTAssertTrue(try ReportFormat.csv.render(report).contains("m,gpqa_diamond,,extractive_match,0.5,0.5,2\n"))
        let json = try JSON.decode(Data(try ReportFormat.json.render(report).utf8))
        XCTAssertEqual(json["results"]?.array?.first?["headline"]?["value"], .double(0.5))
    }

    func testRecordWithoutTaskIsAnError() {
        XCTAssertThrowsError(try Aggregator(catalog: catalog).add(["scores": [:]])) { e in
            XCTAssertEqual((e as? EvalError)?.field, "task")
        }
    }
}
