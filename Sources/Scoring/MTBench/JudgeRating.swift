import EvalCore

/// A judge's rating of one turn, as the reference's `process_judge_response_gpt` reads it: the
/// first `[[number]]`, else the first `[number]` (`\d` is any Unicode decimal digit, as in Python),
/// converted by `ast.literal_eval`. No match is the reference's -1; a match `literal_eval` rejects
/// (`[[08]]`, full-width digits) would abort the reference's run: here it is a failed rating that
/// keeps Python's error message.
public struct JudgeRating: Answer {
    public enum Outcome: Sendable, Equatable {
        /// `.int` or `.double`, as `literal_eval` returns it (`[[8]]` → 8, `[[10.]]` → 10.0).
        case rated(JSONValue)
        case noRating
        case error(String)
    }
    public let outcome: Outcome

    public init(_ judgement: String) { outcome = Self.parse(judgement) }

    /// The value the means use: the rating, or -1.
    public var score: JSONValue {
        if case .rated(let v) = outcome { return v }
        return .int(-1)
    }
    public var failed: Bool { if case .rated = outcome { return false } else { return true } }

    public var description: String {
        switch outcome {
        case .rated(let v): return JSON.encodeString(v)
        case .noRating: return "-1"
        case .error(let e): return e
        }
    }

    public func matches(_ prediction: any Answer) -> Bool { false }

    static func parse(_ text: String) -> Outcome {
        let s = Array(text.unicodeScalars)
        for open in [2, 1] {
            if let number = firstMatch(s, brackets: open) { return literalEval(number) }
        }
        return .noRating
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.properties.numericType == .decimal }

    /// The group of the first `\[{n}(\d+\.?\d*)\]{n}`: the digits, an optional dot and digits cannot
    /// match in more than one way, so each start is tried once.
    static func firstMatch(_ s: [Unicode.Scalar], brackets n: Int) -> [Unicode.Scalar]? {
        var start = 0
        while start + 2 * n < s.count {
            defer { start += 1 }
            guard (0..<n).allSatisfy({ s[start + $0] == "[" }) else { continue }
            var i = start + n
            let first = i
            while i < s.count, isDigit(s[i]) { i += 1 }
            guard i > first else { continue }
            if i < s.count, s[i] == "." {
                i += 1
                while i < s.count, isDigit(s[i]) { i += 1 }
            }
            guard i + n <= s.count, (0..<n).allSatisfy({ s[i + $0] == "]" }) else { continue }
            return Array(s[first..<i])
        }
        return nil
    }

    /// CPython 3.10's tokenizer on such a group (the Python the reference runs): ASCII digits
    /// only, no leading zeros in a non-zero integer.
    static func literalEval(_ s: [Unicode.Scalar]) -> Outcome {
        func syntax(_ what: String) -> Outcome { .error("SyntaxError: \(what) (<unknown>, line 1)") }
        func ascii(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
        let invalidDecimal = syntax("invalid decimal literal")
        guard ascii(s[0]) else {
            let hex = String(s[0].value, radix: 16, uppercase: true)
            return syntax("invalid character '\(Character(s[0]))' (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))")
        }
        var i = 0, leadingZeros = false
        if s[0] == "0" {
            while i < s.count, s[i] == "0" { i += 1 }
            if i < s.count, ascii(s[i]) {
                leadingZeros = true
                while i < s.count, ascii(s[i]) { i += 1 }
            }
        } else {
            while i < s.count, ascii(s[i]) { i += 1 }
        }
        if i < s.count, s[i] == "." {
            i += 1
            while i < s.count, ascii(s[i]) { i += 1 }
            guard i == s.count else { return invalidDecimal }
            return .rated(.double(Double(String(String.UnicodeScalarView(s)))!))
        }
        if leadingZeros { return syntax("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers") }
        guard i == s.count else { return invalidDecimal }
        let digits = String(String.UnicodeScalarView(s))
        // Python's ints have no bound; a rating past Int64 keeps its value as a double.
        return .rated(Int64(digits).map(JSONValue.int) ?? .double(Double(digits)!))
    }
}

/// MT-Bench's extractor: each turn's rating from the judgement `score` merged into the draw
/// (`turns[t].judge.content`). A draw with a turn the judge did not rate is `judge_failed`.
public struct JudgeRatingExtractor: Extractor {
    public static let name = "judge_rating"
    public static let languages = ["en", "ja"]
    public init(language: String) {}

    public func extract(_ text: String, target: JSONObject) throws -> [any Answer] { [JudgeRating(text)] }

    public func extract(response: JSONObject, answer: String, target: JSONObject) throws -> [any Answer] {
        guard let turns = response["turns"]?.array else {
            throw EvalError("missing", field: "responses.turns", hint: "score a judged MT-Bench run (render-prompts --judge, call-model)")
        }
        return try turns.indices.map { t in
            guard let judge = turns[t]["judge"]?.object else {
                throw EvalError("missing", field: "responses.turns[\(t)].judge", hint: "run the judge stage: render-prompts --judge | call-model")
            }
            switch judge["content"] {
            case .string(let s)?: return JudgeRating(s)
            case nil, .null?: return JudgeRating("")  // no text at all: no rating
            case let v?: throw EvalError("expected a string, found \(v.kindName)", field: "responses.turns[\(t)].judge.content")
            }
        }
    }

    public func status(of extracted: [any Answer]) -> Status {
        extracted.contains { ($0 as? JudgeRating)?.failed ?? true } ? .judgeFailed : .ok
    }
}
