import ArgumentParser
import CLI
import EvalCore
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
            """,
        version: Evalpipe.version)

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
        do {
            let settings = HubSettings(), shown = progress || Log.stderrIsTerminal
            if let model { return try FetchTool.model(model, revision: revision, settings: settings, progress: shown, out: StandardStream.out) }
            let catalog = taskOptions.catalog
            if list { return try FetchTool.list(catalog, revision: revision, out: StandardStream.out) }
            let locator = try Fetch.locator(data: data, settings: settings, progress: shown)
            if prefetch { return try FetchTool.prefetch(names, catalog: catalog, locator: locator, revision: revision, out: StandardStream.out) }
            try FetchTool.fetch(names[0], catalog: catalog, locator: locator, revision: revision, limit: limit)
        } catch let e as EvalError { throw e } catch { throw EvalError("\(error)") }
    }
}

FetchTask.runMain()
