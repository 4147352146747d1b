import EvalCore
import Foundation
import Scoring
import Testing

/// M-IFEval-Ja golden cases through `Scorer` with the task file's scoring: the reference's four
/// per-sample values (Tests/Fixtures/golden/instruction_following.jsonl, and the reference repository's
/// own 344 gpt-4o and gemma responses re-scored by the reference, peer-lighteval-mifeval-ja.jsonl).
/// Needs Janome's dictionary (Debian's mecab-ipadic), as `score` does.
@Suite struct IFEvalGoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/golden").standardized
    static let metrics = ["prompt_level_strict_acc", "inst_level_strict_acc", "prompt_level_loose_acc", "inst_level_loose_acc"]

    /// (cases, cases agreeing with the reference, peer cases where the reference agrees with the peer).
    func run(_ file: String) throws -> (cases: Int, agree: Int, peerAgree: Int) {
        let scorer = try Scorer(scoring: scoringSpec(extractor: "whole_response", language: "ja", metrics: Self.metrics))
        var cases = 0, agree = 0, peerAgree = 0
        let reader = RecordReader(paths: [Self.golden.appendingPathComponent(file).path])
        while let rec = try reader.nextRecord() {
            let c = rec.fields, sample = c["sample"]!
            var record: JSONObject = [
                "target": ["instruction_id_list": sample["instruction_id_list"]!, "kwargs": sample["kwargs"]!],
                "responses": .array(c["responses"]!.array!.map { ["answer": $0] }),
            ]
            try scorer.score(&record)
            let got = record["responses"]!.array![0]["scores"]!
            let want = c["reference"]!["metrics"]!
            let same = Self.metrics.allSatisfy { m in
                if let list = want[m]!.array { return got[m]!.array == list }
                return got[m]!.int == want[m]!.int
            }
            if same { agree += 1 } else { Issue.record("\(c["id"]!.string!): reference \(JSON.encodeString(want)), evalpipe \(JSON.encodeString(got))") }
            if same && c["agree"]?.bool == true { peerAgree += 1 }
            // The record's instruction-level value is what aggregate micro-averages.
            let strict = want["inst_level_strict_acc"]!.array!
            #expect(record["scores"]!["inst_level_strict_acc"] == ["reduce": "micro_mean", "sum": .int(Int64(strict.filter { $0 == true }.count)), "count": .int(Int64(strict.count))])
            cases += 1
        }
        return (cases, agree, peerAgree)
    }

    @Test func visibleCasesAgree() throws {
        let r = try run("instruction_following.jsonl")
        #expect(r.cases == 112)
        #expect(r.agree == 112)
    }

    /// 343 of the 344 peer cases are scored by the reference as the repository's expected files
    /// say; on the other one (a Thai gemma answer) we follow the reference.
    @Test func peerCasesAgree() throws {
        let r = try run("peer-lighteval-mifeval-ja.jsonl")
        #expect(r.cases == 344)
        #expect(r.agree == 344)
        #expect(r.peerAgree == 343)
    }

    /// 1,032 edited peer answers scored by the reference's own checkers (Tests/Fixtures/ifeval/make_cases.py).
    @Test func generatedCasesAgree() throws {
        let r = try run("mifeval-generated.jsonl")
        #expect(r.cases == 1032)
        #expect(r.agree == 1032)
    }
}
