/// Whether Python's `json.loads(s)` (its C scanner, default `strict=True`) accepts a text: any JSON
/// value with `[ \t\n\r]` around it, plus `NaN`, `Infinity` and `-Infinity`; control characters
/// inside strings are refused, lone surrogate escapes are not. Only validates: nothing is built.
enum PythonJSON {
    static func loads(_ s: [Unicode.Scalar]) -> Bool {
        var p = Parser(s: s)
        p.skipSpace()
        guard p.value(depth: 0) else { return false }
        p.skipSpace()
        return p.i == s.count
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0

        mutating func skipSpace() {
            while i < s.count, s[i] == " " || s[i] == "\t" || s[i] == "\n" || s[i] == "\r" { i += 1 }
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.unicodeScalars)
            guard i + w.count <= s.count, Array(s[i..<i + w.count]) == w else { return false }
            i += w.count
            return true
        }

        func isDigit(_ k: Int) -> Bool { k < s.count && ("0"..."9").contains(s[k]) }

        /// Python's recursion limit ends very deep nesting with RecursionError, which the
        /// reference does not catch; we refuse it rather than recurse without bound.
        mutating func value(depth: Int) -> Bool {
            guard i < s.count, depth < 10_000 else { return false }
            switch s[i] {
            case "{":
                i += 1; skipSpace()
                if i < s.count, s[i] == "}" { i += 1; return true }
                while true {
                    guard i < s.count, s[i] == "\"", string() else { return false }
                    skipSpace()
                    guard i < s.count, s[i] == ":" else { return false }
                    i += 1; skipSpace()
                    guard value(depth: depth + 1) else { return false }
                    skipSpace()
                    guard i < s.count else { return false }
                    if s[i] == "}" { i += 1; return true }
                    guard s[i] == "," else { return false }
                    i += 1; skipSpace()
                }
            case "[":
                i += 1; skipSpace()
                if i < s.count, s[i] == "]" { i += 1; return true }
                while true {
                    guard value(depth: depth + 1) else { return false }
                    skipSpace()
                    guard i < s.count else { return false }
                    if s[i] == "]" { i += 1; return true }
                    guard s[i] == "," else { return false }
                    i += 1; skipSpace()
                }
            case "\"":
                return string()
            case "n": return literal("null")
            case "t": return literal("true")
            case "f": return literal("false")
            case "N": return literal("NaN")
            case "I": return literal("Infinity")
            case "-" where !isDigit(i + 1): return literal("-Infinity")
            default: return number()
            }
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`; what follows is the caller's business.
        mutating func number() -> Bool {
            if s[i] == "-" { i += 1 }
            guard isDigit(i) else { return false }
            if s[i] == "0" { i += 1 } else { while isDigit(i) { i += 1 } }
            if i < s.count, s[i] == ".", isDigit(i + 1) {
                i += 1
                while isDigit(i) { i += 1 }
            }
            if i < s.count, s[i] == "e" || s[i] == "E" {
                var j = i + 1
                if j < s.count, s[j] == "-" || s[j] == "+" { j += 1 }
                if isDigit(j) {
                    i = j
                    while isDigit(i) { i += 1 }
                }
            }
            return true
        }

        mutating func string() -> Bool {
            i += 1
            while i < s.count {
                let c = s[i]
                if c == "\"" { i += 1; return true }
                if c.value < 0x20 { return false }
                if c == "\\" {
                    guard i + 1 < s.count else { return false }
                    switch s[i + 1] {
                    case "\"", "\\", "/", "b", "f", "n", "r", "t": i += 2
                    case "u":
                        guard i + 6 <= s.count, s[(i + 2)..<(i + 6)].allSatisfy({ $0.properties.isASCIIHexDigit }) else { return false }
                        i += 6
                    default: return false
                    }
                } else { i += 1 }
            }
            return false
        }
    }
}
