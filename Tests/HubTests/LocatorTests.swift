import EvalCore
import Foundation
import Testing
@testable import Hub

func source(_ json: String) throws -> DatasetSource {
    try JSONDecoder().decode(DatasetSource.self, from: Data(json.utf8))
}

private let sha = "0123456789abcdef0123456789abcdef01234567"

/// A Hub cache with `Idavidrein/gpqa` as huggingface_hub leaves it: refs/main → snapshot whose file is
/// a relative symlink into blobs/.
private func fakeCache(in root: String) throws -> String {
    let repo = root + "/datasets--Idavidrein--gpqa"
    try write("\(sha)\n", repo + "/refs/main")
    try write("Question,Correct Answer\nq1,a1\nq2,a2\n", repo + "/blobs/4f3c")
    let snap = repo + "/snapshots/" + sha
    try FileManager.default.createDirectory(atPath: snap, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: snap + "/gpqa_diamond.csv", withDestinationPath: "../../blobs/4f3c")
    return snap
}

@Suite struct HubCacheLayout {
    let tmp: TemporaryDirectory
    var root: String { tmp.path }
    init() throws { tmp = try TemporaryDirectory() }

    @Test func cacheDirectoryFromEnvironment() {
        #expect(HubCache(environment: ["HF_HUB_CACHE": "/c", "HF_HOME": "/h"]).root == "/c")
        #expect(HubCache(environment: ["HF_HOME": "/h", "HOME": "/u"]).root == "/h/hub")
        #expect(HubCache(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/u"]).root == "/x/huggingface/hub")
        #expect(HubCache(environment: ["HOME": "/u"]).root == "/u/.cache/huggingface/hub")
        #expect(HubCache(root: "/c").repositoryDirectory("lighteval/mmlu") == "/c/datasets--lighteval--mmlu")
    }

    @Test func declaredFileThroughRefAndSymlink() throws {
        let snap = try fakeCache(in: root)
        let files = try HubCache(root: root).files(for: source(#"{"repo": "Idavidrein/gpqa", "config": "gpqa_diamond", "split": "train", "files": ["gpqa_diamond.csv"]}"#))
        #expect(files == [snap + "/gpqa_diamond.csv"])
        #expect(try rows(files[0]) == [["Question": "q1", "Correct Answer": "a1"], ["Question": "q2", "Correct Answer": "a2"]])
    }

    @Test func revisionByCommitOrBranch() throws {
        let snap = try fakeCache(in: root)
        let cache = HubCache(root: root)
        #expect(try cache.snapshot(repo: "Idavidrein/gpqa", revision: sha) == snap)
        #expect(failure { _ = try cache.snapshot(repo: "Idavidrein/gpqa", revision: "v2") }
            .hasPrefix("revision 'v2' of Idavidrein/gpqa is not in the Hub cache (no \(root)/datasets--Idavidrein--gpqa/refs/v2)"))
    }

    @Test func missingRepositorySaysHowToGetIt() throws {
        var cache = HubCache(root: root)
        cache.fetchCommand = "fetch-task --prefetch mmlu_english"
        let message = failure { _ = try cache.files(for: source(#"{"repo": "lighteval/mmlu", "split": "test"}"#)) }
        #expect(message == "dataset lighteval/mmlu is not in the Hub cache \(root) (fetch it where the Hub is reachable: "
            + "`fetch-task --prefetch mmlu_english` without HF_HUB_OFFLINE, or "
            + "`huggingface-cli download --repo-type dataset lighteval/mmlu`; or pass --data FILE)")
    }

    @Test func missingFileNamesItEvenAsDanglingSymlink() throws {
        let snap = try fakeCache(in: root)
        try FileManager.default.removeItem(atPath: root + "/datasets--Idavidrein--gpqa/blobs/4f3c")
        let message = failure {
            _ = try HubCache(root: root).files(for: source(#"{"repo": "Idavidrein/gpqa", "split": "train", "files": ["gpqa_diamond.csv"]}"#))
        }
        #expect(message.hasPrefix("dataset.files: 'gpqa_diamond.csv' matches no file in \(snap) (it holds no files) (fetch it where the Hub is reachable: `fetch-task --prefetch TASK`"))
    }
}

@Suite struct SnapshotDiscovery {
    let tmp: TemporaryDirectory
    var dir: String { tmp.path }

    init() throws {
        tmp = try TemporaryDirectory()
        for f in ["anatomy/test-00000-of-00002.jsonl", "anatomy/test-00001-of-00002.jsonl", "anatomy/validation-00000-of-00001.jsonl",
                  "astronomy/test-00000-of-00001.jsonl", "anatomy/test-00000-of-00001.parquet", ".cache/test.jsonl"] {
            try write("{\"f\": \"\(f)\"}\n{\"f\": \"\(f)\"}\n", dir + "/" + f)
        }
        try write("{}", dir + "/dataset_infos.json")
    }

    private func found(_ json: String) throws -> [String] {
        try SnapshotDirectory(path: dir).files(for: source(json)).map { String($0.dropFirst(dir.count + 1)) }
    }

    @Test func configPatternShardsInOrder() throws {
        #expect(try found(#"{"repo": "lighteval/mmlu", "config": "anatomy", "split": "test", "files": ["{config}/test-*.jsonl"]}"#)
            == ["anatomy/test-00000-of-00002.jsonl", "anatomy/test-00001-of-00002.jsonl"])
        #expect(try found(#"{"repo": "lighteval/mmlu", "config": "anatomy", "split": "validation", "files": ["{config}/{split}-*.jsonl"]}"#)
            == ["anatomy/validation-00000-of-00001.jsonl"])
        // No format preference: a pattern naming both formats is the task's mistake, shown as read.
        #expect(try found(#"{"repo": "lighteval/mmlu", "config": "anatomy", "split": "test", "files": ["{config}/test-*"]}"#)
            == ["anatomy/test-00000-of-00001.parquet", "anatomy/test-00000-of-00002.jsonl", "anatomy/test-00001-of-00002.jsonl"])
    }

    @Test func unknownConfigIsAnErrorNamingWhatIsThere() throws {
        let message = failure { _ = try found(#"{"repo": "x/y", "config": "virology", "split": "test", "files": ["{config}/test-*"]}"#) }
        #expect(message == "dataset.files: 'virology/test-*' matches no file in \(dir) (it holds 7 files: "
            + "anatomy/test-00000-of-00001.parquet, anatomy/test-00000-of-00002.jsonl, anatomy/test-00001-of-00002.jsonl, "
            + "anatomy/validation-00000-of-00001.jsonl, astronomy/test-00000-of-00001.jsonl, dataset_infos.json, …) "
            + "(check the task's dataset block against the repository)")
    }

    @Test func undeclaredFilesAreAnError() throws {
        #expect(failure { _ = try found(#"{"repo": "x/y", "split": "test"}"#) }.hasPrefix("dataset.files: no files declared for x/y"))
    }

    @Test func globMatching() {
        #expect(DatasetFiles.matches("data/test-*", "data/test-00000-of-00001-5973903632b82d40.parquet"))
        #expect(!DatasetFiles.matches("data/test-*", "test.jsonl"))
        #expect(!DatasetFiles.matches("*.jsonl", "data/test.jsonl"))
        #expect(DatasetFiles.matches("mt-math100.parquet", "mt-math100.parquet"))
        #expect(!DatasetFiles.matches("MT-MATH100.parquet", "mt-math100.parquet"))
        #expect(!DatasetFiles.matches("*", ".gitattributes"))
        #expect(DatasetFiles.matches(".gitattributes", ".gitattributes"))
        #expect(DatasetFiles.matches("a?c*d", "abcxxd") && !DatasetFiles.matches("a?c*d", "abcxxe"))
        #expect(DatasetFiles.matches("*a*a*a*b", "aaaaaaaaaaaaaaaaab") && !DatasetFiles.matches("*a*a*a*b", "aaaaaaaaaaaaaaaaaa"))
    }

    @Test func parquetShardsAreFound() throws {
        let only = dir + "/parquet-only"
        try write("PAR1", only + "/main/test-00000-of-00001.parquet")
        let task = try taskSpec(in: only, dataset: #"{repo: x/y, config: main, split: test, files: ["{config}/test-*.parquet"]}"#)
        let message = failure { try Fetch.records(task: task, subset: nil, locator: SnapshotDirectory(path: only)) { _ in } }
        #expect(message == "\(only)/main/test-00000-of-00001.parquet: too short for a Parquet file")
    }
}
