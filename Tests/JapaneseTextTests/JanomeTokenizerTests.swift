import Foundation
import Testing
@testable import JapaneseText

@Suite struct JanomeTokenizerTests {
    /// Janome's own docstring example.
    @Test func docstringExample() throws {
        let tokens = try JanomeTokenizer.shared().tokenize("すもももももももものうち")
        #expect(tokens == [
            MorphToken(surface: "すもも", partOfSpeech: "名詞,一般,*,*"), MorphToken(surface: "も", partOfSpeech: "助詞,係助詞,*,*"),
            MorphToken(surface: "もも", partOfSpeech: "名詞,一般,*,*"), MorphToken(surface: "も", partOfSpeech: "助詞,係助詞,*,*"),
            MorphToken(surface: "もも", partOfSpeech: "名詞,一般,*,*"), MorphToken(surface: "の", partOfSpeech: "助詞,連体化,*,*"),
            MorphToken(surface: "うち", partOfSpeech: "名詞,非自立,副詞可能,*"),
        ])
    }

    @Test func emptyAndWhitespaceOnlyTextsHaveNoTokens() throws {
        let t = try JanomeTokenizer.shared()
        #expect(t.tokenize("").isEmpty)
        #expect(t.tokenize(" \u{3000}\n\t").isEmpty)
    }

    /// The byte-level entry points give what `tokenize` gives.
    @Test func wakatiAndPartsOfSpeechBytesMatchTokenize() throws {
        let t = try JanomeTokenizer.shared()
        let text = "  東京都に住む。\u{3000}Ｗｏｒｌｄ 123、テスト😀です\n\n次の段落 "
        let tokens = t.tokenize(text)
        #expect(tokens.count >= 10)
        #expect(t.wakati(text) == tokens.map(\.surface).joined(separator: " "))
        var viaBytes: [MorphToken] = []
        t.forEachToken(text) { surface, pos in
            viaBytes.append(MorphToken(surface: String(decoding: surface, as: UTF8.self),
                                       partOfSpeech: String(decoding: t.partOfSpeechUTF8(pos), as: UTF8.self)))
        }
        #expect(viaBytes == tokens)
    }

    /// A file of another format version under the expected cache name (the sources' signature)
    /// is rebuilt, not misread; the rebuilt one analyses as the shared one does.
    @Test func staleCacheIsRebuilt() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("janome-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let ipadic = JanomeTokenizer.defaultIPADicDirectory
        let signature = String(try CompiledDictionary.sourceSignature(ipadic), radix: 16)
        let path = cache + "/ipadic-janome-v\(CompiledDictionary.formatVersion)-" + String(repeating: "0", count: 16 - signature.count) + signature + ".dic"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        var stale = Data(CompiledDictionary.magic)
        stale.append(contentsOf: [UInt8(CompiledDictionary.formatVersion - 1), 0, 0, 0] + [UInt8](repeating: 0, count: 1024))
        try stale.write(to: URL(fileURLWithPath: path))
        let rebuilt = try JanomeTokenizer(ipadicDirectory: ipadic, cacheDirectory: cache)
        let text = "すもももももももものうち、東京特許許可局"
        #expect(rebuilt.tokenize(text) == (try JanomeTokenizer.shared()).tokenize(text))
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written.count > 1_000_000 && written[8] == UInt8(CompiledDictionary.formatVersion))
    }

    @Test func missingDictionaryNamesTheDebianPackage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("no-ipadic-\(UUID().uuidString)").path
        #expect {
            _ = try JanomeTokenizer(ipadicDirectory: dir, cacheDirectory: dir + "/cache")
        } throws: { error in
            "\(error)".contains("install the Debian package mecab-ipadic") && "\(error)".contains(dir)
        }
        #expect(!FileManager.default.fileExists(atPath: dir))
    }
}
