import EvalCore
import Foundation
@testable import Jobs
import Testing

/// Values that reach a job script: a newline must never start a command after a directive line,
/// `..` must never put a script outside --results, and `$(…)` in a path stays text.
@Suite struct InjectionTests {
    static let conf = repo.appendingPathComponent("conf").path

    func plan(service: String, node: String, model: String = "hosted_vllm/Qwen/Qwen3-8B", settings: String = "reasoning",
              results: String = "/r", profile: String? = nil, makeVariables: [String] = [], env: [String: String] = [:]) throws -> SubmitPlan {
        let task = try TaskCatalog(directory: repo.appendingPathComponent("tasks").path).load("gpqa_diamond")
        return try SubmitPlan(SubmitRequest(
            service: try ServiceConfig.load(name: service, conf: Self.conf), nodeName: node, model: try ModelRef(model), settings: settings,
            profile: profile, tasks: [task], repo: repo.path, results: results, bin: "/b", env: env, serverCommand: nil,
            makeVariables: makeVariables, walltime: nil))
    }

    static let services = [("tsubame", "node_q", ["TSUBAME_GROUP": "g"]), ("abci", "rt_HG", ["ABCI_GROUP": "g"]),
                           ("slurm", "gpu_1", [:]), ("local", "gpu_1", [:])]

    @Test(arguments: ["reasoning\ntouch /tmp/evalpipe-pwned", "a\rb", "x\u{2028}y", "../../../tmp", "..", "a/b", "-rf", ""])
    func aBadCustomSettingsNameIsRefusedByEveryService(settings: String) throws {
        for (service, node, env) in Self.services {
            let e = #expect(throws: EvalError.self) { try plan(service: service, node: node, settings: settings, env: env) }
            #expect(e?.field == "--custom-settings", "\(service): \(String(describing: e))")
        }
    }

    @Test(arguments: ["hosted_vllm/Qwen/Qwen3-8B\ntouch x", "hosted_vllm/../../etc", "hosted_vllm//x", "hosted_vllm/Qwen/.."])
    func aBadModelNameIsRefused(model: String) throws {
        let e = #expect(throws: EvalError.self) { try ModelRef(model) }
        #expect(e?.field == "--model")
    }

    @Test func aResultsPathThatWouldBreakADirectiveIsRefused() throws {
        for results in ["/r\ntouch /tmp/x", "/my results", "/r/$HOME", "/r/%j"] {
            for (service, node, env) in Self.services {
                let e = #expect(throws: EvalError.self) { try plan(service: service, node: node, results: results, env: env) }
                #expect(e?.field == "--results", "\(results) on \(service)")
            }
        }
        let e = #expect(throws: EvalError.self) {
            try plan(service: "tsubame", node: "node_q", env: ["TSUBAME_GROUP": "g\n#$ -o /etc/passwd"])
        }
        #expect(e?.field == "TSUBAME_GROUP")
        let mv = #expect(throws: EvalError.self) { try plan(service: "local", node: "gpu_1", makeVariables: ["X=1\nrm -rf ~"]) }
        #expect(mv?.field == "--make-var")
        let key = #expect(throws: EvalError.self) { try plan(service: "local", node: "gpu_1", makeVariables: ["A B=1"]) }
        #expect(key?.field == "--make-var")
    }

    /// Every line of every script is either a directive with exactly one value per option, a
    /// comment, or the script's own shell: nothing follows a directive.
    @Test func validScriptsHaveNoStrayLines() throws {
        for (service, node, env) in Self.services {
            let p = try plan(service: service, node: node, env: env)
            for job in p.tasks + [p.aggregate] {
                let lines = job.script.split(separator: "\n", omittingEmptySubsequences: false)
                let directives = lines.filter { $0.hasPrefix("#$ ") || $0.hasPrefix("#PBS ") || $0.hasPrefix("#SBATCH ") }
                for d in directives { #expect(!d.contains("\r")) }
                let log = directives.first { $0.contains(" -o ") || $0.contains("--output=") }
                if service != "local" { #expect(log?.hasSuffix("/r/hosted_vllm/Qwen/Qwen3-8B/reasoning/\(job.spec.name.dropFirst(3))/job.log") == true) }
            }
        }
    }

    /// Paths are data: `$(…)`, backticks and quotes in a profile path or a make variable reach
    /// make as the same text, and nothing runs. The task command is run by bash with `make` and
    /// `bin/serve-vllm` replaced by functions that print their arguments.
    @Test func shellAndMakeSyntaxInValuesStaysText() throws {
        let d = NSTemporaryDirectory() + "evalpipe-inject-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: d) }
        let marker = d + "/pwned"
        let profile = d + "/p $(touch \(marker)) `touch \(marker)` ' \".yaml"
        let p = try plan(service: "local", node: "gpu_1", model: "openai/gpt-4o", profile: profile,
                         makeVariables: ["DATA=$(shell touch \(marker))"])
        let command = p.tasks[0].spec.command
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-c", #"make() { printf '%s\n' "$@"; }; "# + command]
        let out = Pipe()
        bash.standardOutput = out
        try bash.run()
        let args = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        bash.waitUntilExit()
        #expect(bash.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: marker), "nothing ran")
        // make gets `$$`, which it turns back into the literal `$`.
        #expect(args.contains("PROFILE=" + profile.replacingOccurrences(of: "$", with: "$$")))
        #expect(args.contains("DATA=$$(shell touch \(marker))"))
        #expect(ScriptValue.makeAssignment("K", "a$b") == "K=a$$b")
    }

    @Test func jobFoldersStayInsideResults() throws {
        let p = try plan(service: "local", node: "gpu_1", results: "/r")
        for job in p.tasks + [p.aggregate] { #expect(job.directory.hasPrefix("/r/hosted_vllm/Qwen/Qwen3-8B/reasoning/")) }
    }
}
