import Foundation
import Testing

/// `score --jobs N` scores records on N threads and must write what one thread writes, byte for
/// byte and in input order — also when a record in the middle is bad. The input: every golden
/// case of every family that runs no code (Tests/Fixtures/golden, as bin/fidelity turns cases
/// into records: WMT20's corpus cases one record per segment), through the real render-prompts
/// and strip-reasoning, and MT-Bench's cases (as bin/fidelity replays them) through
/// render-prompts --judge with their canned judgements (merged on the reading thread, then
/// scored on the workers).
@Suite(.serialized) struct ParallelScoreTests {
    static let records = 2139, judgeRecords = 102, tasks = 19

    /// The answers file (and the judge records after it) in a fresh folder; the caller removes it.
    static func input() throws -> String {
        let d = try Harness.tempDir()
        let r = try Harness.sh("""
            cd Tests/Fixtures/golden
            cat $(ls *.jsonl | grep -v -e '^code' -e '^mt_bench') | jq -c '
              select(.reference != null and (.sample != null or .corpus != null))
              | if .corpus != null then
                  . as $c | .corpus | to_entries[]
                  | {id: "\\($c.id):\\(.key)", model: $c.id, task: $c.task, index: .key, row: .value.sample,
                     reasoning_parser: ($c.options.reasoning_parser // "none"), responses: [.value.responses[]? | {content: .}]}
                else
                  {id, task, index: 0, row: .sample, reasoning_parser: (.options.reasoning_parser // "none"),
                   responses: [.responses[]? | {content: .}]}
                  + (if .options.random_seed != null then {shuffle_seed: .options.random_seed} else {} end)
                end' | render-prompts | strip-reasoning > \(d)/answers.jsonl
            jq -c '(if .mode == "judge_full" then .responses else [.judge_outputs | map("answer"), map("answer")] end) as $r
              | {id, task, index: 0, reasoning_parser: "none",
                 row: (.sample // {question_id: 0, category: "writing", turns: ["q1", "q2"], reference: [{turns: ["", ""]}]}),
                 canned: (if .mode == "judge_full" then .judge_outputs else {turn_1: .judge_outputs, turn_2: .judge_outputs} end),
                 responses: [range($r[0] | length) as $d | {content: $r[1][$d], turns: [{content: $r[0][$d]}, {content: $r[1][$d]}]}]}' \\
              mt_bench.jsonl | render-prompts | jq -c 'del(.conversation)' | strip-reasoning | render-prompts --judge \
              | jq -c '.responses = [{content: .canned["turn_\\(.judge.turn)"][.judge.draw], finish_reason: "stop"}]
                       | .status = "ok" | .call = {model: "canned", cache_key: .id}' > \(d)/judged.jsonl
            """)
        #expect(r.status == 0, "\(r.stderr)")
        return d
    }

    static func score(_ jobs: Int, _ files: String, in d: String) throws -> Harness.Result {
        try Harness.sh("cd \(d) && score --jobs \(jobs) \(files)")
    }

    /// The first line where two outputs differ, shortened, or nil when they are the same.
    static func firstDifference(_ a: String, _ b: String) -> String? {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false), y = b.split(separator: "\n", omittingEmptySubsequences: false)
        guard let i = (0..<max(x.count, y.count)).first(where: { $0 >= x.count || $0 >= y.count || x[$0] != y[$0] }) else { return nil }
        func show(_ l: [Substring]) -> String { i < l.count ? String(l[i].prefix(120)) : "(no line)" }
        return "line \(i + 1): \(show(x)) | \(show(y))"
    }

    @Test func everyJobCountWritesWhatOneThreadWrites() throws {
        let d = try Self.input()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let one = try Self.score(1, "answers.jsonl judged.jsonl", in: d)
        #expect(one.status == 0, "\(one.stderr)")
        let lines = one.stdout.split(separator: "\n")
        #expect(try Harness.lines("\(d)/answers.jsonl").count == Self.records)
        #expect(try Harness.lines("\(d)/judged.jsonl").count == Self.judgeRecords)
        let questions = try Set(Harness.lines("\(d)/judged.jsonl").map { ($0["judge"] as! [String: Any])["of"] as! String })
        #expect(lines.count == Self.records + questions.count)
        let out = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(Set(out.map { $0["task"] as! String }).count == Self.tasks)
        #expect(out.filter { $0["scores"] != nil }.count > Self.records * 9 / 10)
        for jobs in [2, 4, 7] {
            let r = try Self.score(jobs, "answers.jsonl judged.jsonl", in: d)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(Self.firstDifference(r.stdout, one.stdout) == nil, "--jobs \(jobs) against --jobs 1")
        }
    }

    /// The first bad record in input order decides, whichever thread finds it and whenever: the
    /// records before it come out, nothing after it, the same message, exit 1.
    @Test func theFirstBadRecordInInputOrderDecides() throws {
        let d = try Self.input()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let all = try Self.score(1, "answers.jsonl", in: d).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // (edits as line: jq filter or raw text, the line named, its message)
        let cases: [(edits: [(Int, String)], line: Int, message: String)] = [
            // found by a worker (a record it cannot score), with a JSON error just after it
            ([(700, "jq:del(.target)"), (705, "raw:{\"id\":")], 700, "target: missing (run render-prompts first)"),
            // found by the reader (no such task) before a worker's
            ([(300, "jq:.task = \"no_such_task\""), (700, "jq:del(.target)")], 300, "unknown task 'no_such_task'"),
            // the reader's JSON error, after a worker's
            ([(1200, "jq:.responses = []"), (1201, "raw:not json")], 1200, "responses: no responses"),
            ([(2, "raw:[1]")], 2, "expected a JSON object, found an array"),
        ]
        for c in cases {
            var text = try String(contentsOfFile: "\(d)/answers.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
            for (line, edit) in c.edits {
                if edit.hasPrefix("raw:") { text[line - 1] = String(edit.dropFirst(4)); continue }
                try text[line - 1].write(toFile: "\(d)/line.json", atomically: true, encoding: .utf8)
                let r = try Harness.sh("jq -c '\(edit.dropFirst(3))' \(d)/line.json")
                #expect(r.status == 0, "\(r.stderr)")
                text[line - 1] = r.stdout.trimmingCharacters(in: .newlines)
            }
            try (text.joined(separator: "\n") + "\n").write(toFile: "\(d)/bad.jsonl", atomically: true, encoding: .utf8)
            let expected = all.prefix(c.line - 1).map { $0 + "\n" }.joined()
            for jobs in [1, 4] {
                let r = try Self.score(jobs, "bad.jsonl", in: d)
                #expect(r.status == 1)
                #expect(Self.firstDifference(r.stdout, expected) == nil, "--jobs \(jobs): \(r.stdout.split(separator: "\n").count) records, want \(c.line - 1)")
                #expect(r.stderr.hasPrefix("score: bad.jsonl:\(c.line): \(c.message)"), "--jobs \(jobs): \(r.stderr)")
                #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            }
        }
    }

    /// Memory stays bounded behind a slow record: one long WMT20 segment (nagisa, seconds in a
    /// debug build) first, then 2,000 quick records carrying 100 kB each (200 MB in all). The
    /// workers score the quick ones while the first is still running, but at most the window of
    /// them waits for it: the peak grows by a fraction of what the input holds.
    @Test func memoryStaysBoundedBehindASlowRecord() throws {
        let d = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let r = try Harness.sh("""
            cd \(d)
            python3 -c '
            import json
            mc = {"task": "gpqa_diamond", "blob": "x" * 100000, "target": {"golds": ["B"], "gold_index": 1, "n_choices": 4},
                  "responses": [{"answer": "The answer is (B)"}]}
            long = "茜は、その後、何度か麦風に通い、源三郎と蕎麦の話などを交わした。" * 600
            slow = {"id": "slow", "task": "wmt20_en_ja", "target": {"golds": [long]}, "responses": [{"answer": "日本語: " + long}]}
            open("slow.jsonl", "w").write(json.dumps(slow, ensure_ascii=False) + "\\n")
            with open("all.jsonl", "w") as f:
                f.write(json.dumps(slow, ensure_ascii=False) + "\\n")
                for i in range(2000): f.write(json.dumps(dict(mc, id=f"quick:{i}")) + "\\n")
            '
            peak() { python3 -c 'import resource, subprocess, sys
            subprocess.run(sys.argv[1:], stdout=open(sys.argv[-1] + ".out", "w"), check=True)
            print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' score --jobs 2 "$1"; }
            echo "$(peak slow.jsonl) $(peak all.jsonl)"
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let kB = r.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(kB.count == 2)
        guard kB.count == 2 else { return }
        #expect(kB[1] - kB[0] < 80_000, "peak \(kB[0]) kB for the slow record alone, \(kB[1]) kB with 200 MB behind it")
        let out = try Harness.lines("\(d)/all.jsonl.out")
        #expect(out.count == 2001)
        #expect(out.first?["id"] as? String == "slow")
        #expect(out.allSatisfy { $0["scores"] != nil })
    }
}
