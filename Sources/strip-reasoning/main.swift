import ArgumentParser
import CLI
import EvalCore
import Reasoning

struct StripReasoning: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strip-reasoning",
        abstract: "Separates each response's reasoning from the answer that gets scored, as the reference does.",
        discussion: """
            Adds responses[i].answer, responses[i].reasoning and responses[i].status (ok, \
            truncated_in_reasoning, truncated_in_answer) and the record's status. Responses the server \
            already split (reasoning_content) are not parsed again. A record's reasoning_parser key \
            overrides --parser. Parsers: \(ReasoningParser.all.map(\.name).joined(separator: ", ")).

              fetch-task gpqa_diamond | render-prompts \\
                | call-model --model hosted_vllm/Qwen/Qwen3-8B \\
                | strip-reasoning --parser deepseek_r1_markup | score | aggregate
            """,
        version: Evalpipe.version)

    @Option(help: "Parser for responses the server did not split.")
    var parser = ReasoningParser.deepseekR1Markup.name

    @OptionGroup var input: InputFiles

    func validate() throws {
        do { _ = try ReasoningParser.named(parser) } catch let e as EvalError { throw ValidationError(e.description) }
    }

    func run() throws {
        let parser = try ReasoningParser.named(self.parser)
        try Filter.run(inputs: input.inputs) { record, _ in
            try ReasoningStripper.strip(&record, parser: parser)
        }
    }
}

StripReasoning.runMain()
