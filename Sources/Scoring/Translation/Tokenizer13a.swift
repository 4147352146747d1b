/// sacreBLEU 2.5.1's default tokenizer, `13a` (mteval-v13a), as BLEU applies it: the segment is
/// `rstrip()`ed, then the 13a replacements and regular expressions run in their order, then the
/// line is split on Python whitespace. Works on UTF-8 bytes: every rule looks at ASCII only, and a
/// rule's "any other character" matching the last byte of a multi-byte character inserts the same
/// spaces at the same place as matching the whole character does. A rule whose characters the
/// line lacks changes nothing and is skipped (Japanese text seldom has an ASCII `.`, `,` or `-`).
public enum Tokenizer13a {
    /// The tokens, as byte slices of one buffer.
    public static func tokens(_ segment: String) -> [ArraySlice<UInt8>] {
        let t = tokenized(segment)
        return t.tokens.map { t.line[$0] }
    }

    /// The tokenized line and where its tokens are in it.
    static func tokenized(_ segment: String) -> (line: [UInt8], tokens: [Range<Int>]) {
        var line = rstripped(segment)
        if line.contains(UInt8(ascii: "<")) { line = replace(line, "<skipped>", "") }
        if line.contains(0x0A) {
            line = replace(line, "-\n", "")
            line = replace(line, "\n", " ")
        }
        if line.contains(UInt8(ascii: "&")) {
            line = replace(line, "&quot;", "\"")
            line = replace(line, "&amp;", "&")
            line = replace(line, "&lt;", "<")
            line = replace(line, "&gt;", ">")
        }
        var s = surroundPunctuation(line)
        // `([^0-9])([\.,])` → `\1 \2 `, then `([\.,])([^0-9])` → ` \1 \2`, then `([0-9])(-)` → `\1 \2 `,
        // each a left-to-right scan of non-overlapping two-character matches.
        if s.contains(where: isPeriodOrComma) {
            s = pairs(s, first: { !isDigit($0) }, second: isPeriodOrComma, spaceFirst: false)
            s = pairs(s, first: isPeriodOrComma, second: { !isDigit($0) }, spaceFirst: true)
        }
        if s.contains(UInt8(ascii: "-")) {
            s = pairs(s, first: isDigit, second: { $0 == UInt8(ascii: "-") }, spaceFirst: false)
        }
        return (s, split(s))
    }

    private static let space = UInt8(ascii: " ")
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isPeriodOrComma(_ b: UInt8) -> Bool { b == 0x2E || b == 0x2C }

    /// `str.rstrip()` of the segment's UTF-8: whitespace of one, two or three bytes off the end
    /// (a lead byte or an ASCII byte always begins a character, so the suffix checks are exact).
    private static func rstripped(_ segment: String) -> [UInt8] {
        var segment = segment
        return segment.withUTF8 { s in
            var end = s.count
            while end > 0 {
                if end >= 1, pythonSpaceLength(s, end - 1) == 1 { end -= 1 }
                else if end >= 2, pythonSpaceLength(s, end - 2) == 2 { end -= 2 }
                else if end >= 3, pythonSpaceLength(s, end - 3) == 3 { end -= 3 }
                else { break }
            }
            return Array(s[0..<end])
        }
    }

    /// `str.replace`: left to right, non-overlapping.
    static func replace(_ s: [UInt8], _ old: String, _ new: String) -> [UInt8] {
        s.replacingAll(Array(old.utf8), with: Array(new.utf8))
    }

    /// `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 ` over ` line `: ASCII symbols (and the space itself)
    /// get a space on each side.
    private static func surroundPunctuation(_ line: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count * 2 + 6)
        out.append(contentsOf: [space, space, space])
        for b in line {
            switch b {
            case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F:
                out.append(space); out.append(b); out.append(space)
            default:
                out.append(b)
            }
        }
        out.append(contentsOf: [space, space, space])
        return out
    }

    /// One of the two-character rules: each match `xy` becomes `x y ` (or ` x y` with `spaceFirst`).
    @inline(__always)
    private static func pairs(_ s: [UInt8], first: (UInt8) -> Bool, second: (UInt8) -> Bool, spaceFirst: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count + s.count / 2)
        var i = 0
        while i < s.count {
            if i + 1 < s.count, first(s[i]), second(s[i + 1]) {
                if spaceFirst { out.append(space) }
                out.append(s[i]); out.append(space); out.append(s[i + 1])
                if !spaceFirst { out.append(space) }
                i += 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// `str.split()`: runs of Python whitespace (`str.isspace`, including the multi-byte ones) separate tokens.
    static func split(_ s: [UInt8]) -> [Range<Int>] {
        s.withUnsafeBufferPointer { s in
            var tokens: [Range<Int>] = []
            tokens.reserveCapacity(s.count / 4)
            var start: Int? = nil
            var i = 0
            while i < s.count {
                let w = pythonSpaceLength(s, i)
                if w > 0 {
                    if let st = start { tokens.append(st..<i); start = nil }
                    i += w
                } else {
                    if start == nil { start = i }
                    i += 1
                }
            }
            if let st = start { tokens.append(st..<s.count) }
            return tokens
        }
    }
}

/// The byte length of the Python whitespace character (`str.isspace`, also the `\s` of a `str`
/// regex) starting at `i` of valid UTF-8, or 0.
@inline(__always)
func pythonSpaceLength(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
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
