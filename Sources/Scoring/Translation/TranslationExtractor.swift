import EvalCore
import Glibc

/// The translation a response gives.
public struct Translation: Answer {
    public var text: String
    public var description: String { text }
    public func matches(_ prediction: any Answer) -> Bool {
        (prediction as? Translation).map { $0.text.pythonEquals(text) } ?? false
    }
}

/// WMT20's `_prefixed_line_extraction_function(…, "last_match")` (the reference's
/// metrics_translation_japanese.py): the rest of the LAST line that starts, after optional
/// whitespace, with `日本語:` (`language: ja`) or `English:` (`en`). The `\s*` after the colon
/// may cross line breaks. Nothing matched: no value, which the BLEU metrics score as `""`, the
/// reference's fallback.
public struct TranslationExtractor: Extractor {
    public static let name = "translation"
    public static let languages = ["ja", "en"]
    public let language: String
    let prefix: [UInt8]

    public init(language: String) {
        self.language = language
        prefix = Array((language == "ja" ? "日本語:" : "English:").utf8)
    }

    public func extract(_ text: String, target: JSONObject) throws -> [any Answer] {
        var text = text
        return text.withUTF8 { s in
            Self.lastContent(s, prefix: prefix).map { [Translation(text: String(decoding: UnsafeBufferPointer(rebasing: s[$0]), as: UTF8.self))] } ?? []
        }
    }

    /// The `content` group of the last match of `re.finditer(r"(?m)^\s*PREFIX\s*(?P<content>[^\n\r]*)", text)`,
    /// scanned on UTF-8 rather than run as a regex (per record, the regex cost as much as 13a and
    /// BLEU's counting together). Python's `^` here is the start or just after a `\n`; `\s` is
    /// `str.isspace`. From a line start the greedy `\s*` can only be followed by the prefix at the
    /// end of its whitespace run (the prefix starts with no space), so a start that fails there
    /// fails at every line start inside that run too, and the search resumes after the next `\n`.
    /// A match ends where its line does, before the next search begins.
    static func lastContent(_ s: UnsafeBufferPointer<UInt8>, prefix: [UInt8]) -> Range<Int>? {
        let n = s.count
        func skipSpace(_ i: Int) -> Int {
            var i = i
            while i < n { let w = pythonSpaceLength(s, i); if w == 0 { break }; i += w }
            return i
        }
        func nextLine(_ i: Int) -> Int? {  // just after the first `\n` at or after i
            var i = i
            while i < n { if s[i] == 0x0A { return i + 1 }; i += 1 }
            return nil
        }
        var last: Range<Int>? = nil
        var start: Int? = 0
        while let l = start {
            let p = skipSpace(l)
            guard n - p >= prefix.count, prefix.withUnsafeBufferPointer({ memcmp(s.baseAddress! + p, $0.baseAddress!, $0.count) == 0 }) else {
                start = nextLine(p)
                continue
            }
            let c = skipSpace(p + prefix.count)
            var e = c
            while e < n && s[e] != 0x0A && s[e] != 0x0D { e += 1 }
            last = c..<e
            // The next search starts at e, a line start only if the content was empty and the
            // text ends after a `\n`: then nothing but the end follows.
            start = nextLine(e)
        }
        return last
    }
}
