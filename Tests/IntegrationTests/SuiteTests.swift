import EvalCore
import Foundation
import Testing

/// The whole Swallow suite offline: `make suite SAMPLES=1 LIMIT=2` against the real model server,
/// every runnable task on its own sample rows, then aggregated_results.json with every Swallow key
/// the suite's task files declare, in the reference's order (their `headline.swallow` positions),
/// −1 exactly where the run has no scored value for the key.
@Suite struct SuiteTests {
    /// Whether the scored records give `key` a value: some record of its group (the category's
    /// subsets, else all) has a score for its metric, or for every metric it averages. A score is
    /// a number or a reducer's partial sums; MT-Bench's reducer leaves out a question whose mean
    /// rating is exactly -1 (the judge never rated it).
    static func hasValue(_ key: SwallowKey, _ task: TaskSpec, _ records: [[String: Any]]) -> Bool {
        let members = key.category.map { Set(task.categories?[$0] ?? []) }
        let group = records.filter { r in members.map { $0.contains(r["subset"] as? String ?? "") } ?? true }
        let metrics = key.average ?? [key.metric ?? task.headline?.metric ?? ""]
        func counts(_ score: Any?) -> Bool {
            if score is NSNumber { return true }
            guard let partial = score as? [String: Any] else { return false }
            return partial["reduce"] as? String != "mt_bench" || (partial["value"] as? NSNumber)?.doubleValue != -1
        }
        return metrics.allSatisfy { m in group.contains { counts(($0["scores"] as? [String: Any])?[m]) } }
    }

    @Test func swallowSuiteOnSamplesGivesEveryKeyInOrder() throws {
        let server = ModelServer.shared
        if let e = server.setupError { Issue.record("model server: \(e)"); return }
        let results = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: results) }
        // make suite's recipe (bin/suite) on the tools of this test run: `-o build` reaches every
        // make it starts, so none of them builds release binaries.
        // The same server judges MT-Bench (its key from the environment, as a real judge's); it
        // serves at most 4 draws a request (--parallel 4), hence MAX_N.
        let vars = "-o build BIN='\(Harness.bin)' RESULTS='\(results)' MODEL=hosted_vllm/smollm2 BASE_URL=\(server.baseURL) SAMPLES=1 LIMIT=2 "
            + "MAX_TOKENS=64 MAX_N=4 CONCURRENCY=4 JUDGE_MODEL=openai/smollm2 JUDGE_BASE_URL=\(server.baseURL) JUDGE_MAX_TOKENS=16"
        let r = try Harness.sh("bin/suite swallow \(vars)", env: ["EVALPIPE_BIN": Harness.bin, "OPENAI_API_KEY": "sk-env-\(UUID().uuidString)",
                                                                  "no_proxy": "127.0.0.1,localhost"])
        #expect(r.status == 0, "\(r.stderr.suffix(4000))")
        let run = try Harness.sh("make -s --no-print-directory print-run \(vars)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/aggregated_results.json"))) as? [String: Any])

        let catalog = TaskCatalog(directory: Harness.repo.appendingPathComponent("tasks").path)
        let suite = try Harness.sh("evalpipe-jobs suite --repo . swallow").stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        #expect(suite.count == 21)
        var declared: [(key: SwallowKey, task: TaskSpec)] = []
        for name in suite {
            let task = try catalog.load(name)
            declared += (task.headline?.swallow ?? []).map { ($0, task) }
        }
        declared.sort { $0.key.position < $1.key.position }
        #expect(declared.count == 107)
        #expect(declared.map(\.key.position) == Array(0..<declared.count), "positions 0…106, each once")

        let keys = try #require(doc["tasks"] as? [String])
        #expect(keys == declared.map(\.key.key))
        let values = try #require(doc["results"] as? [String: Any])
        let overall = (doc["overall"] as? String ?? "").split(separator: ",", omittingEmptySubsequences: false)
        #expect(overall.count == declared.count)
        var withValue = 0
        for (i, (key, task)) in declared.enumerated() {
            // A judged task (MT-Bench) scores in its judge's folder.
            let file = ["\(run)/\(task.name)/judge-openai_smollm2/scored.jsonl", "\(run)/\(task.name)/scored.jsonl"]
                .first { FileManager.default.fileExists(atPath: $0) }
            let records = try file.map { try Harness.lines($0) } ?? []
            let value = (values[key.key] as? NSNumber)?.doubleValue
            if Self.hasValue(key, task, records) {
                withValue += 1
                #expect(value.map { $0 >= 0 && $0.isFinite } == true, "\(key.key): \(String(describing: value))")
            } else {
                #expect(value == -1, "\(key.key): \(String(describing: value)) without scored records")
            }
            // Foundation's JSON numbers may differ from the shortest form in the last digit.
            if i < overall.count, let value, let o = Double(overall[i]) {
                #expect(abs(o - value) <= 1e-12 * max(1, abs(o)), "\(key.key) in overall: \(o) vs \(value)")
            }
        }
        // The samples cover 43 keys of the tasks without a judge; MT-Bench's depend on whether the
        // small judge gives ratings.
        #expect(withValue >= 43, "\(withValue) of \(declared.count) keys have values")
        Log.line("SuiteTests: \(withValue) of \(declared.count) keys have values")
    }
}
