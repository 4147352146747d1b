import EvalCore
import Foundation
import HTTP

/// Exponential backoff with jitter. Transport errors, 408/409/425/429 and 5xx are retried; other
/// 4xx (a prompt too long for the context) fail the same way every time and are not.
public struct RetryPolicy: Sendable {
    /// HTTP requests per draw chunk, the first included.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Longest `Retry-After` honoured; a server asking for more gets retried after this.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 1, maxDelay: Double = 60, maxRetryAfter: Double = 600) {
        self.maxAttempts = maxAttempts; self.baseDelay = baseDelay; self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Wait after failed attempt `attempt` (1-based).
    func delay(after attempt: Int, retryAfter: Double?) -> Double {
        let backoff = min(maxDelay, baseDelay * pow(2, Double(attempt - 1))) * Double.random(in: 0.5...1)
        return max(backoff, min(retryAfter ?? 0, maxRetryAfter))
    }

    static func isRetryable(status: Int) -> Bool { [408, 409, 425, 429].contains(status) || status >= 500 }
}

/// What one input record or one server reply may make call-model hold: past these, the record is
/// an error naming the flag that raises the cap, instead of gigabytes of memory.
public struct Limits: Sendable {
    /// Bytes of one response body (an endless 200 body is cut off here; OpenAI's largest replies
    /// are a few MB).
    public var responseBytes: Int
    /// Draws (`generation.n`) one record may ask for.
    public var draws: Int

    public static let defaultResponseBytes = 64 << 20
    public static let defaultDraws = 1024

    public init(responseBytes: Int = Limits.defaultResponseBytes, draws: Int = Limits.defaultDraws) {
        self.responseBytes = responseBytes; self.draws = draws
    }
}

/// Counters shared by every request of a run, read by the progress line and the summary.
public final class CallStats: @unchecked Sendable {
    public struct Snapshot: Sendable {
        public var requests = 0, retries = 0, inFlight = 0, throttled = 0
        public var promptTokens = 0, completionTokens = 0
        public var recordsRead = 0, recordsOK = 0, recordsFailed = 0, recordsSkipped = 0
        /// Records in the input files, once counted (nil while counting, or for stdin).
        public var recordsTotal: Int?
    }
    private let lock = NSLock()
    private var s = Snapshot()

    public init() {}
    public var snapshot: Snapshot { lock.withLock { s } }
    public func update(_ f: (inout Snapshot) -> Void) { lock.withLock { f(&s) } }
}

/// A record checked and ready to send.
public struct ChatCall: Sendable {
    public var record: JSONObject
    public var messages: [JSONValue]
    /// `messages` as JSON, encoded once for the cache key and every request.
    var messagesJSON: Data
    public var generation: GenerationSpec
    /// `generation` keys sent as they are (`Endpoint.passThroughKeys`), over the client's `--extra-body`.
    public var extras: JSONObject
    /// Later user turns: each draw is a conversation that sends them one by one.
    public var followups: [String]
    /// A record's `conversation` (multi-turn): `context` `first_draw` runs every turn once for all
    /// draws, each continuing from draw 0's previous answer (the reference's MT-Bench); `max_chars`
    /// cuts the answer that joins the context.
    public var sharedContext: Bool
    public var maxContextChars: Int?
    public var cacheKey: String

    public var draws: Int { generation.n ?? 1 }
}

/// Chat completions for records: splits draws into requests, runs conversations turn by turn,
/// retries, merges, and writes `responses`, `call` and `status` (docs/design.md).
public final class ChatClient: Sendable {
    public let endpoint: Endpoint
    public let stats: CallStats
    let engine: CurlEngine
    let retry: RetryPolicy
    let timeout: Double
    let maxN: Int?
    let extraBody: JSONObject
    let limits: Limits
    let gate: RequestGate
    /// Every error text a server sends back passes through it before it reaches `call.error`.
    let redactor: Redactor
    /// The key we send, out of every record written: a server may echo it into an answer too.
    public let outputRedactor: Redactor

    /// `maxN`: most draws asked of the server in one request (OpenAI caps `n` at 8 for many models).
    /// `concurrency`: most HTTP requests in flight. `extraBody`: keys added to every request (vLLM's
    /// `top_k`, `chat_template_kwargs`, …); a record's own pass-through keys win.
    public init(endpoint: Endpoint, engine: CurlEngine, retry: RetryPolicy = RetryPolicy(), timeout: Double = 6000,
                maxN: Int? = nil, concurrency: Int = 64, extraBody: JSONObject = [:], limits: Limits = Limits(),
                stats: CallStats = CallStats(), environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.endpoint = endpoint; self.engine = engine; self.retry = retry; self.timeout = timeout
        self.maxN = endpoint.maxN(user: maxN); self.extraBody = extraBody; self.limits = limits; self.stats = stats
        gate = RequestGate(maximum: concurrency)
        let key = endpoint.apiKey.map { [$0] } ?? []
        redactor = Redactor(secrets: key + Redactor.configuredSecrets([environment, DotEnv.load()]))
        outputRedactor = Redactor(secrets: key)
    }

    /// The cap on requests in flight now (below `concurrency` while the server says 429).
    public var concurrencyLimit: Int { gate.currentLimit }

    /// Checks the keys this stage reads; errors name the field.
    public func prepare(_ record: JSONObject) throws -> ChatCall {
        guard let messages = record["messages"] else {
            throw EvalError("missing", field: "messages", hint: "run render-prompts first")
        }
        guard let list = messages.array, !list.isEmpty,
              list.allSatisfy({ $0["role"]?.string != nil && $0["content"] != nil }) else {
            throw EvalError("expected a non-empty list of {role, content}", field: "messages")
        }
        var generation = GenerationSpec(), extras = extraBody
        if let g = record["generation"], !g.isNull {
            guard var typed = g.object else { throw EvalError("expected an object", field: "generation") }
            for key in Endpoint.passThroughKeys { if let v = typed.removeValue(forKey: key) { extras[key] = v } }
            generation = try GenerationSpec(json: typed)
        }
        if let n = generation.n, n < 1 { throw EvalError("must be at least 1", field: "generation.n") }
        if let n = generation.n, n > limits.draws {
            throw EvalError("\(n) draws is more than the \(limits.draws) one record may ask for", field: "generation.n",
                            hint: "--max-draws raises the cap")
        }
        // Split draws send seed + the draw index (see `fill`): that must stay a 64-bit integer.
        if let seed = generation.seed, let n = generation.n, n > 1, seed.addingReportingOverflow(n - 1).overflow {
            throw EvalError("\(seed) + \(n - 1) (seed + the last draw's index) does not fit 64 bits", field: "generation.seed",
                            hint: "use a seed at most \(Int.max - (n - 1))")
        }
        var followups: [String] = []
        if let f = record["followups"], !f.isNull {
            guard let l = f.array?.compactMap(\.string), l.count == f.array?.count else {
                throw EvalError("expected a list of strings (the later user turns)", field: "followups")
            }
            followups = l
        }
        var shared = false, maxChars: Int?
        let conversation = record["conversation"].flatMap { $0.isNull ? nil : $0 }
        if let conv = conversation {
            guard let o = conv.object, let context = o["context"]?.string, ["first_draw", "own_draw"].contains(context) else {
                throw EvalError("expected {\"context\": \"first_draw\" or \"own_draw\", \"max_chars\"?}", field: "conversation")
            }
            if let m = o["max_chars"], !m.isNull {
                guard let i = m.int, i > 0 else { throw EvalError("expected a positive integer", field: "conversation.max_chars") }
                maxChars = i
            }
            shared = context == "first_draw" && !followups.isEmpty
        }
        let encoded = JSON.encode(messages)
        let key = Self.cacheKey(model: endpoint.model, messagesJSON: encoded, generation: generation, extras: extras,
                                followups: followups, conversation: conversation)
        return ChatCall(record: record, messages: list, messagesJSON: encoded, generation: generation, extras: extras,
                        followups: followups, sharedContext: shared, maxContextChars: maxChars, cacheKey: key)
    }

    /// SHA-256 of the sorted-key JSON `{followups?, generation, messages, model}`: what determines the
    /// answer, so changed settings never reuse a response. Pass-through keys join `generation`;
    /// followups (and a multi-turn `conversation`) are left out when there are none, so plain
    /// single-turn keys stay what they were. Hashed piece by piece so the (long) messages are
    /// encoded once per record.
    static func cacheKey(model: String, messagesJSON: Data, generation: GenerationSpec, extras: JSONObject, followups: [String],
                         conversation: JSONValue?) -> String {
        var g = generation.json
        g.merge(extras) { typed, _ in typed }
        var h = SHA256()
        h.update("{")
        if let conversation { h.update(#""conversation":"#); h.update(JSON.encode(conversation)); h.update(",") }
        if !followups.isEmpty { h.update(#""followups":"#); h.update(JSON.encode(followups)); h.update(",") }
        h.update(#""generation":"#); h.update(JSON.encode(JSONValue.object(g)))
        h.update(#","messages":"#); h.update(messagesJSON)
        h.update(#","model":"#); h.update(JSON.encode(model)); h.update("}")
        return h.hexDigest()
    }

    /// Draws `[start, start+count)` per request: one request for all `n`, or chunks of `maxN`.
    static func chunks(n: Int, maxN: Int?) -> [Range<Int>] {
        let size = max(1, min(n, maxN ?? n))
        return stride(from: 0, to: n, by: size).map { $0..<min(n, $0 + size) }
    }

    /// Requests of a record that run at once: its chunks, or one conversation per draw.
    public func parallelRequests(_ call: ChatCall) -> Int {
        call.followups.isEmpty || call.sharedContext ? Self.chunks(n: call.draws, maxN: maxN).count : call.draws
    }

    /// The output record. Chunks (or conversations) run in parallel and merge in draw order; any that
    /// finally fails makes the record `api_error` with no `responses`: never a short or empty list.
    public func complete(_ call: ChatCall) async -> JSONObject {
        let started = Date()
        let ranges = call.followups.isEmpty || call.sharedContext ? Self.chunks(n: call.draws, maxN: maxN) : (0..<call.draws).map { $0..<$0 + 1 }
        let results = call.sharedContext ? [await converseShared(call)] : await withTaskGroup(of: (Int, Chunk).self) { group in
            for (i, r) in ranges.enumerated() {
                group.addTask { (i, call.followups.isEmpty ? await self.fill(call, draws: r) : await self.converse(call, draw: r.lowerBound)) }
            }
            var out = [Chunk?](repeating: nil, count: ranges.count)
            for await (i, c) in group { out[i] = c }
            return out.map { $0! }
        }
        var usage = Usage()
        for c in results { usage.add(c.usage) }
        var callInfo: JSONObject = [
            "model": .string(endpoint.model), "provider": .string(endpoint.provider),
            "attempts": JSONValue(results.reduce(0) { $0 + $1.attempts }),
            "latency_s": JSONValue((Date().timeIntervalSince(started) * 1000).rounded() / 1000),
            "cache_key": .string(call.cacheKey), "usage": usage.json,
        ]
        var out = call.record
        if let error = results.lazy.compactMap(\.error).first {
            callInfo["error"] = .string(error)
            out["responses"] = nil
            out["status"] = .string(Status.apiError.rawValue)
        } else {
            out["responses"] = .array(results.flatMap(\.responses))
            out["status"] = .string(Status.ok.rawValue)
        }
        out["call"] = .object(callInfo)
        stats.update { if out["status"] == "ok" { $0.recordsOK += 1 } else { $0.recordsFailed += 1 } }
        return out
    }

    private struct Chunk: Sendable {
        var responses: [JSONValue] = []
        var usage = Usage()
        var attempts = 0
        var error: String?
    }

    /// Requests until the range is filled: servers may return fewer choices than `n`
    /// (llama-cpp-python returns one), so the rest is asked for again.
    private func fill(_ call: ChatCall, draws: Range<Int>) async -> Chunk {
        var c = Chunk()
        while c.responses.count < draws.count {
            let first = draws.lowerBound + c.responses.count
            // A seed offset by the draw index keeps top-ups and chunks from repeating the same draws.
            let body = endpoint.requestBody(messagesJSON: call.messagesJSON, generation: call.generation, extras: call.extras,
                                            n: draws.count - c.responses.count, seedOffset: first)
            switch await send(body, attempts: &c.attempts) {
            case .failure(let e):
                c.error = e.message
                return c
            case .success(let r):
                c.usage.add(r.usage)
                let take = r.choices.prefix(draws.count - c.responses.count)
                c.responses += take.map { choice in
                    var o = choice
                    // Usage is per request; it belongs to a draw only when the request made one.
                    if r.choices.count == 1, let u = r.usage { o["usage"] = u.json }
                    return .object(o)
                }
            }
        }
        return c
    }

    /// One draw of a multi-turn record: each turn's answer joins the conversation before the next
    /// user turn. The response is the last turn's, with every turn in `turns`.
    private func converse(_ call: ChatCall, draw: Int) async -> Chunk {
        var c = Chunk(), messages = call.messages, turns: [JSONValue] = []
        for turn in 0...call.followups.count {
            if turn > 0 { messages.append(["role": "user", "content": .string(call.followups[turn - 1])]) }
            let body = endpoint.requestBody(messagesJSON: JSON.encode(messages), generation: call.generation,
                                            extras: call.extras, n: 1, seedOffset: draw)
            switch await send(body, attempts: &c.attempts) {
            case .failure(let e):
                c.error = "turn \(turn + 1): " + e.message
                return c
            case .success(let r):
                c.usage.add(r.usage)
                var o = r.choices[0]
                if let u = r.usage { o["usage"] = u.json }
                turns.append(.object(o))
                messages.append(["role": "assistant", "content": .string(Self.said(o, maxChars: call.maxContextChars))])
            }
        }
        var last = turns.last?.object ?? [:]
        last["usage"] = c.usage.json
        last["turns"] = .array(turns)
        c.responses = [.object(last)]
        return c
    }

    /// What a turn adds to the context. As the reference: a turn without content continues with
    /// its reasoning, else ""; cut to the first `maxChars` code points.
    static func said(_ o: JSONObject, maxChars: Int?) -> String {
        let text = o["content"]?.string ?? o["reasoning_content"]?.string ?? ""
        guard let maxChars, text.unicodeScalars.count > maxChars else { return text }
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: text.unicodeScalars.prefix(maxChars))
        return String(cut)
    }

    /// All draws of a multi-turn record, the reference's way: each turn is one request for every
    /// draw (at temperature 0 one answer, copied to every draw), and the next turn continues from
    /// draw 0's answer. Draw i's response is its last turn's, with every turn in `turns`.
    private func converseShared(_ call: ChatCall) async -> Chunk {
        var c = Chunk(), messages = call.messages, turns: [[JSONValue]] = []
        let copies = call.generation.temperature == 0 ? call.draws : 1
        for turn in 0...call.followups.count {
            if turn > 0 {
                messages.append(["role": "assistant", "content": .string(Self.said(turns[turn - 1][0].object ?? [:], maxChars: call.maxContextChars))])
                messages.append(["role": "user", "content": .string(call.followups[turn - 1])])
            }
            var step = call
            step.messagesJSON = JSON.encode(messages)
            step.generation.n = call.draws / copies
            var got = Chunk()
            for r in Self.chunks(n: call.draws / copies, maxN: maxN) {
                let part = await fill(step, draws: r)
                got.responses += part.responses; got.usage.add(part.usage); got.attempts += part.attempts
                if let e = part.error { got.error = e; break }
            }
            c.usage.add(got.usage); c.attempts += got.attempts
            if let e = got.error {
                c.error = "turn \(turn + 1): " + e
                return c
            }
            turns.append(got.responses.flatMap { Array(repeating: $0, count: copies) })
        }
        c.responses = (0..<call.draws).map { i in
            var last = turns.last![i].object ?? [:]
            last["turns"] = .array(turns.map { $0[i] })
            return .object(last)
        }
        return c
    }

    private struct Failure: Error { var message: String }

    /// One request with retries; success means at least one choice. Each attempt holds a gate
    /// permit only while it is on the wire.
    private func send(_ body: [UInt8], attempts: inout Int) async -> Result<Completion, Failure> {
        let req = HTTPRequest(url: endpoint.chatURL, headers: endpoint.headers, body: body,
                              timeout: timeout, connectTimeout: min(timeout, 60), maxBodyBytes: limits.responseBytes)
        var last = ""
        for attempt in 1...max(1, retry.maxAttempts) {
            attempts += 1
            let episode = await gate.acquire()
            stats.update { $0.requests += 1; $0.inFlight += 1; if attempt > 1 { $0.retries += 1 } }
            let result = await engine.send(req)
            stats.update { $0.inFlight -= 1 }
            var retryAfter: Double?
            var outcome: Result<Completion, Failure>?
            switch result {
            case .failure(let e):
                last = e.isTimeout ? "timed out after \(formatSeconds(timeout)) (--timeout, REQUEST_TIMEOUT)"
                    : e.isBodyTooLarge ? "response body larger than \(limits.responseBytes) bytes (--max-response-bytes)"
                    : redactor.redact(e.message)
                if !e.isRetryable { outcome = .failure(Failure(message: last)) }
            case .success(let r) where r.status == 200:
                do {
                    let c = try Completion(body: r.body)
                    stats.update { $0.promptTokens += c.usage?.prompt ?? 0; $0.completionTokens += c.usage?.completion ?? 0 }
                    gate.succeeded()
                    outcome = .success(c)
                } catch {
                    last = "HTTP 200 with an unusable body: \(error)"
                }
            case .success(let r):
                last = "HTTP \(r.status): " + redactor.redact(serverMessage(r.body))
                if r.status == 429 {
                    gate.tooManyRequests(startedIn: episode)
                    stats.update { $0.throttled += 1 }
                }
                if !RetryPolicy.isRetryable(status: r.status) { outcome = .failure(Failure(message: last)) }
                retryAfter = r.retryAfter
            }
            gate.release()
            if let outcome { return outcome }
            if attempt < retry.maxAttempts {
                try? await Task.sleep(nanoseconds: UInt64(retry.delay(after: attempt, retryAfter: retryAfter) * 1e9))
            }
        }
        return .failure(Failure(message: last))
    }
}

private func formatSeconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : "\(s) s" }

/// The error text a server put in its body: OpenAI `{"error":{"message"}}`, `{"error":"…"}`,
/// FastAPI `{"detail"}`, `{"message"}`; otherwise the body itself. On one line; the caller
/// redacts and shortens it.
func serverMessage(_ body: [UInt8]) -> String {
    var text: String?
    if let v = try? JSON.decode(body) {
        for m in [v["error"]?["message"], v["error"], v["detail"], v["message"]] {
            if let s = m?.string, !s.isEmpty { text = s; break }
        }
    }
    let raw = text ?? String(decoding: body.prefix(1 << 16), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return raw.isEmpty ? "(empty body)" : raw.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
}

struct Usage: Sendable {
    var prompt = 0, completion = 0, total = 0

    init() {}
    init?(_ v: JSONValue?) {
        guard let v, v.object != nil else { return nil }
        // A server's counts are summed over a run: anything outside 0..<2^40 is not a token count,
        // and must not overflow the sums.
        func count(_ key: String) -> Int? { v[key]?.int.flatMap { (0..<(1 << 40)).contains($0) ? $0 : nil } }
        prompt = count("prompt_tokens") ?? 0
        completion = count("completion_tokens") ?? 0
        total = count("total_tokens") ?? prompt + completion
    }
    mutating func add(_ u: Usage?) {
        guard let u else { return }
        prompt += u.prompt; completion += u.completion; total += u.total
    }
    var json: JSONValue {
        ["prompt_tokens": JSONValue(prompt), "completion_tokens": JSONValue(completion), "total_tokens": JSONValue(total)]
    }
}

/// A 200 chat.completion body. Unknown keys (llama-server's `timings`, …) are ignored.
struct Completion: Sendable {
    /// `{content, reasoning_content?, finish_reason}` per choice, in `index` order.
    var choices: [JSONObject]
    var usage: Usage?

    struct Invalid: Error, CustomStringConvertible { var description: String }

    init(body: [UInt8]) throws {
        let v: JSONValue
        do { v = try JSON.decode(body) } catch { throw Invalid(description: JSON.describe(error)) }
        // A JSON null counts as absent, as it did for the optional fields of a Codable decode.
        func present(_ x: JSONValue?) -> JSONValue? { x?.isNull == false ? x : nil }
        guard let list = present(v["choices"]) else { throw Invalid(description: "no choices") }
        guard let items = list.array else { throw Invalid(description: "choices is not a list") }
        guard !items.isEmpty else { throw Invalid(description: "an empty choices list") }
        choices = try items.enumerated().map { k, c -> (Int, JSONObject) in
            guard let m = present(c["message"])?.object else { throw Invalid(description: "a choice without message") }
            let index = present(c["index"])
            if let index, index.int == nil { throw Invalid(description: "a choice index that is not an integer") }
            var o: JSONObject = ["content": present(m["content"]) ?? .null, "finish_reason": present(c["finish_reason"]) ?? .null]
            // vLLM's reasoning parsers fill `reasoning_content`; newer servers call it `reasoning`.
            if let r = present(m["reasoning_content"]) ?? present(m["reasoning"]), r.string != nil { o["reasoning_content"] = r }
            return (index?.int ?? k, o)
        }.sorted { $0.0 < $1.0 }.map(\.1)
        usage = Usage(present(v["usage"]))
    }
}
