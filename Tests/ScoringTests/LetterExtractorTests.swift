import EvalCore
@testable import Scoring
import XCTest

final class LetterExtractorTests: XCTestCase {
    /// (response, gold, choices, extracted, score).
    typealias Vector = (String, String, Int, [String], Double)

    /// docs/benchmarks.md, Letter extraction, produced by running the reference code.
    static let englishVectors: [Vector] = [
        ("Answer: B", "B", 4, ["B", "B"], 1),
        ("Answer: B\n", "B", 4, ["B", "B"], 1),
        ("Answer: B\n\nWait, maybe it's C.", "B", 4, ["C", "C"], 0),
        ("answer: b", "B", 4, [], 0),
        ("**Final Answer:** B", "B", 4, ["B", "B"], 1),
        ("Answer: $\\boxed{C}$", "C", 4, ["C", "C"], 1),
        ("The answer is (A).", "A", 4, ["A", "A"], 1),
        ("Answer: B and C", "B", 4, ["B", "B"], 1),
        ("Between A and D, I pick D", "D", 4, ["D", "D"], 1),
        ("Answer: E", "A", 4, ["A", "A"], 1),
        ("Answer: E", "E", 10, ["E", "E"], 1),
        ("Answer: (C) I think", "C", 10, ["I", "I"], 0),
        ("Let me think. I believe the correct option is (C), as I said", "C", 10, ["I", "I"], 0),
        ("The answer is C.\nI hope this helps", "C", 10, ["C", "C"], 1),
        ("The final answer is C. I hope it is correct.", "C", 4, ["C", "C"], 1),
        ("", "A", 4, [], 0),
        // lighteval tests/metrics/test_extractive_match.py (golden peer file, reference agrees).
        ("thinking about it I think the correct answer is C", "C", 4, ["C", "C"], 1),
        ("Let's think step by step. It's not A because it doesn't make sense, therefore I think it's B", "B", 4, ["B", "B"], 1),
        ("The answer is for sure D, it can't be A or B", "D", 4, ["D", "D"], 1),
        ("The answer: D, doesn't makese nsense for answer to be A or B", "D", 4, ["D", "D"], 1),
        ("D. it can't be A or B", "D", 4, ["D", "D"], 1),
    ]

    /// docs/benchmarks.md, Letter examples.
    static let japaneseVectors: [Vector] = [
        ("考察...\n回答: B", "B", 4, ["B", "B"], 1),
        ("回答: **C**", "C", 4, ["C", "C"], 1),
        ("答えはDです", "D", 4, ["D", "D"], 1),
        ("回答\n\nB", "B", 4, ["B", "B"], 1),
        ("回答: A\n...\n回答: D", "D", 4, ["D", "D"], 1),
        ("回答：Ｂ", "B", 4, [], 0),
        ("", "A", 4, [], 0),
        ("回答: 選択肢Bは誤りで、正解はC", "C", 4, ["B", "B"], 0),
        ("DNAの複製は…", "D", 4, ["D", "D"], 1),
        ("Answer: C", "A", 4, ["A", "A"], 1),
    ]

    func check(_ vectors: [Vector], language: String) throws {
        let scorer = try Scorer(scoring: scoringSpec(extractor: "letters", language: language, metrics: ["extractive_match"]))
        for (response, gold, n, extracted, score) in vectors {
            var record: JSONObject = [
                "target": ["golds": [.string(gold)], "n_choices": .int(Int64(n))],
                "responses": [["answer": .string(response)]],
            ]
            try scorer.score(&record)
            let got = record["responses"]!.array![0]["extracted"]!.array!.map { $0.string! }
            XCTAssertEqual(got, extracted, "\(language) \(response.debugDescription)")
            XCTAssertEqual(record["scores"]?["extractive_match"], .double(score), "\(language) \(response.debugDescription)")
        }
    }

    func testEnglishVectors() throws { try check(Self.englishVectors, language: "en") }
    func testJapaneseVectors() throws { try check(Self.japaneseVectors, language: "ja") }

    /// The patterns as the reference compiles them (docs/benchmarks.md, English patterns, Japanese patterns).
    func testPatternsAreTheReferenceOnes() {
        XCTAssertEqual(LetterExtractor.sources(language: "en", choices: 4).map { "\($1) \($0)" }, [
            #"0 (?i:final answer is)\:?\s*(?P<indices>A|B|C|D)\.?\s?I hope"#,
            #"50 (?i:final answer.{0,100}?)\s+is\:?\s*(?P<indices>A|B|C|D)"#,
            #"100 (?i:answer)[:\:].{0,50}?(^|\ )(?:\*\*)?(?P<indices>A|B|C|D)(?:\*\*)?(?:[\.\.]|[,\,]|[:\:]|\ |$)"#,
            #"150 (?i:answer).{0,50}?(^|\ )(?:\*\*)?(?P<indices>A|B|C|D)(?:\*\*)?(?:[\.\.]|[,\,]|[:\:]|\ |$)"#,
            #"200 ^(?:\*\*)?(?P<indices>A|B|C|D)(?:\*\*)?(?:[\.\.]|[,\,]|[:\:]|\ |$)"#,
            #"250 (^|\ )(?:\*\*)?(?P<indices>A|B|C|D)(?:\*\*)?(?:[\.\.]|[,\,]|[:\:]|\ |$)"#,
            #"300 (?P<indices>A|B|C|D)"#,
        ])
        XCTAssertEqual(LetterExtractor.sources(language: "ja", choices: 4).map { "\($1) \($0)" }, [
            #"100 (?i:回答)[：\:].{0,50}?(^|)(?:\*\*)?(?P<indices>A|B|C|D)(?:\*\*)?(?:[。\.]|[、\,]|[：\:]||$)"#,
            #"150 (?i:回答).{0,50}?(^|)(?:\*\*)?(?P<indices>A|B|C|D)(?:\*\*)?(?:[。\.]|[、\,]|[：\:]||$)"#,
            #"200 ^(?:\*\*)?(?P<indices>A|B|C|D)(?:\*\*)?(?:[。\.]|[、\,]|[：\:]||$)"#,
            #"250 (^|)(?:\*\*)?(?P<indices>A|B|C|D)(?:\*\*)?(?:[。\.]|[、\,]|[：\:]||$)"#,
            #"300 (?P<indices>A|B|C|D)"#,
        ])
        XCTAssertEqual(LetterExtractor.sources(language: "en", choices: 10).last?.0, "(?P<indices>A|B|C|D|E|F|G|H|I|J)")
    }

    func testEveryChoiceCountCompiles() throws {
        for language in LetterExtractor.languages {
            for n in 1...26 { XCTAssertNoThrow(try LetterExtractor.patterns(language: language, choices: n), "\(language) \(n)") }
        }
    }

    func testChoiceCountIsChecked() throws {
        let letters = LetterExtractor(language: "en")
        XCTAssertThrowsError(try letters.extract("A", target: [:])) {
            XCTAssertEqual(($0 as? EvalError)?.field, "target.n_choices")
        }
        XCTAssertThrowsError(try letters.extract("A", target: ["n_choices": 27])) {
            XCTAssertEqual(($0 as? EvalError)?.field, "target.n_choices")
        }
    }
}
