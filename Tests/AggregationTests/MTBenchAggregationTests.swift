@testable import Aggregation
import EvalCore
import Foundation
import Testing

/// MT-Bench's corpus values and its 31 keys in the reference's aggregated_results.json.
@Suite struct MTBenchAggregationTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    let catalog = TaskCatalog(directory: repo.appendingPathComponent("tasks").path)

    /// A scored question as `score` writes it: the per-question means as `mt_bench` values.
    func question(_ task: String, _ id: Int, _ category: String, t1: Double, t2: Double, ja: (Int, Int) = (1, 2)) -> JSONObject {
        func v(_ x: Double) -> JSONValue { ["reduce": "mt_bench", "value": .double(x)] }
        var scores: JSONObject = [:]
        for key in ["overall", category] {
            scores["judge_score_\(key)_turn_1_avg"] = v(t1)
            scores["judge_score_\(key)_turn_2_avg"] = v(t2)
            scores["judge_score_\(key)_avg"] = v((t1 + t2) / 2)
        }
        if task.hasPrefix("japanese") {
            let ratio: JSONValue = ["reduce": "micro_mean", "sum": JSONValue(ja.0), "count": JSONValue(ja.1)]
            scores["japanese_ratio_overall"] = ratio
            scores["japanese_ratio_\(category)"] = ratio
        }
        return ["task": .string(task), "id": .string("\(task):\(id)"), "status": "ok", "call": ["model": "hosted_vllm/m"],
                "scores": .object(scores)]
    }

    func aggregate(_ records: [JSONObject]) throws -> Aggregator {
        let agg = Aggregator(catalog: catalog)
        for r in records { try agg.add(r) }
        return agg
    }

    @Test func questionsAtExactlyMinusOneAreLeftOutAndTheMeanIsDividedByTen() throws {
        let r = try aggregate([question("english_mt_bench", 0, "math", t1: 8, t2: 6),
                               question("english_mt_bench", 1, "math", t1: -1, t2: 4),
                               question("english_mt_bench", 2, "writing", t1: -0.4, t2: -1)]).report()
        let m = try #require(r.results.first?.metrics)
        #expect(m["judge_score_overall_turn_1_avg"] == MetricSummary(mean: (8 - 0.4) / 2 / 10, stderr: nil, n: 2))
        #expect(m["judge_score_overall_turn_2_avg"] == MetricSummary(mean: (6 + 4) / 2 / 10, stderr: nil, n: 2))
        #expect(m["judge_score_math_avg"] == MetricSummary(mean: (7 + 1.5) / 2 / 10, stderr: nil, n: 2))
        #expect(m["judge_score_writing_avg"]?.mean == -0.7 / 10)
        #expect(r.results.first?.headline?.value == (7 + 1.5 - 0.7) / 3 / 10)
    }

    /// Every question's judge failed (the reference raises): the value is missing, not a 0.
    @Test func aCategoryWithNothingLeftIsMissing() throws {
        let agg = try aggregate([question("english_mt_bench", 0, "math", t1: 5, t2: 5), question("english_mt_bench", 1, "coding", t1: -1, t2: -1)])
        let report = agg.report()
        #expect(report.results.first?.metrics["judge_score_coding_avg"] == nil)
        #expect(report.results.first?.metrics["judge_score_math_avg"]?.mean == 0.5)
        let doc = try JSONSerialization.jsonObject(with: Data(try ReportFormat.swallow.render(report, catalog: catalog).utf8)) as! [String: Any]
        let results = doc["results"] as! [String: NSNumber]
        #expect(results["english_mtbench_coding"] == -1)
        #expect(results["english_mtbench_math"]?.doubleValue == 0.5)
    }

    /// A judge that never rated (a tiny test judge): the headline is named but has no value, and
    /// the markdown table shows it as missing with the judge_failed count, not another metric.
    @Test func noRatedQuestionLeavesTheHeadlineWithoutAValue() throws {
        var records = [question("japanese_mt_bench", 0, "math", t1: -1, t2: -1), question("japanese_mt_bench", 1, "writing", t1: -1, t2: -1)]
        for i in records.indices { records[i]["status"] = "judge_failed" }
        let report = try aggregate(records).report()
        #expect(report.results.first?.headline == Headline(name: "japanese_mtbench_average", metric: "judge_score_overall_avg", value: nil))
        #expect(report.results.first?.metrics["japanese_ratio_overall"]?.mean == 0.5)
        let md = try ReportFormat.markdown.render(report, catalog: catalog)
        #expect(md.contains("| hosted_vllm/m | japanese_mt_bench | japanese_mtbench_average | - | - | 2/2 | 100.0% | judge_failed 2 |"), "\(md)")
    }

    @Test func all31KeysSitAtTheReferencesPositions() throws {
        let cats = ["coding", "extraction", "humanities", "math", "reasoning", "roleplay", "stem", "writing"]
        var records: [JSONObject] = []
        for (i, c) in cats.enumerated() {
            records.append(question("japanese_mt_bench", i, c, t1: Double(i + 1), t2: 2, ja: (i, 10)))
            records.append(question("english_mt_bench", i, c, t1: 3, t2: Double(i + 1)))
        }
        let text = try ReportFormat.swallow.render(try aggregate(records).report(), catalog: catalog)
        let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let tasks = doc["tasks"] as! [String], results = doc["results"] as! [String: NSNumber]
        let ja = cats.map { "japanese_mtbench_\($0)" } + ["japanese_mtbench_first_turn", "japanese_mtbench_second_turn", "japanese_mtbench_average"]
            + cats.map { "japanese_mtbench_\($0)_japanese_ratio" } + ["japanese_mtbench_average_japanese_ratio"]
        let en = cats.map { "english_mtbench_\($0)" } + ["english_mtbench_first_turn", "english_mtbench_second_turn", "english_mtbench_average"]
        let mine = tasks.filter { $0.contains("mtbench") }
        #expect(mine == ja + en)
        #expect(results["japanese_mtbench_reasoning"]?.doubleValue == (5.0 + 2) / 2 / 10)
        #expect(results["japanese_mtbench_first_turn"]?.doubleValue == 36.0 / 8 / 10)
        #expect(results["japanese_mtbench_stem_japanese_ratio"]?.doubleValue == 0.6)
        #expect(results["japanese_mtbench_average_japanese_ratio"]?.doubleValue == 28.0 / 80)
        #expect(results["english_mtbench_second_turn"]?.doubleValue == 36.0 / 8 / 10)
        #expect(results["english_mtbench_average"]?.doubleValue == (3.0 + 4.5) / 2 / 10)
        // AGGREGATE_CONF positions 57–87 (0-based), among the other tasks' keys.
        #expect(tasks.firstIndex(of: "japanese_mtbench_coding").map { tasks[..<$0].allSatisfy { !$0.contains("mtbench") } } == true)
    }

    /// The Japanese keys read japanese_mt_bench or its 6,144-character variant: the one that has
    /// results, -1 when both do (the reference's comma-joined task_key).
    @Test func theTruncatedVariantFeedsTheSameKeysUnlessBothRan() throws {
        let one = try ReportFormat.swallow.render(try aggregate([question("japanese_mt_bench_truncate_6144", 0, "math", t1: 6, t2: 8)]).report(), catalog: catalog)
        var results = (try JSONSerialization.jsonObject(with: Data(one.utf8)) as! [String: Any])["results"] as! [String: NSNumber]
        #expect(results["japanese_mtbench_average"]?.doubleValue == 0.7)
        let both = try ReportFormat.swallow.render(try aggregate([question("japanese_mt_bench_truncate_6144", 0, "math", t1: 6, t2: 8),
                                                                  question("japanese_mt_bench", 0, "math", t1: 6, t2: 8)]).report(), catalog: catalog)
        results = (try JSONSerialization.jsonObject(with: Data(both.utf8)) as! [String: Any])["results"] as! [String: NSNumber]
        #expect(results["japanese_mtbench_average"] == -1)
        #expect((try JSONSerialization.jsonObject(with: Data(both.utf8)) as! [String: Any])["tasks"].map { ($0 as! [String]).filter { $0 == "japanese_mtbench_average" }.count } == 1)
    }

    @Test func aMalformedValueNamesItsField() throws {
        #expect { try aggregate([["task": "english_mt_bench", "scores": ["judge_score_overall_avg": ["reduce": "mt_bench"]]]]) } throws: {
            ($0 as? EvalError)?.field == "scores.judge_score_overall_avg.value"
        }
    }
}
