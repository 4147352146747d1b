import EvalCore
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
        let oracleStart = Date()
        let expected = try runOracle(python, inputs)
        let oracleSeconds = Date().timeIntervalSince(oracleStart), oursStart = Date()
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
        // The seconds tell CI's budget where the time goes (almost all of it is Janome's).
        print("JanomeDifferentialTests: \(fixtures.count) fixture + \(generated.count) generated strings (seed \(generatorSeed)), \(characterCount) characters, \(tokenCount) Janome tokens, \(differences.count) differences; Janome \(Int(oracleSeconds)) s, ours and the comparison \(Int(Date().timeIntervalSince(oursStart))) s")
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
        let bytes = try runScript(python, "janome_oracle.py", input: inputs.map(jsonString).joined(separator: "\n").appending("\n"))
        return try bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { line in
            try line.split(separator: 0x09).map { token in
                let parts = token.split(separator: 0x20)
                try #require(parts.count == 2, "bad oracle line")
                return [try fromHex(parts[0]), String(decoding: parts[1], as: UTF8.self)]
            }
        }
    }

    /// Runs Tests/Fixtures/janome/`script` with `input` on its stdin; its stdout.
    private func runScript(_ python: String, _ script: String, input text: String) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("janome-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in"), output = dir.appendingPathComponent("out")
        try text.write(to: input, atomically: false, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repo.appendingPathComponent("Tests/Fixtures/janome/" + script).path]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(script) exited with \(process.terminationStatus)")
        return [UInt8](try Data(contentsOf: output))
    }

    /// The compiled dictionary against Janome's own tables (janome_tables.py): every one of its
    /// 392,127 entries (found under its surface in our trie, with the same id, context ids, cost and
    /// part of speech, and no entry of ours left over), the char.def categories of every BMP code
    /// point and a sample above, and the categories' flags and unk.def entries. The strings above
    /// sample these; this covers all of them.
    @Test func dictionaryAndCharacterTablesAreJanomes() throws {
        guard let python = oracle else {
            Issue.record("ORACLE_PYTHON is unset on CI (eval \"$(bin/oracle-setup)\")")
            return
        }
        let d = try JanomeTokenizer.shared().dictionary
        let lines = try runScript(python, "janome_tables.py", input: "").split(separator: 0x0A)
        var problems: [String] = []
        func check(_ ok: Bool, _ line: ArraySlice<UInt8>) {
            if !ok && problems.count < 20 { problems.append(String(decoding: line, as: UTF8.self)) }
        }
        var entries = 0, codePoints = 0, categories = 0, unknowns = 0
        for line in lines {
            let f = line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            switch f[0] {
            case "K":  // index invoke group length
                try #require(f.count == 5)
                let i = Int(f[1])!
                check(i == categories && 3 * i + 2 < d.categoryInfo.count
                      && [d.categoryInfo[3 * i], d.categoryInfo[3 * i + 1], d.categoryInfo[3 * i + 2]] == [Int32(f[2])!, Int32(f[3])!, Int32(f[4])!], line)
                categories += 1
            case "U":  // category left right cost pos, in unk.def's order within a category
                try #require(f.count == 6)
                let u = unknowns
                check(u < d.unknownInfo.count / 4 && Int(d.categoryUnknownStart[Int(f[1])!]) <= u && u < Int(d.categoryUnknownStart[Int(f[1])! + 1])
                      && [d.unknownInfo[4 * u], d.unknownInfo[4 * u + 1], d.unknownInfo[4 * u + 2]] == [Int32(f[2])!, Int32(f[3])!, Int32(f[4])!]
                      && d.partsOfSpeech[Int(d.unknownInfo[4 * u + 3])] == f[5], line)
                unknowns += 1
            case "C":  // from to categories (index[:compatible...], ';'-joined), code points in hex
                try #require(f.count == 4)
                for c in UInt32(f[1], radix: 16)!...UInt32(f[2], radix: 16)! {
                    let cls = d.charClassOf(c)
                    let ours = (Int(d.classCategoryStart[cls])..<Int(d.classCategoryStart[cls + 1])).map { String(d.classCategories[$0]) }
                    // We keep only the union of the categories a character is compatible with (all
                    // that Janome's grouping asks), so compare that.
                    let theirs = f[3].split(separator: ";").map { $0.split(separator: ":") }
                    let accept = theirs.reduce(UInt32(0)) { mask, c in c.reduce(mask) { $0 | 1 << UInt32($1)! } }
                    check(ours == theirs.map { String($0[0]) } && d.classAccept[cls] == accept, line)
                    codePoints += 1
                }
            case "E":  // id surface-hex left right cost pos
                try #require(f.count == 7)
                var node: Int? = 0
                for scalar in try fromHex(f[2].utf8).unicodeScalars { node = node.flatMap { d.child($0, scalar.value) } }
                let id = UInt32(f[1])!
                let e = node.flatMap { n in d.entryRange(n).first { d.entries[$0].id == id } }
                check(e.map { e in
                    [Int(d.entries[e].left), Int(d.entries[e].right), Int(d.entries[e].cost)] == [Int(f[3])!, Int(f[4])!, Int(f[5])!]
                        && d.partsOfSpeech[Int(d.entries[e].pos)] == f[6]
                } ?? false, line)
                entries += 1
            default:
                Issue.record("janome_tables.py: unexpected line \(f[0])")
            }
        }
        #expect(problems.isEmpty, "\(problems.count) or more of Janome's table rows differ from ours:\n\(problems.joined(separator: "\n"))")
        #expect(entries == 392_127 && entries == d.entries.count, "Janome's entries: \(entries), ours: \(d.entries.count)")
        #expect(codePoints == 0x10000 - 0x800 + 257 && categories == d.categoryInfo.count / 3 && unknowns == d.unknownInfo.count / 4,
                "compared \(codePoints) code points, \(categories) categories, \(unknowns) unknown entries")
    }
}

private let oracle = ProcessInfo.processInfo.environment["ORACLE_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
/// JANOME_DIFF_COUNT runs a smaller sample while iterating; the default is the full 100,000.
private let generatedCount = ProcessInfo.processInfo.environment["JANOME_DIFF_COUNT"].flatMap { Int($0) } ?? 100_000
/// JANOME_DIFF_SEED draws another sample of generated strings (the default sample is fixed).
private let generatorSeed = ProcessInfo.processInfo.environment["JANOME_DIFF_SEED"].flatMap { UInt64($0) } ?? 20_070_801
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

/// A string from the hex of its UTF-8 (the oracles' way of passing surfaces such as U+FEFF intact).
private func fromHex<S: Collection<UInt8>>(_ hex: S) throws -> String {
    let digits = Array(hex)
    try #require(digits.count % 2 == 0, "odd-length hex from an oracle")
    let utf8 = try stride(from: 0, to: digits.count, by: 2).map { i in
        try #require(UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16))
    }
    return String(decoding: utf8, as: UTF8.self)
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
/// exercised. Every 1,000th is such a mix with no place a lattice may end early (no sentence
/// punctuation, no newline), cut at 1,024 characters, and every 5,000th one category's run of over
/// 1,024 characters, which a grouped unknown word must not cross.
private func generatedStrings(count: Int) throws -> [String] {
    let (all, function) = try dictionaryWords()
    var rng = SplitMix64(seed: generatorSeed)
    func run(_ ranges: [ClosedRange<UInt32>], length: Int) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<length {
            let r = ranges[rng.below(ranges.count)]
            s.append(Unicode.Scalar(r.lowerBound + UInt32(rng.below(Int(r.upperBound - r.lowerBound) + 1)))!)
        }
        return String(s)
    }
    func piece() -> String {
        switch rng.below(100) {
        case 0..<30: return all[rng.below(all.count)]
        case 30..<50: return function[rng.below(function.count)]
        case 50..<85: return run(pools[rng.below(pools.count)].ranges, length: 1 + rng.below(rng.below(4) == 0 ? 12 : 4))
        case 85..<95: return whitespace[rng.below(whitespace.count)]
        default: return punctuation[rng.below(punctuation.count)]
        }
    }
    let splitters = Set("、。,.？?！!\n".unicodeScalars)
    return (0..<count).map { i in
        if i % 5000 == 4999 { return run(pools[rng.below(pools.count)].ranges, length: 1025 + rng.below(1500)) }
        if i % 1000 == 599 {
            var s = String.UnicodeScalarView()
            let length = 1100 + rng.below(1500)
            while s.count < length { s.append(contentsOf: piece().unicodeScalars.filter { !splitters.contains($0) }) }
            return String(s)
        }
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

private extension SplitMix64 {
    /// `next() % n`: the generated sample depends on exactly this draw.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
