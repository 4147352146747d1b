import EvalCore
import Foundation

/// What `fetch-task` does besides streaming rows: a task's records, the cache listing, prefetching
/// for offline compute nodes, and a model's files. Reports go to `out` (stdout), logs to stderr.
public enum FetchTool {
    /// Every record of one task (`name` or `name:subset`). Every subset's files are found before the
    /// first row is written: a subset with no data of its own fails the run instead of yielding a
    /// partial one. Rows already read stay written when a later one fails.
    public static func fetch(_ name: String, catalog: TaskCatalog, locator: DatasetLocator, revision: String?, limit: Int?) throws {
        let (spec, subset) = try catalog.resolve(name)
        let plans = try Fetch.subsets(of: spec, requested: subset, singleFile: locator is LocalFile).map {
            try Fetch.plan(task: spec, subset: $0, locator: locator, revision: revision)
        }
        let writer = RecordWriter()
        do {
            for plan in plans { try Fetch.records(plan, limit: limit) { try writer.write($0) } }
            try writer.flush()
        } catch {
            try? writer.flush()
            throw error
        }
    }

    /// `name  repo  status` per task: cached (every subset's files are in the cache), partial, or missing.
    public static func list(_ catalog: TaskCatalog, revision: String?, out: (String) throws -> Void) throws {
        let cache = HubCache()
        for name in catalog.names() {
            let spec = try catalog.load(name)
            let subsets: [String?] = spec.subsets ?? [nil]
            let present = subsets.filter { (try? Fetch.files(task: spec, subset: $0, locator: cache, revision: revision)) != nil }.count
            let status = present == subsets.count ? "cached" : present == 0 ? "missing" : "partial \(present)/\(subsets.count)"
            try out([name, spec.dataset.repo, status + (spec.dataset.gated == true ? " (gated: needs HF_TOKEN)" : "")].joined(separator: "\t") + "\n")
        }
    }

    /// Fetches every subset of every named task (or `all`): one line per task, then the total. A task
    /// that fails is reported and the rest still fetched; the run then fails naming them.
    public static func prefetch(_ names: [String], catalog: TaskCatalog, locator: DatasetLocator, revision: String?,
                                out: (String) throws -> Void) throws {
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
            let bytes = files.reduce(Int64(0)) { $0 + size($1) }
            total += bytes
            let commit = locator.commit(for: Fetch.source(spec, subset: subsets.first ?? nil, revision: revision)) ?? "-"
            try out([spec.name, spec.dataset.repo, String(commit.prefix(12)), "\(files.count) files", megabytes(bytes)].joined(separator: "\t") + "\n")
        }
        try out("total\t\(selected.count - failed.count) tasks\t\(megabytes(total))\n")
        if !failed.isEmpty {
            throw EvalError("could not fetch \(failed.count) of \(selected.count) tasks: " + failed.joined(separator: ", "),
                            hint: "the reasons are above; run again to retry, fetched files are kept")
        }
    }

    /// A model's files into the cache, as `huggingface-cli download` would put them (offline: only
    /// checks that a snapshot is there); prints the snapshot directory, for `vllm serve`.
    public static func model(_ repo: String, revision: String?, settings: HubSettings, progress: Bool,
                             out: (String) throws -> Void) throws {
        if settings.offline {
            return try out(try HubCache().snapshot(repo: repo, revision: revision, kind: .model) + "\n")
        }
        let got = try HubDownloader(cache: HubCache(), settings: settings, progress: progress).model(repo, revision: revision)
        let bytes = got.files.reduce(Int64(0)) { $0 + size(got.snapshot + "/" + $1) }
        Log.line("fetch-task: \(repo) \(got.commit.prefix(12)): \(got.files.count) files, \(megabytes(bytes))")
        try out(got.snapshot + "\n")
    }

    /// The size of the file a snapshot entry links to.
    private static func size(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    private static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
