import Foundation
import Testing
@testable import JapaneseText

/// JanomeTokenizer against Janome 0.5.0 itself (Tests/oracle-requirements.txt, found through
/// ORACLE_PYTHON; Tests/Fixtures/janome/janome_oracle.py): every Japanese string in the golden
/// fixtures and 100,000 generated strings mixing dictionary words with characters of every
/// char.def category, whitespace of both widths and newlines, some long enough to be chunked.
/// All go through one Python process; surfaces and parts of speech must agree everywhere.
@Suite(.serialized, .enabled(if: oracle != nil || isCI, "set ORACLE_PYTHON (eval \"$(bin/oracle-setup)\")"))
struct JanomeDifferentialTests {
    @Test func fixturesAndGeneratedStringsAgreeWithJanome() throws {
        guard let python = oracle else {
            Issue.record("ORACLE_PYTHON is unset on CI (eval \"$(bin/oracle-setup)\")")
            return
        }
        let tokenizer = try JanomeTokenizer.shared()
        let fixtures = try fixtureTexts()
        // The golden files hold 100-odd Japanese prompts and responses each; a change that lost
        // them would make this test vacuous.
        #expect(fixtures.count >= 300, "Japanese strings found in Tests/Fixtures/golden: \(fixtures.count)")
        let generated = try generatedStrings(count: generatedCount)
        #expect(generated.count == generatedCount)
        let inputs = fixtures + generated
        let expected = try runOracle(python, inputs)
        try #require(expected.count == inputs.count, "the oracle answered \(expected.count) of \(inputs.count) strings")

        var differences: [String] = []
        var tokenCount = 0, characterCount = 0
        for (text, theirs) in zip(inputs, expected) {
            let ours = tokenizer.tokenize(text).map { [$0.surface, $0.partOfSpeech] }
            tokenCount += theirs.count
            characterCount += text.unicodeScalars.count
            if ours != theirs {
                differences.append("\(debugQuoted(text)):\n  ours:   \(ours)\n  Janome: \(theirs)")
            }
        }
        print("JanomeDifferentialTests: \(fixtures.count) fixture + \(generated.count) generated strings, \(characterCount) characters, \(tokenCount) Janome tokens, \(differences.count) differences")
        #expect(differences.isEmpty, "\(differences.count) of \(inputs.count) strings differ; first ones:\n\(differences.prefix(15).joined(separator: "\n"))")
    }

    /// Every distinct string value holding kana or kanji in Tests/Fixtures/golden/*.jsonl.
    private func fixtureTexts() throws -> [String] {
        let dir = repo.appendingPathComponent("Tests/Fixtures/golden")
        var seen = Set<String>(), texts: [String] = []
        func collect(_ value: Any) {
            if let s = value as? String {
                if s.unicodeScalars.contains(where: { (0x3041...0x30FF).contains($0.value) || (0x4E00...0x9FFF).contains($0.value) }),
                   seen.insert(s).inserted { texts.append(s) }
            } else if let a = value as? [Any] {
                a.forEach(collect)
            } else if let d = value as? [String: Any] {
                d.keys.sorted().forEach { collect(d[$0]!) }
            }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        for file in files {
            let data = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for line in data.split(separator: "\n") {
                collect(try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]))
            }
        }
        return texts
    }

    /// Janome's tokens for each input, as [surface, part of speech] pairs.
    private func runOracle(_ python: String, _ inputs: [String]) throws -> [[[String]]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("janome-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl"), output = dir.appendingPathComponent("out.jsonl")
        try inputs.map(jsonString).joined(separator: "\n").appending("\n").write(to: input, atomically: false, encoding: .utf8)
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repo.appendingPathComponent("Tests/Fixtures/janome/janome_oracle.py").path]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "janome_oracle.py exited with \(process.terminationStatus)")
        return try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [[String]])
        }
    }
}

private let oracle = ProcessInfo.processInfo.environment["ORACLE_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
/// JANOME_DIFF_COUNT runs a smaller sample while iterating; the default is the full 100,000.
private let generatedCount = ProcessInfo.processInfo.environment["JANOME_DIFF_COUNT"].flatMap { Int($0) } ?? 100_000
private let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
private let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

private func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

private func debugQuoted(_ s: String) -> String {
    s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x3000 || (0x2000...0x200F).contains($0.value) ? String(format: "\\u{%X}", $0.value) : String($0) }.joined()
}

// MARK: generated strings

/// Code point ranges by char.def category (and the characters char.def leaves to DEFAULT).
private let pools: [(name: String, ranges: [ClosedRange<UInt32>])] = [
    ("hiragana", [0x3041...0x3096, 0x309D...0x309F]),
    ("katakana", [0x30A1...0x30FA, 0x30FC...0x30FF, 0x31F0...0x31FF]),
    ("half-width katakana", [0xFF66...0xFF9F]),
    ("kanji", [0x4E00...0x9FA5, 0x3005...0x3005, 0x3007...0x3007]),
    ("rare kanji", [0x3400...0x4DB5, 0xF900...0xFA2D, 0x2E80...0x2EF3, 0x2F00...0x2FD5]),
    ("kanji numerals", [0x4E00...0x4E00, 0x4E8C...0x4E8C, 0x4E09...0x4E09, 0x56DB...0x56DB, 0x4E94...0x4E94, 0x516D...0x516D,
                        0x4E03...0x4E03, 0x516B...0x516B, 0x4E5D...0x4E5D, 0x5341...0x5341, 0x767E...0x767E, 0x5343...0x5343,
                        0x4E07...0x4E07, 0x5104...0x5104, 0x5146...0x5146]),
    ("latin", [0x41...0x5A, 0x61...0x7A]),
    ("full-width latin", [0xFF21...0xFF3A, 0xFF41...0xFF5A]),
    ("accented latin", [0xC0...0xFF, 0x100...0x17F, 0x180...0x236, 0x1E00...0x1EF9]),
    ("digits", [0x30...0x39]),
    ("full-width digits", [0xFF10...0xFF19]),
    ("other numerals", [0x2070...0x209F, 0x2150...0x218F]),
    ("greek", [0x374...0x3FB]),
    ("cyrillic", [0x400...0x4F9, 0x500...0x50F]),
    ("ascii symbols", [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]),
    ("latin-1 symbols", [0xA1...0xBF]),
    ("full-width symbols", [0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65, 0xFFE0...0xFFEF]),
    ("japanese punctuation", [0x3001...0x3003, 0x3008...0x3011, 0x301C...0x301F, 0x30FB...0x30FB, 0x30FC...0x30FC]),
    ("symbols", [0x2000...0x206F, 0x20A0...0x20FF, 0x2100...0x214F, 0x2190...0x21FF, 0x2200...0x22FF, 0x2300...0x23FF,
                 0x2460...0x24FF, 0x2500...0x257F, 0x2580...0x25FF, 0x2600...0x26FE, 0x2700...0x27BF, 0x27C0...0x27FF,
                 0x2800...0x28FF, 0x2900...0x297F, 0x2A00...0x2AFF, 0x2B00...0x2BFF, 0x3000...0x303F, 0x3200...0x32FE,
                 0x3300...0x33FF, 0xFE30...0xFE6B]),
    ("emoji", [0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x2764...0x2764, 0xFE0F...0xFE0F, 0x200D...0x200D, 0x1F3FB...0x1F3FF]),
    ("default", [0xAC00...0xD7A3, 0x0E01...0x0E3A, 0x0621...0x064A, 0x0905...0x0939, 0x20000...0x2A6D6, 0xFFFD...0xFFFD,
                 0xFEFF...0xFEFF, 0x01...0x08, 0x7F...0x9F, 0x0D...0x0D, 0xE000...0xE0FF]),
]

private let whitespace = [" ", "\u{3000}", "\t", "\n", "\r\n", "\n\n", "\r\n\r\n", "  ", "\u{0B}", "\u{0C}", "\r", "\u{A0}",
                          "\u{2003}", "\u{D0}", "\u{85}", "\u{2028}", " \u{3000} ", "\n\u{3000}"]
private let punctuation = ["。", "、", "！", "？", "!", "?", ",", ".", "\n\n", "\r\n\r\n", "。\n\n"]

/// A deterministic mix: dictionary words (function words more often, as in real text), runs of
/// one category's characters, whitespace and newlines; every 200th string is long (about 300 to
/// 3,000 characters, with sentence punctuation), so Janome's chunking at 500/1024 characters is
/// exercised.
private func generatedStrings(count: Int) throws -> [String] {
    let (all, function) = try dictionaryWords()
    var rng = SplitMix(seed: 20_070_801)
    func piece() -> String {
        switch rng.below(100) {
        case 0..<30: return all[rng.below(all.count)]
        case 30..<50: return function[rng.below(function.count)]
        case 50..<85:
            let ranges = pools[rng.below(pools.count)].ranges
            var s = String.UnicodeScalarView()
            for _ in 0..<(1 + rng.below(rng.below(4) == 0 ? 12 : 4)) {
                let r = ranges[rng.below(ranges.count)]
                let v = r.lowerBound + UInt32(rng.below(Int(r.upperBound - r.lowerBound) + 1))
                s.append(Unicode.Scalar(v)!)
            }
            return String(s)
        case 85..<95: return whitespace[rng.below(whitespace.count)]
        default: return punctuation[rng.below(punctuation.count)]
        }
    }
    return (0..<count).map { i in
        let pieces = i % 200 == 199 ? 150 + rng.below(1500) : 1 + rng.below(6)
        return (0..<pieces).map { _ in piece() }.joined()
    }
}

/// Surfaces of every IPADIC word, and of the function words (particles, auxiliaries, symbols,
/// affixes, conjunctions).
private func dictionaryWords() throws -> (all: [String], function: [String]) {
    let functionFiles: Set = ["Postp.csv", "Postp-col.csv", "Auxil.csv", "Symbol.csv", "Suffix.csv", "Prefix.csv", "Conjunction.csv"]
    var all: [String] = [], function: [String] = []
    for name in IPADicSource.wordFiles {
        let bytes = try IPADicSource.utf8FromEUCJP(JanomeTokenizer.defaultIPADicDirectory + "/" + name)
        var lineStart = 0
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<b.count where b[i] == 0x0A || i == b.count - 1 {
                if let comma = b[lineStart..<i].firstIndex(of: 0x2C) {
                    let word = String(decoding: b[lineStart..<comma], as: UTF8.self)
                    all.append(word)
                    if functionFiles.contains(name) { function.append(word) }
                }
                lineStart = i + 1
            }
        }
    }
    return (all, function)
}

private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
