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
