import EvalCore
import Foundation
@testable import Scoring
import Testing

/// JEMHopQA's quasi pipeline after extraction (strip → one layer of brackets, quotes or emphasis
/// removed → NFKC → yes/no canonicalisation) against Python 3.11 on generated text: half- and
/// full-width kana with voiced-sound marks, combining marks, brackets, quotes, emphasis,
/// zero-width and compatibility characters, and characters newer than Python 3.11's Unicode 14.0.
/// The oracle is `ORACLE_PYTHON` (bin/oracle-setup): its `unicodedata` and our own few lines of
/// the pipeline below, which follow the quasi pipeline of docs/benchmarks.md, JEMHopQA extraction.
@Suite struct QuasiNormalizationDifferentialTests {
    static let oracle = #"""
    import json, sys, unicodedata
    assert sys.version_info[:2] == (3, 11), sys.version
    PAIRS = {'(': ')', '（': '）', '{': '}', '<': '>', '「': '」', '『': '』', '〈': '〉', '《': '》', '【': '】',
             '〖': '〗', '〔': '〕', '❨': '❩', '❪': '❫', '❴': '❵', '❬': '❭', '❰': '❱', '⦅': '⦆', '⦇': '⦈', '⟦': '⟧',
             '⟨': '⟩', '"': '"', "'": "'", '`': '`', '“': '”', '‘': '’', '«': '»', '‹': '›', '„': '„', '‚': '‚',
             '‟': '‟', '‛': '‛', '〝': '〞', '〟': '〟', '＂': '＂', '＇': '＇', '**': '**', '*': '*', '__': '__',
             '``': '``', '```': '```'}
    ORDER = sorted(PAIRS.items(), key=lambda p: len(p[0]), reverse=True)
    YES, NO = "はい,肯定,肯,◯,TRUE,OK,イエス".split(","), "いいえ,否,×,否定,ちがう,違う,FALSE,NG".split(",")
    def unwrap(t):
        t = t.strip()
        if len(t) <= 2: return t
        for o, c in ORDER:
            if t.startswith(o) and t.endswith(c): return t[len(o):-len(c)]
        return t
    def quasi(t):
        t = unicodedata.normalize("NFKC", unwrap(t.strip()))
        return "YES" if t in YES else "NO" if t in NO else t
    for line in sys.stdin:
        s = json.loads(line)
        print(json.dumps([unicodedata.normalize("NFKC", s), quasi(s)]))
    """#

    /// Pools the generated strings draw from, each a run of code points.
    static let pools: [[Unicode.Scalar]] = {
        func r(_ a: UInt32, _ b: UInt32) -> [Unicode.Scalar] { (a...b).compactMap(Unicode.Scalar.init) }
        func s(_ x: String) -> [Unicode.Scalar] { Array(x.unicodeScalars) }
        return [
            r(0x20, 0x7E),                              // ASCII
            r(0xFF01, 0xFF5E) + r(0xFFE0, 0xFFEE),      // full-width ASCII and symbols
            r(0xFF61, 0xFF9F) + s("ﾞﾟﾞﾟｶｷｸｹｺﾊﾋﾌﾍﾎｳ"),   // half-width katakana, voiced marks doubled in weight
            r(0x3041, 0x3096) + r(0x30A1, 0x30FA) + s("\u{3099}\u{309A}\u{309B}\u{309C}ゝゞヽヾー"), // kana, (combining) voiced marks
            r(0x0300, 0x036F) + s("aeiouAEOU"),          // combining marks after letters
            r(0x1100, 0x1112) + r(0x1161, 0x1175) + r(0xAC00, 0xAC20) + r(0xFFA0, 0xFFDC), // jamo, syllables, half-width jamo
            s("()（）{}<>「」『』〈〉《》【】〖〗〔〕❨❩❪❫❴❵❬❭❰❱⦅⦆⦇⦈⟦⟧⟨⟩\"'`“”‘’«»‹›„‚‟‛〝〞〟＂＇*_"),
            s("\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060}\u{00A0}\u{3000}\u{2028}\u{0085}\u{1680}\u{2003}\t\n "),
            s("①⑩㍻㌔ﬁﬂ™℃№Ⅻⅷ²³¹ᵃ₂ｰ・〜～゠㈱㋿ℌℍ𝐀𝟘ǅǈĳ…‥﹐﹒﹖︰︵︶"),
            s("東京都大阪府日本語漢字変換あ漢"),
            // Unicode 15.0/15.1/16.0 characters (unassigned for Python 3.11), some with
            // compatibility decompositions in newer data: Cyrillic modifiers, CJK extension H, …
            r(0x1E030, 0x1E03A) + s("\u{31350}\u{2EBF0}\u{1F6DC}\u{1CC00}\u{10D40}\u{1E4D0}\u{11F00}\u{0CF3}"),
            s("はいいいえ肯定否定TRUEFALSEOKNG違うちがうイエス◯×"),
        ]
    }()

    static func generate(count: Int) -> [String] {
        var rng = SplitMix64(seed: 0x9a51)
        return (0..<count).map { _ in
            var out = String.UnicodeScalarView()
            let wrap = Int(rng.next() % 3) == 0
            for _ in 0..<Int(rng.next() % 12) {
                let pool = pools[Int(rng.next() % UInt64(pools.count))]
                for _ in 0...Int(rng.next() % 3) { out.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            }
            guard wrap else { return String(out) }
            let (o, c) = JapaneseOpenQAExtractor.pairs[Int(rng.next() % UInt64(JapaneseOpenQAExtractor.pairs.count))]
            return " " + o + String(out) + c + (rng.next() % 2 == 0 ? "\u{3000}" : "")
        }
    }

    @Test func quasiNormalizationMatchesPython() throws {
        guard let python = ProcessInfo.processInfo.environment["ORACLE_PYTHON"] else {
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "ORACLE_PYTHON is unset (run eval \"$(bin/oracle-setup)\")")
            return
        }
        let inputs = Self.generate(count: 20_000)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quasi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl"), output = dir.appendingPathComponent("out.jsonl")
        try inputs.map { JSON.encodeString(.string($0)) }.joined(separator: "\n").appending("\n").write(to: input, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", Self.oracle]
        p.standardInput = try FileHandle(forReadingFrom: input)
        FileManager.default.createFile(atPath: output.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: output)
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == inputs.count)
        var differences: [String] = []
        for (s, line) in zip(inputs, lines) {
            let want = try JSON.decode(Array(line.utf8)).array!.map { $0.string! }
            let nfkc = s.pythonNFKC, quasi = JapaneseOpenQAExtractor.quasiNormalized(s)
            if !nfkc.pythonEquals(want[0]) || !quasi.pythonEquals(want[1]) {
                func hex(_ t: String) -> String { t.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ") }
                differences.append("[\(hex(s))]: NFKC [\(hex(nfkc))] quasi [\(hex(quasi))], Python [\(hex(want[0]))] [\(hex(want[1]))]")
            }
        }
        #expect(differences.isEmpty, "\(differences.count) of \(inputs.count) differ: \(differences.prefix(10))")
    }

    /// The two held-back JEMHopQA shapes: half-width katakana with voiced-sound marks.
    @Test func halfWidthKatakanaComposes() {
        // Code points, not Swift's `==` (which treats カ + U+3099 as ガ).
        #expect(JapaneseOpenQAExtractor.quasiNormalized("「ｶﾞﾝﾀﾞﾑ」").pythonEquals("ガンダム"))
        #expect(JapaneseOpenQAExtractor.quasiNormalized("ﾊﾟﾘ").pythonEquals("パリ"))
        #expect("\u{1E030}".pythonNFKC.pythonEquals("\u{1E030}"), "a Unicode 15 character Python 3.11 leaves alone")
    }
}
