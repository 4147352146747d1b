import Foundation
@testable import Scoring
import Testing

/// Degenerate model answers must not stall `score` (issue: `$\boxed{\text{` × 10,000 took over
/// 30 s, `\boxed{` × 20,000 21 s). Asserted on the work skipped, plus a generous wall-clock bound
/// (seconds in a debug build; each took well under one second in release when written).
@Suite struct MathHostileInputTests {
    static let extraction = MathLatexGoldExtractor(language: "en").extraction

    /// `\boxed{.+}` runs only when a `}` follows the first `\boxed{`: without one it cannot match,
    /// and the regex would rescan the rest of the text from every `\boxed{`.
    @Test func openBoxesSkipTheGreedyBoxPattern() throws {
        let patterns = try MathExtraction.patterns(MathTargets(latexBoxedPriority: 0, expr: true), language: "en", precision: 5)
        let greedy = try #require(patterns.first { $0.pattern.regex.pattern.contains("latexBoxed>") })
        #expect(!MathExtraction.admits(greedy.needle, String(repeating: "\\boxed{", count: 20_000)))
        #expect(!MathExtraction.admits(greedy.needle, "\\boxed{}"))
        #expect(MathExtraction.admits(greedy.needle, "\\boxed{}}"))
        #expect(MathExtraction.admits(greedy.needle, String(repeating: "\\boxed{", count: 100) + "x}"))
    }

    @Test func degenerateAnswersFinish() throws {
        let start = Date()
        for text in [String(repeating: "$\\boxed{\\text{", count: 10_000), String(repeating: "\\boxed{", count: 20_000),
                     "\\boxed{" + String(repeating: "\\frac{", count: 10_000) + "}"] {
            _ = try Self.extraction.extract(text)
        }
        #expect(Date().timeIntervalSince(start) < 60)
    }

    /// Past twice the parser's limit a text is not normalized (it cannot parse either).
    @Test func longTextsAreNotNormalized() {
        let long = String(repeating: "\\frac{", count: LatexNormalizer.maxLength)
        #expect(LatexNormalizer.normalize(long, boxed: .all) == long)
        #expect(LatexNormalizer.normalize("\\dfrac12", boxed: .all) == "\\frac{1}{2}")
    }
}
