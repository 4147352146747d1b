/// sacreBLEU 2.5.1's default tokenizer, `13a` (mteval-v13a), as BLEU applies it: the segment is
/// `rstrip()`ed, then the 13a replacements and regular expressions run in their order, then the
/// line is split on Python whitespace. Works on UTF-8 bytes: every rule looks at ASCII only, and a
/// rule's "any other character" matching the last byte of a multi-byte character inserts the same
/// spaces at the same place as matching the whole character does.
public enum Tokenizer13a {
    /// The tokens, as byte slices of one buffer.
    public static func tokens(_ segment: String) -> [ArraySlice<UInt8>] {
        var line = Array(segment.pythonRStripped.utf8)
        line = replace(line, "<skipped>", "")
        line = replace(line, "-\n", "")
        line = replace(line, "\n", " ")
        if line.contains(UInt8(ascii: "&")) {
            line = replace(line, "&quot;", "\"")
            line = replace(line, "&amp;", "&")
            line = replace(line, "&lt;", "<")
            line = replace(line, "&gt;", ">")
        }
        var s = [UInt8(ascii: " ")] + line + [UInt8(ascii: " ")]
        s = surroundPunctuation(s)
        // `([^0-9])([\.,])` → `\1 \2 `, then `([\.,])([^0-9])` → ` \1 \2`, then `([0-9])(-)` → `\1 \2 `,
        // each a left-to-right scan of non-overlapping two-character matches.
        s = pairs(s, first: { !isDigit($0) }, second: isPeriodOrComma) { [$0, space, $1, space] }
        s = pairs(s, first: isPeriodOrComma, second: { !isDigit($0) }) { [space, $0, space, $1] }
        s = pairs(s, first: isDigit, second: { $0 == UInt8(ascii: "-") }) { [$0, space, $1, space] }
        return split(s)
    }

    private static let space = UInt8(ascii: " ")
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isPeriodOrComma(_ b: UInt8) -> Bool { b == 0x2E || b == 0x2C }

    /// `str.replace`: left to right, non-overlapping.
    static func replace(_ s: [UInt8], _ old: String, _ new: String) -> [UInt8] {
        s.replacingAll(Array(old.utf8), with: Array(new.utf8))
    }

    /// `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 `: ASCII symbols (and the space itself) get a space on each side.
    private static func surroundPunctuation(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count * 2)
        for b in s {
            switch b {
            case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F:
                out.append(space); out.append(b); out.append(space)
            default:
                out.append(b)
            }
        }
        return out
    }

    private static func pairs(_ s: [UInt8], first: (UInt8) -> Bool, second: (UInt8) -> Bool,
                              _ replacement: (UInt8, UInt8) -> [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count + s.count / 2)
        var i = 0
        while i < s.count {
            if i + 1 < s.count, first(s[i]), second(s[i + 1]) {
                out += replacement(s[i], s[i + 1])
                i += 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// `str.split()`: runs of Python whitespace (`str.isspace`, including the multi-byte ones) separate tokens.
    static func split(_ s: [UInt8]) -> [ArraySlice<UInt8>] {
        var tokens: [ArraySlice<UInt8>] = []
        var start: Int? = nil
        var i = 0
        while i < s.count {
            let w = whitespaceLength(s, i)
            if w > 0 {
                if let st = start { tokens.append(s[st..<i]); start = nil }
                i += w
            } else {
                if start == nil { start = i }
                i += 1
            }
        }
        if let st = start { tokens.append(s[st..<s.count]) }
        return tokens
    }

    /// The byte length of the Python whitespace character starting at `i`, or 0.
    @inline(__always)
    private static func whitespaceLength(_ s: [UInt8], _ i: Int) -> Int {
        let b = s[i]
        switch b {
        case 0x09...0x0D, 0x1C...0x20: return 1
        case 0xC2:  // U+0085, U+00A0
            return i + 1 < s.count && (s[i + 1] == 0x85 || s[i + 1] == 0xA0) ? 2 : 0
        case 0xE1:  // U+1680
            return i + 2 < s.count && s[i + 1] == 0x9A && s[i + 2] == 0x80 ? 3 : 0
        case 0xE2:  // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
            guard i + 2 < s.count else { return 0 }
            let (b1, b2) = (s[i + 1], s[i + 2])
            if b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF) { return 3 }
            return b1 == 0x81 && b2 == 0x9F ? 3 : 0
        case 0xE3:  // U+3000
            return i + 2 < s.count && s[i + 1] == 0x80 && s[i + 2] == 0x80 ? 3 : 0
        default: return 0
        }
    }
}
