import Testing
@testable import JapaneseText

@Suite struct JanomeTokenizerTests {
    @Test func smoke() throws {
        let t = try JanomeTokenizer.shared()
        let tokens = t.tokenize("すもももももももものうち")
        print(tokens)
        #expect(tokens.map(\.surface) == ["すもも", "も", "もも", "も", "もも", "の", "うち"])
    }
}
