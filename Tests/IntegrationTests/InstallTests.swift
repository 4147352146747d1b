import Foundation
import Testing

/// `make install` into a temporary prefix, then everything from an empty directory with only the
/// prefix's bin/ on PATH and no checkout in reach: a benchmark through the installed `evalpipe`, a
/// suite through `suite`, a batch job through `submit` on the local service (the model server
/// started inside the job) and its progress through `status`; results under the current directory.
@Suite(.serialized) struct InstallTests {
    static let tools = ["fetch-task", "render-prompts", "call-model", "strip-reasoning", "score", "aggregate", "evalpipe-jobs", "ja-tokenize"]

    @Test func installedToolsRunAnywhereWithoutTheCheckout() throws {
        let server = ModelServer.shared
        if let e = server.setupError { Issue.record("model server: \(e)"); return }
        let d = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let prefix = d + "/prefix", work = d + "/work", share = prefix + "/share/evalpipe"
        // The tools of this test run (`-o`: make takes them as current and builds nothing).
        let keep = Self.tools.map { "-o '\(Harness.bin)/\($0)'" }.joined(separator: " ")
        let install = try Harness.sh("make --no-print-directory install BIN='\(Harness.bin)' PREFIX='\(prefix)' \(keep)")
        try #require(install.status == 0, "\(install.stderr)")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try "tasks: [gpqa_diamond, math_500]\n".write(toFile: share + "/conf/suites/mini.yaml", atomically: true, encoding: .utf8)
        func installed(_ command: String) throws -> Harness.Result {
            try Harness.sh("cd '\(work)' && env -u EVALPIPE_TASKS -u EVALPIPE_BIN PATH='\(prefix)/bin:/usr/bin:/bin' \(command)",
                           env: ["no_proxy": "127.0.0.1,localhost"])
        }
        let vars = "MODEL=hosted_vllm/smollm2 BASE_URL=\(server.baseURL) SAMPLES=1 LIMIT=2 MAX_TOKENS=32"
        let run = work + "/results/samples/hosted_vllm/hosted_vllm/smollm2/default"

        // One benchmark: its metrics table on stdout, its stages under ./results.
        let one = try installed("evalpipe gpqa_diamond \(vars)")
        #expect(one.status == 0, "\(one.stderr.suffix(3000))")
        #expect(one.stdout.contains("gpqa_diamond"), "\(one.stdout)")
        #expect(try Harness.lines(run + "/gpqa_diamond/scored.jsonl").count == 2)

        // A suite from the installed conf/suites: both tasks, then the leaderboard file.
        let suite = try installed("suite mini \(vars)")
        #expect(suite.status == 0, "\(suite.stderr.suffix(3000))")
        #expect(suite.stderr.contains("[2/2] math_500"), "\(suite.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/aggregated_results.json"))) as? [String: Any])
        let values = try #require(doc["results"] as? [String: Any])
        #expect((doc["tasks"] as? [String])?.count == 107)
        for key in ["gpqa_diamond", "math_500"] { #expect(((values[key] as? NSNumber)?.doubleValue ?? -1) >= 0, "\(key)") }
        #expect((values["swallow_hellaswag"] as? NSNumber)?.doubleValue == -1)

        // A batch job on this machine (the local service): the model server starts inside it.
        let model = "hosted_vllm/HuggingFaceTB/SmolLM2-135M-Instruct"
        let submit = try installed("""
            submit --service local --node cpu --model \(model) --custom-settings demo --tasks gpqa_diamond \
              --data '\(share)/tasks/samples/gpqa_diamond.csv' --limit 2 --server-cmd \(shellQuoted(ServeTests.serverCommand))
            """)
        #expect(submit.status == 0, "\(submit.stderr.suffix(3000))")
        let jobRun = work + "/results/hosted_vllm/HuggingFaceTB/SmolLM2-135M-Instruct/demo"
        #expect(try Harness.lines(jobRun + "/gpqa_diamond/scored.jsonl").count == 2)
        let script = try String(contentsOfFile: jobRun + "/gpqa_diamond/job.sh", encoding: .utf8)
        #expect(script.contains("-f \(share)/Makefile") && script.contains("\(prefix)/bin/serve-vllm"), "\(script)")
        #expect(!script.contains(Harness.repo.path), "a job script reaches into the checkout:\n\(script)")
        let status = try installed("status --service local --model \(model) --custom-settings demo")
        #expect(status.status == 0, "\(status.stderr)")
        let row = status.stdout.split(separator: "\n").first { $0.hasPrefix("gpqa_diamond ") } ?? ""
        #expect(row.contains(" 2/2 "), "\(status.stdout)")
    }
}
