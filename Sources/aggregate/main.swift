import Aggregation
import ArgumentParser
import CLI
import EvalCore
import Foundation

extension ReportFormat: ExpressibleByArgument {}

struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Summarize scored records: per model and task the mean and standard error of each metric, coverage by status, and the headline number.",
        discussion: """
        Reads scored records of any number of tasks and models (JSON Lines) and writes one
        document. The headline is the mean over scored records; records that ended in api_error
        have no scores and show up as missing coverage (use --missing-as-zero to count them as
        0, which is what the reference does). --format swallow writes the reference's
        aggregated_results.json (its keys, order and `overall` string) for each model.

          … | strip-reasoning | score | aggregate --format markdown
          aggregate results/*/*/*/*/*/scored.jsonl > summary.json
          aggregate --format swallow */scored.jsonl > aggregated_results.json
        """)

    @OptionGroup var input: InputFiles
    @Option(help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).") var format: ReportFormat = .json
    @OptionGroup var taskOptions: TaskOptions
    @Flag(help: "Count records without scores as 0, as the reference does.") var missingAsZero = false
    @Flag(help: "Keep the first record of an id that appears again (and count the rest) instead of failing.") var dedupe = false

    func run() throws {
        let catalog = taskOptions.catalog
        let agg = Aggregator(catalog: catalog, missingAsZero: missingAsZero, dedupe: dedupe)
        let reader = RecordReader(paths: input.inputs)
        while let rec = try reader.nextRecord() {
            do { try agg.add(rec.fields) } catch let e as EvalError { throw e.at(file: rec.file, line: rec.line) }
        }
        if agg.duplicates > 0 { Log.line("aggregate: warning: \(agg.duplicates) repeated records left out (--dedupe)") }
        try StandardStream.out(format.render(agg.report(), catalog: catalog))
    }
}

Aggregate.runMain()
