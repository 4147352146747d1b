import EvalCore
import Foundation

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
    let regex: PythonRegex

    public init(language: String) {
        self.language = language
        let prefix = language == "ja" ? "日本語:" : "English:"
        regex = try! PythonRegex(#"(?m)^\s*"# + prefix + #"\s*(?P<content>[^\n\r]*)"#)
    }

    public func extract(_ text: String, target: JSONObject) throws -> [any Answer] {
        guard let m = regex.finditer(text as NSString).last else { return [] }
        return [Translation(text: m.group("content") ?? "")]
    }
}
