import Foundation
import Testing

/// Every runnable task of the Swallow suite has a sample of our own in tasks/samples/, and the
/// Makefile's SAMPLES=1 rule (a file, or a folder read subset by subset) takes every one of its rows
/// through the real fetch-task and render-prompts. No model is called: this needs no server.
@Suite struct SampleTests {
    static let samples = Harness.repo.appendingPathComponent("tasks/samples").path

    /// The suite's tasks in order with whether they are runnable, as bin/suite sees them.
    static func suite() throws -> [(task: String, runnable: Bool)] {
        let r = try Harness.sh("evalpipe-jobs suite --repo . swallow")
        try #require(r.status == 0, "evalpipe-jobs suite: \(r.stderr)")
        return r.stdout.split(separator: "\n").map {
            let f = $0.split(separator: "\t").map(String.init)
            return (f[0], f.count > 1 && f[1] == "runnable")
        }
    }

    /// The rows a sample holds, counted from its files alone (JSON Lines: lines; CSV: lines after
    /// the header; a folder: all its files), or nil when the task has none.
    static func rows(of task: String) throws -> Int? {
        let fm = FileManager.default
        func count(_ path: String) throws -> Int {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).count
            return path.hasSuffix(".csv") ? lines - 1 : lines
        }
        for ext in ["csv", "jsonl", "json", "parquet"] where fm.fileExists(atPath: "\(samples)/\(task).\(ext)") {
            return try count("\(samples)/\(task).\(ext)")
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: "\(samples)/\(task)", isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        return try fm.subpathsOfDirectory(atPath: "\(samples)/\(task)").reduce(0) { n, rel in
            var dir: ObjCBool = false
            _ = fm.fileExists(atPath: "\(samples)/\(task)/\(rel)", isDirectory: &dir)
            return dir.boolValue ? n : n + (try count("\(samples)/\(task)/\(rel)"))
        }
    }

    @Test func everyRunnableSuiteTaskHasASampleThatRendersPrompts() throws {
        let tasks = try Self.suite()
        #expect(tasks.count == 21)
        let runnable = tasks.filter(\.runnable).map(\.task)
        #expect(runnable.count == 21, "\(runnable)")
        let results = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: results) }
        let run = "\(results)/hosted_vllm/sample/none/default"
        for task in runnable {
            guard let expected = try Self.rows(of: task) else {
                Issue.record("\(task): no sample in tasks/samples/ (a \(task).jsonl, .csv, .json or .parquet, or a folder \(task)/)")
                continue
            }
            #expect(expected >= 3, "\(task): \(expected) sample rows")
            // `-o build`: the tools this test run built, never a release build.
            let r = try Harness.sh("make -s -o build BIN='\(Harness.bin)' RESULTS='\(results)' MODEL=hosted_vllm/sample/none SAMPLES=1 '\(run)/\(task)/prompts.jsonl'")
            #expect(r.status == 0, "\(task): \(r.stderr)")
            guard r.status == 0 else { continue }
            let prompts = try Harness.lines("\(run)/\(task)/prompts.jsonl")
            #expect(prompts.count == expected, "\(task): \(prompts.count) prompts of \(expected) rows")
            #expect(Set(prompts.compactMap { $0["id"] as? String }).count == prompts.count, "\(task): ids unique")
            for p in prompts {
                let id = p["id"] as? String ?? ""
                #expect(p["task"] as? String == task, "\(id)")
                let user = (p["messages"] as? [[String: Any]])?.last { $0["role"] as? String == "user" }
                let content = user?["content"] as? String ?? ""
                #expect(content.count > 0, "\(id): a user message")
            }
        }
    }

    /// A folder sample is read subset by subset: records name their subset, and LIMIT applies to each.
    @Test func folderSamplesAreReadSubsetBySubsetWithLimit() throws {
        let results = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: results) }
        let file = "\(results)/hosted_vllm/sample/none/default/aime/samples.jsonl"
        let r = try Harness.sh("make -s -o build BIN='\(Harness.bin)' RESULTS='\(results)' MODEL=hosted_vllm/sample/none SAMPLES=1 LIMIT=2 '\(file)'")
        try #require(r.status == 0, "\(r.stderr)")
        let ids = try Harness.lines(file).map { "\($0["id"] ?? "")" }
        #expect(ids == ["aime:24:0", "aime:24:1", "aime:25:0", "aime:25:1"])
    }

    /// SAMPLES=1 for a task without a sample fails naming it, before anything is fetched: the
    /// Makefile beside a task file and no tasks/samples/ (it reads the task files beside it).
    @Test func aTaskWithoutASampleFailsNamingIt() throws {
        let d = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try FileManager.default.createDirectory(atPath: d + "/tasks", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Harness.repo.appendingPathComponent("tasks/hellaswag.yaml").path, toPath: d + "/tasks/hellaswag.yaml")
        try FileManager.default.copyItem(atPath: Harness.repo.appendingPathComponent("Makefile").path, toPath: d + "/Makefile")
        let r = try Harness.sh("cd '\(d)' && env -u EVALPIPE_TASKS make -s -o build BIN='\(Harness.bin)' MODEL=hosted_vllm/sample/none SAMPLES=1 results/samples/hosted_vllm/sample/none/default/hellaswag/samples.jsonl")
        #expect(r.status != 0)
        #expect(r.stderr.contains("SAMPLES=1: hellaswag has no sample in tasks/samples/"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d + "/results/samples/hosted_vllm/sample/none/default/hellaswag/samples.jsonl"))
    }

    /// Our code rows are right: each canonical solution passes its own test, and a body returning
    /// None fails it: python3 runs prompt + body + test, then check(entry_point), as HumanEval's harness does.
    @Test func codeSamplesPassTheirOwnTestsAndAWrongBodyFails() throws {
        let script = """
            import json, sys
            n = 0
            for line in open(sys.argv[1], encoding="utf-8"):
                r = json.loads(line)
                for body, ok in ((r["canonical_solution"], True), ("    return None\\n", False)):
                    g = {}
                    exec(r["prompt"] + body + r["test"], g)
                    try:
                        g["check"](g[r["entry_point"]]); passed = True
                    except Exception:
                        passed = False
                    assert passed == ok, (r["task_id"], ok)
                n += 1
            print(n)
            """
        for (file, rows) in [("humanevalplus.jsonl", 3), ("swallow_jhumaneval.jsonl", 3)] {
            let r = try Harness.sh("python3 -c '\(script)' tasks/samples/\(file)")
            #expect(r.status == 0, "\(file): \(r.stderr)")
            #expect(r.stdout == "\(rows)\n", "\(file)")
        }
    }
}
