import EvalCore
import Foundation
import Testing
@testable import Scoring

/// Fence extraction against markdown-it-py 4.0.0 itself (the reference's parser), on the spec's
/// observed cases and on thousands of generated Markdown texts built from the constructs that
/// decide where fences are: nested and indented fences, tildes, info strings, unclosed fences,
/// lists, block quotes, HTML blocks, headings, paragraphs, link reference definitions (which
/// end where a paragraph would not), tabs, CR and CRLF.
@Suite struct CodeFenceTests {
    @Test func observedCases() {
        #expect(CodeFences.contents(of: "Here:\n```python\nprint(1)\n```\nDone") == ["print(1)\n"])
        #expect(CodeFences.contents(of: "intro\n```python\nx = 1\nprint(x)") == ["x = 1\nprint(x)"])
        #expect(CodeFences.contents(of: "Use ```print(1)``` inline") == [])
        #expect(CodeFences.contents(of: "~~~python\nprint(2)\n~~~") == ["print(2)\n"])
        #expect(CodeFences.contents(of: "1. Step\n   ```python\n   def f():\n       return 1\n   ```\n") == ["def f():\n    return 1\n"])
        #expect(CodeFences.contents(of: "    ```\n    code\n    ```") == [])
        #expect(CodeFences.contents(of: "````python\n```inner```\nprint(3)\n````") == ["```inner```\nprint(3)\n"])
        #expect(CodeFences.contents(of: "```python\nprint(4)```") == ["print(4)```"])
        // An HTML block swallows a fence up to the next blank line (a reasoning model's raw </think>).
        #expect(CodeFences.contents(of: "<think>\nhmm\n</think>\n```python\nx\n```") == [])
        #expect(CodeFences.contents(of: "<think>x</think>\n```python\nx\n```") == ["x\n"])
        // A link reference definition takes only its own lines: the raw </think> after it starts
        // an HTML block, where after a paragraph line it would have been a continuation.
        #expect(CodeFences.contents(of: "[ref]: /url\n</think>\n```\nx\n```") == [])
        #expect(CodeFences.contents(of: "[ref]: /url 'title'\n</think>\n```\nx\n```") == [])
        #expect(CodeFences.contents(of: "[ref]: data:image/png;b\n</think>\n```\nx\n```") == [])
        // Not definitions, so paragraphs: a disallowed protocol (also as a character reference),
        // an empty label, text after the title, a title left open.
        #expect(CodeFences.contents(of: "[ref]: javascript:x\n</think>\n```\nx\n```") == ["x\n"])
        #expect(CodeFences.contents(of: "[ref]: &#106;avascript:x\n</think>\n```\nx\n```") == ["x\n"])
        #expect(CodeFences.contents(of: "[ ]: /url\n</think>\n```\nx\n```") == ["x\n"])
        #expect(CodeFences.contents(of: "[ref]: /url 't' junk\n</think>\n```\nx\n```") == ["x\n"])
        #expect(CodeFences.contents(of: "[ref]: /url 'title\n</think>\n```\nx\n```") == ["x\n"])
        // Any list item ends a definition; after a paragraph only one starting at 1 would.
        #expect(CodeFences.contents(of: "[ref]: /url\n2. ```\n   x\n   ```") == ["x\n"])
        #expect(CodeFences.contents(of: "text\n2. ```\n   x\n   ```") == [""])
    }

    static let pieces: [String] = [
        "```", "```python", "~~~", "~~~py", "````", "``` py ```", "  ```", "   ~~~", "    ```", "\t```",
        "def f():", "    return 1", "\treturn 2", "x = 1", "print('a')", "", "", "   ", "- item", "* item", "+ x",
        "1. step", "2) step", "10. ten", "  - nested", "    - deeper", "> quote", "> ```", ">> deep", "> > ```py",
        "# Heading", "### h3", "---", "***", "___", "===", "<div>", "</div>", "<think>", "</think>", "<think>x</think>",
        "<!-- c -->", "<!--", "-->", "<pre>", "</pre>", "<script>", "<?php", "?>", "<!DOCTYPE html>", "<![CDATA[", "]]>",
        "<custom-tag attr=\"1\">", "<a href='x'>", "</span>", "text `code` more", "[ref]: /url", "Some prose here.",
        "   indented prose", "```\u{3000}", "～～～", "``~", "```js ` bad", "~~~ `ok`", "ü ```", "\\```", "  > ```", "-",
        // Link reference definitions: destinations, titles over several lines, labels, protocols.
        "[ref]:", "[ref]: <url>", "[ref]: </my url>", "[ref]: /url 'title'", "[ref]: /url \"multi", "line\"", "end'",
        "[a\\]b]: x", "[]: /x", "[ ]: /x", "[ref]: javascript:alert(1)", "[ref]: data:image/png;x", "[r]: data:text/html,x",
        "[ref]: &#106;avascript:x", "[ref]: java&colon;x", "[ref]: &nbsp;file:x", "[ref]: /url (t)", "/url", "'title'",
        "(title)", "\"t\" junk", "[ref", "]: /url", "[x]: /u 'x' y", "[ref]: /u\\", "[ref]: (a(b)c)", "[ref]: a(b",
        "[r]:/u'x'", "[r]: <a>'t'", "[r]: <a>'t", "[x\\", "[ref]: /url ''", "[Foo bar]: ", "[ref]: <>", "[r]: /u\t'x'",
        // List markers that may or may not interrupt, setext underlines, more fences and HTML.
        "2. two", "3) x", "*", "1.", "Title", "=", "--", "- - -", "  ===", "a\\", "<div>x", "<p>", "</p>", "  \t```",
        "````~", "~~~~", "```~~~",
    ]

    static func generate(_ count: Int) -> [String] {
        var rng = SplitMix64(seed: 20261201)
        var out: [String] = []
        for _ in 0..<count {
            let n = Int.random(in: 1...16, using: &rng)
            var lines: [String] = []
            for _ in 0..<n {
                var l = pieces.randomElement(using: &rng)!
                if Int.random(in: 0..<6, using: &rng) == 0 { l = String(repeating: " ", count: Int.random(in: 1...5, using: &rng)) + l }
                if Int.random(in: 0..<8, using: &rng) == 0 { l = (["- ", "1. ", "2. ", "> ", ">", "  ", "\t"].randomElement(using: &rng)!) + l }
                lines.append(l)
            }
            let sep = Int.random(in: 0..<10, using: &rng) == 0 ? "\r\n" : Int.random(in: 0..<40, using: &rng) == 0 ? "\r" : "\n"
            var text = lines.joined(separator: sep)
            if Bool.random(using: &rng) { text += "\n" }
            out.append(text)
        }
        return out
    }

    @Test func agreesWithMarkdownItPy() throws {
        guard let python = ProcessInfo.processInfo.environment["ORACLE_PYTHON"] else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("ORACLE_PYTHON is unset (eval \"$(bin/oracle-setup)\")") }
            return
        }
        // CODE_FENCE_TEXTS=500000 for a longer run.
        let count = ProcessInfo.processInfo.environment["CODE_FENCE_TEXTS"].flatMap { Int($0) } ?? 50000
        let texts = Self.generate(count)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fences-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl")
        try Data(texts.map { JSON.encodeString(.string($0)) + "\n" }.joined().utf8).write(to: input)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", """
            import json, sys
            from markdown_it import MarkdownIt
            md = MarkdownIt()
            for line in open(sys.argv[1], encoding="utf-8"):
                print(json.dumps([t.content for t in md.parse(json.loads(line)) if t.type == "fence"]))
            """, input.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let expected = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(expected.count == texts.count)
        var disagreements = 0
        for (text, want) in zip(texts, expected) {
            let got = JSON.encodeString(.array(CodeFences.contents(of: text).map { .string($0) }))
            let wantNorm = try JSON.encodeString(JSON.decode(Array(want.utf8)))
            if got != wantNorm {
                disagreements += 1
                if disagreements <= 5 { Issue.record("text \(JSON.encodeString(.string(text))): markdown-it \(wantNorm), ours \(got)") }
            }
        }
        #expect(disagreements == 0, "\(disagreements) of \(texts.count) texts disagree")
    }
}
