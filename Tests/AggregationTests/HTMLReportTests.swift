@testable import Aggregation
import EvalCore
import Foundation
import Testing

/// The html report's pieces: runs told apart by custom settings, the bounded sample browser, escaping.
/// (Tests/IntegrationTests/ReportTests.swift opens the whole page in Chromium.)
@Suite struct HTMLReportTests {
    static let catalog = TaskCatalog(directory: AggregatorTests.repo.appendingPathComponent("tasks").path)

    static func record(_ id: Int, model: String = "m", settings: String? = nil, score: Double? = 1, status: String = "ok",
                       answer: String = "Answer: A", latency: Double = 2) -> JSONObject {
        var r: JSONObject = ["task": "gpqa_diamond", "id": .string("gpqa_diamond:\(id)"), "status": .string(status),
                             "messages": [["role": "user", "content": .string("Q\(id)?")]], "target": ["golds": ["A"]],
                             "call": ["model": .string(model), "latency_s": .double(latency), "usage": ["completion_tokens": 5]],
                             "responses": [["answer": .string(answer), "extracted": ["A"]]]]
        if let score { r["scores"] = ["extractive_match": .double(score)] }
        if let settings { r["profile"] = ["custom_settings": .string(settings)] }
        return r
    }

    @Test func customSettingsAreSeparateRunsWithTheirOwnTime() throws {
        let agg = Aggregator(catalog: Self.catalog)
        for i in 0..<3 { try agg.add(Self.record(i, settings: "reasoning", latency: 1.5)) }
        for i in 0..<2 { try agg.add(Self.record(i, settings: "default", score: 0)) }  // the same ids: no repeat
        let report = agg.report()
        #expect(report.runs == [Run(model: "m", settings: "default"), Run(model: "m", settings: "reasoning")])
        let r = try #require(report.results(of: Run(model: "m", settings: "reasoning")).first)
        #expect(r.latency?.seconds == 4.5 && r.latency?.records == 3 && r.metrics["extractive_match"]?.mean == 1)
        #expect(r.run.label == "m (reasoning)")
        // One aggregated_results.json document per run.
        #expect(SwallowFormat(catalog: Self.catalog).render(report).components(separatedBy: "\"model\": \"m\"").count == 3)
    }

    @Test func theBrowserKeepsTheFirstOfEachKindAndCutsTexts() throws {
        let b = SampleBrowser(catalog: Self.catalog, limit: 2, maxChars: 10)
        for i in 0..<5 { b.add(Self.record(i, score: 1)) }
        for i in 5..<10 { b.add(Self.record(i, score: 0, answer: String(repeating: "x", count: 25))) }
        for i in 10..<13 { b.add(Self.record(i, score: 0, status: "truncated_in_reasoning")) }
        for i in 13..<16 { var r = Self.record(i, score: nil, status: "api_error"); r["responses"] = nil; b.add(r) }
        let slot = SampleBrowser.Slot(run: Run(model: "m"), task: "gpqa_diamond")
        let kept = try #require(b.kept[slot])
        #expect(b.seen[slot] == 16)
        #expect(kept.map(\.id) == [0, 1, 5, 6, 10, 11, 13, 14].map { "gpqa_diamond:\($0)" })
        #expect(kept.map(\.grade) == [.right, .right, .wrong, .wrong, .wrong, .wrong, .unrated, .unrated])
        #expect(kept[2].answer == "xxxxxxxxxx\n… [15 more characters]")
        #expect(kept[6].isError && kept[4].isTruncated && !kept[2].isTruncated)
    }

    @Test(arguments: [
        (JSONValue.double(1), SampleBrowser.Grade.right), (.double(0.5), .partial), (.int(0), .wrong), (.bool(true), .right),
        (JSONValue.object(["reduce": "micro_mean", "sum": 2, "count": 2]), .right),
        (JSONValue.object(["reduce": "micro_mean", "sum": 1, "count": 3]), .partial),
        (JSONValue.object(["reduce": "bleu", "hyp_len": 3]), .unrated),
    ])
    func gradesFollowTheHeadlineValue(value: JSONValue, grade: SampleBrowser.Grade) {
        #expect(SampleBrowser.grade(value) == grade)
    }

    @Test func anUnknownBaselineIsAnError() throws {
        let agg = Aggregator(catalog: Self.catalog)
        try agg.add(Self.record(0))
        #expect { try ReportFormat.html.render(agg.report(), catalog: Self.catalog, comparison: Comparison(catalog: Self.catalog), baseline: "x") }
            throws: { ($0 as? EvalError)?.field == "--baseline" }
    }

    @Test func everyRecordTextIsEscaped() throws {
        let agg = Aggregator(catalog: Self.catalog)
        let b = SampleBrowser(catalog: Self.catalog)
        let evil = "<script>alert('x')</script>\"&"
        var r = Self.record(0, model: "m<b>", settings: evil, answer: evil)
        r["subset"] = .string(evil)
        r["id"] = .string(evil)
        try agg.add(r)
        b.add(r)
        let html = try ReportFormat.html.render(agg.report(), catalog: Self.catalog, samples: b)
        #expect(html.components(separatedBy: "<script").count == 2)  // ours only
        #expect(!html.contains("m<b>") && html.contains("m&lt;b&gt;"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"))
        #expect(!html.contains("http://") && !html.contains("https://"))  // nothing fetched
    }
}
