import ArgumentParser
import Foundation
import CLI
import EvalCore
import Prompting

struct RenderPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-prompts",
        abstract: "Turn dataset records into chat messages, the metric's target and generation settings, from each record's task file.",
        discussion: """
        Reads fetch-task records (JSON Lines) and adds `messages`, `target` and `generation`;
        every other key passes through. With --profile, the model's custom settings sit between
        the task's defaults and the flags, and each record's `profile` says what they supplied.
        Choice positions (GPQA) are drawn per record from
        Python's generator seeded with shuffle_seed + index, so reruns give the same prompts.

          fetch-task gpqa_diamond --data gpqa_diamond.csv \\
            | render-prompts --system-prompt "You are a helpful assistant." \\
            | call-model --model hosted_vllm/Qwen/Qwen3-8B --base-url http://localhost:8000/v1

        With --judge, reads answered records (after strip-reasoning) of a task with a judge (MT-Bench)
        and writes one judge request per draw and turn, for call-model against the judge; score
        merges the judgements back into their question's record:

          render-prompts --judge --unjudged unjudged.jsonl answers.jsonl \\
            | call-model --model openai/gpt-4o-2024-08-06 --output judged.jsonl
          score judged.jsonl unjudged.jsonl | aggregate
        """,
        version: Evalpipe.version)

    @OptionGroup var taskOptions: TaskOptions
    @OptionGroup var input: InputFiles
    @Option(help: "System message put before the user turn.") var systemPrompt: String?
    @Option(help: "Draws per prompt.") var n: Int?
    @Option(help: "Sampling temperature.") var temperature: Double?
    @Option(help: "Nucleus sampling mass.") var topP: Double?
    @Option(help: "Maximum new tokens.") var maxTokens: Int?
    @Option(help: "Generation seed sent to the server.") var seed: Int?
    @Option(help: "Stop sequence (repeatable).") var stop: [String] = []
    @Option(help: "reasoning_effort for models that take it (low, medium, high).") var reasoningEffort: String?
    @Option(help: "Base seed of choice shuffling (default: the task's shuffle_seed, else 1234).") var shuffleSeed: Int?
    @Option(help: "Model profile (conf/models/<publisher>/<model>.yaml): system message, sampling, max tokens, reasoning parser. Its temperature/top_p apply only to tasks that decode greedily by default; flags override it.") var profile: String?
    @Option(help: "Which of the profile's custom settings.") var customSettings: String = "default"
    @Flag(help: "Multi-turn tasks: continue each draw from its own earlier answers, not draw 0's as the reference does (a deliberate deviation).") var ownTurnContext = false
    @Flag(help: "Write the judge's requests for answered records (the task file's judge section) instead of the model's prompts; the generation flags then override the judge's settings.") var judge = false
    @Option(help: ArgumentHelp("With --judge: where records with nothing to judge (api_error) go, for score to report them.", valueName: "file")) var unjudged: String?

    var generation: GenerationSpec {
        GenerationSpec(n: n, temperature: temperature, topP: topP, maxTokens: maxTokens,
                       stop: stop.isEmpty ? nil : stop, seed: seed, reasoningEffort: reasoningEffort)
    }

    func run() throws {
        if judge { return try runJudge() }
        let renderer = try PromptRenderer(catalog: taskOptions.catalog, systemPrompt: systemPrompt,
                                          generation: generation, seed: shuffleSeed,
                                          profile: try profile.map(ModelProfile.load(path:)), customSettings: customSettings,
                                          ownTurnContext: ownTurnContext)
        try Filter.run(inputs: input.inputs) { record, _ in try renderer.render(&record) }
    }

    func runJudge() throws {
        let renderer = JudgePromptRenderer(catalog: taskOptions.catalog, generation: generation)
        let aside = try unjudged.map { path in
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw EvalError("cannot open for writing", file: path) }
            return RecordWriter(fd: fd)
        }
        try Filter.run(inputs: input.inputs, emitting: { record, _, emit in
            if try renderer.render(record, emit: emit) { return }
            guard let aside else {
                throw EvalError("nothing to judge: the model call failed", field: "status",
                                hint: "rerun call-model to retry it, or pass --unjudged FILE to keep such records for score")
            }
            try aside.write(record)
        }, finish: { _ in try aside?.flush() })
    }
}

RenderPrompts.runMain()
