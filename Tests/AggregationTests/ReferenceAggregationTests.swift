@testable import Aggregation
import EvalCore
import Foundation
import Testing

/// `aggregate --format swallow` against the reference's own aggregation script
/// (scripts/aggregate_results.py) on the same per-task values: Tests/Fixtures/aggregation/ holds
/// per case the scored records and the aggregated_results.json that script wrote from their
/// per-task values (make_cases.py there says how). Equal text: the 107 keys in order, every value
/// (micro averages, picks, `average_in_one_task`, -1), `overall`; then our `settings` key.
@Suite struct ReferenceAggregationTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repo.appendingPathComponent("Tests/Fixtures/aggregation")

    /// Each case's records and how many of its 107 keys the reference gave a value.
    @Test(arguments: [("suite", 47), ("random", 79), ("partial", 71)])
    func sameDocumentAsTheReferenceScript(_ name: String, _ withValues: Int) throws {
        let catalog = TaskCatalog(directory: Self.repo.appendingPathComponent("tasks").path)
        let agg = Aggregator(catalog: catalog)
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).records.jsonl"))
        for line in data.split(separator: UInt8(ascii: "\n")) {
            _ = try agg.add(try #require(try JSON.decode(line).object))
        }
        let ours = try ReportFormat.swallow.render(agg.report(), catalog: catalog)
        let theirs = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).expected.json"), encoding: .utf8)
        // Theirs ends `\n  ]\n}`; ours goes on with `,\n  "settings": {…}\n}\n`.
        let open = String(try #require(theirs.hasSuffix("\n}") ? theirs.dropLast(2) : nil))
        #expect(ours.hasPrefix(open + ",\n  \"settings\": {\n"), "\(ours.prefix(open.count + 40))")
        #expect(String(ours.prefix(open.count)) == open)
        let mine = try #require(try JSONSerialization.jsonObject(with: Data(ours.utf8)) as? [String: Any])
        #expect(Array(mine.keys).sorted() == ["model", "overall", "results", "settings", "tasks"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(theirs.utf8)) as? [String: Any])
        let values = try #require(doc["results"] as? [String: NSNumber])
        #expect(values.count == 107)
        #expect(values.values.filter { $0.doubleValue != -1 }.count == withValues)
    }
}
