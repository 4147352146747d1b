import Aggregation
import EvalCore
import Foundation
@testable import Scoring
import Testing

/// Generated corpora, seeded: English and Japanese pieces, the 13a specials (`&quot;` and the other
/// entities, `<skipped>`, `-\n`, digits around `.`, `,` and `-`), Python whitespace of every kind,
/// and hypotheses that are empty, equal, edited, shuffled, shorter or longer than the reference.
struct CorpusGenerator {
    var rng: SplitMix64

    static let english = ["the", "The", "cat", "sat", "on", "mat", "a", "dog", "runs", "1,000", "3.14", "U.S.", "e.g.",
        "--", "-", "co-operate", "2020-2021", "(", ")", "\"", "'", "don't", "it's", "$5", "50%", "&quot;", "&amp;",
        "&lt;", "&gt;", "&", "&amp;quot;", "<skipped>", "...", ",", ".", "!", "?", ";", ":", "/", "#", "@", "[x]",
        "{y}", "~", "`", "^", "_", "|", "\\", "AT&T", "x.y,z", "9.", "9,", "0-", "-0", "Hello.World", "é", "naïve"]
    static let japanese = ["北部", "地域", "の", "大雪", "で", "列車", "が", "遅れ", "た", "。", "、", "「", "」", "５万",
        "人", "以上", "２０２０年", "ｶﾀｶﾅ", "カタカナ", "Ｈｅｌｌｏ", "（", "）", "・", "ー", "〜", "！", "？", "東京", "は",
        "を", "に", "と", "だ", "である", "新しい", "橋", "島", "本土", "結ん", "いる", "3.5", "2,000", "A-1"]
    static let separators = [" ", " ", " ", " ", "  ", "\t", "\n", "-\n", "\u{3000}", "\u{A0}", "\u{85}", "\u{1C}",
        "\u{2003}", "\u{2028}", "\u{205F}", "\r\n", "", "", ""]

    mutating func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
    mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 1_000_000) / 1_000_000 < p }
    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.next() % UInt64(r.count)) }

    mutating func pieces(japanese: Bool, count: Int) -> [String] {
        (0..<count).map { _ in japanese && !chance(0.1) ? pick(Self.japanese) : pick(Self.english) }
    }

    mutating func join(_ p: [String], japanese: Bool) -> String {
        var s = ""
        for (i, x) in p.enumerated() {
            if i > 0 { s += japanese && chance(0.6) ? "" : pick(Self.separators) }
            s += x
        }
        if chance(0.15) { s += pick([" ", "\n", "\u{3000}", " \t"]) }
        return s
    }

    mutating func pair(japanese: Bool, short: Bool) -> (hyp: String, ref: String) {
        let ref = pieces(japanese: japanese, count: short ? int(0...3) : int(1...25))
        var hyp = ref
        switch int(0...9) {
        case 0: hyp = []
        case 1: break
        case 2: hyp = pieces(japanese: japanese, count: int(0...8))
        case 3: hyp = Array(ref.prefix(int(0...max(0, ref.count))))
        case 4: hyp = ref + pieces(japanese: japanese, count: int(1...15))
        case 5: hyp.shuffle(using: &rng)
        default:
            for _ in 0..<int(1...4) {
                let op = int(0...2)
                if op == 0, !hyp.isEmpty { hyp.remove(at: int(0...hyp.count - 1)) }
                else if op == 1 { hyp.insert(pick(japanese ? Self.japanese : Self.english), at: int(0...hyp.count)) }
                else if hyp.count > 1 { hyp.swapAt(int(0...hyp.count - 1), int(0...hyp.count - 1)) }
            }
        }
        return (join(hyp, japanese: japanese), join(ref, japanese: japanese))
    }

    /// `count` corpora of 1–12 segments; every fifth one of short segments (orders without n-grams).
    mutating func corpora(_ count: Int) -> [(hyps: [String], refs: [String])] {
        (0..<count).map { k in
            let japanese = chance(0.5), short = k % 5 == 0
            let pairs = (0..<(k % 7 == 0 ? 1 : int(1...12))).map { _ in pair(japanese: japanese, short: short) }
            return (pairs.map(\.hyp), pairs.map(\.ref))
        }
    }
}

@Suite("BLEU against sacreBLEU 2.5.1")
struct BLEUOracleTests {
    /// ≥ 1,000 corpora: summed statistics identical, 13a tokens identical, score within 1e-12 relative.
    @Test(.enabled(if: Oracle.available))
    func generatedCorpora() throws {
        var gen = CorpusGenerator(rng: SplitMix64(seed: 20_201_013))
        let corpora = gen.corpora(1_200)
        let answers = try Oracle.run(corpora.map { c in
            ["op": "bleu", "hyps": .array(c.hyps.map { .string($0) }), "refs": .array(c.refs.map { .string($0) })]
        })
        try #require(answers.count == corpora.count)
        var exact = 0, segments = 0, zeroScores = 0, emptyHyps = 0, smoothed = 0
        for (c, want) in zip(corpora, answers) {
            var sum = BLEUStatistics()
            for (h, r) in zip(c.hyps, c.refs) { sum += BLEUStatistics(hypothesis: h, reference: r) }
            segments += c.hyps.count
            emptyHyps += c.hyps.filter { Tokenizer13a.tokens($0).isEmpty }.count
            let stats = [sum.sysLen, sum.refLen] + sum.correct + sum.total
            #expect(stats == want["stats"]!.array!.map { $0.int! }, "\(c)")
            let tokens = c.hyps.map { Tokenizer13a.tokens($0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ") }
            #expect(tokens == want["tokens"]!.array!.map { $0.string! })
            let ours = CorpusBLEU.score(correct: sum.correct, total: sum.total, sysLen: sum.sysLen, refLen: sum.refLen)
            let theirs = want["score"]!.double!
            #expect(abs(ours - theirs) <= 1e-12 * max(1, abs(theirs)), "\(c): \(ours) vs \(theirs)")
            if ours == theirs { exact += 1 }
            if theirs == 0 { zeroScores += 1 }
            if sum.correct[0] > 0 && sum.correct.contains(0) { smoothed += 1 }
        }
        // The generator must reach the edge cases it is for.
        #expect(segments > 5_000 && emptyHyps > 300 && zeroScores > 20 && smoothed > 50, "\(segments) \(emptyHyps) \(zeroScores) \(smoothed)")
        #expect(exact == corpora.count, "bit-identical: \(exact)/\(corpora.count)")
    }
}
