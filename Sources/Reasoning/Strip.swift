import EvalCore

/// strip-reasoning's record transform: the answer each draw is scored on, its reasoning, and a status
/// that records truncation without changing what gets scored.
public enum ReasoningStripper {
    /// Sets `answer`, `reasoning` and `status` on every response and the record's `status` (the worst of
    /// them). A record's `reasoning_parser` overrides `parser`; an `api_error` record is left as it is.
    public static func strip(_ record: inout JSONObject, parser: ReasoningParser) throws {
        if record["status"]?.string == Status.apiError.rawValue { return }
        var parser = parser
        if let name = record["reasoning_parser"] {
            guard let s = name.string else { throw EvalError("expected a string, found \(name.kindName)", field: "reasoning_parser") }
            do { parser = try ReasoningParser.named(s) } catch var e as EvalError { e.field = "reasoning_parser"; throw e }
        }
        guard let value = record["responses"] else {
            throw EvalError("missing", field: "responses", hint: "run call-model first")
        }
        guard case .array(var responses) = value else {
            throw EvalError("expected an array, found \(value.kindName)", field: "responses")
        }
        // Multi-turn tasks cut each turn's answer after reasoning removal, as the reference's model layer does.
        var maxChars: Int?
        if let m = record["conversation"]?["max_chars"], !m.isNull {
            guard let i = m.int, i > 0 else { throw EvalError("expected a positive integer", field: "conversation.max_chars") }
            maxChars = i
        }
        var statuses: [Status] = []
        for i in responses.indices {
            guard case .object(var r) = responses[i] else {
                throw EvalError("expected an object, found \(responses[i].kindName)", field: "responses[\(i)]")
            }
            statuses.append(try strip(response: &r, index: i, parser: parser, maxChars: maxChars))
            // A multi-turn draw's earlier turns are judged too: each gets its own answer.
            if case .array(var turns)? = r["turns"] {
                for t in turns.indices {
                    guard case .object(var turn) = turns[t] else {
                        throw EvalError("expected an object, found \(turns[t].kindName)", field: "responses[\(i)].turns[\(t)]")
                    }
                    _ = try strip(response: &turn, index: i, parser: parser, maxChars: maxChars)
                    turns[t] = .object(turn)
                }
                r["turns"] = .array(turns)
            }
            responses[i] = .object(r)
        }
        record["responses"] = .array(responses)
        record["status"] = .string(Status.worst(statuses).rawValue)
    }

    /// One draw: `{content, reasoning_content, finish_reason}` in, `answer`, `reasoning`, `status` added.
    static func strip(response r: inout JSONObject, index i: Int, parser: ReasoningParser, maxChars: Int? = nil) throws -> Status {
        let content = try optionalString(r, "content", i)
        let serverReasoning = try optionalString(r, "reasoning_content", i)
        let cut = try optionalString(r, "finish_reason", i) == "length"
        let split: ReasoningSplit
        let unclosed: Bool
        if let serverReasoning, !serverReasoning.isEmpty {
            // The server's parser already split it; the reference runs no parser of its own on top
            // (it would raise on a null content), it only substitutes a null content (§7.5 step 2).
            split = ReasoningSplit(reasoning: serverReasoning, content: content)
            unclosed = content == nil
        } else {
            let text = content ?? ""
            split = parser.split(text)
            unclosed = ReasoningParser.reasoningUnclosed(text, split)
        }
        r["answer"] = .string(maxChars.map { prefix(split.answer, $0) } ?? split.answer)
        if let reasoning = split.reasoning, !reasoning.isEmpty { r["reasoning"] = .string(reasoning) } else { r["reasoning"] = nil }
        let status: Status = !cut ? .ok : unclosed ? .truncatedInReasoning : .truncatedInAnswer
        r["status"] = .string(status.rawValue)
        return status
    }

    /// The first `n` code points (Python's `text[:n]`).
    static func prefix(_ text: String, _ n: Int) -> String {
        guard text.unicodeScalars.count > n else { return text }
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: text.unicodeScalars.prefix(n))
        return String(cut)
    }

    private static func optionalString(_ r: JSONObject, _ key: String, _ i: Int) throws -> String? {
        switch r[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let v?: throw EvalError("expected a string or null, found \(v.kindName)", field: "responses[\(i)].\(key)")
        }
    }
}
