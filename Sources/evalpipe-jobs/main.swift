import ArgumentParser
import CLI
import EvalCore
import Jobs

struct EvalpipeJobs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evalpipe-jobs",
        abstract: "Batch jobs for evalpipe on TSUBAME4.0, ABCI 3.0, Slurm or this machine: job scripts, submission, status, vLLM arguments.",
        discussion: """
        The bin/submit, bin/status and bin/serve-vllm wrappers call it.

          bin/submit --service tsubame --node node_q --model hosted_vllm/Qwen/Qwen3-8B --suite all
          bin/status --service tsubame --model hosted_vllm/Qwen/Qwen3-8B
        """,
        version: Evalpipe.version,
        subcommands: [Submit.self, StatusCommand.self, SuiteCommand.self, VLLMArgs.self, ValidatePBS.self])
}

/// Paths every subcommand resolves the same way (JobPaths).
struct Location: ParsableArguments {
    @Option(help: "The folder jobs run in, with its .env (default: the current directory). The Makefile they run is the installed one when this executable is installed, else <repo>/Makefile.") var repo: String?
    @Option(help: "Settings directory with services/, models/, suites/ (default: <repo>/conf, else the installed share/evalpipe/conf).") var conf: String?
    @Option(help: "Results root (default: <repo>/results).") var results: String?

    var paths: JobPaths { JobPaths(repo: repo, conf: conf, results: results) }
}

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one job script per task and an aggregate job that waits on them all; submit them (qsub, qsub -P -q, sbatch) or run them here.",
        discussion: """
        Walltimes come from each task file's `runtime` estimates × the service's margin; group and
        priority from .env. Scripts and job logs land in results/{provider}/{publisher}/{model}/{settings}/{task}/.

          bin/submit --service abci --node rt_HG --model hosted_vllm/Qwen/Qwen3-8B --custom-settings reasoning --tasks gpqa_diamond --dry-run
        """)

    @OptionGroup var location: Location
    @Option(help: "tsubame, abci, slurm, local (conf/services/<name>.yaml).") var service: String
    @Option(help: "Node type (TSUBAME node_q/node_f/cpu_16, ABCI rt_HG/rt_HF/rt_HC, Slurm gpu_N/cpu, local gpu_N/cpu).") var node: String
    @Option(help: "provider/publisher/model, e.g. hosted_vllm/Qwen/Qwen3-8B.") var model: String
    @Option(help: "Custom settings of the model's profile; also the results folder name.") var customSettings = "default"
    @Option(help: "Model profile (default: conf/models/<publisher>/<model>.yaml when it exists).") var profile: String?
    @Option(help: "Comma-separated task names.") var tasks: String?
    @Option(help: "A suite: conf/suites/<name>.yaml, or `all`.") var suite: String?
    @Option(help: "Start this OpenAI-compatible server instead of vllm serve (it gets $PORT, $HOST, $MODEL).") var serverCmd: String?
    @Option(help: "Local dataset file for the task (make's DATA).") var data: String?
    @Option(help: "Samples per task, for trial runs (make's LIMIT).") var limit: Int?
    @Option(help: "Walltime for every job instead of the estimates ([[H:]MM:]SS).") var walltime: String?
    @Option(help: "Built evalpipe tools the jobs use (default: $EVALPIPE_BIN, else the installed ones beside this executable, else <repo>/.build/release).") var bin: String?
    @Option(help: "Settings file with groups, priority and keys (default: <repo>/.env).") var env: String?
    @Option(name: .customLong("make-var"), help: "Extra make variable for the task jobs, KEY=VALUE (repeatable).") var makeVars: [String] = []
    @Flag(help: "Write and print the scripts with their submit commands; submit nothing.") var dryRun = false

    func run() throws {
        let request = try SubmitRequest.resolve(
            paths: location.paths, service: service, node: node, model: model, settings: customSettings, profile: profile,
            tasks: tasks, suite: suite, serverCommand: serverCmd, data: data, limit: limit, walltime: walltime, bin: bin,
            env: env, makeVariables: makeVars)
        if try !SubmitPlan(request).submit(dryRun: dryRun, out: StandardStream.out) { throw ExitCode.failure }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The user's jobs (from qstat or squeue) joined with each task's progress in its result files, as a table.",
        discussion: """
        DONE counts records with a response of all prompts; ERRORS the api_error ones.

          bin/status --service slurm --model hosted_vllm/Qwen/Qwen3-8B --custom-settings reasoning
        """)

    @OptionGroup var location: Location
    @Option(help: "tsubame, abci, slurm, local.") var service: String
    @Option(help: "provider/publisher/model.") var model: String
    @Option(help: "Custom settings (results folder name).") var customSettings = "default"

    func run() throws {
        let paths = location.paths
        let svc = try ServiceConfig.load(name: service, conf: paths.conf)
        var queue: [QueuedJob] = []
        if let cmd = Queue.command(svc.scheduler) {
            let r = try Jobs.run(cmd)
            guard r.status == 0 else {
                throw EvalError("\(cmd[0]) failed (exit \(r.status)): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            queue = Queue.parse(r.stdout, scheduler: svc.scheduler)
        }
        try ScriptValue.check(customSettings, .pathComponent, field: "--custom-settings")
        let run = try ModelRef(model).runDirectory(results: paths.results, settings: customSettings)
        try StandardStream.out(StatusTable.format(try StatusTable.collect(run: run, queue: queue)))
    }
}

struct SuiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite",
        abstract: "List a suite's tasks in order, each with `runnable` or `data-only` (a task declared for its data only).",
        discussion: """
        make suite (bin/suite) runs the runnable ones in this order.

          evalpipe-jobs suite swallow
        """)

    @OptionGroup var location: Location
    @Argument(help: "conf/suites/<name>.yaml, or `all`.") var name = "swallow"

    func run() throws {
        let paths = location.paths, catalog = paths.catalog
        for n in try suiteTasks(name, conf: paths.conf, catalog: catalog) {
            print("\(n)\t\(try catalog.resolve(n).task.prompt == nil ? "data-only" : "runnable")")
        }
    }
}

struct VLLMArgs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vllm-args",
        abstract: "Print the `vllm serve` arguments a profile's custom settings ask for, one per line.",
        discussion: """
        bin/serve-vllm calls it; the model, host and port come from there.

          evalpipe-jobs vllm-args --profile conf/models/Qwen/Qwen3-8B.yaml --custom-settings reasoning
        """)

    @Option(help: "Model profile file.") var profile: String
    @Option(help: "Custom settings name.") var customSettings = "default"

    func run() throws {
        let p = try ModelProfile.load(path: profile)
        try StandardStream.out(try vllmArguments(p, settings: customSettings).joined(separator: "\n") + "\n")
    }
}

struct ValidatePBS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-pbs",
        abstract: "Check an ABCI 3.0 job script against the PBS Professional options ABCI accepts; print each problem, exit 1 if any.",
        discussion: """
        qsub arguments after the script are checked with it, as qsub merges them.

          evalpipe-jobs validate-pbs results/…/gpqa_diamond/job.sh -P mygroup -q rt_HG
        """)

    @Argument(help: "Job script.") var script: String
    @Argument(parsing: .captureForPassthrough, help: "qsub arguments.") var qsubArguments: [String] = []

    func run() throws {
        guard let text = try? String(contentsOfFile: script, encoding: .utf8) else { throw EvalError("cannot read", file: script) }
        let issues = PBSValidator.validate(script: text, qsubArguments: qsubArguments)
        for i in issues { Log.line("validate-pbs: \(script): \(i)") }
        if !issues.isEmpty { throw ExitCode.failure }
    }
}

EvalpipeJobs.runMain()
