import EvalCore
import Foundation
import HTTP

/// How to reach the Hub, from the environment variables huggingface_hub reads.
public struct HubSettings: Sendable {
    /// `HF_ENDPOINT` (a mirror), default https://huggingface.co.
    public var endpoint: String
    /// `HF_TOKEN`, else the file `HF_TOKEN_PATH`, else `$HF_HOME/token` (written by `huggingface-cli login`).
    public var token: String?
    /// `HF_HUB_OFFLINE=1`: the cache only, no network at all.
    public var offline: Bool
    /// Seconds without a byte before a transfer is abandoned and retried (`HF_HUB_DOWNLOAD_TIMEOUT`),
    /// and the limit for metadata requests (`HF_HUB_ETAG_TIMEOUT`).
    public var stallTimeout: Double
    public var metadataTimeout: Double
    /// Attempts per request, and the first pause between them (doubled each time, at most 30 s).
    public var attempts = 5
    public var backoff = 1.0

    public init(environment env: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        endpoint = (value("HF_ENDPOINT") ?? "https://huggingface.co").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let home = value("HF_HOME") ?? ((value("XDG_CACHE_HOME") ?? (value("HOME") ?? NSHomeDirectory()) + "/.cache") + "/huggingface")
        token = value("HF_TOKEN") ?? (try? String(contentsOfFile: value("HF_TOKEN_PATH") ?? home + "/token", encoding: .utf8))
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        offline = ["1", "ON", "YES", "TRUE"].contains(value("HF_HUB_OFFLINE")?.uppercased() ?? "")
        stallTimeout = value("HF_HUB_DOWNLOAD_TIMEOUT").flatMap(Double.init) ?? 10
        metadataTimeout = value("HF_HUB_ETAG_TIMEOUT").flatMap(Double.init) ?? 10
    }
}

/// Downloads a repository's files into the Hub cache, laid out as huggingface_hub lays it out (so
/// either tool reuses the other's files), then reads them from there:
/// `refs/{revision}` ← commit, `blobs/{etag}` the bytes, `snapshots/{commit}/{path}` → `../../blobs/{etag}`.
/// The revision is resolved to a commit once per repository; files of that commit already in the
/// cache cost no request. Large (LFS) files are checked against their SHA-256, others by size; a
/// partial download (`blobs/{etag}.incomplete`) is resumed, or restarted from zero when the server
/// cannot continue it. Every name the server or the user supplies (commit, revision, ETag, file
/// path) is checked before it becomes part of a path, so nothing is written outside the cache.
public final class HubDownloader: DatasetLocator {
    public let cache: HubCache
    public let settings: HubSettings
    /// Progress lines on stderr.
    public var progress: Bool
    /// Commit per repo@revision, resolved once.
    private var commits: [String: String] = [:]

    public init(cache: HubCache, settings: HubSettings, progress: Bool) {
        self.cache = cache; self.settings = settings; self.progress = progress
    }

    public func files(for source: DatasetSource) throws -> [String] {
        let revision = source.revision ?? "main"
        let info: Info
        do {
            info = try repositoryInfo(source.repo, .dataset, revision: revision)
        } catch let failure as Unreachable {
            // As huggingface_hub does: no answer from the Hub, but the cache has the files.
            guard let cached = try? cache.files(for: source), let commit = cache.commit(for: source) else { throw failure.error }
            Log.line("fetch-task: \(failure.error.message); using the cached snapshot \(commit)")
            commits[source.repo + "@" + revision] = commit
            return cached
        }
        let paths = try DatasetFiles.select(from: info.files, for: source, in: "\(source.repo) at \(revision)")
        let snapshot = try fill(source.repo, .dataset, info: info, revision: revision, paths: paths)
        return paths.map { snapshot + "/" + $0 }
    }

    public func commit(for source: DatasetSource) -> String? {
        commits[source.repo + "@" + (source.revision ?? "main")]
    }

    /// Every file of a model repository (what `vllm serve` loads from the cache): its snapshot
    /// directory, the commit, and the files.
    public func model(_ repo: String, revision: String?) throws -> (snapshot: String, commit: String, files: [String]) {
        let revision = revision ?? "main"
        let info: Info
        do { info = try repositoryInfo(repo, .model, revision: revision) } catch let failure as Unreachable { throw failure.error }
        let snapshot = try fill(repo, .model, info: info, revision: revision, paths: info.files)
        return (snapshot, info.commit, info.files)
    }

    /// Downloads the blobs of `paths` first and links them into the snapshot only then, so a run
    /// killed halfway leaves no snapshot that looks complete with some shards missing.
    private func fill(_ repo: String, _ kind: RepoKind, info: Info, revision: String, paths: [String]) throws -> String {
        let snapshot = cache.repositoryDirectory(repo, kind: kind) + "/snapshots/" + info.commit
        let missing = paths.filter { !FileManager.default.fileExists(atPath: snapshot + "/" + $0) }
        let blobs: [String]
        do {
            blobs = try missing.map { try blob(repo, kind, commit: info.commit, path: $0) }
        } catch let failure as Unreachable {
            throw failure.error
        }
        for (path, etag) in zip(missing, blobs) { try link(snapshot, path, etag) }
        if revision != info.commit { try writeRef(repo, kind, revision: revision, commit: info.commit) }
        return snapshot
    }

    // MARK: - requests

    private struct Info { var commit: String; var files: [String] }
    private var infos: [String: Info] = [:]

    /// `GET /api/{datasets|models}/{repo}/revision/{revision}`: the commit and every file's path.
    private func repositoryInfo(_ repo: String, _ kind: RepoKind, revision: String) throws -> Info {
        guard HubName.isRepository(repo) else { throw EvalError("'\(repo)' is not a Hub repository id", hint: "owner/name") }
        guard HubName.isRevision(revision) else {
            throw EvalError("'\(revision)' is not a revision", hint: "a branch, tag or 40-hex commit; no '..', spaces or control characters")
        }
        let key = repo + "@" + revision
        if let i = infos[key] { return i }
        let url = "\(settings.endpoint)/api/\(kind.api)/\(repo)/revision/\(HubDownloader.quote(revision))"
        let r = try withRetries("\(repo) at \(revision)") {
            FileDownload.request(url, headers: authorization, timeout: settings.metadataTimeout, bodyLimit: HubDownloader.listingLimit)
        }
        try check(r, repo: repo, what: "revision '\(revision)' of \(kind.name) \(repo)")
        guard r.body.count < HubDownloader.listingLimit, let json = try? JSON.decode(r.body).object, let sha = json["sha"]?.string else {
            throw EvalError("unexpected answer from \(url)", hint: "is HF_ENDPOINT a Hub?")
        }
        guard HubName.isCommit(sha) else {
            throw EvalError("the Hub answered commit '\(sha.prefix(80))' for \(repo) at \(revision), not 40 hex digits", hint: "is HF_ENDPOINT a Hub?")
        }
        guard !HubName.isCommit(revision) || sha == revision else {
            throw EvalError("asked for commit \(revision) of \(repo), the Hub answered \(sha)", hint: "is HF_ENDPOINT a Hub?")
        }
        var files = (json["siblings"]?.array ?? []).compactMap { $0.object?["rfilename"]?.string }
        // As huggingface_hub does since late 2025: a large (or empty) `siblings` may be cut short by
        // the Hub's caches; the paginated tree listing is complete.
        if files.isEmpty || files.count >= HubDownloader.siblingsTrusted { files = try tree(repo, kind, commit: sha) }
        // A name that could leave the snapshot directory is not a file we will ever fetch.
        let info = Info(commit: sha, files: files.filter(HubName.isRelativePath))
        infos[key] = info
        commits[key] = sha
        return info
    }

    /// Listings are kept whole up to this size (30,000 files take about 2 MB).
    static let listingLimit = 256 << 20
    /// Below this many `siblings`, the revision's own listing is taken as complete.
    static let siblingsTrusted = 1000

    /// `GET /api/{kind}/{repo}/tree/{commit}?recursive=true`, page after page (`Link: <…>; rel="next"`):
    /// every file's path. Next pages must be on HF_ENDPOINT, which is the only host the token goes to.
    private func tree(_ repo: String, _ kind: RepoKind, commit: String) throws -> [String] {
        var next: String? = "\(settings.endpoint)/api/\(kind.api)/\(repo)/tree/\(commit)?recursive=true&expand=false"
        var files: [String] = [], seen = Set<String>()
        while let url = next {
            guard seen.insert(url).inserted else { throw EvalError("the file listing of \(repo) at \(commit) repeats a page", hint: "is HF_ENDPOINT a Hub?") }
            let r = try withRetries("\(repo) at \(commit): file listing") {
                FileDownload.request(url, headers: authorization, timeout: settings.metadataTimeout, bodyLimit: HubDownloader.listingLimit)
            }
            try check(r, repo: repo, what: "the file listing of \(kind.name) \(repo) at \(commit)")
            guard r.body.count < HubDownloader.listingLimit, case .array(let items)? = try? JSON.decode(r.body) else {
                throw EvalError("unexpected answer from \(url)", hint: "is HF_ENDPOINT a Hub?")
            }
            files += items.compactMap { $0.object?["type"]?.string == "file" ? $0.object?["path"]?.string : nil }
            next = HubDownloader.nextPage(r.headers["link"])
            if let n = next, !n.hasPrefix(settings.endpoint + "/") {
                throw EvalError("the Hub's next listing page \(n.prefix(100)) is not on \(settings.endpoint)", hint: "HF_TOKEN is only sent to HF_ENDPOINT")
            }
        }
        return files
    }

    /// `<https://…&cursor=…>; rel="next"` → the URL.
    static func nextPage(_ link: String?) -> String? {
        guard let link else { return nil }
        for part in link.split(separator: ",") where part.contains("rel=\"next\"") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">"), open < close else { return nil }
            return String(part[part.index(after: open)..<close])
        }
        return nil
    }

    /// The blob of one file, downloaded unless it is cached; returns its ETag (the blob's name).
    private func blob(_ repo: String, _ kind: RepoKind, commit: String, path: String) throws -> String {
        let url = "\(settings.endpoint)\(kind.urlPrefix)\(repo)/resolve/\(commit)/\(HubDownloader.quote(path, keepSlashes: true))"
        let head = try withRetries(path) {
            FileDownload.request(url, headers: authorization, head: true, timeout: settings.metadataTimeout)
        }
        try check(head, repo: repo, what: "\(path) in \(kind.name) \(repo) at \(commit)")
        if let served = head.headers["x-repo-commit"], served != commit {
            throw EvalError("\(path): the Hub served commit '\(served.prefix(80))', asked for \(commit)", hint: "is HF_ENDPOINT a Hub?")
        }
        let raw = head.headers["x-linked-etag"] ?? head.headers["etag"]
        guard let etag = HubDownloader.etag(raw), HubName.isETag(etag) else {
            throw EvalError("\(path): the Hub's ETag '\((raw ?? "none").prefix(80))' is not a SHA-1 or SHA-256", hint: "is HF_ENDPOINT a Hub?")
        }
        let sizeHeader = head.headers["x-linked-size"] ?? head.headers["content-length"]
        let size = sizeHeader.flatMap(Int64.init)
        if let sizeHeader, size == nil || size! < 0 { throw EvalError("\(path): the Hub's size '\(sizeHeader.prefix(40))' is not a size") }
        let blobs = cache.repositoryDirectory(repo, kind: kind) + "/blobs"
        try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: blobs + "/" + etag) {
            try download(url, to: blobs + "/" + etag, etag: etag, size: size, name: path)
        }
        return etag
    }

    /// `snapshots/{commit}/{path}` → the blob, relative as huggingface_hub makes it (the cache can be
    /// moved or mounted elsewhere).
    private func link(_ snapshot: String, _ path: String, _ etag: String) throws {
        let link = snapshot + "/" + path
        try FileManager.default.createDirectory(atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let depth = path.split(separator: "/").count + 1
        let target = String(repeating: "../", count: depth) + "blobs/" + etag
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    }

    /// Fetches `url` into `blob` through `blob.incomplete`, resuming it. The loop converges whatever
    /// the server does: a file longer than declared, a range the server will not serve (416), a 206
    /// that does not continue the file, or a checksum mismatch start over from zero; a short body is
    /// resumed; every attempt counts against `settings.attempts`.
    private func download(_ url: String, to blob: String, etag: String, size: Int64?, name: String) throws {
        let partial = blob + ".incomplete"
        let shown = (name as NSString).lastPathComponent
        var last = Date.distantPast
        let report: ((Int64) -> Void)? = progress ? { bytes in
            guard Date().timeIntervalSince(last) > 0.2 else { return }
            last = Date()
            Log.progress("\(shown) \(HubDownloader.megabytes(bytes))" + (size.map { " / \(HubDownloader.megabytes($0))" } ?? ""))
        } : nil
        var pause = settings.backoff
        var problem = ""
        for attempt in 1...settings.attempts {
            if attempt > 1 {
                Log.line("fetch-task: \(name): \(problem); retrying in \(pause) s")
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 30)
            }
            let have = HubDownloader.fileSize(partial)
            if let size, have > size { try? FileManager.default.removeItem(atPath: partial) }
            if size == nil || HubDownloader.fileSize(partial) < size! || size == 0 {
                switch FileDownload.download(url, headers: authorization, to: partial, stall: settings.stallTimeout, limit: size, progress: report) {
                case .failure(let e):
                    if progress { Log.progress(nil) }
                    guard e.isRetryable else { throw EvalError("\(name): \(e.message)", hint: "check HF_ENDPOINT (\(settings.endpoint))") }
                    problem = e.message
                    continue
                case .success(let r):
                    if progress { Log.progress(nil) }
                    if let refused = r.refused {
                        try? FileManager.default.removeItem(atPath: partial)
                        problem = refused + ", starting again from zero"
                        continue
                    }
                    if r.status == 416 {
                        try? FileManager.default.removeItem(atPath: partial)
                        problem = "the server will not continue the partial file (HTTP 416), starting again from zero"
                        continue
                    }
                    if r.status == 429 || r.status >= 500 { problem = "HTTP \(r.status)"; continue }
                    try check(r, repo: nil, what: name)
                }
            }
            let got = HubDownloader.fileSize(partial)
            if let size, got < size { problem = "\(got) of \(size) bytes arrived"; continue }
            // LFS files are named by their SHA-256: check it. Git-stored files carry a SHA-1 of the
            // git object; their size is checked above.
            if etag.count == 64 {
                let digest = try HubDownloader.sha256(partial)
                guard digest == etag else {
                    try? FileManager.default.removeItem(atPath: partial)
                    problem = "checksum mismatch: sha256 \(digest), the Hub says \(etag); starting again from zero"
                    continue
                }
            }
            guard rename(partial, blob) == 0 else { throw EvalError("cannot move \(partial) into place: \(String(cString: strerror(errno)))") }
            return
        }
        throw EvalError("\(name): \(problem), after \(settings.attempts) attempts",
                        hint: "check the network or HF_ENDPOINT (\(settings.endpoint)); run again to continue")
    }

    /// Retries ran out without an HTTP answer worth acting on.
    private struct Unreachable: Error, CustomStringConvertible {
        var error: EvalError
        var description: String { error.description }
    }

    private var authorization: [String] { settings.token.map { ["Authorization: Bearer \($0)"] } ?? [] }

    /// Runs `send` until it gets an HTTP answer that is not worth retrying: transport failures,
    /// 429 and 5xx are retried with a doubling pause (a partial download continues where it stopped).
    private func withRetries(_ what: String, _ send: () -> Result<FileDownload.Response, TransportError>) throws -> FileDownload.Response {
        var pause = settings.backoff
        for attempt in 1...settings.attempts {
            let result = send()
            var reason: String
            switch result {
            case .success(let r) where r.status != 429 && r.status < 500: return r
            case .success(let r): reason = "HTTP \(r.status)"
            case .failure(let e):
                reason = e.message
                if !e.isRetryable { throw EvalError("\(what): \(reason)", hint: "check HF_ENDPOINT (\(settings.endpoint))") }
            }
            if attempt == settings.attempts {
                throw Unreachable(error: EvalError("\(what): \(reason), after \(attempt) attempts",
                                                   hint: "check the network or HF_ENDPOINT (\(settings.endpoint)); files already fetched stay in the cache"))
            }
            Log.line("fetch-task: \(what): \(reason); retrying in \(pause) s")
            Thread.sleep(forTimeInterval: pause)
            pause = min(pause * 2, 30)
        }
        fatalError("unreachable")
    }

    private func check(_ r: FileDownload.Response, repo: String?, what: String) throws {
        switch r.status {
        case 200...399: return
        case 401, 403:
            let hint = settings.token == nil
                ? "the dataset is gated: accept its terms at \(settings.endpoint)/datasets/\(repo ?? "") and set HF_TOKEN"
                : "HF_TOKEN was sent: has this account accepted the terms at \(settings.endpoint)/datasets/\(repo ?? "")?"
            throw EvalError("\(what): access denied (HTTP \(r.status))", hint: hint)
        case 404:
            throw EvalError("\(what): not found (HTTP 404)", hint: "check the repository, revision and file names")
        default:
            let message = r.headers["x-error-message"] ?? String(decoding: r.body.prefix(200), as: UTF8.self)
            throw EvalError("\(what): HTTP \(r.status) \(message)")
        }
    }

    private func writeRef(_ repo: String, _ kind: RepoKind, revision: String, commit: String) throws {
        let ref = cache.repositoryDirectory(repo, kind: kind) + "/refs/" + revision
        try FileManager.default.createDirectory(atPath: (ref as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try commit.write(toFile: ref, atomically: true, encoding: .utf8)
    }

    // MARK: - helpers

    /// Path segments percent-encoded as the Hub expects (`refs/convert/parquet` → `refs%2Fconvert%2Fparquet`).
    static func quote(_ s: String, keepSlashes: Bool = false) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~" + (keepSlashes ? "/" : ""))
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// `W/"abc"` → `abc`.
    static func etag(_ raw: String?) -> String? {
        guard var e = raw else { return nil }
        if e.hasPrefix("W/") { e.removeFirst(2) }
        e = e.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return e.isEmpty ? nil : e
    }

    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

    static func sha256(_ path: String) throws -> String {
        guard let h = FileHandle(forReadingAtPath: path) else { throw EvalError("cannot read", file: path) }
        defer { try? h.close() }
        var digest = SHA256()
        while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty { digest.update(chunk) }
        return digest.hexDigest()
    }
}

extension Log {
    /// One progress line on stderr, redrawn in place; nil ends it.
    static func progress(_ text: String?) {
        let line = text.map { "\r\u{1B}[K" + $0 } ?? "\r\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
