import Foundation
import Testing

/// The shell wrappers where they used to go wrong: serve-vllm starting vLLM without the profile's
/// arguments when vllm-args failed, its --help printing code, `make install` failing on the
/// samples' subfolders and leaving conf/ behind.
@Suite(.serialized) struct ScriptTests {
    static let tools = ["fetch-task", "render-prompts", "call-model", "strip-reasoning", "score", "aggregate", "evalpipe-jobs", "ja-tokenize"]

    @Test func serveVLLMStopsWhenVLLMArgsFails() throws {
        let d = try ToolAttackTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        // A stand-in `vllm` that records that it was started.
        try "#!/bin/sh\necho started > \(d)/vllm-ran\n".write(toFile: d + "/vllm", atomically: true, encoding: .utf8)
        chmod(d + "/vllm", 0o755)
        let r = try ToolAttackTests.sh("PATH=\(d):$PATH EVALPIPE_BIN=\(ToolAttackTests.bin) bin/serve-vllm --model m --profile conf/models/Qwen/Qwen3-8B.yaml --custom-settings nope --timeout 5")
        #expect(r.status == 1)
        #expect(r.stderr.contains("no custom settings 'nope'"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d + "/vllm-ran"), "vLLM must not start without the profile's arguments")
    }

    @Test func serveVLLMHelpIsTheUsage() throws {
        let r = try ToolAttackTests.sh("bin/serve-vllm --help")
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("serve-vllm: start `vllm serve`"))
        #expect(r.stdout.contains("--timeout SECONDS"))
        #expect(!r.stdout.contains("set -euo") && !r.stdout.contains("repo="), "\(r.stdout)")
    }

    /// Installs the tools of this build (no release build: `-o` tells make they are current) into
    /// a temporary prefix, then uses them from an empty directory.
    @Test func makeInstallCopiesSubfoldersAndTheInstalledToolsFindTasksAndConf() throws {
        let d = try ToolAttackTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let bin = ToolAttackTests.bin
        let keep = Self.tools.map { "-o \(bin)/\($0)" }.joined(separator: " ")
        let install = try ToolAttackTests.sh("make --no-print-directory install BIN=\(bin) PREFIX=\(d)/prefix \(keep)")
        #expect(install.status == 0, "\(install.stderr)")
        let share = d + "/prefix/share/evalpipe"
        for f in ["Makefile", "tasks/gpqa_diamond.yaml", "tasks/samples/gpqa_diamond.csv", "conf/services/tsubame.yaml",
                  "conf/models/Qwen/Qwen3-8B.yaml", "conf/chat_templates/base_passthrough.jinja"] {
            #expect(FileManager.default.fileExists(atPath: "\(share)/\(f)"), "\(f)")
        }
        let samples = try FileManager.default.subpathsOfDirectory(atPath: share + "/tasks/samples")
        let source = try FileManager.default.subpathsOfDirectory(atPath: FilterFuzzTests.repo.appendingPathComponent("tasks/samples").path)
        #expect(Set(samples) == Set(source), "every sample, subfolders included")
        for w in ["evalpipe", "suite", "submit", "status", "serve-vllm", "publish"] { #expect(FileManager.default.isExecutableFile(atPath: "\(d)/prefix/bin/\(w)"), "\(w)") }

        // From a directory with no tasks/ or conf/: the installed copies are found.
        let empty = d + "/work"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let p = d + "/prefix/bin"
        let list = try ToolAttackTests.sh("cd \(empty) && env -u EVALPIPE_TASKS \(p)/fetch-task --list | head -n 3")
        #expect(list.status == 0 && list.stdout.contains("gpqa_diamond"), "\(list.stderr)")
        let dry = try ToolAttackTests.sh("""
            cd \(empty) && env -u EVALPIPE_BIN \(p)/evalpipe-jobs submit --service local --node gpu_1 --model openai/gpt-4o \
              --tasks gpqa_diamond --dry-run --results \(empty)/results
            """)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("make --no-print-directory -f \(share)/Makefile"), "\(dry.stdout)")
        let status = try ToolAttackTests.sh("cd \(empty) && env -u EVALPIPE_BIN \(p)/status --service local --model openai/gpt-4o")
        #expect(status.status == 0, "\(status.stderr)")
    }
}
