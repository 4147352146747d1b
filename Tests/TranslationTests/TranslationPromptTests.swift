import EvalCore
import Foundation
@testable import Prompting
import Testing

/// The WMT20 task files' prompts against what the reference's `wmt_enja`/`wmt_jaen` return for the
/// same rows (expected strings printed by running them, swallow-evaluation-instruct 3520211).
@Suite("WMT20 prompts and Python-literal rows")
struct TranslationPromptTests {
    static let tasks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../tasks").standardized.path

    func render(_ task: String, _ row: JSONObject) throws -> (String, JSONObject) {
        let prompt = try TaskPrompt(task: TaskCatalog.parse(path: "\(Self.tasks)/\(task).yaml"))
        return try prompt.render(row: row, index: 0, seedOverride: nil)
    }

    /// Literal rows: escapes, a tuple, implicit concatenation of a raw string, `u''`, a third key.
    static let literalRow: JSONObject = ["translation": .string(#"{'en': ['It\'s "new"\n\tok', 'x'], 'ja': ('新しい\u3000橋 \x41\101 ' r'\n', 'y'), "de": u'z'}"#)]
    static let objectRow: JSONObject = ["translation": ["en": ["A {b} c.  "], "ja": "訳です。\u{3000}\n "]]
    static let enjaHead = "以下に示す英文を日本語に翻訳せよ。\n翻訳文の文体は、常体（だ、である）を用いること。\n翻訳文を出力するときは、改行してから `日本語: 翻訳文` という形式で出力すること。\n\n英語: "
    static let jaenHead = "Translate the following Japanese sentence into English.\nOn a new line, output the result in this exact format: `English: <your translation>`\n\nJapanese: "

    @Test func englishToJapanese() throws {
        var (text, target) = try render("wmt20_en_ja", Self.literalRow)
        #expect(text == Self.enjaHead + "It's \"new\"\n\tok\n")
        #expect(target["golds"] == ["新しい\u{3000}橋 AA \\n"])
        (text, target) = try render("wmt20_en_ja", Self.objectRow)
        #expect(text == Self.enjaHead + "A {b} c.  \n")
        #expect(target["golds"] == ["訳です。"])
    }

    @Test func japaneseToEnglish() throws {
        var (text, target) = try render("wmt20_ja_en", Self.literalRow)
        #expect(text == Self.jaenHead + "新しい\u{3000}橋 AA \\n")
        #expect(target["golds"] == ["It's \"new\"\n\tok"])
        (text, target) = try render("wmt20_ja_en", Self.objectRow)
        #expect(text == Self.jaenHead + "訳です。\u{3000}\n ")
        #expect(target["golds"] == ["A {b} c."])
    }

    @Test func literalSubset() throws {
        #expect(try PythonLiteral.parse(#"  {'a': ('x',), 'b': (), 'c': ('y'), 'a': "last", } "#)
                == ["a": "last", "b": [], "c": "y"])
        #expect(try PythonLiteral.parse("{'k': '''one\ntwo''' \"\"\"3\"\"\" # comment\n}") == ["k": "one\ntwo3"])
        #expect(try PythonLiteral.parse(#"['\q\\', '\U0001F600\x7e\0', R'\'']"#) == [#"\q\"#, "😀~\u{0}", #"\'"#])
    }

    /// Everything outside that subset is an error naming the field and what was found.
    @Test(arguments: [
        (#"{'en': 1, 'ja': 'x'}"#, "unsupported value starting with '1'"),
        (#"{'en': None}"#, "unsupported value starting with 'N'"),
        (#"{'en': b'x'}"#, "a bytes literal"),
        (#"{'en': f'x'}"#, "an f-string"),
        (#"{'en': '\N{BULLET}'}"#, "a \\N{…} escape"),
        (#"{'en': 'x}"#, "an unterminated string"),
        ("{'en': 'a\nb'}", "a line break inside a one-line string"),
        (#"{'en': '\x4'}"#, "a truncated \\x escape"),
        (#"{'en': '\ud800'}"#, "code point U+D800, which a Swift string cannot hold"),
        (#"{'en': 'x'} 'y'"#, "unexpected"),
        (#"{'en' 'x'}"#, "expected ':'"),
        (#"{1: 'x'}"#, "unsupported value"),
        (#"{'en': 'x',, }"#, "unsupported value starting with ','"),
    ])
    func literalErrors(_ text: String, _ what: String) throws {
        let e = try #require(throws: EvalError.self) { try PythonLiteral.parse(text) }
        #expect(e.field == "row.translation")
        #expect(e.message.contains(what), "\(e.message)")
    }

    @Test func rowErrors() throws {
        let cases: [(JSONObject, String, String)] = [
            ([:], "row.translation", "missing"),
            (["translation": 3], "row.translation", "expected an object or a string"),
            (["translation": "['en']"], "row.translation", "not a dict"),
            (["translation": ["en": "x"]], "row.translation.ja", "missing"),
            (["translation": ["en": "x", "ja": []]], "row.translation.ja", "empty list"),
            (["translation": ["en": "x", "ja": 5]], "row.translation.ja", "expected a string"),
        ]
        for (row, field, what) in cases {
            let e = try #require(throws: EvalError.self) { try render("wmt20_en_ja", row) }
            #expect(e.field == field && e.message.contains(what), "\(e)")
        }
    }
}
