import ArgumentParser
import CLI
import EvalCore
import Execution
import Foundation
import Scoring

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Scores each record's responses with the extractor and metrics its task file names.",
        discussion: """
            Adds responses[i].extracted, responses[i].scores, scores and status to every record. \
            Records with status api_error pass through unscored. Records are scored on --jobs \
            threads and written in input order, as one thread writes them. Code tasks (HumanEval, \
            LiveCodeBench…) run every extracted program once in a sandbox, --jobs at a time, and \
            add responses[i].execution; their records are written as their draws finish.

              … | call-model --model M | strip-reasoning | score | aggregate

            Judged tasks (MT-Bench): give score the judge's output (and render-prompts --judge's \
            --unjudged file); each question is scored once all its judgements have arrived.
            """,
        version: Evalpipe.version)

    @OptionGroup var taskOptions: TaskOptions

    @Option(help: ArgumentHelp("Isolation of executed programs: bwrap (bubblewrap namespaces) or basic (rlimits, session, scrubbed environment, temp dir). Default: bwrap where it works, else basic.", valueName: "level"))
    var sandbox: String?

    @Option(help: "Records scored, and programs run, in parallel (default: the number of cores).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Python interpreter for executed programs (default /usr/bin/python3).", valueName: "path"))
    var python: String?

    @OptionGroup var input: InputFiles

    func validate() throws {
        if let s = sandbox, SandboxLevel(rawValue: s) == nil { throw ValidationError("--sandbox must be bwrap or basic") }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let level = sandbox.flatMap(SandboxLevel.init)
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let python = self.python
        try ScoreStream(scorers: TaskScorers(catalog: taskOptions.catalog), jobs: jobs) {
            let box = try Sandbox(level: level, python: python)
            Log.line("score: sandbox \(box.level.description); \(jobs) jobs; \(box.python)")
            return try Engine(sandbox: box, jobs: jobs)
        }.run(inputs: input.inputs)
    }
}

Score.runMain()
