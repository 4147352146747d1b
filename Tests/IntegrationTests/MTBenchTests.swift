import Foundation
import Testing

/// MT-Bench through the Makefile's stages (generation, judge prompts, the judge through
/// call-model, score, aggregate), each a real process; the judge is a real HTTP server.
@Suite(.serialized) struct MTBenchPipelineTests {
    static let repo = Harness.repo.path

    /// A folder for make to run in: the repository's Makefile, tasks and Package.swift linked in,
    /// so a test's `.env` and results never touch the repository's own.
    static func workDir() throws -> String {
        let d = try Harness.tempDir()
        for name in ["Makefile", "Package.swift", "tasks", "conf"] {
            try FileManager.default.createSymbolicLink(atPath: "\(d)/\(name)", withDestinationPath: "\(repo)/\(name)")
        }
        return d
    }

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// Both benchmarks with LIMIT through the small model server, which also judges (key from the
    /// environment). A 135M judge rarely gives a rating: the draws say judge_failed, aggregate's
    /// statuses count them, and a judge metric without any rated question is missing, not 0.
    @Test(arguments: ["japanese_mt_bench", "english_mt_bench"])
    func theModelServerAnswersAndJudges(task: String) throws {
        let server = ModelServer.shared
        if let e = server.setupError { Issue.record("model server: \(e)"); return }
        let dir = try Self.workDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = "sk-env-\(UUID().uuidString)"
        let questions = 2, draws = 2
        let r = try Harness.sh("""
            cd \(dir) && make \(task) BIN=\(Harness.bin) MODEL=hosted_vllm/smollm2 BASE_URL=\(server.baseURL) \
              JUDGE_MODEL=openai/smollm2 JUDGE_BASE_URL=\(server.baseURL) DATA=\(Self.repo)/tasks/samples/\(task).jsonl \
              LIMIT=\(questions) N=\(draws) MAX_TOKENS=16 JUDGE_MAX_TOKENS=16 RESULTS=\(dir)/results PROFILE=
            """, env: ["OPENAI_API_KEY": key, "no_proxy": "127.0.0.1,localhost"])
        #expect(r.status == 0, "\(r.stderr)")
        let run = "\(dir)/results/hosted_vllm/hosted_vllm/smollm2/default/\(task)", judge = "\(run)/judge-openai_smollm2"

        // One judgement per question, draw and turn, asked of the judge's model.
        let judged = try Harness.lines("\(judge)/judged.jsonl")
        #expect(judged.count == questions * draws * 2)
        #expect(Set(judged.map { $0["id"] as! String }).count == judged.count)
        #expect(judged.allSatisfy { ($0["call"] as? [String: Any])?["model"] as? String == "openai/smollm2" })

        let scored = try Harness.lines("\(judge)/scored.jsonl")
        #expect(scored.count == questions)
        var failed = 0, rated = 0
        for rec in scored {
            let responses = rec["responses"] as! [[String: Any]]
            #expect(responses.count == draws)
            let ratings = responses.map { ($0["scores"] as! [String: Any])["judge_score_overall_avg"] as! [String: Any] }
            let anyFailed = ratings.contains { $0["turn_1"] as? Int == -1 || $0["turn_2"] as? Int == -1 }
            #expect((rec["status"] as? String == "judge_failed") == anyFailed, "\(rec["status"] ?? "-")")
            for (draw, rating) in zip(responses, ratings) {
                let failedHere = rating["turn_1"] as? Int == -1 || rating["turn_2"] as? Int == -1
                #expect((draw["status"] as? String == "judge_failed") == failedHere)
            }
            failed += anyFailed ? 1 : 0
            let value = ((rec["scores"] as! [String: Any])["judge_score_overall_avg"] as! [String: Any])["value"] as! Double
            rated += value == -1 ? 0 : 1
        }

        let metrics = try Self.json("\(judge)/metrics.json")
        let result = (metrics["results"] as! [[String: Any]])[0]
        #expect(result["records"] as? Int == questions)
        #expect((result["status"] as? [String: Int])?["judge_failed"] ?? 0 == failed)
        let values = result["metrics"] as! [String: [String: Any]]
        let headline = result["headline"] as! [String: Any]
        #expect(headline["metric"] as? String == "judge_score_overall_avg")
        if rated == 0 {
            #expect(values["judge_score_overall_avg"] == nil)
            #expect(headline["value"] == nil)
        } else {
            #expect((-0.1...1).contains(headline["value"] as! Double))
        }
        if task.hasPrefix("japanese") {
            #expect((0...1).contains(values["japanese_ratio_overall"]?["mean"] as! Double))
        }
        // make printed the table, with the statuses that were not ok.
        let name = headline["name"] as! String
        #expect(r.stdout.contains("| hosted_vllm/smollm2 | \(task) | \(name) |"), "\(r.stdout)")
        if failed > 0 { #expect(r.stdout.contains("judge_failed \(failed) |")) }

        let grep = try Harness.sh("grep -rlF -- '\(key)' \(dir)/results")
        #expect(grep.status == 1, "the key was written to \(grep.stdout)")
    }

    /// `kill -9` of the judge stage (make and its call-model, as one process group) at random
    /// moments, then the same make command again: every judgement ends up once in judged.jsonl,
    /// and the judge (the fake server, which counts requests per message) saw no request for a
    /// judgement after a run had written it. The key comes from `.env`: it reaches the judge and
    /// is found nowhere in the results.
    @Test func killingTheJudgeStageNeverRequestsAJudgementTwice() throws {
        let server = try FakeOpenAIServer()
        defer { server.stop() }
        let dir = try Self.workDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = "sk-dotenv-\(UUID().uuidString)"
        try "OPENAI_API_KEY=\(key)\n".write(toFile: "\(dir)/.env", atomically: true, encoding: .utf8)
        // Writing questions (temperature 0.7, five distinct draws); every answer echoes its
        // question, so each judge request carries the stall and is unique to its draw and turn.
        let tag = UUID().uuidString.prefix(8), questions = 60, draws = 5
        let rows = (0..<questions).map { i in
            #"{"question_id": \#(i), "category": "writing", "turns": ["\#(tag) q\#(i) first [stall=0.4]", "\#(tag) q\#(i) second"], "reference": [{"turns": ["", ""]}]}"#
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: "\(dir)/data.jsonl", atomically: true, encoding: .utf8)
        let run = "\(dir)/results/hosted_vllm/hosted_vllm/fake/default/japanese_mt_bench", judge = "\(run)/judge-openai_fake-judge"
        let vars = ["BIN=\(Harness.bin)", "MODEL=hosted_vllm/fake", "BASE_URL=\(server.baseURL)", "JUDGE_MODEL=openai/fake-judge",
                    "JUDGE_BASE_URL=\(server.baseURL)", "JUDGE_CONCURRENCY=16", "DATA=\(dir)/data.jsonl", "RESULTS=\(dir)/results", "PROFILE="]
        let prepared = try Harness.sh("cd \(dir) && env -u OPENAI_API_KEY make \(judge)/judge-prompts.jsonl " + vars.joined(separator: " "),
                                      env: ["no_proxy": "127.0.0.1,localhost"])
        try #require(prepared.status == 0, "\(prepared.stderr)")
        let prompts = try Harness.lines("\(judge)/judge-prompts.jsonl")
        try #require(prompts.count == questions * draws * 2)
        var message: [String: String] = [:]
        for p in prompts {
            let user = (p["messages"] as! [[String: Any]]).last { $0["role"] as? String == "user" }!
            message[p["id"] as! String] = user["content"] as? String
        }
        #expect(Set(message.values).count == prompts.count, "each judge request is its own message")

        // 600 requests of 0.4 s, 16 at a time: a whole run takes about 15 s. Each kill comes 1.0–1.8 s
        // into a run, after make has started call-model and long before five runs could finish.
        var countedWhenFinished: [String: Int] = [:]
        var kills = 0
        for _ in 0..<5 {
            let p = try startGroup(["make", "japanese_mt_bench"] + vars, in: dir)
            usleep(useconds_t.random(in: 1_000_000...1_800_000))
            guard p.isRunning else {
                p.waitUntilExit()
                Issue.record("make ended (\(p.terminationStatus)) before the kill: \((try? String(contentsOfFile: "\(dir)/make.err", encoding: .utf8)) ?? "")")
                break
            }
            #expect(kill(-p.processIdentifier, SIGKILL) == 0, "make leads its own process group")
            p.waitUntilExit()
            kills += 1
            let counts = try server.counters(containing: String(tag))
            for id in try Harness.finishedIDs("\(judge)/judged.jsonl.part") where countedWhenFinished[id] == nil {
                countedWhenFinished[id] = counts[message[id]!] ?? 0
            }
        }
        #expect(kills == 5, "the kills must interrupt runs, not find them finished")
        let last = try Harness.sh("cd \(dir) && env -u OPENAI_API_KEY make japanese_mt_bench " + vars.joined(separator: " "),
                                  env: ["no_proxy": "127.0.0.1,localhost"])
        #expect(last.status == 0, "\(last.stderr)")

        let ids = try Harness.lines("\(judge)/judged.jsonl").map { $0["id"] as! String }
        #expect(ids.count == prompts.count, "each judgement exactly once")
        #expect(Set(ids) == Set(message.keys))
        let counts = try server.counters(containing: String(tag))
        #expect(!countedWhenFinished.isEmpty)
        for (id, before) in countedWhenFinished {
            #expect(counts[message[id]!] == before, "\(id) was requested again after it was written")
        }
        let judgeRequests = message.values.reduce(0) { $0 + (counts[$1] ?? 0) }
        #expect(judgeRequests <= prompts.count + 16 * kills, "only requests cut off by a kill are repeated")

        // Scored from the judge's real replies: the fake echoes the prompt, so turn 1 reads the
        // template's own "Rating: [[5]]" and turn 2 has no rating (-1, questions left out).
        let result = (try Self.json("\(judge)/metrics.json")["results"] as! [[String: Any]])[0]
        let values = result["metrics"] as! [String: [String: Any]]
        #expect(result["records"] as? Int == questions)
        #expect((result["status"] as? [String: Int])?["judge_failed"] == questions)
        #expect(values["judge_score_overall_turn_1_avg"]?["mean"] as? Double == 0.5)
        #expect(values["judge_score_overall_turn_2_avg"] == nil)

        // The key reached the judge, and nothing under results holds it.
        let sent = try Harness.sh("curl -sf --noproxy '*' 'http://127.0.0.1:\(server.port)/control/requests?contains=\(tag)' | jq -r '.[] | select(.body.model == \"fake-judge\") | .authorization' | sort -u")
        #expect(sent.stdout == "Bearer \(key)\n")
        let grep = try Harness.sh("grep -rlF -- '\(key)' \(dir)/results")
        #expect(grep.status == 1, "the key was written to \(grep.stdout)")
    }

    /// A command started by Foundation, which makes it the leader of its own process group, so one
    /// kill reaches its children.
    private func startGroup(_ command: [String], in dir: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = command
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: "\(dir)/make.err", contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dir)/make.err"))
        p.standardInput = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = Harness.bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["no_proxy"] = "127.0.0.1,localhost"
        env["OPENAI_API_KEY"] = nil
        p.environment = env
        try p.run()
        return p
    }

}
