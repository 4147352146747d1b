import EvalCore

/// Translation pairs (WMT20 en→ja, ja→en). The row's `translation` is `{lang: text}`, either a JSON
/// object or a string holding a Python dict literal (the reference applies `ast.literal_eval` to
/// it); a list value counts by its first element. `question` names the source language's key,
/// `gold` the target's. Template value: `source_text`. Target: `{"golds": [reference]}`, the
/// reference `rstrip()`ed as the reference's prompt functions do.
public struct TranslationPrompt: PromptBuilder {
    public static let name = "translation"
    let source: String
    let target: String

    public init(spec: PromptSpec) throws {
        var f = spec.builderFields
        source = try f.require("question")
        target = try f.require("gold")
        try f.finish()
    }

    public func build(row: JSONObject, seed: Int) throws -> BuiltPrompt {
        let pair: JSONObject
        switch row["translation"] {
        case .object(let o)?: pair = o
        case .string(let s)?:
            guard let o = try PythonLiteral.parse(s).object else {
                throw EvalError("the Python literal is not a dict", field: "row.translation")
            }
            pair = o
        case nil: throw EvalError("missing", field: "row.translation")
        case let v?: throw EvalError("expected an object or a string holding a Python dict, found \(v.kindName)", field: "row.translation")
        }
        func text(_ lang: String) throws -> String {
            var v = pair[lang]
            if case .array(let list)? = v {
                guard let first = list.first else { throw EvalError("empty list", field: "row.translation.\(lang)") }
                v = first
            }
            switch v {
            case .string(let s)?: return s
            case nil: throw EvalError("missing", field: "row.translation.\(lang)")
            case let v?: throw EvalError("expected a string, found \(v.kindName)", field: "row.translation.\(lang)")
            }
        }
        return BuiltPrompt(values: ["source_text": try text(source)],
                           target: ["golds": [.string(try text(target).pythonRStripped)]])
    }
}

/// The part of Python's `ast.literal_eval` that translation rows use: dicts, lists, tuples and
/// string literals (quotes, triple quotes, `r`/`u` prefixes, every escape but `\N{…}`, adjacent
/// literals concatenated). Anything else is an error naming what was found, not a guess.
enum PythonLiteral {
    static func parse(_ text: String) throws -> JSONValue {
        var p = Parser(s: Array(text.unicodeScalars))
        p.skip()
        let v = try p.value()
        p.skip()
        guard p.i == p.s.count else { throw p.fail("unexpected \(p.peekDescription) after the value") }
        return v
    }

    struct Parser {
        let s: [Unicode.Scalar]
        var i = 0

        func fail(_ what: String) -> EvalError {
            EvalError("Python literal at character \(i): \(what)", field: "row.translation",
                      hint: "only dicts, lists, tuples and string literals are read")
        }
        var peekDescription: String { i < s.count ? "'\(s[i])'" : "end of text" }

        /// Whitespace, line continuations and comments, as the tokenizer skips them inside brackets.
        mutating func skip() {
            while i < s.count {
                switch s[i] {
                case " ", "\t", "\n", "\r", "\u{0C}": i += 1
                case "\\" where i + 1 < s.count && s[i + 1] == "\n": i += 2
                case "#": while i < s.count && s[i] != "\n" { i += 1 }
                default: return
                }
            }
        }

        mutating func value() throws -> JSONValue {
            guard i < s.count else { throw fail("a value is missing") }
            switch s[i] {
            case "{":
                i += 1
                var o: JSONObject = [:]
                while true {
                    skip()
                    if i < s.count && s[i] == "}" { i += 1; return .object(o) }
                    let key = try value()
                    guard case .string(let k) = key else { throw fail("a dict key that is not a string") }
                    skip()
                    guard i < s.count && s[i] == ":" else { throw fail("expected ':' , found \(peekDescription)") }
                    i += 1
                    skip()
                    o[k] = try value()  // a repeated key: the last wins, as in Python
                    skip()
                    if i < s.count && s[i] == "," { i += 1; continue }
                    guard i < s.count && s[i] == "}" else { throw fail("expected ',' or '}', found \(peekDescription)") }
                }
            case "[": i += 1; return .array(try items(until: "]").values)
            case "(":
                i += 1
                let (values, trailingComma) = try items(until: ")")
                // `(x)` is x itself; `(x,)` and `()` are tuples.
                return values.count == 1 && !trailingComma ? values[0] : .array(values)
            default:
                var text = ""
                guard try string(into: &text) else { throw fail("unsupported value starting with \(peekDescription)") }
                skip()
                while try string(into: &text) { skip() }
                return .string(text)
            }
        }

        mutating func items(until close: Unicode.Scalar) throws -> (values: [JSONValue], trailingComma: Bool) {
            var out: [JSONValue] = []
            var comma = false
            while true {
                skip()
                if i < s.count && s[i] == close { i += 1; return (out, comma) }
                out.append(try value())
                skip()
                comma = i < s.count && s[i] == ","
                if comma { i += 1; continue }
                guard i < s.count && s[i] == close else { throw fail("expected ',' or '\(close)', found \(peekDescription)") }
            }
        }

        /// One string literal appended to `out`; false (nothing consumed) when none starts here.
        mutating func string(into out: inout String) throws -> Bool {
            var j = i
            var raw = false
            while j < s.count, j - i < 2, "rRuUbBfF".unicodeScalars.contains(s[j]) {
                if "bBfF".unicodeScalars.contains(s[j]) {
                    i = j
                    throw fail(s[j] == "b" || s[j] == "B" ? "a bytes literal" : "an f-string")
                }
                raw = raw || s[j] == "r" || s[j] == "R"
                j += 1
            }
            guard j < s.count, s[j] == "'" || s[j] == "\"" else { return false }
            if j - i == 2 && !raw { throw fail("an unknown string prefix") }  // `ur''` is not Python 3
            let quote = s[j]
            let triple = j + 2 < s.count && s[j + 1] == quote && s[j + 2] == quote
            i = j + (triple ? 3 : 1)
            var v = String.UnicodeScalarView()
            while true {
                guard i < s.count else { throw fail("an unterminated string") }
                let c = s[i]
                if c == quote && (!triple || (i + 2 < s.count && s[i + 1] == quote && s[i + 2] == quote)) {
                    i += triple ? 3 : 1
                    out.unicodeScalars.append(contentsOf: v)
                    return true
                }
                if c == "\n" && !triple { throw fail("a line break inside a one-line string") }
                if c != "\\" { v.append(c); i += 1; continue }
                guard i + 1 < s.count else { throw fail("an unterminated string") }
                let e = s[i + 1]
                if raw {  // the backslash stays; it only keeps the next character from ending the string
                    v.append(c); v.append(e); i += 2; continue
                }
                i += 2
                switch e {
                case "\n": break
                case "\\", "'", "\"": v.append(e)
                case "a": v.append("\u{07}")
                case "b": v.append("\u{08}")
                case "f": v.append("\u{0C}")
                case "n": v.append("\n")
                case "r": v.append("\r")
                case "t": v.append("\t")
                case "v": v.append("\u{0B}")
                case "0"..."7":
                    var n = e.value - 0x30
                    var k = 1
                    while k < 3, i < s.count, ("0"..."7").contains(s[i]) { n = n * 8 + s[i].value - 0x30; i += 1; k += 1 }
                    v.append(try scalar(n))
                case "x": v.append(try scalar(hex(2, "\\x")))
                case "u": v.append(try scalar(hex(4, "\\u")))
                case "U": v.append(try scalar(hex(8, "\\U")))
                case "N": i -= 2; throw fail("a \\N{…} escape")
                default: v.append(c); v.append(e)  // Python keeps unknown escapes as they are
                }
            }
        }

        mutating func hex(_ digits: Int, _ name: String) throws -> UInt32 {
            guard i + digits <= s.count, let n = UInt32(String(String.UnicodeScalarView(s[i..<i + digits])), radix: 16),
                  s[i..<i + digits].allSatisfy({ $0.properties.isASCIIHexDigit }) else {
                throw fail("a truncated \(name) escape")
            }
            i += digits
            return n
        }

        func scalar(_ n: UInt32) throws -> Unicode.Scalar {
            guard let c = Unicode.Scalar(n) else {
                throw fail("code point U+\(String(n, radix: 16, uppercase: true)), which a Swift string cannot hold")
            }
            return c
        }
    }
}
