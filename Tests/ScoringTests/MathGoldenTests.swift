import EvalCore
import Foundation
@testable import Scoring
import XCTest

/// The math golden cases (the reference's own scores, Tests/Fixtures/golden) scored as `score`
/// scores them, and the peer test vectors (lighteval's and math-verify's tables, re-scored by the
/// reference) through the extraction configuration each case names.
final class MathGoldenTests: XCTestCase {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/golden/\(name)").standardized.path
    }

    static let extractors = ["math_500": "math_latex_gold", "aime": "math_expr_gold", "math_100_japanese": "math_boxed_gold"]

    func testVisibleMathCases() throws {
        var misses: [String] = []
        var total = 0
        let reader = RecordReader(paths: [Self.fixture("math.jsonl")])
        while let rec = try reader.nextRecord() {
            let c = rec.fields
            let id = c["id"]!.string!, task = c["task"]!.string!
            let family = String(task.prefix { $0 != ":" })
            let ref = c["reference"]!
            let scorer = try Scorer(scoring: scoringSpec(extractor: Self.extractors[family]!, language: "en", metrics: ["extractive_match"]))
            // MATH-100's target holds the answer column as render-prompts gives it; the extractor wraps it.
            let golds: JSONValue = family == "math_100_japanese" ? [c["sample"]!["answer"]!] : ref["doc"]!["golds"]!
            let answers = (ref["parsed_responses"] ?? c["responses"]!).array!
            var record: JSONObject = ["target": ["golds": golds], "responses": .array(answers.map { ["answer": $0] })]
            try scorer.score(&record)
            total += 1
            let want = ref["metrics"]!["extractive_match"]!.double!
            if record["scores"]?["extractive_match"]?.double != want {
                misses.append("\(id) want \(want): \(answers[0].string!.prefix(80).debugDescription) → \(record["responses"]!.array![0]["extracted"]!)")
            }
        }
        XCTAssertEqual(total, 247, "every visible case was read")
        XCTAssertEqual(misses, [], "\(total - misses.count)/\(total) agree")
    }

    func testPeerLightevalExtractiveMatch() throws { try peer("peer-lighteval-extractive-match.jsonl", cases: 218) }
    func testPeerMathVerify() throws { try peer("peer-math-verify.jsonl", cases: 235) }

    /// Every math case the reference agrees with (`agree`), in its own configuration: all agree.
    func peer(_ file: String, cases: Int) throws {
        var misses: [String] = []
        var total = 0
        let reader = RecordReader(paths: [Self.fixture(file)])
        while let rec = try reader.nextRecord() {
            let c = rec.fields
            let config = c["config"]!
            guard c["agree"]!.bool == true, config["gold_targets"]!.array![0]["type"]!.string != "indices" else { continue }
            total += 1
            let id = c["id"]!.string!
            guard let language = ["ENGLISH": "en", "CHINESE": "zh", "FRENCH": "fr", "ARABIC": "ar", "HINDI": "hi"][config["language"]!.string!] else {
                misses.append("\(id): language \(config["language"]!.string!) has no literals"); continue
            }
            func targets(_ v: JSONValue) -> MathTargets {
                var t = MathTargets(latexBoxedPriority: nil, expr: false)
                for x in v.array! {
                    if x["type"]!.string == "expr" { t.expr = true }
                    else { t.latexBoxedPriority = x["boxed_match_priority"]?.int ?? 55 }
                }
                return t
            }
            let extraction = MathExtraction(gold: targets(config["gold_targets"]!), pred: targets(config["pred_targets"]!),
                                            precision: config["precision"]!.int!, language: language)
            let golds = c["golds"]!.array!.map { $0.string! }
            var goldAnswers = try golds.map { try extraction.extractGold($0) }
            if goldAnswers.contains(where: \.isEmpty) { goldAnswers = golds.map { [TextAnswer($0)] } }
            let scores = try c["responses"]!.array!.map { r -> Double in
                let p = try extraction.extract(r.string!)
                return goldAnswers.contains { g in g.contains { x in p.contains { x.matches($0) } } } ? 1 : 0
            }
            let want = c["reference"]!["metrics"]!["extractive_match"]!.double!
            if scores.max() != want {
                let p = try extraction.extract(c["responses"]!.array![0].string!)
                misses.append("\(id) want \(want): gold \(goldAnswers.first!.map { $0.description }) pred \(p.map { $0.description })")
            }
        }
        XCTAssertEqual(misses, [], "\(total - misses.count)/\(total) agree")
        XCTAssertEqual(total, cases, "every case the reference agrees with was read")
    }
}
