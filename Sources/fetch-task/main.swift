import ArgumentParser
import CLI
import EvalCore
import Foundation
import Hub

struct FetchTask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch-task",
        abstract: "Writes a benchmark's dataset rows as JSON Lines records, the first stage of the pipeline.",
        discussion: """
            Each record has task, subset (if any), index, id (task:index or task:subset:index), row, and \
            for Hub data dataset {repo, commit}: the commit read, pinned. Rows come from --data, else from \
            the Hugging Face Hub through its local cache (HF_HUB_CACHE, or HF_HOME/hub, shared with \
            huggingface_hub): files not cached yet are downloaded (HF_ENDPOINT, HF_TOKEN for gated sets, \
            https_proxy); with HF_HUB_OFFLINE=1 nothing touches the network. A task with subsets and no \
            :subset reads every subset; --limit applies to each.

              fetch-task gpqa_diamond --data gpqa_diamond.csv | render-prompts | …
              fetch-task mmlu_english:anatomy --limit 5
              fetch-task --prefetch all          # on a login node; then HF_HUB_OFFLINE=1 on the compute nodes
              fetch-task --model Qwen/Qwen3-8B   # a model's files too, for vllm serve on those nodes
              fetch-task --list
            """)

    @Argument(help: "Task: file name (gpqa_diamond), reference name (gpqa:diamond), either with :subset. With --prefetch: tasks, or 'all'.")
    var names: [String] = []

    @Option(help: "A .parquet, .csv, .json or .jsonl file with the rows, or a directory laid out as a Hub snapshot.")
    var data: String?

    @Option(help: "Keep the first N rows (of each subset).")
    var limit: Int?

    @Option(help: "Dataset revision (branch, tag or commit) instead of the task file's (default main).")
    var revision: String?

    @OptionGroup var taskOptions: TaskOptions

    @Flag(help: "List the tasks with their dataset repository and whether their files are in the cache.")
    var list = false

    @Flag(help: "Download the files of the named tasks (or all) into the Hub cache and print their sizes; no records.")
    var prefetch = false

    @Option(help: ArgumentHelp("Download every file of a model repository (owner/name, at --revision) into the Hub cache and print its snapshot directory; no records.", valueName: "repo"))
    var model: String?

    @Flag(help: "Show download progress on stderr even when it is not a terminal.")
    var progress = false

    func validate() throws {
        if model != nil && (list || prefetch || data != nil || !names.isEmpty) {
            throw ValidationError("--model takes no task, --list, --prefetch or --data")
        }
        if model != nil { return }
        if list && prefetch { throw ValidationError("--list and --prefetch do not go together") }
        if list && !names.isEmpty { throw ValidationError("--list takes no task") }
        if prefetch && names.isEmpty { throw ValidationError("--prefetch needs task names, or 'all'") }
        if prefetch && data != nil { throw ValidationError("--prefetch fills the Hub cache: --data does not apply") }
        if !list && !prefetch && names.count != 1 { throw ValidationError(names.isEmpty ? "missing the task name" : "one task at a time (or --prefetch)") }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        // Every failure is one `fetch-task: …` line, whatever layer it comes from.
        do { try fetch() } catch let e as EvalError { throw e } catch { throw EvalError("\(error)") }
    }

    private func fetch() throws {
        if let model { return try fetchModel(model) }
        let catalog = taskOptions.catalog
        if list { return try listTasks(catalog) }
        let settings = HubSettings()
        let locator = try Fetch.locator(data: data, settings: settings, progress: progress || Log.stderrIsTerminal)
        if prefetch { return try prefetchTasks(catalog, locator) }
        let (spec, subset) = try catalog.resolve(names[0])
        // Every subset's files are found before the first row is written: a subset with no data of
        // its own fails the run instead of yielding a partial one.
        let plans = try Fetch.subsets(of: spec, requested: subset, singleFile: locator is LocalFile).map {
            try Fetch.plan(task: spec, subset: $0, locator: locator, revision: revision)
        }
        let writer = RecordWriter()
        do {
            for plan in plans { try Fetch.records(plan, limit: limit) { try writer.write($0) } }
            try writer.flush()
        } catch {
            try? writer.flush()  // rows already read stay written
            throw error
        }
    }

    /// A model's files into the cache, as `huggingface-cli download` would put them; offline, only
    /// checks that a snapshot is there. Prints the snapshot directory.
    private func fetchModel(_ repo: String) throws {
        let settings = HubSettings()
        if settings.offline {
            print(try HubCache().snapshot(repo: repo, revision: revision, kind: .model))
            return
        }
        let hub = HubDownloader(cache: HubCache(), settings: settings, progress: progress || Log.stderrIsTerminal)
        let got = try hub.model(repo, revision: revision)
        let bytes = got.files.reduce(Int64(0)) { $0 + FetchTask.size(got.snapshot + "/" + $1) }
        Log.line("fetch-task: \(repo) \(got.commit.prefix(12)): \(got.files.count) files, \(FetchTask.megabytes(bytes))")
        print(got.snapshot)
    }

    /// `name  repo  status`: cached (every subset's files are in the cache), partial, or missing.
    private func listTasks(_ catalog: TaskCatalog) throws {
        let cache = HubCache()
        for name in catalog.names() {
            let spec = try catalog.load(name)
            let subsets: [String?] = spec.subsets ?? [nil]
            let present = subsets.filter { (try? Fetch.files(task: spec, subset: $0, locator: cache, revision: revision)) != nil }.count
            let status = present == subsets.count ? "cached" : present == 0 ? "missing" : "partial \(present)/\(subsets.count)"
            try StandardStream.out([name, spec.dataset.repo, status + (spec.dataset.gated == true ? " (gated: needs HF_TOKEN)" : "")].joined(separator: "\t") + "\n")
        }
    }

    /// Fetches every subset of every named task; one summary line per task, then the total.
    private func prefetchTasks(_ catalog: TaskCatalog, _ locator: DatasetLocator) throws {
        let selected: [(TaskSpec, String?)] = try names.contains("all")
            ? catalog.names().map { (try catalog.load($0), nil) }
            : names.map { try catalog.resolve($0) }
        var total: Int64 = 0, failed: [String] = []
        for (spec, subset) in selected {
            let subsets = try Fetch.subsets(of: spec, requested: subset, singleFile: false)
            var files = Set<String>()
            do {
                for s in subsets { files.formUnion(try Fetch.files(task: spec, subset: s, locator: locator, revision: revision)) }
            } catch {
                Log.line("fetch-task: \(spec.name): \(error)")
                failed.append(spec.name)
                continue
            }
            let bytes = files.reduce(Int64(0)) { $0 + FetchTask.size($1) }
            total += bytes
            let commit = locator.commit(for: Fetch.source(spec, subset: subsets.first ?? nil, revision: revision)) ?? "-"
            try StandardStream.out([spec.name, spec.dataset.repo, String(commit.prefix(12)), "\(files.count) files", FetchTask.megabytes(bytes)].joined(separator: "\t") + "\n")
        }
        try StandardStream.out("total\t\(selected.count - failed.count) tasks\t\(FetchTask.megabytes(total))" + "\n")
        if !failed.isEmpty {
            throw EvalError("could not fetch \(failed.count) of \(selected.count) tasks: " + failed.joined(separator: ", "),
                            hint: "the reasons are above; run again to retry, fetched files are kept")
        }
    }

    /// The size of the file a snapshot entry links to.
    private static func size(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    private static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}

FetchTask.runMain()
