import EvalCore
import Foundation
@testable import Scoring
import Testing

/// The generated math corpus (Tests/Fixtures/math-corpus/generated.jsonl, made by
/// Tests/Fixtures/math-corpus/generate.py, verdicts by the reference's own extraction and comparison): every
/// answer shape of MATH-500, AIME and MATH-100 golds in equal and unequal forms and in the styles
/// models answer with, scored as `score` scores them.
@Suite struct MathGeneratedCorpusTests {
    static let extractors = ["math_500": "math_latex_gold", "aime": "math_expr_gold", "math_100_japanese": "math_boxed_gold"]

    @Test func everyGeneratedCaseAgreesWithTheReference() throws {
        let path = MathGoldenTests.fixture("../math-corpus/generated.jsonl")
        var scorers: [String: Scorer] = [:]
        for (task, name) in Self.extractors {
            scorers[task] = try Scorer(scoring: scoringSpec(extractor: name, language: "en", metrics: ["extractive_match"]))
        }
        var misses: [String] = [], total = 0, ones = 0
        let reader = RecordReader(paths: [path])
        while let rec = try reader.nextRecord() {
            let c = rec.fields
            let task = c["task"]!.string!
            var record: JSONObject = ["target": ["golds": c["golds"]!], "responses": [["answer": c["response"]!]]]
            try scorers[task]!.score(&record)
            let want = c["reference"]!["extractive_match"]!.double!
            total += 1
            if want == 1 { ones += 1 }
            if record["scores"]?["extractive_match"]?.double != want {
                misses.append("\(c["id"]!.string!) want \(want): gold \(c["golds"]!.array![0].string!.debugDescription) "
                    + "pred \(c["response"]!.string!.debugDescription) → \(record["responses"]!.array![0]["extracted"]!)")
            }
        }
        #expect(total == 9199)
        #expect(ones > 2000 && total - ones > 2000, "both verdicts are well represented")
        #expect(misses == [], "\(total - misses.count)/\(total) agree")
    }
}
