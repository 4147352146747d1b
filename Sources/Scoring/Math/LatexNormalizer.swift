import Foundation

/// latex2sympy2_extended 1.0.6 `normalize_latex` with the configuration lighteval uses
/// (basic_latex, units, malformed_operators, nits, equations; boxed "all" or "last"), step by step
/// in the library's order (docs/benchmarks.md, Math normalization).
enum LatexNormalizer {
    enum Boxed { case all, last }

    /// Longer texts are not normalized further: the parser rejects anything over
    /// `LatexParser.maxLength` (normalization never shrinks an honest answer to half), and some of
    /// the library's substitutions rescan the rest of the text from every candidate position.
    static let maxLength = 2 * LatexParser.maxLength

    static func normalize(_ input: String, boxed: Boxed) -> String {
        var text = extractBoxed(input, mode: boxed)
        guard text.utf16.count <= maxLength else { return text.pythonStripped }
        text = basicLatex(text)
        // equations: `a=b=5` → `5`, unless a comma or semicolon says it is a list of equations
        if text.includes("="), !text.includes(","), !text.includes(";") {
            let parts = sub(equationSplit, text, "\u{0}").splitAll("\u{0}")
            if parts.count > 2 { text = parts.last! }
        }
        text = units(text)
        // nits
        if text.hasPrefix(".") { text = "0" + text }
        if text == "0.5" { text = "\\frac{1}{2}" }
        text = malformedOperators(text)
        return text.pythonStripped
    }

    // MARK: boxed

    /// `extract_boxed_content`: scans right to left for `\boxed`/`\fbox`; "last" keeps going left only
    /// across `and`/`or`/`,` separators. Works on code points, as Python indexes strings.
    static func extractBoxed(_ s: String, mode: Boxed) -> String {
        let t = Array(s.unicodeScalars)
        func rfind(_ needle: String, before end: Int) -> Int {
            let n = Array(needle.unicodeScalars)
            var i = end - n.count
            while i >= 0 { if t[i] == n[0] && t[i..<i + n.count].elementsEqual(n) { return i }; i -= 1 }
            return -1
        }
        func str(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(t[a..<b])) }
        var results: [String] = []
        var current = t.count, maxPos = t.count
        var lastBoxedStart: Int?
        while true {
            let b = rfind("\\boxed", before: current), f = rfind("\\fbox", before: current)
            if b < 0 && f < 0 { break }
            let start = max(b, f)
            var next = start + (b > f ? 6 : 5)
            while next < maxPos, t[next].isPythonSpace { next += 1 }
            if next >= maxPos { break }
            guard t[next] == "{" else {
                if results.isEmpty { results.append(str(next, t.count)) }
                break
            }
            var depth = 1, i = next, close: Int?
            while i + 1 < maxPos {
                i += 1
                if t[i] == "{" { depth += 1 } else if t[i] == "}" { depth -= 1; if depth == 0 { close = i; break } }
            }
            guard let end = close else {
                if results.isEmpty { results.append(str(next, t.count)) }
                break
            }
            let content = str(next + 1, end).pythonStripped
            if mode == .last, let last = lastBoxedStart,
               validSeparator.firstMatch(str(end + 1, last)) == nil { break }
            results.append(content)
            lastBoxedStart = start
            maxPos = start
            current = start
        }
        return results.isEmpty ? s : results.reversed().joined(separator: ",")
    }

    // MARK: basic latex

    static func basicLatex(_ s: String) -> String {
        var text = s
        if text.includes("\\mathrm{") || text.includes("{\\rm d}") {
            text = text.replacingAll("\\mathrm{T}", with: "T")
                .replacingAll("\\mathrm{d}", with: "d").replacingAll("{\\rm d}", with: "d")
        }
        if text.includes("{matrix}") {
            text = text.replacingAll("\\left[\\begin{matrix}", with: "\\begin{bmatrix}")
                .replacingAll("\\end{matrix}\\right]", with: "\\end{bmatrix}")
        }
        if text.includes("left") { text = sub(left, text, "$1") }
        if text.includes("right") { text = sub(right, text, "$1") }
        if text.includes(")_{") { text = sub(permutation, text, "\\\\frac{($1)!}{(($1)-($2))!}") }
        if text.unicodeScalars.contains(where: { "\\$\"'".unicodeScalars.contains($0) }) { text = sub(toRemove, text, "") }
        text = replaceCombined(text)
        if text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\t" }) {
            text = text.replacingAll("\n", with: " ").replacingAll("\t", with: " ")
        }
        if !text.includes("matrix"), text.includes("\\\\") { text = sub(commandSlash, text, "\\\\") }
        return text
    }

    /// The library's single alternation (group names without `_`, which ICU rejects): at each
    /// position the first alternative that matches wins,
    /// and its replacement is inserted literally.
    static func replaceCombined(_ s: String) -> String {
        guard combinedLiterals.contains(where: { s.includes($0) }) else { return s }
        let ns = s as NSString
        var out = ""
        var last = 0
        for m in combined.finditer(ns) {
            out += ns.substring(with: NSRange(location: last, length: m.start - last))
            out += replacements[combinedGroups.firstIndex { m.group(at: $0) != nil }!].replacement
            last = m.end
        }
        return out + ns.substring(from: last)
    }

    /// Every alternative of `replacements` needs one of these; most short answers have none.
    static let combinedLiterals = ["\\", ".", "~", "{", "and", "or", "inf", "percent", " sqrt"]

    static let replacements: [(name: String, pattern: String, replacement: String)] = [
        ("math", #"\\math(?:rm|it|bf)"#, #"\text"#),
        ("text", #"\\text(?:normal|bf|it|rm)"#, #"\text"#),
        ("frac", #"\\(?:d|t|c)frac"#, #"\frac"#),
        ("decimalspace", #"\s\."#, " 0."),
        ("decimalbrace", #"\{\."#, "{0."),
        ("approx", #"\~\="#, #"\approx"#),
        ("comma", #"\s*\{\s*,\s*\}"#, ","),
        ("andor", #"(?<!\w)(?:and|or)(?!\w)"#, ";"),
        ("andortext", #"(\\text{\s*(?:and|or)\s*})"#, ";"),
        ("backslashspace", #"(?<!\\)\\\s"#, " "),
        ("infinity", "infinity", #"\infty"#),
        ("dot", #",?(\\ldots)"#, " "),
        ("percent", #"\s*percent"#, #"\\%"#),
        ("percentintext", #"\\text{percent}"#, #"\\%"#),
        ("inf", #"((?<!\\)inf(?!inity))"#, #"\infty"#),
        ("sqrt", " sqrt", #"\sqrt"#),
    ]

    // MARK: units

    static func units(_ s: String) -> String {
        var text = s
        if text.includes("\\text") || text.includes("\\mbox") {
            let stripped = sub(unitSuperscript, text, "").pythonStripped
            if !stripped.isEmpty && stripped != text { text = stripped }
        }
        // The library's unit words all sit behind `(?=\s)`, which only " m east" can satisfy.
        for _ in 0..<2 where text.includes(" m east") {
            let t = sub(unitWords, text, "")
            if !t.isEmpty && t != text { text = t }
        }
        return text.includes("\\text") ? sub(emptyText, text, " ") : text
    }

    // MARK: malformed operators

    static func malformedOperators(_ s: String) -> String {
        var text = s
        for (re, template, literal) in malformed where text.includes(literal) { text = sub(re, text, template) }
        text = text.replacingAll(" sqrt", with: "\\sqrt")
        return fixAslashB(fixFracs(fixSqrt(text)))
    }

    /// Hendrycks' `_fix_sqrt`: `\sqrt3` → `\sqrt{3}`.
    static func fixSqrt(_ s: String) -> String {
        guard s.includes("\\sqrt") else { return s }
        let parts = s.splitAll("\\sqrt")
        var out = parts[0]
        for p in parts.dropFirst() {
            let q = p.pythonLStripped
            if let c = q.unicodeScalars.first, c != "{", c != "[" {
                out += "\\sqrt{" + String(c) + "}" + String(q.unicodeScalars.dropFirst())
            } else { out += "\\sqrt" + q }
        }
        return out
    }

    /// Hendrycks' `_fix_fracs`: `\frac12` → `\frac{1}{2}`, `\frac1{2}` → `\frac{1}{2}`.
    static func fixFracs(_ s: String) -> String {
        let parts = s.splitAll("\\frac")
        var out = parts[0]
        for p in parts.dropFirst() {
            let q = Array(p.pythonLStripped.unicodeScalars)
            out += "\\frac"
            if let c = q.first, c == "{" { out += String(String.UnicodeScalarView(q)); continue }
            if q.count < 2 { return s }
            let a = String(q[0]), b = String(q[1])
            let rest = String(String.UnicodeScalarView(q.dropFirst(2)))
            out += b != "{" ? "{\(a)}{\(b)}" + rest : "{\(a)}" + b + rest
        }
        return out
    }

    /// Hendrycks' `_fix_a_slash_b`: exactly `int/int` → `\frac{a}{b}`.
    static func fixAslashB(_ s: String) -> String {
        let parts = s.splitAll("/")
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), s == "\(a)/\(b)" else { return s }
        return "\\frac{\(a)}{\(b)}"
    }

    // MARK: patterns

    static func re(_ p: String) -> PythonRegex { try! PythonRegex(p) }
    static let left = re(#"\\m?left(\\\{|\{|\\\||\||\[|\(|\\rbracl|\\lgroup|\\lbrace|\\lbrack|\\vert|\\lvert|\\lceil|\\lfloor|\\vert|\\lvert|\\langle|\\llcorner|\\ulcorner)"#)
    static let right = re(#"\\m?right(\\\}|\}|\\\||\||\]|\)|\\rbrack|\\rgroup|\\rbrace|\\rbrack|\\vert|\\rvert|\\rceil|\\rfloor|\\vert|\\rvert|\\rangle|\\lrcorner|\\urcorner)"#)
    static let permutation = re(#"\(([a-zA-Z0-9+\-*/\\ ]+?)\)_{([a-zA-Z0-9+\-*/\\ ]+?)}"#)
    static let toRemove = re(#"\\mathrm\{th\}|\\!\s*|\\text\s*\{\s*\}|\\\$|\$|(?<!\\)["']|\\displaystyle"#)
    static let combined = re(replacements.map { "(?P<\($0.name)>\($0.pattern))" }.joined(separator: "|"))
    static let combinedGroups = replacements.map { combined.groupNumbers[$0.name]! }
    static let commandSlash = re(#"\\\\(?=[a-zA-Z])"#)
    static let equationSplit = re(#"(?<!\\|\<|\!|\>)="#)
    static let unitSuperscript = re(#"(\\(?:text|mbox){.*?})(\^\d|\{\^\d\})?$"#)
    static let unitWords = re(#"(?=\s)(?: m east(?:s|es)?)($|\W)"#)
    static let emptyText = re(#"\\text\s*\{\s*\}"#)
    static let validSeparator = re(#"^\s*(?:and|or|,)\s*$"#)
    /// Each with a literal it cannot match without (skipping the regex changes nothing, saves time).
    static let malformed: [(PythonRegex, String, String)] = [
        (re(#"\^\s?\((.*?)\)"#), "^{$1}", "^"),
        (re(#"sqrt\s?\((.*?)\)"#), "\\\\sqrt{$1}", "sqrt"),
        (re(#"\\frac\s?(\d)\s?(\d+)"#), "\\\\frac{$1}{$2}", "\\frac"),
        (re(#"\\log_\s?(\d)\s?(\d+)"#), "\\\\log_{$1}{$2}", "\\log_"),
        (re(#"\\frac\s?{(.*?)}\s?(\d)"#), "\\\\frac{$1}{$2}", "\\frac"),
        (re(#"\\frac\s?(\d)\s?{(.*?)}"#), "\\\\frac{$1}{$2}", "\\frac"),
        (re(#"\\sqrt\s?(\d)"#), "\\\\sqrt{$1}", "\\sqrt"),
    ]

    /// `re.sub` with an NSRegularExpression template (`$1`; a literal backslash is `\\`).
    static func sub(_ r: PythonRegex, _ s: String, _ template: String) -> String {
        r.replace(s, template: template)
    }
}

extension String {
    /// Python `str.lstrip()`.
    var pythonLStripped: String {
        let u = unicodeScalars
        guard let first = u.firstIndex(where: { !$0.isPythonSpace }) else { return "" }
        return String(u[first...])
    }
}
