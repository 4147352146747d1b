import EvalCore
import Foundation
import Testing
@testable import Hub

/// The repository's own task files.
let repoTasks = URL(fileURLWithPath: Parquet.fixtures).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("tasks").path

/// A ZIP archive written by Python's zipfile (Tests/Fixtures/hub/make_zip.py): [name, text, method].
func makeZip(_ path: String, _ members: [[String]]) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", Parquet.fixtures + "/make_zip.py", path]
    let input = Pipe()
    p.standardInput = input
    try p.run()
    input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: members))
    try input.fileHandleForWriting.close()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
}

/// The branch `branch` of `repo` answers to `commit` (a task file's pin).
func pin(_ root: String, _ repo: String, branch: String = "main", _ commit: String) throws {
    try write(commit, "\(root)/\(repo)/.commit-\(HubDownloader.quote(branch))")
}

let tinyParquet = Array(try! Data(contentsOf: URL(fileURLWithPath: Parquet.fixtures + "/parquet/tiny.parquet")))

/// Each repository served as the real Hub holds it (our own small files, in its file names and
/// formats), read through the repository's real task file: the rows are the reference's file's.
@Suite(.serialized) struct RealLayout {
    let tmp: TemporaryDirectory
    var root: String { tmp.path + "/hub" }
    var cacheRoot: String { tmp.path + "/cache/hub" }
    let catalog = TaskCatalog(directory: repoTasks)
    init() throws { tmp = try TemporaryDirectory() }

    func downloader(_ server: HubServer) -> HubDownloader {
        var s = HubSettings(environment: ["HF_ENDPOINT": server.endpoint, "HF_HOME": tmp.path + "/cache"])
        s.backoff = 0.05
        return HubDownloader(cache: HubCache(root: cacheRoot), settings: s, progress: false)
    }

    func fetch(_ name: String, _ server: HubServer, subset: String? = nil) throws -> [JSONObject] {
        let task = try catalog.load(name)
        var out: [JSONObject] = []
        let hub = downloader(server)
        for s in try Fetch.subsets(of: task, requested: subset, singleFile: false) {
            try Fetch.records(Fetch.plan(task: task, subset: s, locator: hub)) { out.append($0) }
        }
        return out
    }

    static func csv(_ rows: [[String]]) -> String {
        "\u{FEFF}question,A,B,C,D,answer\r\n" + rows.map { r in
            r.map { $0.contains(",") || $0.contains("\n") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }

    @Test func jmmluReadsTheZipAtThePinnedCommit() throws {
        let task = try catalog.load("swallow_jmmlu")
        let subjects = Array(try #require(task.subsets).prefix(3))
        let rows: [String: [[String]]] = [
            subjects[0]: [["日本の首都は？", "東京", "大阪", "京都", "札幌", "A"], ["引用 \"x\", y", "1", "2", "3", "4", "D"]],
            subjects[1]: [["複数行の\n問題", "a", "b", "c", "d", "B"]],
            subjects[2]: [["q", "a", "b", "c", "d", "C"]],
        ]
        var members: [[String]] = [["JMMLU/", "", "dir"], ["JMMLU/test/", "", "dir"]]
        for (i, s) in subjects.enumerated() {
            members.append(["JMMLU/test/\(s).csv", RealLayout.csv(rows[s]!), i == 0 ? "stored" : "deflated"])
            members.append(["__MACOSX/JMMLU/test/._\(s).csv", "resource fork", "deflated"])
        }
        try makeZip("\(root)/nlp-waseda/JMMLU/main/JMMLU.zip", members)
        try publish(root, "nlp-waseda/JMMLU", "JMMLU.py", Array("# loading script\n".utf8))
        try pin(root, "nlp-waseda/JMMLU", "3637b25e444ccfdcde4d23a783cbe8e674faa01b")
        try publish(root, "nlp-waseda/JMMLU", branch: "refs/convert/parquet", "default/test/0000.parquet", sample)
        let server = try HubServer(root: root)
        for s in subjects {
            let got = try fetch("swallow_jmmlu", server, subset: s)
            #expect(got.map { $0["row"]! } == rows[s]!.map { r in
                .object(JSONObject(uniqueKeysWithValues: zip(["question", "A", "B", "C", "D", "answer"], r.map(JSONValue.string))))
            })
            #expect(got.allSatisfy { $0["dataset"] == ["repo": "nlp-waseda/JMMLU", "commit": "3637b25e444ccfdcde4d23a783cbe8e674faa01b"] })
        }
        // A subject the zip lacks is an error naming what the zip holds, before any row.
        let missing = try #require(task.subsets?.last)
        let message = failure { _ = try fetch("swallow_jmmlu", server, subset: missing) }
        #expect(message.hasPrefix("dataset.members: 'JMMLU/test/\(missing).csv' matches no member of ")
            && message.hasSuffix("(it holds 3 files: " + subjects.sorted().map { "JMMLU/test/\($0).csv" }.joined(separator: ", ") + ")"))
    }

    @Test func mclmReadsTheRootFile() throws {
        try publish(root, "amphora/MCLM", "mt-math100.parquet", tinyParquet)
        try publish(root, "amphora/MCLM", "m-imo.parquet", sample)
        try publish(root, "amphora/MCLM", "mt-aime2024.parquet", sample)
        try publish(root, "amphora/MCLM", "README.md", Array("---\nconfigs:\n- config_name: MT-MATH100\n".utf8))
        let server = try HubServer(root: root)
        let got = try fetch("math_100_japanese", server)
        #expect(got.map { $0["row"]!.object! } == (try rows(Parquet.fixtures + "/parquet/tiny.parquet")))
    }

    @Test func humanevalPlusReadsTheParquetNotTheJSONL() throws {
        try publish(root, "evalplus/humanevalplus", "test.jsonl", Array("{\"task_id\": \"from-jsonl\"}\n".utf8))
        try publish(root, "evalplus/humanevalplus", "data/test-00000-of-00001-5973903632b82d40.parquet", tinyParquet)
        try publish(root, "evalplus/humanevalplus", "README.md", Array("---\n".utf8))
        let server = try HubServer(root: root)
        let got = try fetch("humanevalplus", server)
        #expect(got.map { $0["row"]!.object! } == (try rows(Parquet.fixtures + "/parquet/tiny.parquet")))
    }

    @Test func liveCodeBenchReadsTest5ThenTest6AtThePinnedCommit() throws {
        for i in ["", "2", "3", "4", "5", "6"] {
            let lines = (0..<2).map { "{\"question_id\": \"test\(i)-\($0)\"}\n" }.joined()
            try publish(root, "livecodebench/code_generation_lite", "test\(i).jsonl", Array(lines.utf8))
        }
        try pin(root, "livecodebench/code_generation_lite", "0fe84c3912ea0c4d4a78037083943e8f0c4dd505")
        // An open pull request's layout, on its own ref.
        try publish(root, "livecodebench/code_generation_lite", branch: "refs/pr/5", "v5_v6/test-00000-of-00002.parquet", sample)
        let server = try HubServer(root: root)
        let got = try fetch("livecodebench", server)
        #expect(got.map { $0["row"]!.object!["question_id"]! } == ["test5-0", "test5-1", "test6-0", "test6-1"])
        #expect(got[0]["dataset"]?.object?["commit"] == "0fe84c3912ea0c4d4a78037083943e8f0c4dd505")
    }

    @Test func hellaswagIgnoresTheConvertedBranchLeftover() throws {
        try publish(root, "Rowan/hellaswag", "hellaswag.py", Array("# script\n".utf8))
        try publish(root, "Rowan/hellaswag", "dataset_infos.json", Array("{}".utf8))
        let branch = "refs/convert/parquet"
        try publish(root, "Rowan/hellaswag", branch: branch, "default/validation/0000.parquet", tinyParquet)
        try publish(root, "Rowan/hellaswag", branch: branch, "default/hellaswag-validation.parquet", sample)
        try publish(root, "Rowan/hellaswag", branch: branch, ".gitattributes", Array("default/hellaswag-validation.parquet filter=lfs\n".utf8))
        let server = try HubServer(root: root)
        let got = try fetch("hellaswag", server)
        #expect(got.map { $0["row"]!.object! } == (try rows(Parquet.fixtures + "/parquet/tiny.parquet")))
    }

    @Test func jhumanevalReadsItsDataFiles() throws {
        try publish(root, "kogi-jwu/jhumaneval", "jhumaneval/test-00000-of-00001.parquet", tinyParquet)
        try publish(root, "kogi-jwu/jhumaneval", "README.md", Array("---\n".utf8))
        let server = try HubServer(root: root)
        #expect(try fetch("swallow_jhumaneval", server).count == 3)
    }

    @Test func aThirtyThousandFileListingWorks() throws {
        try publish(root, "lighteval/mmlu", "anatomy/test-00000-of-00001.parquet", tinyParquet)
        try publish(root, "lighteval/mmlu", "anatomy/validation-00000-of-00001.parquet", sample)
        // 30,000 entries of about 75 bytes: a listing of 2.2 MB, twice the old 1 MiB cut.
        let server = try HubServer(root: root, options: ["--filler", "30000", "--sibling", "zz/" + String(repeating: "x", count: 40)])
        let got = try fetch("mmlu_english", server, subset: "anatomy")
        #expect(got.count == 3)
        #expect(got.allSatisfy { $0["id"]!.string!.hasPrefix("mmlu_english:anatomy:") })
        // What the listing holds beyond the cut is still seen.
        let task = try catalog.load("mmlu_english")
        let message = failure { _ = try Fetch.plan(task: task, subset: "virology", locator: downloader(server)) }
        #expect(message.hasPrefix("dataset.files: 'virology/test-*' matches no file in lighteval/mmlu at main (it holds 30003 files: "))
        // The revision's `siblings` were cut at 5,000: the rest came from 31 pages of the tree, in
        // each of the two runs.
        #expect(server.requests.filter { $0.hasPrefix("GET /api/datasets/lighteval/mmlu/tree/") }.count == 2 * 31)
    }

    /// A next page on another host is refused: the token would go there.
    @Test func listingPagesStayOnTheEndpoint() throws {
        try publish(root, "lighteval/mmlu", "anatomy/test-00000-of-00001.parquet", tinyParquet)
        let server = try HubServer(root: root, options: ["--filler", "1500", "--foreign-next"])
        let message = failure { _ = try fetch("mmlu_english", server, subset: "anatomy") }
        #expect(message.hasPrefix("the Hub's next listing page http://elsewhere.invalid/api/datasets/lighteval/mmlu/tree/")
            && message.hasSuffix("is not on \(server.endpoint) (HF_TOKEN is only sent to HF_ENDPOINT)"), "\(message)")
    }

    /// `--data DIR` with a snapshot that lacks a subset: an error before any row, naming the subset's pattern.
    @Test func snapshotDirectoryRefusesASubsetWithoutFiles() throws {
        let task = try catalog.load("mmlu_english")
        let samples = (repoTasks as NSString).appendingPathComponent("samples/mmlu_english")
        let locator = try Fetch.locator(data: samples)
        let subsets = try Fetch.subsets(of: task, requested: nil, singleFile: false)
        let message = failure { for s in subsets { _ = try Fetch.plan(task: task, subset: s, locator: locator) } }
        let first = try #require(subsets.first { !FileManager.default.fileExists(atPath: samples + "/" + $0!) } ?? nil)
        #expect(message.hasPrefix("dataset.files: '\(first)/test-*' matches no file in \(samples) (it holds 4 files: "))
        var astronomy: [JSONObject] = []
        try Fetch.records(Fetch.plan(task: task, subset: "astronomy", locator: locator)) { astronomy.append($0) }
        #expect(astronomy.count == 3 && astronomy.allSatisfy { $0["row"]?.object?["subject"] == "astronomy" })
    }

    /// Every task file names its files (there is no fallback), and what it pins is a commit or a
    /// converted branch; each declared source is then published on the loopback Hub at its
    /// revision, prefetched, and read back with the Hub unreachable and HF_HUB_OFFLINE set.
    @Test func everyTaskFetchesOfflineAfterPrefetch() throws {
        let names = catalog.names().filter { FileManager.default.fileExists(atPath: "\(repoTasks)/\($0).yaml") }
        #expect(names.count >= 20)
        for name in names {
            let task = try catalog.load(name)
            for subset in try Fetch.subsets(of: task, requested: nil, singleFile: false) {
                let d = Fetch.source(task, subset: subset)
                let files = try #require(d.files.flatMap(d.expand), "\(name): dataset.files")
                let branch = d.revision.map { HubName.isCommit($0) ? "main" : $0 } ?? "main"
                #expect(branch == "main" || branch == "refs/convert/parquet", "\(name): revision \(d.revision ?? "")")
                if let r = d.revision, HubName.isCommit(r) { try pin(root, d.repo, r) }
                if d.gated == true { try write("", "\(root)/\(d.repo)/.gated") }
                for f in files {
                    // A pattern's `*` becomes a shard name; an extensionless one a Parquet shard.
                    var path = f.replacingOccurrences(of: "*", with: "00000-of-00001")
                    if f.hasSuffix("*") { path += ".parquet" }
                    if path.hasSuffix(".zip") {
                        let member = try #require(d.members.flatMap(d.expand)?.first)
                        let existing = "\(root)/\(d.repo)/\(branch)/\(path)"
                        var all = (try? ZipArchive(path: existing))?.names.map { [$0, "a\n1\n", "deflated"] } ?? []
                        all.append([member, "question,A,B,C,D,answer\nq,a,b,c,d,A\n", "deflated"])
                        try makeZip(existing, all)
                        continue
                    }
                    let body = path.hasSuffix(".csv") ? "a\n1\n" : path.hasSuffix(".json") ? "[{\"a\": 1}]" : "{\"a\": 1}\n"
                    try publish(root, d.repo, branch: branch, path, path.hasSuffix(".parquet") ? tinyParquet : Array(body.utf8))
                }
            }
        }
        let server = try HubServer(root: root)
        var s = HubSettings(environment: ["HF_ENDPOINT": server.endpoint, "HF_HOME": tmp.path + "/cache", "HF_TOKEN": "secret-token"])
        s.backoff = 0.05
        let online = HubDownloader(cache: HubCache(root: cacheRoot), settings: s, progress: false)
        for name in names {
            let task = try catalog.load(name)
            for subset in try Fetch.subsets(of: task, requested: nil, singleFile: false) {
                _ = try Fetch.files(task: task, subset: subset, locator: online)
            }
        }
        let offline = HubSettings(environment: ["HF_ENDPOINT": "http://127.0.0.1:9", "HF_HUB_OFFLINE": "1", "HF_HOME": tmp.path + "/cache"])
        #expect(try Fetch.locator(data: nil, settings: offline) is HubCache)
        for name in names {
            let task = try catalog.load(name)
            var count = 0
            for subset in try Fetch.subsets(of: task, requested: nil, singleFile: false) {
                let pinned = Fetch.source(task, subset: subset).revision.flatMap { HubName.isCommit($0) ? $0 : nil }
                try Fetch.records(Fetch.plan(task: task, subset: subset, locator: HubCache(root: cacheRoot))) { r in
                    let commit = r["dataset"]?.object?["commit"]?.string
                    #expect(commit.map(HubName.isCommit) == true && (pinned == nil || commit == pinned), "\(name)")
                    count += 1
                }
            }
            #expect(count > 0, "\(name): no rows offline")
        }
    }
}

/// ZIP archives the way they go wrong.
@Suite struct Zip {
    let tmp: TemporaryDirectory
    init() throws { tmp = try TemporaryDirectory() }

    @Test func membersSkipResourceForksAndDirectories() throws {
        let path = tmp.path + "/a.zip"
        try makeZip(path, [["d/", "", "dir"], ["d/x.jsonl", "{\"a\": 1}\n", "deflated"], ["__MACOSX/d/._x.jsonl", "junk", "stored"], ["d/._y.csv", "junk", "stored"]])
        let zip = try ZipArchive(path: path)
        #expect(zip.names == ["d/x.jsonl"])
        let reader = try DataFile.open(zip, member: zip.members[0])
        #expect(try reader.next() == ["a": 1])
        #expect(try reader.next() == nil)
    }

    @Test func corruptMemberIsNamed() throws {
        let path = tmp.path + "/a.zip"
        let text = String(repeating: "{\"a\": \"some text to compress\"}\n", count: 200)
        try makeZip(path, [["x.jsonl", text, "deflated"], ["y.jsonl", text, "stored"]])
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let zip = try ZipArchive(path: path)
        // Damage the stored member's data: its CRC-32 no longer matches.
        let y = zip.members[1]
        let dataStart = y.headerOffset + 30 + "y.jsonl".utf8.count
        bytes[dataStart + 10] = UInt8(ascii: "X")  // inside a string: still JSON, other bytes
        try write(bytes, path)
        let damaged = try ZipArchive(path: path)
        let message = failure { let r = try DataFile.open(damaged, member: damaged.members[1]); while try r.next() != nil {} }
        #expect(message == "\(path)(y.jsonl): member does not match its CRC-32 or size (\(text.utf8.count) of \(text.utf8.count) bytes): the archive is corrupt")
        // Cut inside the deflated member's data.
        try write(Array(bytes.prefix(zip.members[0].headerOffset + 60)), tmp.path + "/cut.zip")
        #expect(failure { _ = try ZipArchive(path: tmp.path + "/cut.zip") } == "\(tmp.path)/cut.zip: not a ZIP archive (no end of central directory)")
    }

    /// Members larger than the read buffers (64 KiB in, 64 KiB out), stored and deflated.
    @Test func largeMembersStream() throws {
        let path = tmp.path + "/big.zip"
        let rows = (0..<5000).map { "{\"i\": \($0), \"text\": \"row \($0) of a member larger than one buffer\"}\n" }.joined()
        try makeZip(path, [["d.jsonl", rows, "deflated"], ["s.jsonl", rows, "stored"]])
        let zip = try ZipArchive(path: path)
        for m in zip.members {
            let reader = try DataFile.open(zip, member: m)
            var n = 0
            while let r = try reader.next() { #expect(r["i"] == JSONValue(n)); n += 1 }
            #expect(n == 5000)
        }
    }

    /// Mutated archives: each member reads or fails with an error naming the archive, never a trap.
    @Test func mutatedArchivesFailCleanly() throws {
        let path = tmp.path + "/m.zip"
        let text = (0..<50).map { "q\($0),\"a, \($0)\",b,c,d,A\n" }.joined()
        try makeZip(path, [["JMMLU/test/x.csv", "question,A,B,C,D,answer\n" + text, "deflated"],
                           ["JMMLU/test/y.csv", "question,A,B,C,D,answer\n" + text, "stored"],
                           ["__MACOSX/JMMLU/test/._x.csv", "fork", "stored"]])
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var rng = SplitMix64(seed: 15)
        var failed = 0
        for n in 0..<600 {
            var b = original
            if n % 5 == 4 { b = Array(b.prefix(Int(rng.next() % UInt64(b.count)))) }
            for _ in 0..<(1 + rng.next() % 4) {
                let p = Int(rng.next() % UInt64(b.count))
                b[p] = rng.next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
            }
            try write(b, path)
            do {
                let zip = try ZipArchive(path: path)
                for m in zip.members { let r = try DataFile.open(zip, member: m); while try r.next() != nil {} }
            } catch let e as EvalError {
                failed += 1
                #expect(e.file?.hasPrefix(path) == true, "case \(n): \(e)")
            }
        }
        #expect(failed > 300)
    }

    @Test func notAnArchive() throws {
        try write("plain text, no archive", tmp.path + "/n.zip")
        #expect(failure { _ = try ZipArchive(path: tmp.path + "/n.zip") } == "\(tmp.path)/n.zip: not a ZIP archive (no end of central directory)")
        #expect(failure { _ = try DataFile.open(tmp.path + "/n.zip") }.hasSuffix("an archive, not a data file (name the members to read in the task's dataset.members)"))
    }
}
