import EvalCore

/// What a parser made of one model output: Python's `(reasoning, content)` pair, `nil` for `None`.
public struct ReasoningSplit: Equatable, Sendable {
    public var reasoning: String?
    public var content: String?

    public init(reasoning: String?, content: String?) {
        self.reasoning = reasoning
        self.content = content
    }

    /// The text the reference scores: a `None` content is replaced by the reasoning, or by "" when that
    /// is `None` too (lighteval's `replace_none_content_with_reasoning_content` and LiteLLMClient, docs/benchmarks.md, Null content).
    public var answer: String { content ?? reasoning ?? "" }
}

/// A reasoning parser, registered by the name records and `--parser` use.
public struct ReasoningParser: Sendable {
    public let name: String
    private let parse: @Sendable ([UInt8]) -> ReasoningSplit

    private init(_ name: String, _ parse: @escaping @Sendable ([UInt8]) -> ReasoningSplit) {
        self.name = name
        self.parse = parse
    }

    public func split(_ text: String) -> ReasoningSplit { parse(Array(text.utf8)) }

    /// `none`: a non-reasoning model, the raw text is the answer.
    public static let raw = ReasoningParser("none") { ReasoningSplit(reasoning: nil, content: string($0[...])) }

    /// lighteval's in-house `StringBasedMarkupReasoningParser`: `re.search(r"<think>(.*?)</think>(.*)", DOTALL)`.
    /// The leftmost match starts at the first `<think>` (if that one has no `</think>` after it, no later
    /// one has either) and the lazy group ends at the first `</think>` after it; no match → whole text.
    public static let deepseekR1Markup = ReasoningParser("deepseek_r1_markup") { b in
        guard let open = find(openTag, in: b, from: 0),
              let close = find(closeTag, in: b, from: open.upperBound)
        else { return ReasoningSplit(reasoning: nil, content: string(b[...])) }
        return ReasoningSplit(reasoning: string(b[open.upperBound..<close.lowerBound]),
                              content: nonEmpty(b[close.upperBound...]))
    }

    /// vLLM 0.9.1 `Qwen3ReasoningParser.extract_reasoning_content`: both tags anywhere, else the whole
    /// text is content; then partition at the first `<think>` and at the first `</think>` after it.
    public static let vllmQwen3 = ReasoningParser("vllm:qwen3") { b in
        guard let open = find(openTag, in: b, from: 0), find(closeTag, in: b, from: 0) != nil
        else { return ReasoningSplit(reasoning: nil, content: string(b[...])) }
        // `</think>` only before `<think>`: vLLM returns the text after `<think>`, not the whole text.
        guard let close = find(closeTag, in: b, from: open.upperBound)
        else { return ReasoningSplit(reasoning: nil, content: string(b[open.upperBound...])) }
        return ReasoningSplit(reasoning: string(b[open.upperBound..<close.lowerBound]),
                              content: nonEmpty(b[close.upperBound...]))
    }

    /// vLLM 0.9.1 `DeepSeekR1ReasoningParser.extract_reasoning_content`: drop up to the first `<think>`;
    /// without a `</think>` after it everything is reasoning (the chat template may inject `<think>`).
    public static let vllmDeepSeekR1 = ReasoningParser("vllm:deepseek_r1") { b in
        let start = find(openTag, in: b, from: 0)?.upperBound ?? 0
        guard let close = find(closeTag, in: b, from: start)
        else { return ReasoningSplit(reasoning: string(b[start...]), content: nil) }
        return ReasoningSplit(reasoning: string(b[start..<close.lowerBound]), content: nonEmpty(b[close.upperBound...]))
    }

    public static let all: [ReasoningParser] = [.deepseekR1Markup, .vllmQwen3, .vllmDeepSeekR1, .raw]

    public static func named(_ name: String) throws -> ReasoningParser {
        guard let p = all.first(where: { $0.name == name }) else {
            throw EvalError("unknown reasoning parser '\(name)'", hint: "known: " + all.map(\.name).joined(separator: ", "))
        }
        return p
    }

    /// Whether generation stopped with a think block still open: a `<think>` that no `</think>` follows,
    /// or a parser that took the whole text as reasoning because no `</think>` came.
    public static func reasoningUnclosed(_ text: String, _ split: ReasoningSplit) -> Bool {
        let b = Array(text.utf8)
        guard let close = find(closeTag, in: b, from: 0) else {
            return find(openTag, in: b, from: 0) != nil || (split.reasoning != nil && split.content == nil)
        }
        var lastClose = close
        while let next = find(closeTag, in: b, from: lastClose.upperBound) { lastClose = next }
        return find(openTag, in: b, from: lastClose.upperBound) != nil
    }

    // Tags are ASCII, so byte search in UTF-8 finds exactly the code-point matches Python's regex and
    // `str.partition` find; Swift's Character search would not (a combining mark after `>` merges with it).
    private static let openTag = Array("<think>".utf8)
    private static let closeTag = Array("</think>".utf8)

    private static func find(_ needle: [UInt8], in b: [UInt8], from: Int) -> Range<Int>? {
        guard b.count - from >= needle.count else { return nil }
        var i = from
        while i <= b.count - needle.count {
            if b[i] == needle[0] && b[i..<i + needle.count].elementsEqual(needle) { return i..<i + needle.count }
            i += 1
        }
        return nil
    }

    private static func string(_ b: ArraySlice<UInt8>) -> String { String(decoding: b, as: UTF8.self) }
    /// Python's `content or None`.
    private static func nonEmpty(_ b: ArraySlice<UInt8>) -> String? { b.isEmpty ? nil : string(b) }
}
