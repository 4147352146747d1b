import EvalCore
import Foundation
@testable import Scoring
import Testing

/// `MarkdownText.plainText` against the reference's own path, Python-Markdown 3.8.2 and
/// BeautifulSoup 4.13.4 (`BeautifulSoup(markdown(text), "html.parser").get_text()`), on documents
/// generated from the pieces model answers are made of. The libraries come from the oracle venv
/// (`bin/oracle-setup`, ORACLE_PYTHON); without it the test is skipped, except under CI.
@Suite struct MarkdownTextOracleTests {
    static let oracle = ProcessInfo.processInfo.environment["ORACLE_PYTHON"]

    /// Lines and blocks of typical answers (Japanese and English), with the markup Python-Markdown
    /// treats specially, joined at random with single and double newlines.
    static let pieces: [String] = [
        "日本語の文です。", "This is **bold** and *italic* text.", "__強調__と_斜体_", "***両方***", "**閉じていない",
        "# 見出し", "## Heading 2 ##", "###タイトル", "見出し\n===", "Sub\n---", "---", "* * *", "___",
        "- 項目1\n- 項目2\n- 項目3", "* a\n* b", "+ x", "1. 一つ目\n2. 二つ目\n3. 三つ目", "1. first\n\n2. second",
        "- 親\n    - 子\n    - 子2", "- item\n  continued line", "10. ten", "> 引用です\n> 二行目", ">quote",
        "```python\ndef f(x):\n    return x * 2\n```", "```\ncode\n```", "`inline code` と `a*b*c`", "``double `tick` code``",
        "    indented code\n    line two", "テキスト  \n改行", "[リンク](https://example.com) です", "![画像](img.png)",
        "<https://example.com/a?b=c>", "<info@example.com>", "<b>太字</b>タグ", "<div>ブロック</div>", "a < b > c",
        "AT&T &amp; &copy; &#12354; &#x3042; &unknown;", "\\*エスケープ\\* \\_x\\_ \\q", "snake_case_name と 2*3*4",
        "| 列1 | 列2 |\n|---|---|\n| a | b |", "1) 括弧つき", "・中黒の項目\n・二つ目", "　全角スペースで始まる行",
        "行末に空白   ", "\tタブで始まる", "**太字**：説明\n- 箇条書き", "以下の通り：\n1. 手順\n2. 手順", "", "   ",
        "数式 $x^2$ と \\(y\\)", "<!-- コメント -->本文", "最後の文。",
    ]

    static func document(_ rng: inout SplitMix64) -> String {
        let n = Int(rng.next() % 6) + 1
        var parts: [String] = []
        for _ in 0..<n {
            parts.append(pieces[Int(rng.next() % UInt64(pieces.count))])
            parts.append(["\n", "\n\n", "\n\n", "", "\n\n\n"][Int(rng.next() % 5)])
        }
        return parts.dropLast().joined()
    }

    @Test func plainTextAgreesWithPythonMarkdownAndBeautifulSoup() throws {
        guard let python = Self.oracle else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("ORACLE_PYTHON is not set (bin/oracle-setup)") }
            return
        }
        var rng = SplitMix64(seed: 20261201)
        let docs = (0..<3000).map { _ in Self.document(&rng) } + Self.pieces
        let script = """
            import sys, json
            from markdown import markdown
            from bs4 import BeautifulSoup
            for line in sys.stdin:
                t = json.loads(line)
                print(json.dumps(BeautifulSoup(markdown(t), "html.parser").get_text()))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let payload = docs.map { String(decoding: JSON.encode(JSONValue.string($0)), as: UTF8.self) }.joined(separator: "\n") + "\n"
        DispatchQueue.global().async {
            input.fileHandleForWriting.write(Data(payload.utf8))
            try? input.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let want = try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try JSON.decode(Data($0.utf8)).string! }
        #expect(want.count == docs.count)
        var disagree: [(String, String, String)] = []
        for (doc, w) in zip(docs, want) where MarkdownText.plainText(doc) != w {
            disagree.append((doc, w, MarkdownText.plainText(doc)))
        }
        for (doc, w, got) in disagree.prefix(8) {
            Issue.record("\(doc.debugDescription)\n  reference \(w.debugDescription)\n  evalpipe  \(got.debugDescription)")
        }
        let count = disagree.count
        #expect(count == 0, "\(count) of \(docs.count) documents disagree")
    }
}
