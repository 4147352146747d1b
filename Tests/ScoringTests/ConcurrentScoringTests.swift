import EvalCore
import Foundation
import Scoring
import Synchronization
import Testing

/// What `score --jobs N` relies on: the shared scoring state (compiled patterns, Janome's
/// dictionary and lattices, langdetect's profiles, the M-IFEval-Ja per-record cache) gives from
/// several threads at once exactly what it gives from one.
@Suite struct ConcurrentScoringTests {
    static let threads = 8

    /// Runs `body(worker)` on `threads` threads at once; returns how many checks failed and ran.
    static func together(_ body: @Sendable @escaping (Int) -> (bad: Int, checked: Int)) -> (bad: Int, checked: Int) {
        let total = Mutex((bad: 0, checked: 0))
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            let r = body(w)
            total.withLock { $0.bad += r.bad; $0.checked += r.checked }
        }
        return total.withLock { $0 }
    }

    /// NSRegularExpression on swift-corelibs-foundation: CF lends a pattern's compiled form to one
    /// caller at a time and clones it for the others. The same patterns on the same texts from 8
    /// threads, every thread in its own order, give the matches one thread gives.
    @Test func pythonRegexMatchesFromManyThreadsAtOnce() throws {
        let patterns = try [
            (#"(?P<n>-?\d+(?:\.\d+)?)"#, "n"),
            (#"(?s)\\boxed\{(?P<c>.+?)\}"#, "c"),
            (#"(?i)answer\s*[:：]\s*(?P<l>[A-D])"#, "l"),
            (#"(?P<w>[ぁ-んァ-ン一-龥]+)。"#, "w"),
        ].map { (try PythonRegex($0.0), $0.1) }
        let pieces = ["Answer: B", "answer：c", "\\boxed{3.5}", "x = -12", "東京タワーです。", "\n", "  ", "\\boxed{", "}", "42", "ＡＢＣ"]
        var rng = SplitMix64(seed: 7)
        let texts = (0..<400).map { _ in (0..<Int.random(in: 1...30, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() }
        @Sendable func matches(_ text: String) -> [[String]] {
            let ns = text as NSString
            return patterns.map { p, group in p.finditer(ns).map { "\($0.start):\($0.end):\($0.group(group) ?? "-")" } }
        }
        let expected = texts.map(matches)
        #expect(expected.joined().joined().count > 1000)
        let r = Self.together { w in
            var bad = 0, checked = 0
            for round in 0..<10 {
                for i in texts.indices where (i * 7 + w + round) % 2 == 0 {
                    if matches(texts[i]) != expected[i] { bad += 1 }
                    checked += 1
                }
            }
            return (bad, checked)
        }
        #expect(r.bad == 0)
        #expect(r.checked == Self.threads * 10 * 200)
    }

    /// M-IFEval-Ja's four metrics (Janome tokens, sentence segmentation, langdetect, the per-record
    /// cache the four share) on the visible and peer golden records, from 8 threads at once, each
    /// scoring every record in its own interleaving: the same records as scored one by one.
    @Test func instructionFollowingScoresFromManyThreadsAtOnce() throws {
        let scorer = try Scorer(scoring: scoringSpec(extractor: "whole_response", language: "ja", metrics: IFEvalGoldenTests.metrics))
        var records: [JSONObject] = []
        for file in ["instruction_following.jsonl", "peer-lighteval-mifeval-ja.jsonl"] {
            for rec in RecordReader(paths: [IFEvalGoldenTests.golden.appendingPathComponent(file).path]) {
                let sample = rec.fields["sample"]!
                records.append(["target": ["instruction_id_list": sample["instruction_id_list"]!, "kwargs": sample["kwargs"]!],
                                "responses": .array(rec.fields["responses"]!.array!.map { ["answer": $0] })])
            }
        }
        #expect(records.count == 112 + 344)
        @Sendable func scored(_ r: JSONObject) -> String {
            var r = r
            do { try scorer.score(&r) } catch { return "\(error)" }
            return JSON.encodeString(.object(r))
        }
        let expected = records.map(scored)
        let result = Self.together { [records] w in
            var bad = 0, checked = 0
            for k in records.indices {
                let i = (k * 5 + w * 57) % records.count
                if scored(records[i]) != expected[i] { bad += 1 }
                checked += 1
            }
            return (bad, checked)
        }
        #expect(result.bad == 0)
        #expect(result.checked == Self.threads * records.count)
    }
}
