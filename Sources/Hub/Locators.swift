import EvalCore
import Foundation

/// Finds the local files holding one split of a dataset, in row order. `source.config` is the config
/// to read (fetch-task puts a subset there): a local file, a snapshot directory, the Hub cache, or
/// the Hub itself (`HubDownloader`).
public protocol DatasetLocator {
    func files(for source: DatasetSource) throws -> [String]
    /// The commit the files came from, once `files(for:)` found them (Hub cache and download).
    func commit(for source: DatasetSource) -> String?
}

extension DatasetLocator {
    public func commit(for source: DatasetSource) -> String? { nil }
}

/// `--data FILE`: the rows are that file, whatever the task declares.
public struct LocalFile: DatasetLocator {
    public let path: String
    public init(path: String) { self.path = path }

    public func files(for source: DatasetSource) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { throw EvalError("no such file", file: path) }
        return [path]
    }
}

/// A directory laid out like a Hub repository snapshot (`--data DIR`, or a snapshot in the Hub cache):
/// the task's `dataset.files` patterns are matched against the files below it, exactly as against
/// the repository's own listing.
public struct SnapshotDirectory: DatasetLocator {
    public let path: String
    /// Appended to "not found" errors (the Hub cache says how to get the files).
    let missingHint: String?

    public init(path: String) { self.init(path: path, missingHint: nil) }

    init(path: String, missingHint: String?) {
        self.path = path
        self.missingHint = missingHint
    }

    public func files(for source: DatasetSource) throws -> [String] {
        let chosen = try DatasetFiles.select(from: listing(), for: source, in: path, hint: missingHint)
        return chosen.map { (path as NSString).appendingPathComponent($0) }
    }

    /// Every file below the directory, relative, sorted. `fileExists` follows symlinks: a cache
    /// entry whose blob is gone counts as missing.
    private func listing() -> [String] {
        guard let walk = FileManager.default.enumerator(atPath: path) else { return [] }
        var out: [String] = []
        while let rel = walk.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + rel, isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(rel)
            }
        }
        return out.sorted()
    }
}

/// The files of one split: the task's declared patterns matched against a repository's listing.
public enum DatasetFiles {
    /// The matches of each of `source.files` in order (each pattern's matches sorted), no file twice.
    /// A pattern that matches nothing is an error naming what `place` does hold.
    static func select(from listing: [String], for source: DatasetSource, in place: String, hint: String? = nil) throws -> [String] {
        guard let declared = source.files else {
            throw EvalError("no files declared for \(source.repo)", field: "dataset.files",
                            hint: "name the split's files in the task file, as the dataset card's configs do")
        }
        guard let patterns = source.expand(declared) else {
            throw EvalError("a pattern uses {config} and the source has no config", field: "dataset.files")
        }
        var chosen: [String] = [], seen = Set<String>()
        for pattern in patterns {
            let found = listing.filter { DatasetFiles.matches(pattern, $0) }
            guard !found.isEmpty else {
                throw EvalError("'\(pattern)' matches no file in \(place) (\(describe(listing, near: pattern)))",
                                field: "dataset.files", hint: hint ?? "check the task's dataset block against the repository")
            }
            for m in found where seen.insert(m).inserted { chosen.append(m) }
        }
        return chosen
    }

    /// Whether `path` matches `pattern`: segment by segment, `*` any run of characters within one
    /// segment, `?` one character; a wildcard never matches a segment's leading dot.
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        let ps = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let fs = path.split(separator: "/", omittingEmptySubsequences: false)
        guard ps.count == fs.count else { return false }
        return zip(ps, fs).allSatisfy { p, f in
            if !p.hasPrefix("."), f.hasPrefix("."), p.contains(where: { $0 == "*" || $0 == "?" }) { return false }
            return segment(Array(p.unicodeScalars), Array(f.unicodeScalars))
        }
    }

    private static func segment(_ p: [Unicode.Scalar], _ f: [Unicode.Scalar]) -> Bool {
        // Iterative glob with one backtrack point: linear in practice.
        var i = 0, j = 0, star = -1, mark = 0
        while j < f.count {
            if i < p.count, p[i] == "?" || p[i] == f[j] { i += 1; j += 1 }
            else if i < p.count, p[i] == "*" { star = i; mark = j; i += 1 }
            else if star >= 0 { i = star + 1; mark += 1; j = mark }
            else { return false }
        }
        while i < p.count, p[i] == "*" { i += 1 }
        return i == p.count
    }

    /// What a listing holds, for an error: the files in the pattern's directory if any, else the
    /// first few; with the total.
    static func describe(_ listing: [String], near pattern: String) -> String {
        guard !listing.isEmpty else { return "it holds no files" }
        let dir = (pattern as NSString).deletingLastPathComponent
        let visible = listing.filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
        let near = visible.filter { ($0 as NSString).deletingLastPathComponent == dir }
        let shown = (near.isEmpty ? visible : near).prefix(8)
        return "it holds \(listing.count) file\(listing.count == 1 ? "" : "s")"
            + (shown.isEmpty ? "" : ": " + shown.joined(separator: ", ") + (shown.count < listing.count ? ", …" : ""))
    }
}

/// The local Hugging Face Hub cache, read the way `huggingface_hub` writes it:
/// `{hub}/datasets--{org}--{name}/refs/{revision}` holds a commit, `snapshots/{commit}/{path}` the
/// files (usually symlinks into `blobs/`). No network: `HubDownloader` fills it.
public struct HubCache: DatasetLocator {
    /// The hub directory (`$HF_HUB_CACHE`, or `$HF_HOME/hub`).
    public let root: String
    /// The command that would fetch what is missing, for error messages.
    public var fetchCommand = "fetch-task --prefetch TASK"

    public init(root: String) { self.root = root }

    /// `HF_HUB_CACHE`, else `HF_HOME/hub`; `HF_HOME` defaults to `$XDG_CACHE_HOME/huggingface`, then
    /// `~/.cache/huggingface`, as in huggingface_hub.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let hub = environment["HF_HUB_CACHE"], !hub.isEmpty {
            root = hub
            return
        }
        let home = environment["HF_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? {
            let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
            return cache + "/huggingface"
        }()
        root = home + "/hub"
    }

    public func repositoryDirectory(_ repo: String, kind: RepoKind = .dataset) -> String {
        root + "/" + kind.cachePrefix + repo.replacingOccurrences(of: "/", with: "--")
    }

    /// The snapshot directory of `repo` at `revision` (a branch, tag or commit; default `main`).
    public func snapshot(repo: String, revision: String?, kind: RepoKind = .dataset) throws -> String {
        let dir = repositoryDirectory(repo, kind: kind)
        let rev = revision ?? "main"
        let fm = FileManager.default
        guard HubName.isRepository(repo) else { throw EvalError("'\(repo)' is not a Hub repository id") }
        guard HubName.isRevision(rev) else { throw EvalError("'\(rev)' is not a revision", hint: "a branch, tag or 40-hex commit") }
        guard fm.fileExists(atPath: dir) else {
            throw EvalError("\(kind.name) \(repo) is not in the Hub cache \(root)", hint: hint(repo, kind))
        }
        var commit = rev
        if let ref = try? String(contentsOfFile: dir + "/refs/" + rev, encoding: .utf8) {
            commit = ref.trimmingCharacters(in: .whitespacesAndNewlines)
            guard HubName.isCommit(commit) else {
                throw EvalError("\(dir)/refs/\(rev) does not hold a commit", hint: "remove it and fetch again")
            }
        } else if !HubName.isCommit(rev) {
            throw EvalError("revision '\(rev)' of \(repo) is not in the Hub cache (no \(dir)/refs/\(rev))", hint: hint(repo, kind))
        }
        let snap = dir + "/snapshots/" + commit
        guard fm.fileExists(atPath: snap) else {
            throw EvalError("snapshot \(commit) of \(repo) is not in the Hub cache (no \(snap))", hint: hint(repo, kind))
        }
        return snap
    }

    public func files(for source: DatasetSource) throws -> [String] {
        let snap = try snapshot(repo: source.repo, revision: source.revision)
        return try SnapshotDirectory(path: snap, missingHint: hint(source.repo)).files(for: source)
    }

    public func commit(for source: DatasetSource) -> String? {
        guard let snap = try? snapshot(repo: source.repo, revision: source.revision) else { return nil }
        return (snap as NSString).lastPathComponent
    }

    private func hint(_ repo: String, _ kind: RepoKind = .dataset) -> String {
        kind == .model
            ? "fetch it where the Hub is reachable: `fetch-task --model \(repo)` without HF_HUB_OFFLINE"
            : "fetch it where the Hub is reachable: `\(fetchCommand)` without HF_HUB_OFFLINE, or "
                + "`huggingface-cli download --repo-type dataset \(repo)`; or pass --data FILE"
    }

}

/// The two kinds of Hub repository fetch-task reads: their API paths, URLs and cache folders differ.
public enum RepoKind: Sendable {
    case dataset, model

    var name: String { self == .dataset ? "dataset" : "model" }
    /// `datasets--org--name` / `models--org--name`.
    var cachePrefix: String { self == .dataset ? "datasets--" : "models--" }
    /// `/api/datasets/…` / `/api/models/…`.
    var api: String { self == .dataset ? "datasets" : "models" }
    /// File URLs: `/datasets/{repo}/resolve/…` / `/{repo}/resolve/…`.
    var urlPrefix: String { self == .dataset ? "/datasets/" : "/" }
}
