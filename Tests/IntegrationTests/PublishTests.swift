import Foundation
import Testing

/// bin/publish against a loopback Hub (Tests/Fixtures/hub/publish_server.py) that checks each
/// request as the Hub would: a private repository, one commit with regular and LFS files, the
/// storage URL reached without our token, a retried 500, nothing uploaded twice, the key never shown.
@Suite(.serialized) struct PublishTests {
    static let token = "hf_publishTestToken0123456789"

    final class Server {
        let process = Process()
        let port: Int
        init(root: String, log: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Harness.repo.appendingPathComponent("Tests/Fixtures/hub/publish_server.py").path,
                                 "--root", root, "--token", PublishTests.token, "--log", log, "--lfs-threshold", "1024",
                                 "--fail-once", "/api/datasets/my-org/evals/commit/main"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            var data = Data()
            while !data.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            port = try #require(Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        /// SIGKILL: the test runner's threads may block SIGTERM, and a spawned child inherits that mask.
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func aRunGoesUpInOneCommitAndARerunUploadsNothingTwice() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = dir + "/results/hosted_vllm/Qwen/Qwen3-8B/default"
        try FileManager.default.createDirectory(atPath: run + "/gpqa_diamond", withIntermediateDirectories: true)
        let big = (0..<400).map { #"{"id":"gpqa_diamond:\#($0)","scores":{"extractive_match":\#($0 % 2)}}"# }.joined(separator: "\n") + "\n"
        let files = ["aggregated_results.json": #"{"overall":"0.5"}"#, "gpqa_diamond/scored.jsonl": big,
                     "gpqa_diamond/job.log": "log", "gpqa_diamond/job.sh": "#!/bin/sh", "gpqa_diamond/scored.jsonl.lock": ""]
        for (name, text) in files { try text.write(toFile: run + "/" + name, atomically: true, encoding: .utf8) }
        let root = dir + "/hub", log = dir + "/requests.log"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let server = try Server(root: root, log: log)
        defer { server.stop() }
        let env = ["HF_ENDPOINT": "http://127.0.0.1:\(server.port)", "HF_TOKEN": Self.token]

        let first = try Harness.sh("bin/publish --repo my-org/evals '\(run)'", env: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "http://127.0.0.1:\(server.port)/datasets/my-org/evals/tree/main/hosted_vllm/Qwen/Qwen3-8B/default\n")
        #expect(first.stderr.contains("2 files under hosted_vllm/Qwen/Qwen3-8B/default/ (1 in LFS, 1 uploaded)"), "\(first.stderr)")
        let committed = root + "/my-org/evals/main/hosted_vllm/Qwen/Qwen3-8B/default/"
        for name in ["aggregated_results.json", "gpqa_diamond/scored.jsonl"] {
            #expect(try String(contentsOfFile: committed + name, encoding: .utf8) == files[name], "\(name)")
        }
        for name in ["gpqa_diamond/job.log", "gpqa_diamond/job.sh", "gpqa_diamond/scored.jsonl.lock"] {
            #expect(!FileManager.default.fileExists(atPath: committed + name), "\(name) stays behind")
        }
        #expect(try String(contentsOfFile: root + "/my-org/evals/.private", encoding: .utf8) == "true")
        var requests = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        let puts = requests.filter { $0.hasPrefix("PUT /storage/") }
        #expect(puts.count == 1 && puts.allSatisfy { $0.hasSuffix(" none") }, "the storage URL gets no token: \(puts)")
        #expect(requests.filter { $0.hasPrefix("POST /api/datasets/my-org/evals/commit/main") }.count == 2, "the 500 was retried")
        #expect(requests.filter { $0.hasPrefix("POST /api/") }.allSatisfy { $0.hasSuffix(" token") })

        // Again: the repository exists (409), the LFS object is there, so no upload.
        let second = try Harness.sh("bin/publish --repo my-org/evals '\(run)'", env: env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("(1 in LFS, 0 uploaded)"), "\(second.stderr)")
        requests = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(requests.filter { $0.hasPrefix("PUT ") }.count == 1, "nothing uploaded twice")

        // A wrong key: one line naming the step, the echoed header redacted.
        let wrong = "hf_wrongKeyThatTheServerEchoes42"
        let refused = try Harness.sh("bin/publish --repo my-org/evals '\(run)'", env: ["HF_ENDPOINT": env["HF_ENDPOINT"]!, "HF_TOKEN": wrong])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("publish: creating dataset my-org/evals failed: HTTP 401"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("[REDACTED]") && !refused.stderr.contains(wrong), "\(refused.stderr)")
        for out in [first, second] { #expect(!(out.stdout + out.stderr).contains(Self.token)) }
    }

    @Test func badArgumentsAreOneLineErrors() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, String)] = [
            ("'\(dir)'", "publish: --repo owner/name is required"),
            ("--repo 'a b/c' '\(dir)'", "publish: --repo a b/c: expected owner/name"),
            ("--repo o/n", "publish: the run folder is required"),
            ("--repo o/n /nonexistent-run", "publish: /nonexistent-run: not a directory"),
            ("--repo o/n --frobnicate '\(dir)'", "publish: unknown option --frobnicate"),
            ("--repo o/n '\(dir)'", "publish: HF_TOKEN is not set"),
        ]
        for (arguments, message) in cases {
            // From an empty folder, so no .env supplies a token.
            let r = try Harness.sh("cd '\(dir)' && '\(Harness.repo.path)/bin/publish' \(arguments)", env: ["HF_TOKEN": ""])
            #expect(r.status == 1, "\(arguments)")
            #expect(r.stderr.hasPrefix(message) && r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr)")
        }
    }
}
