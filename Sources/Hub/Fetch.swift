import EvalCore
import Foundation

/// fetch-task's work: a task's rows as pipeline records.
public enum Fetch {
    /// Where rows come from: `--data` (a directory is a snapshot, anything else one data file), else
    /// the Hub: downloaded into its cache, or with `HF_HUB_OFFLINE` from the cache alone.
    public static func locator(data: String?, settings: HubSettings = HubSettings(), progress: Bool = false) throws -> DatasetLocator {
        guard let data else {
            return settings.offline ? HubCache() : HubDownloader(cache: HubCache(), settings: settings, progress: progress)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) else {
            throw EvalError("no such file or directory", file: data, hint: "--data takes a data file or a snapshot directory")
        }
        return isDirectory.boolValue
            ? SnapshotDirectory(path: data, missingHint: "read one subset with TASK:SUBSET, or one file with --data FILE")
            : LocalFile(path: data)
    }

    /// The dataset source of one subset: its own (`subset_datasets`), else the task's with the
    /// subset as config (as lighteval's `hf_subset`); at `revision` when given.
    public static func source(_ task: TaskSpec, subset: String?, revision: String? = nil) -> DatasetSource {
        var source = task.dataset
        if let subset {
            if let own = task.subsetDatasets?[subset] { source = own } else { source.config = subset }
        }
        if let revision { source.revision = revision }
        return source
    }

    /// The local files of one subset, fetched if need be: `--prefetch` and `records` both start here.
    public static func files(task: TaskSpec, subset: String?, locator: DatasetLocator, revision: String? = nil) throws -> [String] {
        var locator = locator
        if var cache = locator as? HubCache {
            cache.fetchCommand = "fetch-task --prefetch \(task.name)"
            locator = cache
        }
        return try locator.files(for: source(task, subset: subset, revision: revision))
    }

    /// The subsets to read: the one asked for, else every subset the task declares (unless the rows
    /// come from one given file, which holds one subset at most), else none.
    public static func subsets(of task: TaskSpec, requested: String?, singleFile: Bool) throws -> [String?] {
        if let requested {
            guard let known = task.subsets else {
                throw EvalError("task \(task.name) has no subsets, asked for '\(requested)'")
            }
            guard known.contains(requested) else {
                throw EvalError("task \(task.name) has no subset '\(requested)'", hint: "subsets: " + known.joined(separator: ", "))
            }
            return [requested]
        }
        if singleFile { return [nil] }
        return task.subsets ?? [nil]
    }

    /// What one subset's rows are read from: files, or members of archives, in row order; and the
    /// commit they came from (Hub data only).
    public struct Plan {
        public let task: TaskSpec
        public let subset: String?
        let parts: [(file: String, member: ZipArchive.Member?, archive: ZipArchive?)]
        let pin: JSONValue?
    }

    /// Finds (and downloads if need be) one subset's data, opening archives to find their declared
    /// members: every declared file and member must exist before a row is written.
    public static func plan(task: TaskSpec, subset: String?, locator: DatasetLocator, revision: String? = nil) throws -> Plan {
        let files = try files(task: task, subset: subset, locator: locator, revision: revision)
        let src = source(task, subset: subset, revision: revision)
        var parts: [(String, ZipArchive.Member?, ZipArchive?)] = []
        for file in files {
            guard file.lowercased().hasSuffix(".zip") else {
                if src.members != nil, !(locator is LocalFile) {
                    throw EvalError("\(file) is not a .zip archive", field: "dataset.members", hint: "members apply to archives only")
                }
                parts.append((file, nil, nil))
                continue
            }
            guard let declared = src.members else {
                throw EvalError("\(file) is an archive and the task names no members", field: "dataset.members")
            }
            guard let patterns = src.expand(declared) else {
                throw EvalError("a pattern uses {config} and the source has no config", field: "dataset.members")
            }
            let archive = try ZipArchive(path: file)
            for pattern in patterns {
                let found = archive.members.filter { DatasetFiles.matches(pattern, $0.name) }.sorted { $0.name < $1.name }
                guard !found.isEmpty else {
                    throw EvalError("'\(pattern)' matches no member of \(file) (\(DatasetFiles.describe(archive.names, near: pattern)))",
                                    field: "dataset.members")
                }
                parts += found.map { (file, $0, archive) }
            }
        }
        let pin: JSONValue? = locator.commit(for: src).map { ["repo": .string(src.repo), "commit": .string($0)] }
        return Plan(task: task, subset: subset, parts: parts, pin: pin)
    }

    /// Emits `{task, subset, index, id, row}` for each row of one subset, at most `limit` of them;
    /// rows from the Hub also carry `dataset: {repo, commit}`, the commit they were read at.
    public static func records(task: TaskSpec, subset: String?, locator: DatasetLocator, limit: Int? = nil,
                               revision: String? = nil, emit: (JSONObject) throws -> Void) throws {
        try records(plan(task: task, subset: subset, locator: locator, revision: revision), limit: limit, emit: emit)
    }

    public static func records(_ plan: Plan, limit: Int? = nil, emit: (JSONObject) throws -> Void) throws {
        let task = plan.task, subset = plan.subset, pin = plan.pin
        var index = 0
        for part in plan.parts {
            if let limit, index >= limit { return }
            let reader = try part.member.map { try DataFile.open(part.archive!, member: $0) } ?? DataFile.open(part.file)
            while limit.map({ index < $0 }) ?? true, let row = try reader.next() {
                let id = subset.map { "\(task.name):\($0):\(index)" } ?? "\(task.name):\(index)"
                var record: JSONObject = ["task": .string(task.name), "index": JSONValue(index), "id": .string(id), "row": .object(row)]
                record["subset"] = subset.map(JSONValue.string)
                record["dataset"] = pin
                try emit(record)
                index += 1
            }
        }
    }
}
