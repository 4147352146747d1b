import EvalCore
import Foundation

/// A Python `re` pattern (default flags, a `str` pattern) run on ICU through NSRegularExpression.
/// The reference's extraction patterns are kept in their Python spelling, so they can be compared
/// with the reference verbatim; `translate` rewrites only what ICU reads differently.
public struct PythonRegex: @unchecked Sendable {  // NSRegularExpression is immutable once built
    /// The pattern as Python spells it.
    public let pattern: String
    private let regex: NSRegularExpression

    public init(_ pattern: String) throws {
        self.pattern = pattern
        let icu = Self.translate(pattern)
        do {
            // Unix lines: `.` excludes only `\n` and `$` matches only before a final `\n`, as in Python.
            regex = try NSRegularExpression(pattern: icu, options: [.useUnixLineSeparators])
        } catch {
            throw EvalError("ICU rejects \(icu.debugDescription), translated from Python's \(pattern.debugDescription)",
                            hint: "extend PythonRegex.translate for this construct")
        }
    }

    /// `re.finditer`: leftmost, non-overlapping matches over the whole text.
    public func finditer(_ text: NSString) -> [Match] {
        regex.matches(in: text as String, range: NSRange(location: 0, length: text.length))
            .map { Match(result: $0, text: text) }
    }

    /// One match; offsets are UTF-16, which orders positions exactly as Python's code-point offsets do.
    public struct Match {
        let result: NSTextCheckingResult
        let text: NSString
        public var start: Int { result.range.location }
        public var end: Int { result.range.location + result.range.length }
        /// `m.group(name)`; nil when the group did not take part in the match.
        public func group(_ name: String) -> String? {
            let r = result.range(withName: name)
            return r.location == NSNotFound ? nil : text.substring(with: r)
        }
    }

    /// Python whitespace (`str.isspace`) is ICU's `\s` plus the separators U+001C–U+001F.
    private static let space = #"[\s\x{1c}-\x{1f}]"#
    private static let nonSpace = #"[^\s\x{1c}-\x{1f}]"#

    /// Python → ICU: `(?P<n>` and `(?P=n)` are named-group syntax; `\s`/`\S` widen to Python's set;
    /// `\Z` is ICU's `\z`; a `{` that is no quantifier is a literal in Python but an error in ICU, and
    /// `{,n}` means `{0,n}`; inside a class `[` and `&` are literals in Python (ICU: nested set,
    /// intersection), and so is a leading `:` or `]` (ICU reads `[:` as a POSIX property).
    static func translate(_ p: String) -> String {
        let s = Array(p.unicodeScalars)
        var out = String.UnicodeScalarView()
        func emit(_ t: String) { out.append(contentsOf: t.unicodeScalars) }
        func at(_ i: Int, _ prefix: String) -> Bool {
            let q = Array(prefix.unicodeScalars)
            return i + q.count <= s.count && Array(s[i..<i + q.count]) == q
        }
        var i = 0
        var inClass = false
        var classStart = false  // just after `[` or `[^`
        while i < s.count {
            let c = s[i]
            if c == "\\", i + 1 < s.count {
                switch s[i + 1] {
                case "s": emit(space)
                case "S": emit(nonSpace)
                case "Z" where !inClass: emit(#"\z"#)
                default: out.append(c); out.append(s[i + 1])
                }
                i += 2; classStart = false
                continue
            }
            if inClass {
                switch c {
                case ":" where classStart, "]" where classStart, "[", "&": out.append("\\"); out.append(c)
                case "]": inClass = false; out.append(c)
                default: out.append(c)
                }
                i += 1; classStart = false
                continue
            }
            if c == "[" {
                inClass = true; classStart = true
                let negated = at(i, "[^")
                emit(negated ? "[^" : "[")
                i += negated ? 2 : 1
            } else if at(i, "(?P<") {
                emit("(?<"); i += 4
            } else if at(i, "(?P="), let close = s[(i + 4)...].firstIndex(of: ")") {
                emit(#"\k<"# + String(String.UnicodeScalarView(s[(i + 4)..<close])) + ">")
                i = close + 1
            } else if c == "{" {
                if let (lo, hi, len) = quantifier(s, at: i) {
                    emit("{" + (lo.isEmpty ? "0" : lo) + (hi.map { "," + $0 } ?? "") + "}")
                    i += len
                } else { emit(#"\{"#); i += 1 }
            } else if c == "}" {
                emit(#"\}"#); i += 1
            } else {
                out.append(c); i += 1
            }
        }
        return String(out)
    }

    /// Python's `{m}`, `{m,}`, `{m,n}`, `{,n}` at `i`: (min digits, max digits or "" for none /
    /// nil without a comma, length). `{}` and anything else is not a quantifier.
    private static func quantifier(_ s: [Unicode.Scalar], at i: Int) -> (String, String?, Int)? {
        var j = i + 1
        func digits() -> String {
            var d = ""
            while j < s.count, ("0"..."9").contains(s[j]) { d.unicodeScalars.append(s[j]); j += 1 }
            return d
        }
        if j < s.count, s[j] == "}" { return nil }
        let lo = digits()
        var hi: String?
        if j < s.count, s[j] == "," { j += 1; hi = digits() }
        guard j < s.count, s[j] == "}" else { return nil }
        return (lo, hi, j + 1 - i)
    }

    /// `re.escape` (Python 3.7+): only these characters get a backslash.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if "()[]{}?*+-|^$\\.&~# \t\n\r\u{0B}\u{0C}".unicodeScalars.contains(c) { out.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
