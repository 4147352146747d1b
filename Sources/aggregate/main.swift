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
        --format html writes one self-contained page: the leaderboard of every run (model and
        custom settings), per-run charts, statuses, tokens and time, and a sample browser
        keeping the first --samples records of each kind per run and task.

          … | strip-reasoning | score | aggregate --format markdown
          aggregate results/*/*/*/*/*/scored.jsonl > summary.json
          aggregate --format swallow */scored.jsonl > aggregated_results.json
          aggregate --format html results/*/*/*/*/*/scored.jsonl > results/report.html
          aggregate --compare results/hosted_vllm/Qwen/Qwen3-8B/default results/hosted_vllm/Qwen/Qwen3-8B/reasoning --format markdown

        --compare A B (each a scored.jsonl or a folder searched for them) writes, per task, B's
        headline minus A's over the ids both scored, with a seeded paired bootstrap 95 % interval,
        flagged when it excludes 0 (JSON, or --format markdown).
        """,
        version: Evalpipe.version)

    @OptionGroup var input: InputFiles
    @Option(help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).") var format: ReportFormat = .json
    @OptionGroup var taskOptions: TaskOptions
    @Flag(help: "Count records without scores as 0, as the reference does.") var missingAsZero = false
    @Option(help: "html: records kept per run, task and kind (right, partial, wrong, unrated, truncated, error) for the sample browser.") var samples = 20
    @Option(help: "html: characters kept of each text in the sample browser.") var sampleChars = 4000
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Compare two runs: B minus A per task, with a paired bootstrap interval.", valueName: "A B")) var compare: [String] = []
    @Option(help: "--compare and html: bootstrap resamples.") var resamples = 10_000
    @Option(help: "--compare and html: seed of the resampling (CPython's random.Random).") var seed = 0
    @Option(help: "html: the run the others are compared with, as the leaderboard labels it (default: the first).") var baseline: String?
    @Flag(help: "Keep the first record of an id that appears again (and count the rest) instead of failing.") var dedupe = false

    func run() throws {
        let catalog = taskOptions.catalog
        guard resamples > 0 else { throw ValidationError("--resamples must be > 0") }
        if !compare.isEmpty { return try runComparison(catalog) }
        let agg = Aggregator(catalog: catalog, missingAsZero: missingAsZero, dedupe: dedupe)
        guard samples >= 0, sampleChars > 0 else { throw ValidationError("--samples must be ≥ 0 and --sample-chars > 0") }
        let browser = format == .html ? SampleBrowser(catalog: catalog, limit: samples, maxChars: sampleChars) : nil
        // Records without an id cannot be paired: they are aggregated but not compared.
        let comparison = format == .html ? Comparison(catalog: catalog, resamples: resamples, seed: seed) : nil
        // The sample browser and the comparison read whole records; the aggregate alone a few fields.
        let reader = RecordReader(paths: input.inputs, keeping: browser == nil ? Aggregator.fields : nil)
        while let rec = try reader.nextRecord() {
            do {
                if try agg.add(rec.fields) {
                    browser?.add(rec.fields)
                    if rec.fields["id"] != nil { try comparison?.add(rec.fields, side: Run(record: rec.fields).label) }
                }
            } catch let e as EvalError { throw e.at(file: rec.file, line: rec.line) }
        }
        if agg.duplicates > 0 { Log.line("aggregate: warning: \(agg.duplicates) repeated records left out (--dedupe)") }
        try StandardStream.out(format.render(agg.report(), catalog: catalog, samples: browser, comparison: comparison, baseline: baseline))
    }
}

extension Aggregate {
    func runComparison(_ catalog: TaskCatalog) throws {
        guard compare.count == 2, input.inputs.isEmpty else { throw ValidationError("--compare takes two runs, A and B, and no other input") }
        guard format == .json || format == .markdown else { throw ValidationError("--compare writes json or markdown") }
        let comparison = Comparison(catalog: catalog, resamples: resamples, seed: seed)
        for (path, side) in zip(compare, ["A", "B"]) {
            let reader = RecordReader(paths: try Self.scoredFiles(path))
            while let rec = try reader.nextRecord() {
                do { try comparison.add(rec.fields, side: side) } catch let e as EvalError { throw e.at(file: rec.file, line: rec.line) }
            }
        }
        let result = comparison.result()
        if format == .markdown { return try StandardStream.out(Comparison.markdown(result)) }
        let e = JSON.encoder()
        e.outputFormatting.insert(.prettyPrinted)
        try StandardStream.out(String(decoding: try e.encode(result), as: UTF8.self) + "\n")
    }

    /// A file as given; a folder: every scored.jsonl below it, in name order.
    static func scoredFiles(_ path: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return [path] }
        let found = (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
            .filter { ($0 as NSString).lastPathComponent == "scored.jsonl" }.sorted().map { path + "/" + $0 }
        guard !found.isEmpty else { throw ValidationError("\(path): no scored.jsonl below this folder") }
        return found
    }
}

Aggregate.runMain()
