/// Python's notion of whitespace and string equality, shared by prompt builders and scoring.

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

    /// Python `==` on `str`: code points, not Swift's canonical equivalence.
    public func pythonEquals(_ other: String) -> Bool {
        unicodeScalars.elementsEqual(other.unicodeScalars)
    }
}

extension Unicode.Scalar {
    /// Python `str.isspace()`: bidi class WS, B or S, or category Zs.
    public var isPythonSpace: Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
