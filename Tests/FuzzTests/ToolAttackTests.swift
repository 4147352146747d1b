import EvalCore
import Foundation
import Testing

/// The built tools as processes, under the conditions that used to trap them: a closed or full
/// stderr, a full disk on stdout, a 64-bit index at its limit after valid records, a directory, a
/// BOM, and files of byte-mutated records. Each ends with exit status 0, 1 or 2, never a signal,
/// and what it wrote before an error is whole.
@Suite(.serialized) struct ToolAttackTests {
    static let repo = FilterFuzzTests.repo

    static let bin: String = {
        if let e = ProcessInfo.processInfo.environment["EVALPIPE_BIN"] { return e }
        var dir = Bundle.main.bundleURL
        while dir.path != "/" && !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("score").path) {
            dir.deleteLastPathComponent()
        }
        return dir.path
    }()

    struct Run { var status: Int32; var signalled: Bool; var stdout: String; var stderr: String }

    /// Runs `command` in bash with the tools first on PATH.
    static func sh(_ command: String) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = repo
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["EVALPIPE_TASKS"] = repo.appendingPathComponent("tasks").path
        env["no_proxy"] = "127.0.0.1"
        p.environment = env
        let dir = NSTemporaryDirectory() + "attack-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: dir + ".out", contents: nil)
        FileManager.default.createFile(atPath: dir + ".err", contents: nil)
        defer { try? FileManager.default.removeItem(atPath: dir + ".out"); try? FileManager.default.removeItem(atPath: dir + ".err") }
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + ".out"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + ".err"))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        // bash reports a child killed by a signal as 128 + the signal.
        return Run(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal || p.terminationStatus > 128,
                   stdout: try String(contentsOfFile: dir + ".out", encoding: .utf8), stderr: try String(contentsOfFile: dir + ".err", encoding: .utf8))
    }

    static func tempDir() throws -> String {
        let d = NSTemporaryDirectory() + "evalpipe-attack-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// One valid input per tool (each stage's real output), and the command reading FILE.
    static func inputs(_ d: String) throws -> [(tool: String, command: String, lines: [String])] {
        func lines(_ rs: [JSONObject]) -> [String] { rs.prefix(40).map { JSON.encodeString(JSONValue.object($0)) } }
        let rows = FilterFuzzTests.fetched.prefix(40).compactMap { $0["row"]?.object }
        return [
            ("fetch-task", "fetch-task mmlu_english --data FILE", rows.map { JSON.encodeString(JSONValue.object($0)) }),
            ("render-prompts", "render-prompts FILE", lines(FilterFuzzTests.fetched.filter { $0["task"] == "mmlu_english" })),
            ("call-model", "call-model --model hosted_vllm/m --base-url http://127.0.0.1:9/v1 --max-attempts 1 FILE", lines(FilterFuzzTests.rendered)),
            ("strip-reasoning", "strip-reasoning FILE", lines(FilterFuzzTests.rendered)),
            ("score", "score FILE", lines(FilterFuzzTests.stripped)),
            ("aggregate", "aggregate FILE", lines(FilterFuzzTests.scored)),
        ]
    }

    @Test func noToolTrapsOnAClosedOrFullStderrOrAFullDisk() throws {
        let d = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        for (tool, command, lines) in try Self.inputs(d) {
            let file = d + "/\(tool).jsonl"
            try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let cmd = command.replacingOccurrences(of: "FILE", with: file)
            let full = try Self.sh("\(cmd) > /dev/full")
            #expect(full.status == 1 && !full.signalled, "\(tool) > /dev/full: \(full.status) \(full.stderr)")
            #expect(full.stderr.contains("\(tool): stdout: write failed: No space left on device"), "\(tool): \(full.stderr)")
            for redirect in ["2>&-", "2>/dev/full", "> /dev/full 2>&-"] {
                let r = try Self.sh("\(cmd) \(redirect) > /dev/null")
                #expect(!r.signalled && r.status <= 2, "\(tool) \(redirect): \(r.status)")
            }
        }
    }

    /// A newline in a value is refused before anything is written, in one line of stderr.
    @Test func aNewlineInCustomSettingsIsOneLineErrorAndNoScript() throws {
        let d = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let r = try Self.sh("""
            evalpipe-jobs submit --repo . --service slurm --node gpu_1 --model hosted_vllm/Qwen/Qwen3-8B \
              --custom-settings $'reasoning\ntouch \(d)/pwned' --tasks gpqa_diamond --results \(d)/results --dry-run
            """)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("evalpipe-jobs: --custom-settings: control character U+000A in \"reasoning\\ntouch "), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: d + "/results") && !FileManager.default.fileExists(atPath: d + "/pwned"))
    }

    @Test func anIndexAtTheEdgeOf64BitsKeepsTheRecordsBeforeIt() throws {
        let d = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let good = FilterFuzzTests.fetched.filter { $0["task"] == "mmlu_english" }.prefix(3).map { $0 }
        try #require(good.count == 3)
        var bad = good[0]
        bad["index"] = .int(.max)
        bad["shuffle_seed"] = nil
        try (good + [bad]).map { JSON.encodeString(JSONValue.object($0)) + "\n" }.joined().write(toFile: d + "/in.jsonl", atomically: true, encoding: .utf8)
        let r = try Self.sh("render-prompts --shuffle-seed 5 \(d)/in.jsonl")
        #expect(r.status == 1 && !r.signalled)
        #expect(r.stdout.split(separator: "\n").count == 3)
        #expect(r.stderr == "render-prompts: \(d)/in.jsonl:4: index: 9223372036854775807 + the shuffle seed 5 does not fit 64 bits\n")
    }

    @Test func aDirectoryIsNamedAndABOMIsAcceptedByEveryFilter() throws {
        let d = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        for (tool, command, lines) in try Self.inputs(d) where tool != "fetch-task" {
            let dir = try Self.sh(command.replacingOccurrences(of: "FILE", with: d))
            #expect(dir.status == 1 && dir.stderr.hasSuffix("\(tool): \(d): is a directory (give the JSON Lines file inside it, e.g. \(d)/scored.jsonl)\n"),
                    "\(tool): \(dir.stderr)")
            let file = d + "/bom-\(tool).jsonl"
            try Data([0xEF, 0xBB, 0xBF] + Array(lines[0].utf8) + [0x0A]).write(to: URL(fileURLWithPath: file))
            let bom = try Self.sh(command.replacingOccurrences(of: "FILE", with: file))
            #expect(!bom.stderr.contains("0xEF"), "\(tool): \(bom.stderr)")
            #expect(bom.status == 0 || tool == "call-model", "\(tool): \(bom.stderr)")
        }
    }

    /// Files of byte-mutated records through each tool: it stops at the first bad line with one
    /// error line, and every line it wrote is a whole record.
    @Test func mutatedFilesEndInAnErrorOrSuccessNeverACrash() throws {
        let d = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        var m = Mutator(seed: 99)
        var runs = 0
        for (tool, command, lines) in try Self.inputs(d) where tool != "call-model" {
            for k in 0..<12 {
                let mutated = lines.enumerated().map { i, l in i == k ? String(decoding: m.mutateBytes(Array(l.utf8)), as: UTF8.self) : l }
                let file = d + "/m-\(tool)-\(k).jsonl"
                try mutated.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
                let r = try Self.sh(command.replacingOccurrences(of: "FILE", with: file))
                runs += 1
                #expect(!r.signalled && (r.status == 0 || r.status == 1), "\(tool) on \(file): \(r.status) \(r.stderr)")
                if r.status == 1 { #expect(r.stderr.split(separator: "\n").count == 1, "\(tool): \(r.stderr)") }
                for line in r.stdout.split(separator: "\n") where tool != "aggregate" {
                    #expect((try? JSON.decode(Array(line.utf8))) != nil, "\(tool) wrote a broken line")
                }
            }
        }
        #expect(runs == 60)
    }
}
