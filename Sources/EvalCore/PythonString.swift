import Foundation

/// Python's `str` whitespace and line rules, for code ported from the reference's Python.
extension String {
    /// Python `str.strip()`: removes leading and trailing `str.isspace()` characters.
    public var pythonStripped: String {
        let u = unicodeScalars
        guard let first = u.firstIndex(where: { !$0.isPythonSpace }) else { return "" }
        let last = u.lastIndex(where: { !$0.isPythonSpace })!
        return String(u[first...last])
    }

    /// Python `str.rstrip()`.
    public var pythonRStripped: String {
        let u = unicodeScalars
        guard let last = u.lastIndex(where: { !$0.isPythonSpace }) else { return "" }
        return String(u[...last])
    }

    /// NFKC as its definition composes it, NFC of NFKD (as Python's `unicodedata` does), with
    /// Foundation's Unicode data: Foundation's own one-step NFKC on Linux leaves half-width kana and
    /// their voiced marks apart (`ｶﾞﾟ` → `カ\u{3099}\u{309A}` where Python gives `ガ\u{309A}`), and
    /// jamo too. Text of only ASCII, kanji and the kana NFKC keeps is returned as it is: the two
    /// passes were a twentieth of nagisa's segmentation.
    public var nfkc: String {
        if unicodeScalars.allSatisfy(\.isNFKCStarter) { return self }
        return decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
    }

    /// Python `==` on `str`: code points, not Swift's canonical equivalence.
    public func pythonEquals(_ other: String) -> Bool {
        unicodeScalars.elementsEqual(other.unicodeScalars)
    }

    /// Python `str.splitlines()`: split at every line boundary (`\r\n` counts once), no trailing
    /// empty piece.
    public var pythonSplitLines: [String] {
        var lines: [String] = []
        var line = String.UnicodeScalarView()
        var previousCR = false
        for c in unicodeScalars {
            if previousCR && c == "\n" { previousCR = false; continue }
            previousCR = c == "\r"
            if c.isPythonLineBoundary { lines.append(String(line)); line = .init() } else { line.append(c) }
        }
        if !line.isEmpty { lines.append(String(line)) }
        return lines
    }
}

extension Unicode.Scalar {
    /// A code point NFKC keeps, of combining class 0, that no composition takes as its second
    /// part, so that a text of only these is its own NFKC: ASCII, the CJK unified ideographs, and
    /// the CJK symbols and kana but for U+3000, the combining marks (U+302A…302F, U+3099, U+309A),
    /// the compatibility forms 〶 〸 〹 〺 ゛ ゜, the digraphs ゟ ヿ and unassigned code points.
    var isNFKCStarter: Bool {
        switch value {
        case ..<0x80, 0x3400...0x4DBF, 0x4E00...0x9FFF: return true
        case 0x3001...0x3029, 0x3030...0x3035, 0x3037, 0x303B...0x303F, 0x3041...0x3096, 0x309D, 0x309E, 0x30A0...0x30FE: return true
        default: return false
        }
    }

    /// Python `str.isspace()`: bidi class WS, B or S, or category Zs.
    public var isPythonSpace: Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The line boundaries of Python's `str.splitlines()`.
    public var isPythonLineBoundary: Bool {
        switch value {
        case 0x0A...0x0D, 0x1C...0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }
}

extension Array where Element == UInt8 {
    /// Python's `bytes.replace(old, new)`: left to right, non-overlapping; `self` when `old` is
    /// absent (credential redaction, sacreBLEU's 13a rules).
    @inlinable public func replacingAll(_ old: [UInt8], with new: [UInt8]) -> [UInt8] {
        guard !old.isEmpty, count >= old.count, contains(old[0]) else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var i = 0
        while i < count {
            if self[i] == old[0], i + old.count <= count, self[i..<i + old.count].elementsEqual(old) {
                out += new
                i += old.count
            } else {
                out.append(self[i])
                i += 1
            }
        }
        return out
    }
}
