import EvalCore
import Foundation

/// A span one of the two JEMHopQA pipelines took from a response.
public struct OpenQASpan: Answer {
    public enum Pipeline: Sendable { case exact, quasi }
    public var pipeline: Pipeline
    public var text: String
    public var description: String { text }

    public func matches(_ prediction: any Answer) -> Bool {
        guard let p = prediction as? OpenQASpan else { return false }
        return p.pipeline == pipeline && text.pythonEquals(p.text)
    }
}

/// The reference's `JapaneseOpenQAExtractor` with the two configurations JEMHopQA uses
/// (lighteval/src/lighteval/tasks/swallow/metrics_sample_openqa_japanese.py). Extracted values
/// are the exact pipeline's spans, then the quasi pipeline's (one each). Golds are never processed.
/// - exact: the FIRST `\boxed{…}`, else the LAST `回答:`-style span, else the whole response.
/// - quasi: the same, with a direct answer at the start as a third try, then strip → one layer
///   of brackets/quotes/emphasis removed → NFKC → YES/NO canonicalisation.
public struct JapaneseOpenQAExtractor: Extractor {
    public static let name = "openqa_ja"
    public static let languages = ["ja"]
    public init(language: String) {}

    public func extract(_ text: String, target: JSONObject) throws -> [any Answer] {
        Self.exact(text).map { OpenQASpan(pipeline: .exact, text: $0) }
            + Self.quasi(text).map { OpenQASpan(pipeline: .quasi, text: $0) }
    }

    static func exact(_ text: String) -> [String] {
        let ns = text as NSString
        return [first(boxed, in: ns) ?? last(freeForm, in: ns) ?? text]
    }

    static func quasi(_ text: String) -> [String] {
        let ns = text as NSString
        let span = first(boxed, in: ns) ?? last(freeForm, in: ns) ?? first(direct, in: ns) ?? text
        return [quasiNormalized(span)]
    }

    /// The quasi variants' post-processing of a span: strip, one layer of brackets/quotes/emphasis
    /// removed, NFKC as Python's `unicodedata`, yes/no canonicalisation.
    static func quasiNormalized(_ span: String) -> String {
        canonicalizeBinary(removeParenAndQuote(span.pythonStripped).pythonNFKC)
    }

    // Python spellings, DOTALL. The reference's boxed pattern uses a conditional group,
    // `\\boxed\{(\\text\{)?(?P<content>.+?)(?(1)\})\}`, which ICU lacks; this is its equivalent
    // (`\text{` consumed → `}}` required), content being c1 or c2.
    private static let boxed = try! PythonRegex(#"(?s)\\boxed\{(?:\\text\{(?P<c1>.+?)\}\}|(?P<c2>.+?)\})"#)
    /// The reference's `(?x)` pattern, written compactly. The answer ends at the first whitespace.
    private static let freeForm = try! PythonRegex(
        #"(?s)(?:(?:回答|正解|答え|解答)は(?:[:：]|→|->|=|＝|[．.、，])?\s*|(?:(?:【|「|\[|\()?\s*(?:回答|正解|答え|解答|解|答)(?:】|」|\]|\))?\s*)(?:[:：]|→|->|=|＝|[．.])\s*)"#
            + answerTail)
    private static let direct = try! PythonRegex(#"(?s)(?:\A|\n+)"# + answerTail)
    private static let answerTail = #"(?P<answer>.+?)(?=(?:です|だ|である|でしょう|だろう)?(?:。|．|$|\s|\n))"#

    /// `_regex_extractor` first_match / last_match: matches never overlap, so text order.
    private static func first(_ r: PythonRegex, in ns: NSString) -> String? { r.finditer(ns).first.map(span) }
    private static func last(_ r: PythonRegex, in ns: NSString) -> String? { r.finditer(ns).last.map(span) }
    private static func span(_ m: PythonRegex.Match) -> String { m.group("c1") ?? m.group("c2") ?? m.group("answer") ?? "" }

    /// Openers and closers, longest opener first, then the reference's dict order.
    static let pairs: [(String, String)] = [
        ("```", "```"), ("**", "**"), ("__", "__"), ("``", "``"),
        ("(", ")"), ("（", "）"), ("{", "}"), ("<", ">"), ("「", "」"), ("『", "』"), ("〈", "〉"), ("《", "》"),
        ("【", "】"), ("〖", "〗"), ("〔", "〕"), ("❨", "❩"), ("❪", "❫"), ("❴", "❵"), ("❬", "❭"), ("❰", "❱"),
        ("⦅", "⦆"), ("⦇", "⦈"), ("⟦", "⟧"), ("⟨", "⟩"),
        ("\"", "\""), ("'", "'"), ("`", "`"), ("“", "”"), ("‘", "’"), ("«", "»"), ("‹", "›"), ("„", "„"),
        ("‚", "‚"), ("‟", "‟"), ("‛", "‛"), ("〝", "〞"), ("〟", "〟"), ("＂", "＂"), ("＇", "＇"), ("*", "*"),
    ]

    /// `_remove_paren_and_quote`: one layer, on code points; 2 code points or fewer stay.
    static func removeParenAndQuote(_ s: String) -> String {
        let t = Array(s.pythonStripped.unicodeScalars)
        guard t.count > 2 else { return String(String.UnicodeScalarView(t)) }
        for (open, close) in pairs {
            let o = Array(open.unicodeScalars), c = Array(close.unicodeScalars)
            if t.starts(with: o) && t.reversed().starts(with: c.reversed()) {
                // Python's t[len(o):-len(c)]: empty when the two overlap (`***`).
                return o.count <= t.count - c.count ? String(String.UnicodeScalarView(t[o.count..<(t.count - c.count)])) : ""
            }
        }
        return String(String.UnicodeScalarView(t))
    }

    static let yes = ["はい", "肯定", "肯", "◯", "TRUE", "OK", "イエス"]
    static let no = ["いいえ", "否", "×", "否定", "ちがう", "違う", "FALSE", "NG"]

    /// `_canonicalize_binary_response`: whole-string, case-sensitive.
    static func canonicalizeBinary(_ s: String) -> String {
        if yes.contains(where: { $0.pythonEquals(s) }) { return "YES" }
        if no.contains(where: { $0.pythonEquals(s) }) { return "NO" }
        return s
    }
}

/// A JEMHopQA metric: a function of (gold, span) over one pipeline's spans, the max over every
/// pair (the reference's `cross_apply_metric_function` with `max`); golds are the raw strings.
protocol OpenQAPairMetric: Metric {
    static var pipeline: OpenQASpan.Pipeline { get }
    static func pair(gold: String, prediction: String) -> Double
}

extension OpenQAPairMetric {
    public func score(_ input: MetricInput) throws -> MetricScore {
        let golds = try ExtractiveMatch.golds(input.target)
        let values = input.extracted.map { answers in
            let spans = answers.compactMap { ($0 as? OpenQASpan).flatMap { $0.pipeline == Self.pipeline ? $0.text : nil } }
            return golds.flatMap { g in spans.map { Self.pair(gold: g, prediction: $0) } }.max() ?? 0
        }
        return MetricScore(perResponse: values, record: values.max() ?? 0)
    }
}

extension String {
    /// Python 3.11's `unicodedata.normalize("NFKC", s)`, whose data is Unicode 14.0. Foundation's
    /// NFKC uses newer data: a character assigned after 14.0 is unassigned for Python (no
    /// decomposition, combining class 0, composes with nothing), so it is kept as it is and the text
    /// either side of it is normalized on its own — what Python does with such a starter. Unicode's
    /// stability policy keeps every older character's normalization unchanged between versions.
    var pythonNFKC: String {
        if utf8.allSatisfy({ $0 < 0x80 }) { return self }
        var out = "", run = String.UnicodeScalarView()
        for c in unicodeScalars {
            if let age = c.properties.age, age.major < 14 || age.major == 14 && age.minor == 0 {
                run.append(c)
            } else {
                out += String(run).nfkc
                out.unicodeScalars.append(c)
                run = String.UnicodeScalarView()
            }
        }
        return out + String(run).nfkc
    }
}
