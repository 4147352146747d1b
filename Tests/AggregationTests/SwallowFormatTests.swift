@testable import Aggregation
import EvalCore
import Foundation
import XCTest

/// `aggregate --format swallow`: the reference's aggregated_results.json from the keys the task
/// files declare.
final class SwallowFormatTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let catalog = TaskCatalog(directory: repo.appendingPathComponent("tasks").path)

    func record(_ task: String, _ subset: String?, _ scores: [String: Double], model: String = "hosted_vllm/m") -> JSONObject {
        var r: JSONObject = ["task": .string(task), "status": "ok", "call": ["model": .string(model)],
                             "scores": .object(scores.mapValues { .double($0) })]
        if let subset { r["subset"] = .string(subset) }
        return r
    }

    func document(_ records: [JSONObject]) throws -> (text: String, results: [String: Double], tasks: [String], overall: String) {
        let agg = Aggregator(catalog: catalog)
        for r in records { try agg.add(r) }
        let text = try ReportFormat.swallow.render(agg.report(), catalog: catalog)
        let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        return (text, (doc["results"] as! [String: NSNumber]).mapValues(\.doubleValue), doc["tasks"] as! [String], doc["overall"] as! String)
    }

    /// Category and overall values are sample-weighted over subsets (micro averages); a category
    /// counts only its white-listed subsets; keys without records are -1.
    func testMicroAveragesCategoriesAndMissingKeys() throws {
        var records: [JSONObject] = []
        for (subset, scores) in [("astronomy", [1.0, 0]), ("anatomy", [0.0, 0]), ("philosophy", [1.0, 0])] {
            records += scores.map { record("mmlu_english", subset, ["extractive_match": $0]) }
        }
        records += [record("jemhopqa_cot", nil, ["f1_score_quasi": 0.5, "f1_score": 0.25]),
                    record("jemhopqa_cot", nil, ["f1_score_quasi": 1, "f1_score": 0])]
        let d = try document(records)
        XCTAssertEqual(d.results["mmlu_english_stem"], 0.25)  // (1 + 0) / (2 + 2), not the mean of 0.5 and 0
        XCTAssertEqual(d.results["mmlu_english_humanities"], 0.5)
        XCTAssertEqual(d.results["mmlu_english_social_sciences"], -1)
        XCTAssertEqual(d.results["mmlu_english"], 2.0 / 6.0)
        XCTAssertEqual(d.results["jemhopqa_cot_f1_score_quasi"], 0.75)
        XCTAssertEqual(d.results["jemhopqa_cot_f1_score"], 0.125)
        XCTAssertEqual(d.results["gpqa_diamond"], -1)
        XCTAssertEqual(d.results["jmmlu"], -1)

        // The reference's order: jmmlu keys first, then …, mmlu_english's, jemhopqa_cot's, gpqa_diamond.
        let order = ["jmmlu_social_sciences", "jmmlu", "mmlu_prox_japanese_business", "mmlu_english_stem", "mmlu_english",
                     "jemhopqa_cot_f1_score_quasi", "jemhopqa_cot_f1_score", "gpqa_main_ja", "swallow_hellaswag", "gpqa_diamond"]
        let at = order.map { d.tasks.firstIndex(of: $0) ?? -1 }
        XCTAssertEqual(at, at.sorted(), "\(d.tasks)")
        XCTAssertFalse(at.contains(-1), "\(d.tasks)")
        XCTAssertEqual(d.tasks.count, d.results.count)
        // `overall` lists the values in `tasks` order as Python's str() prints them.
        let fields = d.overall.split(separator: ",").map(String.init)
        XCTAssertEqual(fields.count, d.tasks.count)
        XCTAssertEqual(fields[d.tasks.firstIndex(of: "mmlu_english")!], "0.3333333333333333")
        XCTAssertEqual(fields[d.tasks.firstIndex(of: "gpqa_diamond")!], "-1")
        XCTAssertTrue(d.text.hasPrefix("{\n  \"model\": \"hosted_vllm/m\",\n  \"results\": {\n    \"jmmlu_social_sciences\": -1,\n"), d.text)
    }

    /// A task without subsets is picked as it is; one document per model.
    func testPickAndOneDocumentPerModel() throws {
        let records = [record("hellaswag", nil, ["extractive_match": 1], model: "a"),
                       record("hellaswag", nil, ["extractive_match": 0], model: "b")]
        let agg = Aggregator(catalog: catalog)
        for r in records { try agg.add(r) }
        let text = try ReportFormat.swallow.render(agg.report(), catalog: catalog)
        XCTAssertEqual(text.components(separatedBy: "\n}\n").count, 3, text)
        XCTAssertTrue(text.hasPrefix("{\n  \"model\": \"a\""))
        XCTAssertTrue(text.contains("\"swallow_hellaswag\": 1.0"), text)
        XCTAssertTrue(text.contains("\"swallow_hellaswag\": 0.0"), text)
    }

    /// Byte for byte what Python's `json.dump(obj, f, indent=2)` writes (printed by CPython 3).
    func testPythonJSONLayout() {
        let text = SwallowFormat.document(model: "hosted_vllm/Qwen/Qwen3-8B é", values: [
            ("a", .number(0.5)), ("b", .missing), ("c", .number(0.7234042553191489)), ("d", .number(1e-05)),
        ], settings: ["custom_settings": .null, "tool": "evalpipe 0.21.0",
                      "tasks": ["t": ["profile": "conf/x.yaml", "datasets": [], "generation": ["temperature": 0.6, "n": 10, "stop": ["</s>"]]]]])
        // The settings part as json.dumps(indent=2) writes the same dict with its keys sorted.
        XCTAssertEqual(text, "{\n  \"model\": \"hosted_vllm/Qwen/Qwen3-8B \\u00e9\",\n  \"results\": {\n    \"a\": 0.5,\n    \"b\": -1,\n    \"c\": 0.7234042553191489,\n    \"d\": 1e-05\n  },\n  \"overall\": \"0.5,-1,0.7234042553191489,1e-05\",\n  \"tasks\": [\n    \"a\",\n    \"b\",\n    \"c\",\n    \"d\"\n  ],\n  \"settings\": {\n    \"custom_settings\": null,\n    \"tasks\": {\n      \"t\": {\n        \"datasets\": [],\n        \"generation\": {\n          \"n\": 10,\n          \"stop\": [\n            \"</s>\"\n          ],\n          \"temperature\": 0.6\n        },\n        \"profile\": \"conf/x.yaml\"\n      }\n    },\n    \"tool\": \"evalpipe 0.21.0\"\n  }\n}\n")
    }

    /// `settings`: per task the first record's generation and profile file, every dataset commit.
    func testSettingsComeFromTheRecords() throws {
        var records: [JSONObject] = []
        for (i, commit) in ["c1", "c2", "c1"].enumerated() {
            var r = record("gpqa_diamond", nil, ["extractive_match": 1])
            r["id"] = .string("gpqa_diamond:\(i)")
            r["generation"] = ["n": 1, "temperature": .double(0.6 + Double(i))]
            r["profile"] = ["file": "conf/models/x.yaml", "custom_settings": "reasoning"]
            r["dataset"] = ["repo": "Idavidrein/gpqa", "commit": .string(commit)]
            records.append(r)
        }
        let doc = try JSONSerialization.jsonObject(with: Data(try document(records).text.utf8)) as! [String: Any]
        let settings = try XCTUnwrap(doc["settings"] as? [String: Any])
        XCTAssertEqual(settings["tool"] as? String, "evalpipe \(Evalpipe.version)")
        XCTAssertEqual(settings["custom_settings"] as? String, "reasoning")
        let task = try XCTUnwrap((settings["tasks"] as? [String: Any])?["gpqa_diamond"] as? [String: Any])
        XCTAssertEqual(task["datasets"] as? [String], ["Idavidrein/gpqa@c1", "Idavidrein/gpqa@c2"])
        XCTAssertEqual((task["generation"] as? [String: Any])?["temperature"] as? Double, 0.6)
        XCTAssertEqual(task["profile"] as? String, "conf/models/x.yaml")
    }

    func testUnknownCategoryIsAnErrorInTheTaskFile() throws {
        let d = NSTemporaryDirectory() + "swallow-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try """
            dataset: {repo: r, split: test}
            categories: {stem: [a]}
            headline: {name: x, metric: m, swallow: [{key: x_other, position: 1, category: other}]}
            """.write(toFile: d + "/x.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TaskCatalog.parse(path: d + "/x.yaml")) { e in
            XCTAssertEqual((e as? EvalError)?.field, "headline.swallow.x_other.category")
        }
    }
}
