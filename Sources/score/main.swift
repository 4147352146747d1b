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

            Judged tasks (MT-Bench): give score the judge's output (and render-prompts --judge's \
            --unjudged file); each question is scored once all its judgements have arrived.
            """)

    @OptionGroup var taskOptions: TaskOptions
    @OptionGroup var input: InputFiles

    func run() throws {
        let scorers = TaskScorers(catalog: taskOptions.catalog)
        // Judge records (MT-Bench) wait for their question's other judgements, then score as one record.
        let judged = JudgeMerger()
        try Filter.run(inputs: input.inputs, emitting: { input, _, emit in
            guard var record = try judged.add(input) else { return }
            try scorers.score(&record)
            try emit(record)
        }, finish: { _ in
            let left = judged.unfinished
            if let first = left.first {
                throw EvalError("\(left.count) question(s) lack judgements, e.g. \(first.id) (\(first.arrived) arrived)",
                                hint: "the judge stage did not finish: run it again, then score its whole output")
            }
        })
    }
}

Score.runMain()
