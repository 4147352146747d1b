import EvalCore
import Foundation
@testable import JapaneseText
import Testing

/// SentenceSegmenter and LangDetect against the Python libraries themselves (ORACLE_PYTHON from
/// bin/oracle-setup) on 10,000 generated texts: Japanese, English, Chinese, Korean and mixed, with
/// the characters each rule looks at.
@Suite struct JapaneseTextDifferentialTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the oracle on `texts` while `ours` computes our side, then returns the oracle's
    /// answers, or nil when no oracle is set up (a developer machine; on CI that fails).
    static func oracle<T>(_ texts: [String], whileComputing ours: () throws -> T) throws -> (want: [JSONObject], got: T)? {
        guard let python = ProcessInfo.processInfo.environment["ORACLE_PYTHON"], !python.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("ORACLE_PYTHON is unset: run eval \"$(bin/oracle-setup)\"")
            }
            return nil
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jt-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl"), output = dir.appendingPathComponent("out.jsonl")
        try texts.map { JSON.encodeString(.object(["text": .string($0)])) + "\n" }.joined().write(to: input, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [repo.appendingPathComponent("Tests/Fixtures/japanese_text/oracle.py").path]
        p.standardInput = try FileHandle(forReadingFrom: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: output)
        try p.run()
        let got = try ours()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let reader = RecordReader(paths: [output.path])
        var want: [JSONObject] = []
        while let r = try reader.nextRecord() { want.append(r.fields) }
        return (want, got)
    }

    @Test func segmenterAndLangDetectAgreeWithThePythonLibraries() throws {
        let texts = TextGenerator.texts(count: 10_000)
        typealias Ours = (segments: [String], probabilities: [(language: String, probability: Double)]?)
        guard let (want, got) = try Self.oracle(texts, whileComputing: {
            texts.map { text -> Ours in (SentenceSegmenter.segments(text), try? LangDetect.probabilities(text)) }
        }) else { return }
        try #require(want.count == texts.count)
        var segmentDiffs = 0, detectDiffs = 0, probDiffs = 0, noFeatures = 0
        for ((text, w), ours) in zip(zip(texts, want), got) {
            let wantSegments = w["segments"]!.array!.map { $0.string! }
            if ours.segments.count != wantSegments.count || !zip(ours.segments, wantSegments).allSatisfy({ $0.pythonEquals($1) }) {
                segmentDiffs += 1
                if segmentDiffs <= 5 { Issue.record("segments of \(text.debugDescription): \(ours.segments) ≠ \(wantSegments)") }
            }
            // What detect() returns: the first language, `unknown` when none is above 0.1, or it raises.
            let detected = ours.probabilities.map { $0.first?.language ?? "unknown" }
            if ours.probabilities == nil { noFeatures += 1 }
            if detected != w["detect"]!.string {
                detectDiffs += 1
                if detectDiffs <= 5 { Issue.record("detect \(text.debugDescription): \(detected ?? "raise") ≠ \(w["detect"]!)") }
            }
            let wantProbs: [String]? = w["probs"]!.array?.map { pair in "\(pair.array![0].string!):\(pair.array![1].double!)" }
            let gotProbs: [String]? = ours.probabilities?.map { "\($0.language):\($0.probability)" }
            if gotProbs != wantProbs {
                probDiffs += 1
                if probDiffs <= 5 { Issue.record("probabilities \(text.debugDescription): \(String(describing: gotProbs)) ≠ \(String(describing: wantProbs))") }
            }
        }
        #expect(segmentDiffs == 0)
        #expect(detectDiffs == 0)
        #expect(probDiffs == 0)
        #expect(noFeatures > 0 && noFeatures < texts.count / 2, "the texts exercise both outcomes")
    }
}

/// Generated texts for the differential tests: seeded, so every run checks the same inputs.
enum TextGenerator {
    static let japanese = ["日本語", "東京", "今日は", "天気", "が", "いい", "です", "ます", "の", "は", "を", "に", "学校", "先生",
                           "カタカナ", "コーヒー", "ラーメン", "ワークライフバランス", "ｶﾞｷﾞｸﾞ", "ｱｲｳｴｵ", "ｰ", "漢字", "勉強", "しました",
                           "ありがとう", "ございます", "桜", "猫", "自転車", "音楽", "映画", "友達", "ヴァイオリン", "ヵ", "ゖ"]
    static let english = ["The", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "THIS", "IS", "NASA", "Hello", "world",
                          "language", "detection", "is", "fun", "I", "am", "a", "Mr.", "e.g.", "U.S.A.", "don't", "it's"]
    static let chinese = ["中文", "我们", "今天", "天气", "很好", "学习", "语言", "这是", "一个", "测试", "国家", "发展", "经济", "问题",
                          "说", "时候", "没有", "什么", "这个", "们", "们的"]
    static let korean = ["한국어", "안녕하세요", "감사합니다", "오늘", "날씨", "좋아요", "학교", "선생님", "사랑", "해요", "입니다"]
    static let other = ["Việt Nam", "tiếng Việt", "Tiếng", "café", "naïve", "«guillemets»", "30°", "Привет", "мир", "مرحبا", "ی",
                        "ﻻ", "ș", "ț", "Ⅻ", "Ⓐⓑ", "ΑΒΓ", "αβγ", "ñ", "ÀÉÎ", "ไทย", "ລາວ", "😂", "🎉", "ㄅㄆㄇ", "ᄀ", "ü", "ß"]
    static let punctuation = ["。", "、", "！", "？", "!", "?", ".", ",", "「", "」", "『", "』", "（", "）", "(", ")", "《", "》",
                              "…", "・", "〜", "~", "～", "∼", "-", "‐", "−", "—", "―", "ー", "－", "﹣", "ｰ", "∯", "*", "#",
                              "\"", "'", "“", "”", "’", "¥", "=", "＝", "｡", "､", "･", "｢", "｣", "：", ":", "；", "@"]
    static let spaces = [" ", " ", " ", "　", "  ", " 　 ", "\t", "\n", "\n", "\n\n", "\r\n", "\r", "\u{2028}", "\u{0B}", "\u{85}"]
    static let digits = ["1", "2024", "３", "１２", "0.5", "10,000", "一", "二"]
    static let links = ["https://example.com/a?b=c&d", "http://x.jp", "mail@example.co.jp", "a.b-c@host_1.example", "https://",
                        "user@localhost", "x@y", "https://" + String(repeating: "a", count: 30)]

    static func texts(count: Int) -> [String] {
        var rng = SplitMix64(seed: 20_261_201)
        func pick(_ xs: [String]) -> String { xs[Int(rng.next() % UInt64(xs.count))] }
        func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) < p * 10_000 }
        return (0..<count).map { i in
            let kind = i % 5  // Japanese, English, Chinese, Korean, mixed
            var text = ""
            let words = 1 + Int(rng.next() % 40)
            for _ in 0..<words {
                switch kind {
                case 0: text += pick(japanese)
                case 1: text += pick(english) + (chance(0.8) ? " " : "")
                case 2: text += pick(chinese)
                case 3: text += pick(korean) + (chance(0.5) ? " " : "")
                default: text += pick([pick(japanese), pick(english), pick(chinese), pick(korean), pick(other), pick(links)])
                }
                if chance(0.25) { text += pick(punctuation) }
                if chance(0.08) { text += pick(spaces) }
                if chance(0.05) { text += pick(digits) }
                if kind == 0 && chance(0.05) { text += "の" + pick(spaces) }
                if kind != 4 && chance(0.03) { text += pick(other) }
                if chance(0.02) { text += pick(links) }
            }
            if chance(0.1) { text = pick(spaces) + text + pick(spaces) }
            if chance(0.03) { text = pick(punctuation) + pick(digits) }
            return text
        }
    }
}
