#if canImport(Glibc)
import Glibc
#endif

/// A strict RFC 8259 parser from UTF-8 bytes to `JSONValue`, written for speed on pipeline records
/// (Foundation's JSONDecoder was most of call-model's CPU time).
///
/// - Integers that fit Int64 become `.int`, larger ones `.bigInt` (their exact digits, as Python
///   keeps them), every other number `.double` (correctly rounded). A fraction or exponent too
///   large for a Double is an error, not infinity: JSON has no infinity to write back.
/// - Duplicate keys: the last one wins, as in Python's `json` (the reference's language).
/// - Rejected: invalid UTF-8, lone surrogate escapes, raw control characters in strings, trailing
///   commas, leading zeros, NaN/Infinity, anything after the value, nesting deeper than 512.
/// - `keeping`: of a top-level object only these members are built; the others are checked just
///   as strictly (same errors, same offsets) but skipped, for readers that look at a few fields
///   of large records.
public struct JSONParseError: Error, CustomStringConvertible, Equatable {
    public var message: String
    /// Byte offset from the start of the input where the problem was found.
    public var offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

struct JSONParser {
    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// The members of the objects being parsed, innermost last.
    private var members: [(key: String, value: JSONValue)] = []
    private let keeping: Set<String>?
    private static let maxDepth = 512

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, keeping: Set<String>? = nil) throws(JSONParseError) -> JSONValue {
        var p = JSONParser(b: bytes, keeping: keeping)
        p.skipSpace()
        let v = try p.value()
        p.skipSpace()
        if p.i < bytes.count { throw p.fail("unexpected data after the value") }
        return v
    }

    private init(b: UnsafeBufferPointer<UInt8>, keeping: Set<String>?) { self.b = b; self.keeping = keeping }

    private func fail(_ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(message: message, offset: offset ?? i)
    }

    private mutating func skipSpace() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    /// The value at `i`; with `build` false it is only checked (and `.null` returned).
    private mutating func value(build: Bool = true) throws(JSONParseError) -> JSONValue {
        guard i < b.count else { throw fail("unexpected end of input") }
        switch b[i] {
        case UInt8(ascii: "\""): return .string(try string(build: build))
        case UInt8(ascii: "{"): return try object(build: build)
        case UInt8(ascii: "["): return try array(build: build)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected character '\(Self.show(b[i]))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard b.count - i >= n, memcmp(b.baseAddress! + i, word.utf8Start, n) == 0 else {
            throw fail("unexpected character '\(Self.show(b[i]))'")
        }
        i += n
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("nesting deeper than \(Self.maxDepth)") }
    }

    private mutating func object(build: Bool) throws(JSONParseError) -> JSONValue {
        try enter()
        let filter = build && depth == 1 ? keeping : nil
        i += 1
        skipSpace()
        if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return build ? .object(JSONObject()) : .null }
        // Members are gathered first so that the dictionary is made at its size: growing it would
        // hash every key again at each resize.
        let base = members.count
        while true {
            guard i < b.count else { throw fail("unexpected end of input in an object") }
            guard b[i] == UInt8(ascii: "\"") else {
                throw fail(b[i] == UInt8(ascii: "}") ? "trailing comma in an object" : "expected a string key")
            }
            let key = try string(build: build)
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
            i += 1
            skipSpace()
            let keep = build && (filter?.contains(key) ?? true)
            let v = try value(build: keep)
            if keep { members.append((key, v)) }
            skipSpace()
            guard i < b.count else { throw fail("unexpected end of input in an object") }
            switch b[i] {
            case UInt8(ascii: ","): i += 1; skipSpace()
            case UInt8(ascii: "}"):
                i += 1
                depth -= 1
                guard build else { return .null }
                var o = JSONObject(minimumCapacity: members.count - base)
                for k in base..<members.count { o[members[k].key] = members[k].value }
                members.removeSubrange(base...)
                return .object(o)
            default: throw fail("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(build: Bool) throws(JSONParseError) -> JSONValue {
        try enter()
        i += 1
        var a: [JSONValue] = []
        skipSpace()
        if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return build ? .array(a) : .null }
        while true {
            guard i < b.count else { throw fail("unexpected end of input in an array") }
            if b[i] == UInt8(ascii: "]") { throw fail("trailing comma in an array") }
            let v = try value(build: build)
            if build { a.append(v) }
            skipSpace()
            guard i < b.count else { throw fail("unexpected end of input in an array") }
            switch b[i] {
            case UInt8(ascii: ","): i += 1; skipSpace()
            case UInt8(ascii: "]"): i += 1; depth -= 1; return build ? .array(a) : .null
            default: throw fail("expected ',' or ']' in an array")
            }
        }
    }

    // MARK: strings

    /// Scans to the closing quote; a run without escapes becomes a String in one validating copy.
    /// Each run between escapes is checked as UTF-8 on its own: an escape is ASCII or a whole
    /// character, so no valid string is split by one, and `build` false checks the same bytes.
    private mutating func string(build: Bool = true) throws(JSONParseError) -> String {
        let start = i
        i += 1
        let j = jsonPlainRunEnd(b.baseAddress!, from: i, to: b.count)
        guard j < b.count else { throw fail("unterminated string", at: start) }
        switch b[j] {
        case UInt8(ascii: "\""):
            let run = try validRun(to: j, start: start)
            i = j + 1
            // Not `String(validating:as:)`: it is not specialized for us, and its generic metadata
            // lookups per string cost more than validating and copying a record's keys and values.
            return build ? String(decoding: run, as: UTF8.self) : ""
        case UInt8(ascii: "\\"): return try escapedString(from: j, start: start, build: build)
        default: throw fail("raw control character U+00\(Self.hex2(b[j])) in a string (escape it)", at: j)
        }
    }

    /// The bytes from `i` up to `end`, checked as UTF-8 (an error names the string's `start`).
    private func validRun(to end: Int, start: Int) throws(JSONParseError) -> UnsafeBufferPointer<UInt8> {
        let run = UnsafeBufferPointer(rebasing: b[i..<end])
        guard isValidUTF8(run) else { throw fail("invalid UTF-8 in a string", at: start) }
        return run
    }

    /// The slow path: copies the unescaped bytes so far, then decodes escape by escape.
    private mutating func escapedString(from first: Int, start: Int, build: Bool) throws(JSONParseError) -> String {
        var out: [UInt8] = []
        if build { out.reserveCapacity(first - i + 32) }
        let head = try validRun(to: first, start: start)
        if build { out.append(contentsOf: head) }
        i = first
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i + 1 < b.count else { throw fail("unterminated string", at: start) }
                let e = b[i + 1]
                i += 2
                let byte: UInt8
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte = e
                case UInt8(ascii: "b"): byte = 0x08
                case UInt8(ascii: "f"): byte = 0x0C
                case UInt8(ascii: "n"): byte = 0x0A
                case UInt8(ascii: "r"): byte = 0x0D
                case UInt8(ascii: "t"): byte = 0x09
                case UInt8(ascii: "u"):
                    let u = try unicodeEscape()
                    if build { Self.appendUTF8(u, to: &out) }
                    continue
                default: throw fail("invalid escape '\\\(Self.show(e))'", at: i - 2)
                }
                if build { out.append(byte) }
            default:
                if c < 0x20 { throw fail("raw control character U+00\(Self.hex2(c)) in a string (escape it)") }
                let end = jsonPlainRunEnd(b.baseAddress!, from: i, to: b.count)
                let run = try validRun(to: end, start: start)
                if build { out.append(contentsOf: run) }
                i = end
            }
        }
        throw fail("unterminated string", at: start)
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` low one that must follow.
    private mutating func unicodeEscape() throws(JSONParseError) -> UInt32 {
        let at = i - 2
        let u = try hex4()
        switch u {
        case 0xD800...0xDBFF:
            guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                throw fail("lone surrogate \\u\(String(u, radix: 16)) (a high surrogate needs a low one after it)", at: at)
            }
            i += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw fail("lone surrogate \\u\(String(u, radix: 16)) (a high surrogate needs a low one after it)", at: at)
            }
            return 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            throw fail("lone surrogate \\u\(String(u, radix: 16)) (a low surrogate without a high one)", at: at)
        default:
            return u
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard b.count - i >= 4 else { throw fail("expected four hex digits after \\u") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = b[i + k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw fail("expected four hex digits after \\u", at: i + k)
            }
            v = v << 4 | UInt32(d)
        }
        i += 4
        return v
    }

    private static func appendUTF8(_ u: UInt32, to out: inout [UInt8]) {
        switch u {
        case ..<0x80: out.append(UInt8(u))
        case ..<0x800: out.append(UInt8(0xC0 | u >> 6)); out.append(UInt8(0x80 | u & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | u >> 12)); out.append(UInt8(0x80 | u >> 6 & 0x3F)); out.append(UInt8(0x80 | u & 0x3F))
        default:
            out.append(UInt8(0xF0 | u >> 18)); out.append(UInt8(0x80 | u >> 12 & 0x3F))
            out.append(UInt8(0x80 | u >> 6 & 0x3F)); out.append(UInt8(0x80 | u & 0x3F))
        }
    }

    // MARK: numbers

    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = i
        let negative = b[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < b.count, Self.isDigit(b[i]) else {
            throw fail(i < b.count && b[i] == UInt8(ascii: "I") ? "Infinity is not JSON" : "expected a digit", at: i)
        }
        // Accumulated negatively so that -2^63 fits; nil once it no longer fits Int64.
        var acc: Int64? = 0
        if b[i] == UInt8(ascii: "0") {
            i += 1
            if i < b.count && Self.isDigit(b[i]) { throw fail("leading zero in a number", at: i - 1) }
        } else {
            while i < b.count && Self.isDigit(b[i]) {
                if let a = acc {
                    let (m, o1) = a.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.subtractingReportingOverflow(Int64(b[i] - UInt8(ascii: "0")))
                    acc = o1 || o2 ? nil : s
                }
                i += 1
            }
        }
        var integral = true
        if i < b.count && b[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard i < b.count, Self.isDigit(b[i]) else { throw fail("expected a digit after '.'") }
            while i < b.count && Self.isDigit(b[i]) { i += 1 }
        }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            integral = false
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < b.count, Self.isDigit(b[i]) else { throw fail("expected a digit in the exponent") }
            while i < b.count && Self.isDigit(b[i]) { i += 1 }
        }
        if integral, let a = acc {
            if negative { return .int(a) }
            if a != .min { return .int(-a) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        if integral { return .bigInt(text) }
        guard let d = Double(text), d.isFinite else { throw fail("number out of range", at: start) }
        return .double(d)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    private static func hex2(_ c: UInt8) -> String { c < 16 ? "0" + String(c, radix: 16, uppercase: true) : String(c, radix: 16, uppercase: true) }

    /// A byte for an error message: printable ASCII as is, anything else as hex.
    private static func show(_ c: UInt8) -> String {
        (0x21..<0x7F).contains(c) ? String(UnicodeScalar(c)) : "0x" + hex2(c)
    }
}

/// Where the next byte that a JSON string must escape (`"`, `\`, a control character) is, from
/// `start` up to `end`. Eight bytes at a time: text is long (responses of kilobytes) and plain.
func jsonPlainRunEnd(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    var k = start
    while end - k >= 8 {
        let x = UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self)
        let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
        // A byte below 0x20, or equal to '"' or '\' (a zero byte after the xor), sets its high bit;
        // only bytes after a real hit can be false positives, and they are rescanned one by one.
        let hit = ((x &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~x & highs
        if hit != 0 { break }
        k += 8
    }
    while k < end {
        let c = p[k]
        if c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { return k }
        k += 1
    }
    return end
}

/// Whether `bytes` are well-formed UTF-8 (Unicode's table 3-7: no overlong forms, no encoded
/// surrogates, nothing above U+10FFFF), as `String(validating:as:)` decides. ASCII runs are
/// skipped eight bytes at a time.
func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let p = bytes.baseAddress else { return true }
    let n = bytes.count
    var i = 0
    while i < n {
        let c = p[i]
        @inline(__always) func continuation(_ k: Int) -> Bool { p[i + k] & 0xC0 == 0x80 }
        switch c {
        case ..<0x80:
            // Only an ASCII byte starts the eight-byte skip (Japanese text would fail it each character).
            i += 1
            while n - i >= 8, UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
        case 0xE1...0xEC, 0xEE, 0xEF:  // most of Japanese text
            guard n - i >= 3, continuation(1), continuation(2) else { return false }
            i += 3
        case 0xC2...0xDF:
            guard n - i >= 2, continuation(1) else { return false }
            i += 2
        case 0xE0, 0xED:
            // E0 needs A0…BF next (no overlong forms), ED 80…9F (no surrogates).
            let low: UInt8 = c == 0xE0 ? 0xA0 : 0x80, high: UInt8 = c == 0xE0 ? 0xBF : 0x9F
            guard n - i >= 3, (low...high).contains(p[i + 1]), continuation(2) else { return false }
            i += 3
        case 0xF0...0xF4:
            // F0 needs 90…BF next (no overlong forms), F4 80…8F (nothing above U+10FFFF).
            let low: UInt8 = c == 0xF0 ? 0x90 : 0x80, high: UInt8 = c == 0xF4 ? 0x8F : 0xBF
            guard n - i >= 4, (low...high).contains(p[i + 1]), continuation(2), continuation(3) else { return false }
            i += 4
        default:  // a continuation byte first, C0/C1 (overlong), F5…FF
            return false
        }
    }
    return true
}
