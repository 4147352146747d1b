import EvalCore
@testable import Scoring
import XCTest

/// JEMHopQA extraction and F1 variants on the examples of docs/benchmarks.md, JEMHopQA examples
/// and difflib values computed by CPython 3.
final class JapaneseOpenQATests: XCTestCase {
    func spans(_ text: String) -> [String] {
        JapaneseOpenQAExtractor.exact(text) + JapaneseOpenQAExtractor.quasi(text)
    }

    func testPipelines() {
        XCTAssertEqual(spans("考えました。\n回答: $\\boxed{東京都}$"), ["東京都", "東京都"])
        XCTAssertEqual(spans("回答: $\\boxed{\\text{はい}}$"), ["はい", "YES"])
        XCTAssertEqual(spans("正解は「大阪府」です。根拠..."), ["「大阪府」", "大阪府"])
        XCTAssertEqual(spans("大阪府です。"), ["大阪府です。", "大阪府"])
        // The first box wins; nested braces are not balanced.
        XCTAssertEqual(spans("\\boxed{a{b}} then \\boxed{c}"), ["a{b", "a{b"])
        // The last free-form span wins, and it stops at the first whitespace.
        XCTAssertEqual(spans("答え: 京都\n回答: New York"), ["New", "New"])
        XCTAssertEqual(spans(""), ["", ""])
    }

    func testQuasiNormalisation() {
        XCTAssertEqual(JapaneseOpenQAExtractor.removeParenAndQuote("  **東京**  "), "東京")
        XCTAssertEqual(JapaneseOpenQAExtractor.removeParenAndQuote("***"), "")  // '**' both ends, overlapping
        XCTAssertEqual(JapaneseOpenQAExtractor.removeParenAndQuote("「a」"), "a")
        XCTAssertEqual(JapaneseOpenQAExtractor.removeParenAndQuote("［a］"), "［a］")  // not in the list
        XCTAssertEqual(JapaneseOpenQAExtractor.removeParenAndQuote("(a"), "(a")
        XCTAssertEqual(JapaneseOpenQAExtractor.canonicalizeBinary("イエス"), "YES")
        XCTAssertEqual(JapaneseOpenQAExtractor.canonicalizeBinary("違う"), "NO")
        XCTAssertEqual(JapaneseOpenQAExtractor.canonicalizeBinary("Yes"), "Yes")
        // NFKC comes after bracket removal: full-width digits become ASCII in the quasi span.
        XCTAssertEqual(JapaneseOpenQAExtractor.quasi("回答：１９８５年"), ["1985年"])
    }

    func testCharF1() {
        XCTAssertEqual(CharF1.pair(gold: "大阪府", prediction: "大阪府です。"), 2 * 0.5 * 1 / 1.5, accuracy: 1e-15)
        XCTAssertEqual(CharF1.pair(gold: "東京タワー", prediction: "「東京タワー」"), 0.8333333333333333, accuracy: 1e-15)
        XCTAssertEqual(CharF1.pair(gold: "abc", prediction: "xyz"), 0)
        XCTAssertEqual(CharF1.pair(gold: "", prediction: ""), 1)
        XCTAssertEqual(CharF1.pair(gold: "a", prediction: ""), 0)
    }

    func testLLMJPEvalF1() {
        XCTAssertEqual(LLMJPEvalF1.pair(gold: "東京タワー", prediction: "東京 タワー"), 0.55)
        XCTAssertEqual(LLMJPEvalF1.pair(gold: "1985年", prediction: "１９８５年"), 0.2)
        XCTAssertEqual(LLMJPEvalF1.pair(gold: "大阪府", prediction: "大阪府です。"), 0.75)
        XCTAssertEqual(LLMJPEvalF1.pair(gold: "大阪府", prediction: "「大阪府」"), 1)  // brackets are non-word
        XCTAssertEqual(LLMJPEvalF1.pair(gold: "", prediction: "。"), 1)  // both process to ""
        XCTAssertEqual(LLMJPEvalF1.pair(gold: "b a", prediction: "A B"), 1)  // lower-cased, tokens sorted
        XCTAssertEqual(LLMJPEvalF1.pair(gold: "é", prediction: "e"), 0)  // U+0080–U+00FF dropped
    }

    /// `difflib.SequenceMatcher(None, a, b).ratio()` values from CPython, with and without the
    /// popular-element heuristic (b of 200 or more).
    func testSequenceMatcherMatchesDifflib() {
        func ratio(_ a: String, _ b: String) -> Double {
            SequenceMatcher(Array(a.unicodeScalars), Array(b.unicodeScalars)).ratio()
        }
        let abc = { (n: Int) in String(repeating: "abc", count: n) }
        XCTAssertEqual(ratio("東京 タワー", "東京タワー"), 0.9090909090909091)
        XCTAssertEqual(ratio("abcd", "bcda"), 0.75)
        XCTAssertEqual(ratio("private", "privet"), 0.7692307692307693)
        XCTAssertEqual(ratio("", "a"), 0)
        XCTAssertEqual(ratio("xxx" + abc(40), abc(70) + "xyz"), 0.005952380952380952)
        XCTAssertEqual(ratio(abc(40) + "Z" + abc(3), abc(70) + "Z" + abc(2)), 0.7319884726224783)
        XCTAssertEqual(ratio(abc(40) + "Z" + abc(3), abc(60)), 0.832258064516129)
    }
}
