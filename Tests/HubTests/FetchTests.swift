import EvalCore
import Foundation
import Testing
@testable import Hub

/// A task file with the given dataset (YAML flow mapping), parsed as fetch-task would.
func taskSpec(in dir: String, name: String = "demo", dataset: String, subsets: [String]? = nil) throws -> TaskSpec {
    var yaml = "dataset: \(dataset)\n"
    if let subsets { yaml += "subsets: [\(subsets.joined(separator: ", "))]\n" }
    yaml += """
        prompt: {kind: multiple_choice, source: test, template: "{question}"}
        scoring: {extractor: letters, metrics: [extractive_match]}
        headline: {name: demo, metric: extractive_match}
        """
    let path = dir + "/\(name).yaml"
    try write(yaml, path)
    return try TaskCatalog.parse(path: path)
}

@Suite struct FetchRecords {
    let tmp: TemporaryDirectory
    var dir: String { tmp.path }
    init() throws { tmp = try TemporaryDirectory() }

    private func fetch(_ task: TaskSpec, subset: String? = nil, _ locator: DatasetLocator, limit: Int? = nil) throws -> [JSONObject] {
        var out: [JSONObject] = []
        try Fetch.records(task: task, subset: subset, locator: locator, limit: limit) { out.append($0) }
        return out
    }

    @Test func recordsFromOneFile() throws {
        try write("Question,Correct Answer\nq1,a1\nq2,a2\n", dir + "/rows.csv")
        let task = try taskSpec(in: dir, name: "gpqa_diamond", dataset: #"{repo: Idavidrein/gpqa, split: train, files: [gpqa_diamond.csv]}"#)
        let out = try fetch(task, try Fetch.locator(data: dir + "/rows.csv"))
        #expect(out == [
            ["task": "gpqa_diamond", "index": 0, "id": "gpqa_diamond:0", "row": ["Question": "q1", "Correct Answer": "a1"]],
            ["task": "gpqa_diamond", "index": 1, "id": "gpqa_diamond:1", "row": ["Question": "q2", "Correct Answer": "a2"]],
        ])
    }

    @Test func subsetSelectsConfigAndLimitSpansShards() throws {
        let snap = dir + "/snap"
        for (f, n) in [("anatomy/test-00000-of-00002.jsonl", 2), ("anatomy/test-00001-of-00002.jsonl", 2), ("virology/test-0.jsonl", 1)] {
            try write(String(repeating: "{\"f\": \"\(f)\"}\n", count: n), snap + "/" + f)
        }
        let task = try taskSpec(in: dir, name: "mmlu_english", dataset: #"{repo: lighteval/mmlu, split: test, files: ["{config}/test-*"]}"#, subsets: ["anatomy", "virology"])
        let locator = try Fetch.locator(data: snap)
        let out = try fetch(task, subset: "anatomy", locator, limit: 3)
        #expect(out.map { $0["id"]! } == ["mmlu_english:anatomy:0", "mmlu_english:anatomy:1", "mmlu_english:anatomy:2"])
        #expect(out.map { $0["subset"]! } == ["anatomy", "anatomy", "anatomy"])
        #expect(out[2]["row"] == ["f": "anatomy/test-00001-of-00002.jsonl"])
        #expect(try fetch(task, subset: "virology", locator, limit: 0).isEmpty)
    }

    @Test func whichSubsets() throws {
        let plain = try taskSpec(in: dir, name: "plain", dataset: #"{repo: x/y, split: test}"#)
        let multi = try taskSpec(in: dir, name: "multi", dataset: #"{repo: x/y, split: test}"#, subsets: ["a", "b"])
        #expect(try Fetch.subsets(of: plain, requested: nil, singleFile: false) == [nil])
        #expect(try Fetch.subsets(of: multi, requested: nil, singleFile: false) == ["a", "b"])
        #expect(try Fetch.subsets(of: multi, requested: nil, singleFile: true) == [nil])
        #expect(try Fetch.subsets(of: multi, requested: "b", singleFile: true) == ["b"])
        #expect(failure { _ = try Fetch.subsets(of: multi, requested: "c", singleFile: false) }
            == "task multi has no subset 'c' (subsets: a, b)")
        #expect(failure { _ = try Fetch.subsets(of: plain, requested: "a", singleFile: false) }
            == "task plain has no subsets, asked for 'a'")
    }

    @Test func missingDataPath() throws {
        #expect(failure { _ = try Fetch.locator(data: dir + "/nope.csv") }.hasPrefix("\(dir)/nope.csv: no such file or directory"))
        #expect(try Fetch.locator(data: nil, settings: HubSettings(environment: ["HF_HUB_OFFLINE": "1"])) is HubCache)
        #expect(try Fetch.locator(data: nil, settings: HubSettings(environment: [:])) is HubDownloader)
        #expect(try Fetch.locator(data: dir) is SnapshotDirectory)
    }
}
