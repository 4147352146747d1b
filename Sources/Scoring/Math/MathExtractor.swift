import EvalCore
import Foundation
import Synchronization

/// A parsed math answer; compares with lighteval's `sympy_expr_eq` at the task's precision.
struct MathAnswer: Answer {
    let value: MathExpr
    let precision: Int
    var description: String { MathPrinter.string(value) }

    func matches(_ prediction: any Answer) -> Bool {
        guard let p = prediction as? MathAnswer else { return false }
        return MathEquivalence.equal(value, p.value, precision: precision)
    }
}

/// What one side (gold or prediction) is extracted with: lighteval's `LatexExtractionConfig`
/// (with its boxed priority) and/or `ExprExtractionConfig`.
struct MathTargets: Hashable, Sendable {
    var latexBoxedPriority: Int?
    var expr: Bool
}

/// The math tasks' extraction (docs/benchmarks.md, Math extraction): gold and
/// prediction sides each run their configured patterns through `TargetExtraction`; matches parse
/// to `MathExpr`. MATH-500 and MCLM MATH-100 (`math_latex_gold`) take the gold from LaTeX with
/// boxed priority 55; AIME (`math_expr_gold`) from the expression patterns. Predictions use both,
/// boxed at priority 0. Precision 5. English anchors only (MATH-100-ja too, as the reference).
struct MathExtraction: Sendable {
    var gold: MathTargets
    var pred: MathTargets
    var precision: Int
    var language: String
    /// MCLM MATH-100's `wrap_answer_with_latex_boxes`: a gold becomes `$\boxed{…}$` unless it
    /// already starts with `$\boxed`.
    var wrapGold = false

    func extract(_ text: String) throws -> [any Answer] {
        try Self.run(text, Self.patterns(pred, language: language, precision: precision))
    }

    func extractGold(_ gold: String) throws -> [any Answer] {
        let g = wrapGold && !gold.hasPrefix("$\\boxed") ? "$\\boxed{" + gold + "}$" : gold
        return try Self.run(g, Self.patterns(self.gold, language: language, precision: precision))
    }

    /// Skipping a pattern whose literal the text lacks changes nothing (it finds no match) and
    /// saves a regex scan of the whole text, most of `score`'s time.
    static func run(_ text: String, _ gated: [GatedPattern]) -> [any Answer] {
        var folded: String?
        let active = gated.filter { admits($0.needle, text, folded: &folded) }
        return TargetExtraction.extract(text, patterns: active.map(\.pattern))
    }

    static func admits(_ needle: Needle?, _ text: String) -> Bool {
        var folded: String?
        return admits(needle, text, folded: &folded)
    }

    /// Whether `text` has what the pattern needs; `folded` caches the case-folded text.
    static func admits(_ needle: Needle?, _ text: String, folded: inout String?) -> Bool {
        switch needle {
        case nil: return true
        case .exact(let n)?: return text.includes(n)
        case .caseless(let n)?:
            if folded == nil { folded = text.asciiCaseFolded }
            return folded!.includes(n)
        case .closedBox?:
            guard let open = text.utf8Occurrences(of: "\\boxed{", limit: 1).first else { return false }
            return text.utf8.lastIndex(of: UInt8(ascii: "}")).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) >= open + 8 } ?? false
        }
    }

    // MARK: patterns

    /// What a pattern cannot match without: a literal, exact or under `(?i:…)` (lowercase ASCII);
    /// or, for `\\boxed{.+}`, a `}` at least one character after the first `\\boxed{`. That one is
    /// exact and what keeps the pattern linear: with such a `}` the first `\\boxed{` matches (to
    /// the last `}`), without one no `\\boxed{` can, and the regex would otherwise rescan the rest
    /// of the text from every `\\boxed{` to find that out.
    enum Needle: Sendable { case exact(String), caseless(String), closedBox }
    struct GatedPattern: Sendable { var pattern: ExtractionPattern, needle: Needle? }

    private struct Key: Hashable { var targets: MathTargets, language: String, precision: Int }
    private static let cache = Mutex<[Key: [GatedPattern]]>([:])

    /// Latex patterns before expression patterns (the reference's target-type order).
    static func patterns(_ t: MathTargets, language: String, precision: Int) throws -> [GatedPattern] {
        let key = Key(targets: t, language: language, precision: precision)
        if let p = cache.withLock({ $0[key] }) { return p }
        let lit = MathLiterals.all[language]!
        var out: [GatedPattern] = []
        if let boxed = t.latexBoxedPriority {
            out += try latexSources(lit, boxedPriority: boxed).map { source, priority, needle in
                let re = try PythonRegex("(?s)" + source), groups = latexGroups(re.groupNumbers)
                return GatedPattern(pattern: ExtractionPattern(re, priority: priority) {
                    extractLatex($0, groups: groups, precision: precision)
                }, needle: needle)
            }
        }
        if t.expr {
            out += try exprSources(lit).map { source, priority, needle in
                GatedPattern(pattern: ExtractionPattern(try PythonRegex(source), priority: priority) {
                    extractExpr($0, precision: precision)
                }, needle: needle)
            }
        }
        cache.withLock { $0[key] = out }
        return out
    }

    static func exprSources(_ t: MathLiterals) -> [(String, Int, Needle?)] {
        let esc = PythonRegex.escape
        let number = #"(?:(?P<integer1>-?\d{1,3}(?:[ ,]\d{3})+)(?P<decimal1>\.\d+)?|(?P<integer2>-?\d+)(?P<decimal2>[.,]\d+)|(?P<decimal3>\.\d+)|(?P<integer3>-?\d+))(?P<percent>\s*(?:%|[Pp]ercent|\s*[Pp]ercentage|\s*[Pp]ct))?"#
        let ops = #"\+\-\*\×\/\^\(\)\÷"#
        let chars = #"[\d\.\s"# + ops + "]"
        let expr = #"(?P<expr>-?\(?-?\d"# + chars + "*[" + ops + "]" + chars + #"+\)?)"#
        let fullStop = "[\(esc(t.fullStop))\\.]", comma = "[\(esc(t.comma))\\,]", colon = "[\(esc(t.colon))\\:]"
        let space = "(?:\\s|\(esc(t.sentenceSpace)))"
        let currency = "[" + esc("$€£¥₹₽₪₩₫฿₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₴₵₶₷₸₹₺₻₼₽₾₿") + "]"
        let prefix = "(?:^|\(space)|\\=)(?:\\*\\*)?"
        let suffix = "(?:\\*\\*)?(?:\(fullStop)|\(comma)|\(colon)|\(space)|\\)|\\$|$)"
        let withAnchors = "(?:\(prefix)\(expr)\(suffix))"
        let numberAnchors = "(?:\(prefix)\(currency)?\(number))"
        let either = "(?:\(withAnchors)|\(numberAnchors))"
        let answer = "(?i:\(t.answer))"
        let final = Needle.caseless("final answer"), word = t.answerNeedle
        var out: [(String, Int, Needle?)] = []
        if t.english {
            out += [("(?i:final answer is)\\:?\\s*\(either)\\.?\\s?I hope", 0, final),
                    ("(?i:final answer.{0,100}?)\\s+is\\:?\(either)", 50, final)]
        }
        return out + [
            ("\(answer)\(colon)(?:.{0,100}=\\s*|.{0,50}?)\(either)(?!\\s*=)", 100, word),
            ("\(answer)(?:.{0,100}=\\s*|.{0,50}?)\(either)(?!\\s*=)", 200, word),
            (withAnchors, 300, nil),
            (numberAnchors, 300, nil),
        ]
    }

    /// lighteval `make_latex_env_pattern`. Group names lose the reference's `_` (`first_percent` is
    /// `firstpercent`): ICU names are letters and digits only.
    static func environment(_ prefix: String, boxed: Bool) -> String {
        let atoms = [#"(?:[^$]|\$(?!\$))"#, #"(?:[^\\]|\\(?!\]))"#, #"(?:\\[$]|[^\n$])"#, #"(?:[^\\\n]|\\(?!\)))"#, #"[^\n\]\[]"#]
        let c = atoms.map { boxed ? "\($0)*?\\\\boxed{\($0)+?}\($0)*?" : "\($0)+?" }
        var alternatives = [
            #"(?<!\\)\$\$(?P<"# + prefix + "latexDisplayDollar>" + c[0] + #")(?<!\\)\$\$"#,
            #"(?<!\\)\\\[(?P<"# + prefix + "latexDisplayBracket>" + c[1] + #")(?<!\\)\\\]"#,
            #"(?<!\\|\d)\$(?P<"# + prefix + "latexInlineDollar>" + c[2] + #")(?<!\\)\$"#,
            #"(?<!\\)\\\((?P<"# + prefix + "latexInlineParenthesis>" + c[3] + #")(?<!\\)\\\)"#,
            #"\s\[(?P<"# + prefix + "latexInlineBracket>" + c[4] + #")\]\s"#,
        ]
        if !boxed {
            alternatives.append("(?P<" + prefix + #"latexFraction>-?\\frac{-?\d+(?:[.,]\d+)?}{-?\d+(?:[.,]\d+)?})"#)
        }
        return "(?:(?:" + alternatives.joined(separator: "|") + #")\s*(?P<"# + prefix
            + #"percent>(?:\\?%|[Pp]ercent|[Pp]ercentage|[Pp]ct))?)"#
    }

    static func latexSources(_ t: MathLiterals, boxedPriority: Int) -> [(String, Int, Needle?)] {
        let esc = PythonRegex.escape
        func chain(boxed: Bool) -> String {
            environment("first", boxed: boxed) + (1...5).map {
                "(?:\\s*(?:\(t.and)|\(t.or)|,)\\s*" + environment("next\($0)", boxed: boxed) + ")?"
            }.joined()
        }
        let envs = "(?:" + chain(boxed: false) + ")"
        let colon = "[\(esc(t.colon))\\:]"
        let answer = "(?i:\(t.answer))"
        let final = Needle.caseless("final answer"), word = t.answerNeedle, boxed = Needle.exact("\\boxed{")
        var out: [(String, Int, Needle?)] = []
        if t.english {
            out += [("(?i:final answer is)\\:?\\s*\(envs)\\.?\\s?I hope", 0, final),
                    ("(?i:final answer.{0,100}?)\\s+is\\:?\\s*\(envs)", 50, final)]
        }
        out += [("\(answer)\(colon).{0,50}?\(envs)", 100, word), ("\(answer).{0,50}?\(envs)", 200, word), (envs, 300, nil)]
        if boxedPriority >= 0 {
            out += [(chain(boxed: true), boxedPriority, boxed), (#"(?P<firstlatexBoxed>\\boxed{.+})"#, boxedPriority, .closedBox)]
        }
        return out
    }

    // MARK: match → value

    /// lighteval `extract_expr`.
    static func extractExpr(_ m: PythonRegex.Match, precision: Int) -> (value: (any Answer)?, raw: String) {
        let integer = ["integer1", "integer2", "integer3"].lazy.compactMap { m.group($0) }.first { !$0.isEmpty } ?? ""
        let decimal = ["decimal1", "decimal2", "decimal3"].lazy.compactMap { m.group($0) }.first { !$0.isEmpty } ?? ""
        if !integer.isEmpty || !decimal.isEmpty {
            var int = String(integer.filter { $0 != "," && $0 != " " }.drop { $0 == "0" })
            if int.isEmpty { int = "0" }
            let text = int + decimal.replacingAll(",", with: ".")
            guard let r = Rational.decimal(text) else { return (nil, text) }
            var v: MathExpr = text.includes(".") ? .float(r) : .number(r)
            if let p = m.group("percent"), !p.isEmpty { v = .percent(v) }
            return (MathAnswer(value: v, precision: precision), text)
        }
        let expr = m.group("expr") ?? ""
        guard !expr.isEmpty else { return (nil, "") }
        let source = expr.replacingAll("\n", with: " ").replacingAll("^", with: "**")
        return (PlainExpression.parse(source).map { MathAnswer(value: $0, precision: precision) }, expr)
    }

    static let groupKinds = ["latexDisplayDollar", "latexDisplayBracket", "latexInlineDollar", "latexInlineParenthesis",
                             "latexInlineBracket", "latexFraction", "latexBoxed"]

    /// Per environment (`first`, `next1`…`next5`) of a pattern: its content groups as (number, is
    /// latexBoxed), in the reference's order, and its percent group.
    struct EnvironmentGroups: Sendable { var content: [(Int, Bool)], percent: Int? }

    static func latexGroups(_ numbers: [String: Int]) -> [EnvironmentGroups] {
        (["first"] + (1...5).map { "next\($0)" }).map { prefix in
            EnvironmentGroups(content: groupKinds.compactMap { k in numbers[prefix + k].map { ($0, k == "latexBoxed") } },
                              percent: numbers[prefix + "percent"])
        }
    }

    /// lighteval `extract_latex`: each matched environment normalized and parsed; several that all
    /// parse make one set.
    static func extractLatex(_ m: PythonRegex.Match, groups: [EnvironmentGroups], precision: Int) -> (value: (any Answer)?, raw: String) {
        var values: [MathExpr?] = [], strings: [String] = []
        for env in groups {
            guard let (text, boxed) = env.content.lazy.compactMap({ g in m.group(at: g.0).map { ($0, g.1) } })
                .first(where: { !$0.0.isEmpty }) else { continue }
            let normalized = LatexNormalizer.normalize(text, boxed: boxed ? .last : .all)
            strings.append(normalized)
            var v = LatexParser.parse(normalized)
            if let x = v, let g = env.percent, let p = m.group(at: g), !p.isEmpty { v = .percent(x) }
            values.append(v)
        }
        guard let first = values.first else { return (nil, "") }
        if values.count > 1, values.allSatisfy({ $0 != nil }) {
            let elements = values.flatMap { v -> [MathExpr] in
                if case .finiteSet(let xs)? = v { return xs }
                return [v!]
            }
            return (MathAnswer(value: .finiteSet(elements), precision: precision), strings.joined(separator: " and "))
        }
        return (first.map { MathAnswer(value: $0, precision: precision) }, strings[0])
    }
}

/// The reference's `TRANSLATION_LITERALS` fields the math patterns use.
struct MathLiterals: Sendable {
    var answer: String, fullStop: String, comma: String, colon: String, sentenceSpace: String
    var and: String, or: String
    /// Only English has the "final answer is" patterns.
    var english: Bool

    /// Patterns behind the answer word need it in the text; only an ASCII word is checked (by
    /// ASCII case folding, see `asciiCaseFolded`).
    var answerNeedle: MathExtraction.Needle? {
        answer.unicodeScalars.allSatisfy(\.isASCII) ? .caseless(answer.lowercased()) : nil
    }

    /// Values as lighteval's `translation_literals.py` has them for these languages.
    static let all: [String: MathLiterals] = [
        "en": MathLiterals(answer: "answer", fullStop: ".", comma: ",", colon: ":", sentenceSpace: " ",
                           and: "and", or: "or", english: true),
        "zh": MathLiterals(answer: "答案", fullStop: "。", comma: "，", colon: "：", sentenceSpace: "",
                           and: "和", or: "或", english: false),
        "fr": MathLiterals(answer: "réponse", fullStop: ".", comma: ",", colon: ":", sentenceSpace: " ",
                           and: "et", or: "ou", english: false),
        "ar": MathLiterals(answer: "إجابة", fullStop: ".", comma: "،", colon: ":", sentenceSpace: " ",
                           and: "و", or: "أو", english: false),
        "hi": MathLiterals(answer: "उत्तर", fullStop: "।", comma: ",", colon: ":", sentenceSpace: " ",
                           and: "और", or: "या", english: false),
    ]
}

/// The math extractors differ only in their extraction configuration (set in `init`).
protocol MathExtractorKind: Extractor {
    var extraction: MathExtraction { get }
}

extension MathExtractorKind {
    public static var languages: [String] { MathLiterals.all.keys.sorted() }
    public func extract(_ text: String, target: JSONObject) throws -> [any Answer] { try extraction.extract(text) }
    public func extractGold(_ gold: String, target: JSONObject) throws -> [any Answer] { try extraction.extractGold(gold) }
}

/// MATH-500 and MCLM MATH-100: gold from LaTeX (boxed priority 55).
public struct MathLatexGoldExtractor: MathExtractorKind {
    public static let name = "math_latex_gold"
    let extraction: MathExtraction
    public init(language: String) {
        extraction = MathExtraction(gold: MathTargets(latexBoxedPriority: 55, expr: false),
                                    pred: MathTargets(latexBoxedPriority: 0, expr: true), precision: 5, language: language)
    }
}

/// MCLM MATH-100 (ja): the answer column wrapped in `$\boxed{}$`, then as MATH-500.
public struct MathBoxedGoldExtractor: MathExtractorKind {
    public static let name = "math_boxed_gold"
    let extraction: MathExtraction
    public init(language: String) {
        extraction = MathExtraction(gold: MathTargets(latexBoxedPriority: 55, expr: false),
                                    pred: MathTargets(latexBoxedPriority: 0, expr: true), precision: 5, language: language,
                                    wrapGold: true)
    }
}

/// AIME: gold from the expression patterns (an integer string).
public struct MathExprGoldExtractor: MathExtractorKind {
    public static let name = "math_expr_gold"
    let extraction: MathExtraction
    public init(language: String) {
        extraction = MathExtraction(gold: MathTargets(latexBoxedPriority: nil, expr: true),
                                    pred: MathTargets(latexBoxedPriority: 0, expr: true), precision: 5, language: language)
    }
}
