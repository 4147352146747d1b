import EvalCore
import Foundation
@testable import Scoring
import Testing

/// MT-Bench's judge ratings and metrics. The golden parse cases are the reference's own
/// `process_judge_response_gpt` results (Tests/Fixtures/golden/mt_bench.jsonl, judge_parse).
@Suite struct MTBenchScoringTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/golden/mt_bench.jsonl").standardized

    @Test func goldenJudgeOutputsParseAsTheReference() throws {
        let cases = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n")
            .map { try JSON.decode(Data($0.utf8)) }.filter { $0["mode"] == "judge_parse" }
        #expect(cases.count == 36)
        for c in cases {
            let text = c["judge_outputs"]!.array![0].string!, want = c["reference"]!["metrics"]!["scores"]!.array![0]
            let got = JudgeRating(text)
            if let error = want["error"]?.string {
                #expect(got.outcome == .error(error), "\(c["id"]!)")
            } else if want == -1 {
                #expect(got.outcome == .noRating, "\(c["id"]!)")
            } else {
                // int or float, as literal_eval returned it
                #expect(got.outcome == .rated(want), "\(c["id"]!)")
            }
        }
    }

    /// Python 3.10's `ast.literal_eval` on such groups (printed by running it).
    @Test(arguments: [
        ("[[1８]]", "SyntaxError: invalid decimal literal (<unknown>, line 1)"),
        ("[[٣]]", "SyntaxError: invalid character '٣' (U+0663) (<unknown>, line 1)"),
        ("[[𝟖]]", "SyntaxError: invalid character '𝟖' (U+1D7D6) (<unknown>, line 1)"),
        ("[[007]]", "SyntaxError: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers (<unknown>, line 1)"),
        ("[[01٣]]", "SyntaxError: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers (<unknown>, line 1)"),
        ("[[0٣]]", "SyntaxError: invalid decimal literal (<unknown>, line 1)"),
        ("[[7.５]]", "SyntaxError: invalid decimal literal (<unknown>, line 1)"),
    ])
    func literalEvalErrors(text: String, error: String) {
        #expect(JudgeRating(text).outcome == .error(error))
    }

    @Test func literalEvalValues() {
        #expect(JudgeRating("[[08.5]]").outcome == .rated(.double(8.5)))
        #expect(JudgeRating("[[00.]]").outcome == .rated(.double(0)))
        #expect(JudgeRating("[[00000]]").outcome == .rated(.int(0)))
        #expect(JudgeRating("[[[6]]]").outcome == .rated(.int(6)))
        // the double-bracket form wins over an earlier single one
        #expect(JudgeRating("[3] then [[4]]").outcome == .rated(.int(4)))
        #expect(JudgeRating("[[1.2.3]] [9]").outcome == .rated(.int(9)))
        #expect(JudgeRating("[[ 8 ]]").outcome == .noRating)
    }

    func draw(_ j1: String?, _ j2: String?, answers: (String, String) = ("a", "b")) -> JSONObject {
        func turn(_ answer: String, _ j: String?) -> JSONValue {
            ["answer": .string(answer), "judge": ["content": j.map(JSONValue.string) ?? .null]]
        }
        return ["answer": .string(answers.1), "turns": [turn(answers.0, j1), turn(answers.1, j2)]]
    }

    func score(_ task: String, category: String, _ draws: [JSONObject]) throws -> JSONObject {
        let file = Self.golden.deletingLastPathComponent().appendingPathComponent("../../../tasks/\(task == "ja" ? "japanese" : "english")_mt_bench.yaml")
        var record: JSONObject = ["target": ["category": .string(category)], "responses": .array(draws.map(JSONValue.object)), "status": "ok"]
        try Scorer(task: TaskCatalog.parse(path: file.standardized.path)).score(&record)
        return record
    }

    @Test func failedRatingsCountMinusOneInTheMeansAndMarkTheDraw() throws {
        let r = try score("en", category: "coding", [draw("[[2]]", "[[3]]"), draw("no rating", "[[3]]"), draw(nil, "[[3]]"),
                                                      draw("[[08]]", "[[3]]"), draw("", "[[3]]")])
        let v = { (k: String) in r["scores"]?[k]?["value"]?.double }
        #expect(v("judge_score_overall_turn_1_avg") == -0.4)
        #expect(v("judge_score_coding_turn_1_avg") == -0.4)
        #expect(v("judge_score_overall_turn_2_avg") == 3)
        #expect(v("judge_score_coding_avg") == 1.3)
        #expect(r["scores"]?["judge_score_overall_avg"]?["reduce"] == "mt_bench")
        #expect(r["scores"]?.object?.count == 6)
        #expect(r["status"] == "judge_failed")
        let statuses = r["responses"]?.array?.map { $0["status"]?.string } ?? []
        #expect(statuses == [nil, "judge_failed", "judge_failed", "judge_failed", "judge_failed"])
        #expect(r["responses"]?.array?[3]["extracted"]?.array?[0].string?.hasPrefix("SyntaxError: leading zeros") == true)
        #expect(r["responses"]?.array?[1]["scores"]?["judge_score_overall_avg"] == ["turn_1": -1, "turn_2": 3])
    }

    @Test func japaneseRatioCountsTheRenderedTextOfBothTurns() throws {
        let r = try score("ja", category: "writing", [draw("[[5]]", "[[5]]", answers: ("日本", "語ab")), draw("[[5]]", "[[5]]", answers: ("", ""))])
        #expect(r["scores"]?["japanese_ratio_overall"] == ["reduce": "micro_mean", "sum": 3, "count": 5])
        #expect(r["scores"]?["japanese_ratio_writing"] == r["scores"]?["japanese_ratio_overall"])
        #expect(r["status"] == "ok")
    }

    @Test func aDrawWithoutJudgementsIsAnError() throws {
        #expect { try score("en", category: "writing", [["answer": "b", "turns": [["answer": "a"], ["answer": "b"]]]]) } throws: {
            ($0 as? EvalError)?.field == "responses.turns[0].judge"
        }
    }
}
