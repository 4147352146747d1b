import EvalCore
import Foundation
import Testing
@testable import Hub

/// Tests/Fixtures/hub/hub_server.py on a free loopback port, serving `root`; stopped with the object.
final class HubServer {
    let process = Process()
    let endpoint: String
    let log: String

    init(root: String, options: [String] = []) throws {
        log = root + "/requests.log"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Parquet.fixtures + "/hub_server.py", "--root", root, "--log", log] + options
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var port = ""
        while let b = try out.fileHandleForReading.read(upToCount: 1), let c = b.first, c != 0x0A { port.append(Character(UnicodeScalar(c))) }
        endpoint = "http://127.0.0.1:\(port)"
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var requests: [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
}

/// A Hub repository file in the server's layout: ROOT/org/name/branch/path.
func publish(_ root: String, _ repo: String, branch: String = "main", _ path: String, _ bytes: [UInt8]) throws {
    try write(bytes, "\(root)/\(repo)/\(HubDownloader.quote(branch))/\(path)")
}

let sample = Array(try! Data(contentsOf: URL(fileURLWithPath: Parquet.fixtures + "/parquet/dict_snappy_v1.parquet")))

@Suite(.serialized) struct Download {
    let tmp: TemporaryDirectory
    var root: String { tmp.path + "/hub" }
    var cacheRoot: String { tmp.path + "/cache/hub" }
    init() throws { tmp = try TemporaryDirectory() }

    func settings(_ server: HubServer?, _ extra: [String: String] = [:]) -> HubSettings {
        var env = ["HF_ENDPOINT": server?.endpoint ?? "http://127.0.0.1:9", "HF_HOME": tmp.path + "/cache"]
        for (k, v) in extra { env[k] = v }
        var s = HubSettings(environment: env)
        s.backoff = 0.05
        return s
    }

    func downloader(_ server: HubServer?, _ extra: [String: String] = [:]) -> HubDownloader {
        HubDownloader(cache: HubCache(root: cacheRoot), settings: settings(server, extra), progress: false)
    }

    @Test func parquetThroughRedirectIntoStandardCacheLayout() throws {
        try publish(root, "org/data", "default/test-00000-of-00001.parquet", sample)
        try publish(root, "org/data", "default/train-00000-of-00001.parquet", sample)
        let server = try HubServer(root: root)
        let hub = downloader(server)
        let src = try source(#"{"repo": "org/data", "split": "test", "files": ["default/test-*.parquet"]}"#)
        let files = try hub.files(for: src)
        let commit = try #require(hub.commit(for: src))
        let repoDir = cacheRoot + "/datasets--org--data"
        #expect(files == ["\(repoDir)/snapshots/\(commit)/default/test-00000-of-00001.parquet"])
        #expect(try String(contentsOfFile: repoDir + "/refs/main", encoding: .utf8) == commit)
        // The snapshot entry is a relative symlink to a blob named by the file's SHA-256.
        var digest = SHA256(); digest.update(sample)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: files[0]) == "../../../blobs/" + digest.hexDigest())
        #expect(try rows(files[0]).count == 240)
        // Cached: a second run asks only for the revision's commit.
        let before = server.requests.count
        _ = try downloader(server).files(for: src)
        #expect(server.requests.dropFirst(before) == ["GET /api/datasets/org/data/revision/main -"])
    }

    @Test func declaredFilesAndConvertedParquetBranch() throws {
        try publish(root, "org/raw", "sub/a.csv", Array("q,a\n1,2\n".utf8))
        try publish(root, "org/raw", branch: "refs/convert/parquet", "cfg/test/0000.parquet", sample)
        let server = try HubServer(root: root)
        let hub = downloader(server)
        let csv = try hub.files(for: try source(#"{"repo": "org/raw", "split": "train", "files": ["sub/a.csv"]}"#))
        #expect(try rows(csv[0]) == [["q": "1", "a": "2"]])
        let converted = try source(#"{"repo": "org/raw", "config": "cfg", "split": "test", "revision": "refs/convert/parquet", "files": ["{config}/test/*.parquet"]}"#)
        let pq = try hub.files(for: converted)
        #expect(pq[0].hasSuffix("/cfg/test/0000.parquet"))
        #expect(FileManager.default.fileExists(atPath: cacheRoot + "/datasets--org--raw/refs/refs/convert/parquet"))
        // Offline, the same sources resolve from the cache alone; an unreachable Hub falls back to it.
        #expect(try HubCache(root: cacheRoot).files(for: converted) == pq)
        var s = settings(nil)
        s.attempts = 1
        let unreachable = HubDownloader(cache: HubCache(root: cacheRoot), settings: s, progress: false)
        #expect(try unreachable.files(for: converted) == pq)
        #expect(unreachable.commit(for: converted) == hub.commit(for: converted))
    }

    @Test func gatedNeedsToken() throws {
        try publish(root, "org/gated", "g.csv", Array("q\nx\n".utf8))
        try write("", root + "/org/gated/.gated")
        let server = try HubServer(root: root)
        let src = try source(#"{"repo": "org/gated", "split": "train", "files": ["g.csv"]}"#)
        let denied = failure { _ = try downloader(server).files(for: src) }
        #expect(denied == "revision 'main' of dataset org/gated: access denied (HTTP 401) (the dataset is gated: accept its terms at \(server.endpoint)/datasets/org/gated and set HF_TOKEN)")
        #expect(try rows(try downloader(server, ["HF_TOKEN": "secret-token"]).files(for: src)[0]) == [["q": "x"]])
        // The token file huggingface-cli login writes works too.
        try write("secret-token\n", tmp.path + "/cache/token")
        try FileManager.default.removeItem(atPath: cacheRoot)
        #expect(try downloader(server).files(for: src).count == 1)
    }

    @Test func missingFileAndRevisionAre404() throws {
        try publish(root, "org/data", "a.jsonl", Array("{}\n".utf8))
        let server = try HubServer(root: root)
        #expect(failure { _ = try downloader(server).files(for: try source(#"{"repo": "org/data", "split": "test", "files": ["nope.jsonl"]}"#)) }
            == "dataset.files: 'nope.jsonl' matches no file in org/data at main (it holds 1 file: a.jsonl) (check the task's dataset block against the repository)")
        #expect(failure { _ = try downloader(server).files(for: try source(#"{"repo": "org/data", "split": "test", "revision": "v9", "files": ["a.jsonl"]}"#)) }
            == "revision 'v9' of dataset org/data: not found (HTTP 404) (check the repository, revision and file names)")
    }

    @Test func droppedConnectionResumesWithRange() throws {
        try publish(root, "org/data", "test.parquet", sample)
        let server = try HubServer(root: root, options: ["--drop", "test.parquet"])
        let files = try downloader(server).files(for: try source(#"{"repo": "org/data", "split": "test", "files": ["test.parquet"]}"#))
        #expect(try rows(files[0]).count == 240)
        let cdn = server.requests.filter { $0.hasPrefix("GET /cdn/") }
        #expect(cdn.count == 2)
        #expect(cdn.last!.hasSuffix("bytes=\(sample.count / 2)-"))
    }

    @Test func stalledServerIsAbandonedAndRetried() throws {
        try publish(root, "org/data", "test.parquet", sample)
        let server = try HubServer(root: root, options: ["--stall", "test.parquet:4"])
        let start = Date()
        let files = try downloader(server, ["HF_HUB_DOWNLOAD_TIMEOUT": "1"]).files(for: try source(#"{"repo": "org/data", "split": "test", "files": ["test.parquet"]}"#))
        #expect(Date().timeIntervalSince(start) < 3.5)
        #expect(try rows(files[0]).count == 240)
        #expect(server.requests.filter { $0.hasPrefix("GET /cdn/") }.count == 2)
    }

    @Test func unreachableEndpointFailsAfterRetries() throws {
        var s = settings(nil)
        s.attempts = 2
        let hub = HubDownloader(cache: HubCache(root: cacheRoot), settings: s, progress: false)
        let message = failure { _ = try hub.files(for: try source(#"{"repo": "org/data", "split": "test", "files": ["test.parquet"]}"#)) }
        #expect(message.hasPrefix("org/data at main: ") && message.contains("after 2 attempts"))
    }

    /// Every file below the test's directory that is neither the served repositories nor the cache.
    func strayFiles() -> [String] {
        let all = FileManager.default.enumerator(atPath: tmp.path)?.allObjects as? [String] ?? []
        return all.filter { !$0.hasPrefix("hub") && !$0.hasPrefix("cache") }
    }

    @Test(arguments: [
        (["--commit", "../../../../escape"], "the Hub answered commit '../../../../escape' for org/data at main, not 40 hex digits"),
        (["--commit", "0123456789ABCDEF0123456789ABCDEF01234567"], "the Hub answered commit '0123456789ABCDEF0123456789ABCDEF01234567'"),
        (["--repo-commit", "../../escape"], "test.parquet: the Hub served commit '../../escape', asked for "),
        (["--etag", "../../../../escape"], "test.parquet: the Hub's ETag '\"../../../../escape\"' is not a SHA-1 or SHA-256"),
        (["--etag", "abc"], "test.parquet: the Hub's ETag '\"abc\"' is not a SHA-1 or SHA-256"),
        (["--location", "file:///etc/hostname"], "test.parquet: Protocol \"file\" not supported"),
    ]) func hostileNamesAreRefused(_ options: [String], _ expected: String) throws {
        try publish(root, "org/data", "test.parquet", sample)
        let server = try HubServer(root: root, options: options)
        let message = failure { _ = try downloader(server).files(for: try source(#"{"repo": "org/data", "split": "test", "files": ["test.parquet"]}"#)) }
        #expect(message.contains(expected), "\(message)")
        #expect(strayFiles() == [])
        #expect(!FileManager.default.fileExists(atPath: cacheRoot + "/datasets--org--data/snapshots"))
    }

    @Test func hostileListingEntriesAndRevisionsNeverBecomePaths() throws {
        try publish(root, "org/data", "test.jsonl", Array("{\"a\": 1}\n".utf8))
        let server = try HubServer(root: root, options: ["--sibling", "../escape.jsonl", "--sibling", "a/../../escape.jsonl", "--sibling", "/etc/escape.jsonl"])
        let files = try downloader(server).files(for: try source(#"{"repo": "org/data", "split": "test", "files": ["*.jsonl"]}"#))
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["test.jsonl"])
        // A revision from --revision: refused before any request.
        let before = server.requests.count
        var src = try source(#"{"repo": "org/data", "split": "test", "files": ["test.jsonl"]}"#)
        src.revision = "../../../escape"
        #expect(failure { _ = try downloader(server).files(for: src) } == "'../../../escape' is not a revision (a branch, tag or 40-hex commit; no '..', spaces or control characters)")
        #expect(server.requests.count == before)
        // And from a task file: refused when it is read.
        #expect(failure { _ = try source(#"{"repo": "org/data", "split": "test", "revision": "main/../../x"}"#) }.contains("dataset.revision: 'main/../../x' is not a revision"))
        #expect(failure { _ = try source(#"{"repo": "org/data", "split": "test", "files": ["../x.jsonl"]}"#) }.contains("dataset.files: '../x.jsonl' is not a relative path"))
        #expect(failure { _ = try source(#"{"repo": "../org", "split": "test", "files": ["x.jsonl"]}"#) }.contains("dataset.repo: '../org' is not a Hub repository id"))
        #expect(strayFiles() == [])
    }

    /// Misbehaving bodies: each run converges to the right file within one run's attempts.
    @Test(arguments: [
        (["--oversize", "test.parquet"], 2),             // longer than declared: refused, then from zero
        (["--undersize", "test.parquet"], 2),            // half the file: resumed with a range
        (["--no-range", "--drop", "test.parquet"], 2),   // no Range support: the whole file again
        (["--bad-range", "test.parquet", "--drop", "test.parquet"], 3),  // a 206 from byte 0: from zero
    ]) func misbehavingBodiesConverge(_ options: [String], _ requests: Int) throws {
        try publish(root, "org/data", "test.parquet", sample)
        let server = try HubServer(root: root, options: options)
        let files = try downloader(server).files(for: try source(#"{"repo": "org/data", "split": "test", "files": ["test.parquet"]}"#))
        #expect(try rows(files[0]).count == 240)
        #expect(server.requests.filter { $0.hasPrefix("GET /cdn/") }.count == requests, "\(server.requests)")
        #expect(!FileManager.default.fileExists(atPath: files[0] + ".incomplete"))
    }

    /// With one attempt per run, the first run fails with a clear line and the next one finishes.
    @Test(arguments: [
        (["--oversize", "test.parquet"], "the body is longer than the \(sample.count) bytes declared, starting again from zero"),
        (["--undersize", "test.parquet"], "\(sample.count / 2) of \(sample.count) bytes arrived"),
        (["--drop", "test.parquet", "--no-range"], "transfer closed with"),
    ]) func aFailedRunIsFinishedByTheNext(_ options: [String], _ reason: String) throws {
        try publish(root, "org/data", "test.parquet", sample)
        let server = try HubServer(root: root, options: options)
        var s = settings(server)
        s.attempts = 1
        let src = try source(#"{"repo": "org/data", "split": "test", "files": ["test.parquet"]}"#)
        let message = failure { _ = try HubDownloader(cache: HubCache(root: cacheRoot), settings: s, progress: false).files(for: src) }
        #expect(message.hasPrefix("test.parquet: ") && message.contains(reason)
            && message.hasSuffix(", after 1 attempts (check the network or HF_ENDPOINT (\(server.endpoint)); run again to continue)"), "\(message)")
        let files = try HubDownloader(cache: HubCache(root: cacheRoot), settings: s, progress: false).files(for: src)
        #expect(try rows(files[0]).count == 240)
        #expect(strayFiles() == [])
    }

    @Test func aWrongPartialFileIsReplaced() throws {
        try publish(root, "org/data", "test.parquet", sample)
        var digest = SHA256(); digest.update(sample)
        let blob = cacheRoot + "/datasets--org--data/blobs/" + digest.hexDigest()
        // As long as the file but other bytes (a different file's partial): the checksum fails, the
        // next attempt starts from zero. Longer than the file: thrown away before asking.
        for junk in [[UInt8](repeating: 0, count: sample.count), [UInt8](repeating: 0, count: sample.count + 10)] {
            try? FileManager.default.removeItem(atPath: cacheRoot)
            try write(junk, blob + ".incomplete")
            let server = try HubServer(root: root)
            let files = try downloader(server).files(for: try source(#"{"repo": "org/data", "split": "test", "files": ["test.parquet"]}"#))
            #expect(try rows(files[0]).count == 240)
        }
    }

    @Test func modelRepositoryFillsTheCache() throws {
        let server = try HubServer(root: root)
        try publish(root, "org/model", "config.json", Array("{}".utf8))
        try publish(root, "org/model", "model.parquet", sample)  // any LFS file: checked by SHA-256
        let got = try downloader(server).model("org/model", revision: nil)
        #expect(got.files == ["config.json", "model.parquet"])
        #expect(got.snapshot == cacheRoot + "/models--org--model/snapshots/" + got.commit)
        #expect(try String(contentsOfFile: cacheRoot + "/models--org--model/refs/main", encoding: .utf8) == got.commit)
        #expect(try HubCache(root: cacheRoot).snapshot(repo: "org/model", revision: nil, kind: .model) == got.snapshot)
        // Cached: only the revision is asked again.
        let before = server.requests.count
        _ = try downloader(server).model("org/model", revision: nil)
        #expect(server.requests.dropFirst(before) == ["GET /api/models/org/model/revision/main -"])
    }

    @Test func offlineMissNamesFileAndCommand() throws {
        let task = try taskSpec(in: tmp.path, name: "gpqa_diamond", dataset: #"{repo: Idavidrein/gpqa, split: train, files: [gpqa_diamond.csv]}"#)
        let message = failure { try Fetch.records(task: task, subset: nil, locator: HubCache(root: cacheRoot)) { _ in } }
        #expect(message.contains("Idavidrein/gpqa is not in the Hub cache") && message.contains("`fetch-task --prefetch gpqa_diamond` without HF_HUB_OFFLINE"))
    }
}
