import ArgumentParser
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
        """)

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

    func run() throws {
        let gen = GenerationSpec(n: n, temperature: temperature, topP: topP, maxTokens: maxTokens,
                                 stop: stop.isEmpty ? nil : stop, seed: seed, reasoningEffort: reasoningEffort)
        let renderer = try PromptRenderer(catalog: taskOptions.catalog, systemPrompt: systemPrompt,
                                          generation: gen, seed: shuffleSeed,
                                          profile: try profile.map(ModelProfile.load(path:)), customSettings: customSettings)
        try Filter.run(inputs: input.inputs) { record, _ in try renderer.render(&record) }
    }
}

RenderPrompts.runMain()
