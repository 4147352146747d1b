import EvalCore
@testable import Scoring
import Testing

/// The prefixed-line scanner against Python's `re.finditer` with the reference's pattern, on
/// generated texts: prefixes at line starts and inside lines, after every kind of Python
/// whitespace (and the ICU-only or look-alike ones), `\r` and `\n` line ends, the full-width colon.
@Suite("WMT20 translation extraction against Python re")
struct TranslationExtractorTests {
    static let pieces = ["日本語:", "日本語:", "English:", "English:", "日本語：", "english:", "**日本語:**", " ", " ", "\t",
                         "\n", "\n", "\n", "\r", "\r\n", "\u{3000}", "\u{85}", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1F}", "\u{A0}",
                         "\u{2028}", "\u{2029}", "\u{200B}", "\u{FEFF}", "\u{180E}", "訳文です。", "translation", "日本", "x", ":", ""]

    @Test(.enabled(if: Oracle.available))
    func generatedTexts() throws {
        var rng = SplitMix64(seed: 2020)
        let texts = (0..<10_000).map { _ in
            (0..<Int.random(in: 0..<12, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
        }
        for (language, prefix) in [("ja", "日本語:"), ("en", "English:")] {
            let answers = try Oracle.run([["op": "extract", "prefix": .string(prefix), "texts": .array(texts.map { .string($0) })]])
            let found = try #require(answers.first?["found"]?.array)
            try #require(found.count == texts.count)
            let extractor = TranslationExtractor(language: language)
            var matched = 0, empty = 0, crossedLines = 0
            for (text, want) in zip(texts, found) {
                let ours = try extractor.extract(text, target: [:]).first?.description
                #expect(ours == want.string, "\(text.debugDescription)")
                if let w = want.string {
                    matched += 1
                    if w.isEmpty { empty += 1 }
                    if text.contains(prefix + "\n") { crossedLines += 1 }
                }
            }
            // Both outcomes and the edge cases must occur, or the agreement shows little.
            #expect(matched > 1_000 && texts.count - matched > 1_000 && empty > 200 && crossedLines > 100,
                    "\(language): \(matched) matched, \(empty) empty, \(crossedLines) across lines")
        }
    }
}
