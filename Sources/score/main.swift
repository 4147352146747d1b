import ArgumentParser
import CLI
import EvalCore
import Scoring

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Scores each record's responses with the extractor and metrics its task file names.",
        discussion: """
            Adds responses[i].extracted, responses[i].scores, scores and status to every record. \
            Records with status api_error pass through unscored.

              … | call-model --model M | strip-reasoning | score | aggregate
            """)

    @OptionGroup var taskOptions: TaskOptions
    @OptionGroup var input: InputFiles

    func run() throws {
        let scorers = TaskScorers(catalog: taskOptions.catalog)
        try Filter.run(inputs: input.inputs) { record, _ in try scorers.score(&record) }
    }
}

Score.runMain()
