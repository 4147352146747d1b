import EvalCore
import Foundation
import HTTP
@testable import ModelClient
import XCTest

/// Against the real HTTP server in Tests/Fixtures/fake_openai_server.py. Each test sends its own
/// message text (the server keys its failure counters on it), so tests do not see each other.
final class ModelClientTests: XCTestCase {
    let server = FakeServer.shared
    let engine = CurlEngine()

    func makeClient(model: String = "hosted_vllm/fake/model", baseURL: String? = nil, maxN: Int? = nil, attempts: Int = 5,
                    timeout: Double = 10, concurrency: Int = 64, extraBody: JSONObject = [:],
                    environment: [String: String] = [:]) throws -> ChatClient {
        let endpoint = try Endpoint.resolve(model: model, baseURL: baseURL ?? server.baseURL, environment: environment, dotEnv: [:])
        return ChatClient(endpoint: endpoint, engine: engine, retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.05),
                          timeout: timeout, maxN: maxN, concurrency: concurrency, extraBody: extraBody)
    }

    func record(_ text: String, id: String = "t:0", generation: JSONObject = [:], followups: [String]? = nil) -> JSONObject {
        var r: JSONObject = ["id": .string(id), "messages": [["role": "user", "content": .string(text)]], "generation": .object(generation)]
        if let followups { r["followups"] = .array(followups.map(JSONValue.string)) }
        return r
    }

    /// A message no other test sends.
    func unique(_ s: String) -> String { "\(UUID().uuidString.prefix(8)) \(s)" }

    func contents(_ out: JSONObject) -> [String] { out["responses"]?.array?.compactMap { $0["content"]?.string } ?? [] }

    func call(_ text: String, generation: JSONObject = [:], client: ChatClient? = nil) async throws -> JSONObject {
        let c = try client ?? makeClient()
        return await c.complete(try c.prepare(record(text, generation: generation)))
    }

    // MARK: engine

    func testEngineRuns200RequestsConcurrently() async throws {
        try await server.reset()
        let tag = unique("[stall=0.5]"), url = server.baseURL + "/chat/completions", engine = self.engine
        let started = Date()
        let answers = try await withThrowingTaskGroup(of: (Int, Int, String).self) { group in
            for i in 0..<200 {
                group.addTask {
                    let body = JSON.encode(JSONValue.object(["model": "m", "messages": [["role": "user", "content": .string("\(tag) #\(i)")]]]))
                    let r = try await engine.send(HTTPRequest(url: url, headers: ["Content-Type: application/json"],
                                                              body: Array(body), timeout: 30)).get()
                    let content = try JSON.decode(Data(r.body))["choices"]?.array?.first?["message"]?["content"]?.string
                    return (i, r.status, content ?? "")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(answers.count, 200)
        for (i, status, content) in answers {
            XCTAssertEqual(status, 200)
            XCTAssertTrue(content.hasPrefix("\(tag) #\(i)|"), content)
        }
        // 200 × 0.5 s one after another would take 100 s; no hidden cap of 6 or 8 connections.
        XCTAssertLessThan(Date().timeIntervalSince(started), 15)
        let maxActive = try await server.maxActive()
        XCTAssertGreaterThanOrEqual(maxActive, 64)
    }

    func testEngineReportsConnectionRefused() async throws {
        let r = await engine.send(HTTPRequest(url: "http://127.0.0.1:1/v1/chat/completions", body: [], timeout: 5))
        guard case .failure(let e) = r else { return XCTFail("expected a transport error, got \(r)") }
        XCTAssertTrue(e.isRetryable)
        XCTAssertFalse(e.isTimeout)
    }

    // MARK: retries and errors

    func testServerErrorsAreRetriedThenSucceed() async throws {
        let text = unique("[fail=500x2]")
        let out = try await call(text)
        XCTAssertEqual(out["status"], "ok")
        XCTAssertEqual(out["call"]?["attempts"], 3)
        XCTAssertNil(out["call"]?["error"])
        XCTAssertEqual(contents(out), ["\(text)|seed=None|i=0"])
    }

    func testRetryAfterIsHonoured() async throws {
        let started = Date()
        let out = try await call(unique("[fail=429x1] [retry_after=1]"))
        XCTAssertEqual(out["status"], "ok")
        XCTAssertEqual(out["call"]?["attempts"], 2)
        // The backoff alone is 10 ms here.
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.95)
    }

    func testBadRequestFailsAtOnceWithTheServerMessage() async throws {
        let out = try await call(unique("[bad_request]"))
        XCTAssertEqual(out["status"], "api_error")
        XCTAssertNil(out["responses"])
        XCTAssertEqual(out["call"]?["attempts"], 1)
        let error = out["call"]?["error"]?.string ?? ""
        XCTAssertTrue(error.contains("HTTP 400") && error.contains("maximum context length"), error)
    }

    func testPersistentServerErrorEndsInApiError() async throws {
        let out = try await call(unique("[fail=503x100]"), client: makeClient(attempts: 3))
        XCTAssertEqual(out["status"], "api_error")
        XCTAssertNil(out["responses"])
        XCTAssertEqual(out["call"]?["attempts"], 3)
        XCTAssertEqual(out["call"]?["error"], "HTTP 503: injected 503")
    }

    func testTimeoutIsRetriedThenApiError() async throws {
        let started = Date()
        let out = try await call(unique("[stall=3]"), client: makeClient(attempts: 2, timeout: 0.4))
        XCTAssertEqual(out["status"], "api_error")
        XCTAssertEqual(out["call"]?["attempts"], 2)
        let error = out["call"]?["error"]?.string ?? ""
        XCTAssertTrue(error.contains("timed out"), error)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5)
    }

    // MARK: draws

    func testShortChoiceListIsToppedUp() async throws {
        let text = unique("[choices=1]")
        let out = try await call(text, generation: ["n": 5, "seed": 7])
        XCTAssertEqual(out["status"], "ok")
        // Each top-up moves the seed on, so the draws differ.
        XCTAssertEqual(contents(out), (7...11).map { "\(text)|seed=\($0)|i=0" })
        XCTAssertEqual(out["call"]?["attempts"], 5)
        XCTAssertEqual(out["call"]?["usage"], ["prompt_tokens": 50, "completion_tokens": 25, "total_tokens": 75])
        XCTAssertEqual(out["responses"]?.array?.first?["usage"], ["prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15])
    }

    func testMaxNSplitsIntoParallelRequestsMergedInOrder() async throws {
        let text = unique("[reverse]")
        let out = try await call(text, generation: ["n": 10, "seed": 100], client: makeClient(maxN: 8))
        XCTAssertEqual(out["status"], "ok")
        let expected = (0..<10).map { j in j < 8 ? "\(text)|seed=100|i=\(j)" : "\(text)|seed=108|i=\(j - 8)" }
        XCTAssertEqual(contents(out), expected)
        let ns = try await server.requests(containing: text).compactMap { $0["body"]?["n"]?.int }.sorted()
        XCTAssertEqual(ns, [2, 8])
        XCTAssertNil(out["responses"]?.array?.first?["usage"], "usage of an n=8 request belongs to no single draw")
    }

    func testReasoningContentIsKept() async throws {
        for directive in ["[reasoning]", "[reasoning_key]"] {
            let out = try await call(unique(directive))
            let first = out["responses"]?.array?.first
            XCTAssertEqual(first?["reasoning_content"], "thinking 0", directive)
            XCTAssertEqual(first?["finish_reason"], "stop")
        }
        let plain = try await call(unique("plain"))
        XCTAssertNil(plain["responses"]?.array?.first?["reasoning_content"])
    }

    func testMultiTurnRunsEachDrawAsAConversation() async throws {
        let t = unique("")
        let c = try makeClient()
        let out = await c.complete(try c.prepare(record("\(t) q1", generation: ["n": 2, "seed": 5], followups: ["\(t) q2", "\(t) q3"])))
        XCTAssertEqual(out["status"], "ok")
        let responses = out["responses"]?.array ?? []
        XCTAssertEqual(responses.count, 2)
        for (d, r) in responses.enumerated() {
            let turns = r["turns"]?.array?.compactMap { $0["content"]?.string } ?? []
            XCTAssertEqual(turns, ["q1", "q2", "q3"].map { "\(t) \($0)|seed=\(5 + d)|i=0" })
            XCTAssertEqual(r["content"]?.string, turns.last)
            XCTAssertEqual(r["usage"], ["prompt_tokens": 30, "completion_tokens": 15, "total_tokens": 45])
        }
        XCTAssertEqual(out["call"]?["attempts"], 6)
        XCTAssertEqual(out["call"]?["usage"], ["prompt_tokens": 60, "completion_tokens": 30, "total_tokens": 90])
        // The third turn's request carries the whole conversation of its own draw.
        let third = try await server.requests(containing: "\(t) q3").compactMap { $0["body"]?.object }
        XCTAssertEqual(third.count, 2)
        for body in third {
            let seed = body["seed"]?.int ?? -1
            XCTAssertEqual(body["messages"]?.array?.compactMap { $0["content"]?.string },
                           ["\(t) q1", "\(t) q1|seed=\(seed)|i=0", "\(t) q2", "\(t) q2|seed=\(seed)|i=0", "\(t) q3"])
            XCTAssertEqual(body["messages"]?.array?.compactMap { $0["role"]?.string }, ["user", "assistant", "user", "assistant", "user"])
        }
        // Followups are part of the request's identity.
        let plain = try c.prepare(record("\(t) q1", generation: ["n": 2, "seed": 5])).cacheKey
        XCTAssertNotEqual(plain, try c.prepare(record("\(t) q1", generation: ["n": 2, "seed": 5], followups: ["\(t) q2"])).cacheKey)
    }

    func testFailedTurnMakesTheRecordAnApiError() async throws {
        let t = unique("")
        let c = try makeClient()
        let out = await c.complete(try c.prepare(record("\(t) q1", followups: ["\(t) q2 [bad_request]"])))
        XCTAssertEqual(out["status"], "api_error")
        XCTAssertNil(out["responses"])
        XCTAssertTrue(out["call"]?["error"]?.string?.hasPrefix("turn 2: HTTP 400") ?? false, "\(out["call"] ?? nil)")
    }

    func testPassThroughKeysAndExtraBody() async throws {
        let text = unique("extras")
        let c = try makeClient(extraBody: ["chat_template_kwargs": ["enable_thinking": false], "top_k": 50])
        let out = await c.complete(try c.prepare(record(text, generation: ["temperature": 0.6, "top_k": 20, "min_p": 0.05])))
        XCTAssertEqual(out["status"], "ok")
        let body = try await server.requests(containing: text).first?["body"]?.object ?? [:]
        XCTAssertEqual(body["top_k"], 20, "the record's value wins over --extra-body")
        XCTAssertEqual(body["min_p"], 0.05)
        XCTAssertEqual(body["chat_template_kwargs"], ["enable_thinking": false])
        XCTAssertEqual(body["temperature"], 0.6)
        // Changed extras are changed settings: a new cache key.
        let base = try makeClient().prepare(record(text, generation: ["temperature": 0.6])).cacheKey
        XCTAssertNotEqual(base, try makeClient().prepare(record(text, generation: ["temperature": 0.6, "top_k": 20])).cacheKey)
        XCTAssertNotEqual(base, try makeClient(extraBody: ["top_k": 20]).prepare(record(text, generation: ["temperature": 0.6])).cacheKey)
    }

    func testTooManyRequestsLowersConcurrencyAndEveryRecordFinishes() async throws {
        let t = unique("[capacity=\(UUID().uuidString.prefix(6)):4]")
        let c = try makeClient(attempts: 40, concurrency: 32)
        let outs = await withTaskGroup(of: JSONObject.self) { group in
            for i in 0..<48 {
                let call = try! c.prepare(record("\(t) #\(i)", id: "\(i)"))
                group.addTask { await c.complete(call) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outs.filter { $0["status"] == "ok" }.count, 48)
        XCTAssertGreaterThan(c.stats.snapshot.throttled, 0)
        XCTAssertLessThan(c.concurrencyLimit, 32, "429s lower the cap on requests in flight")
    }

    func testRequestGateCutsOncePerEpisodeAndRecovers() async {
        let gate = RequestGate(maximum: 16)
        var episodes: [Int] = []
        for _ in 0..<16 { episodes.append(await gate.acquire()) }
        // Sixteen 429s from requests started together are one episode: one cut.
        for e in episodes { gate.tooManyRequests(startedIn: e); gate.release() }
        XCTAssertEqual(gate.currentLimit, 12)
        let next = await gate.acquire()
        gate.tooManyRequests(startedIn: next)
        gate.release()
        XCTAssertEqual(gate.currentLimit, 9)
        // As many successes in a row as the cap raise it by one, up to the maximum.
        for _ in 0..<200 { _ = await gate.acquire(); gate.succeeded(); gate.release() }
        XCTAssertEqual(gate.currentLimit, 16)
    }

    func testRequestGateHoldsRequestsAboveTheLimit() async throws {
        let gate = RequestGate(maximum: 2)
        _ = await gate.acquire()
        _ = await gate.acquire()
        let third = Task { _ = await gate.acquire(); return Date() }
        try await Task.sleep(nanoseconds: 200_000_000)
        let released = Date()
        gate.release()
        let admitted = await third.value
        XCTAssertGreaterThanOrEqual(admitted.timeIntervalSince(released), 0)
    }

    func testProxyFromTheEnvironmentIsUsed() async throws {
        // No such host: only a proxy can answer. libcurl reads http_proxy per transfer.
        setenv("http_proxy", "http://127.0.0.1:\(server.port)", 1)
        defer { unsetenv("http_proxy") }
        let text = unique("proxied")
        let out = try await call(text, client: makeClient(baseURL: "http://model.evalpipe.invalid/v1"))
        XCTAssertEqual(out["status"], "ok", "\(out["call"] ?? nil)")
        XCTAssertEqual(contents(out), ["\(text)|seed=None|i=0"])
    }

    func testProgressLine() {
        var s = CallStats.Snapshot()
        s.recordsOK = 40; s.recordsFailed = 2; s.recordsSkipped = 10; s.recordsTotal = 220; s.inFlight = 64
        s.completionTokens = 9000; s.retries = 3
        XCTAssertEqual(ProgressLine.render(s, limit: 64, maximum: 64, elapsed: 30),
                       "call-model: 42/210 records, 64 in flight, 300 tok/s, 3 retries, 2 errors, 10 skipped, ETA 2m00s")
        s.recordsTotal = nil
        XCTAssertEqual(ProgressLine.render(s, limit: 48, maximum: 64, elapsed: 30),
                       "call-model: 42 records, 64 in flight (429: limit 48 of 64), 300 tok/s, 3 retries, 2 errors, 10 skipped")
    }

    // MARK: requests per provider

    func testOpenAIReasoningModelQuirksAndKeyStaysOutOfRecords() async throws {
        let text = unique("quirks")
        let client = try makeClient(model: "openai/o3-mini", environment: ["OPENAI_API_KEY": "sk-secret-123"])
        let out = try await call(text, generation: ["temperature": 0.6, "top_p": 0.9, "max_tokens": 100, "reasoning_effort": "low",
                                                    "stop": ["x"]],
                                 client: client)
        let sent = try await server.requests(containing: text)
        XCTAssertEqual(sent.count, 1)
        let body = sent.first?["body"]?.object ?? [:]
        XCTAssertEqual(body["model"], "o3-mini")
        XCTAssertNil(body["temperature"])
        XCTAssertNil(body["top_p"])
        XCTAssertNil(body["max_tokens"])
        XCTAssertEqual(body["max_completion_tokens"], 100)
        XCTAssertEqual(body["reasoning_effort"], "low")
        XCTAssertNil(body["stop"])
        XCTAssertEqual(sent.first?["authorization"], "Bearer sk-secret-123")
        XCTAssertEqual(out["call"]?["model"], "openai/o3-mini")
        XCTAssertEqual(out["call"]?["provider"], "openai")
        XCTAssertFalse(JSON.encodeString(JSONValue.object(out)).contains("sk-secret"))
    }

    func testOpenAICapsChoicesPerRequest() async throws {
        let text = unique("capped")
        let client = try makeClient(model: "openai/gpt-4o", environment: ["OPENAI_API_KEY": "k"])
        let out = try await call(text, generation: ["n": 10, "temperature": 1], client: client)
        XCTAssertEqual(contents(out).count, 10)
        let ns = try await server.requests(containing: text).compactMap { $0["body"]?["n"]?.int }.sorted()
        XCTAssertEqual(ns, [2, 8])
    }

    func testHostedVLLMRequestBody() async throws {
        let text = unique("vllm")
        let client = try makeClient(model: "hosted_vllm/Qwen/Qwen3-8B")
        _ = try await call(text, generation: ["temperature": 0.6, "max_tokens": 100, "stop": ["\n\n"], "n": 1], client: client)
        let body = try await server.requests(containing: text).first?["body"]?.object ?? [:]
        XCTAssertEqual(body["model"], "Qwen/Qwen3-8B")
        XCTAssertEqual(body["temperature"], 0.6)
        XCTAssertEqual(body["max_tokens"], 100)
        XCTAssertEqual(body["stop"], ["\n\n"])
        XCTAssertNil(body["max_completion_tokens"])
        XCTAssertNil(body["seed"])
        XCTAssertNil(body["n"])
    }

    func testProviderResolution() throws {
        XCTAssertThrowsError(try Endpoint.resolve(model: "hosted_vllm/Qwen/Qwen3-8B", baseURL: nil, environment: [:], dotEnv: [:])) { XCTAssertTrue("\($0)".contains("--base-url"), "\($0)") }
        XCTAssertThrowsError(try Endpoint.resolve(model: "openai/gpt-4o", baseURL: nil, environment: [:], dotEnv: [:])) { XCTAssertTrue("\($0)".contains("OPENAI_API_KEY"), "\($0)") }
        XCTAssertThrowsError(try Endpoint.resolve(model: "gpt-4o", baseURL: nil, environment: ["OPENAI_API_KEY": "k"], dotEnv: [:])) { XCTAssertTrue("\($0)".contains("provider"), "\($0)") }

        let openai = try Endpoint.resolve(model: "openai/gpt-4o", baseURL: nil, environment: [:], dotEnv: ["OPENAI_API_KEY": "k"])
        XCTAssertEqual(openai.chatURL, "https://api.openai.com/v1/chat/completions")
        XCTAssertEqual(openai.apiKey, "k")
        let deepinfra = try Endpoint.resolve(model: "deepinfra/meta-llama/Llama-3.3-70B-Instruct", baseURL: nil,
                                             environment: ["DEEPINFRA_API_KEY": "env"], dotEnv: ["DEEPINFRA_API_KEY": "file"])
        XCTAssertEqual(deepinfra.baseURL, "https://api.deepinfra.com/v1/openai")
        XCTAssertEqual(deepinfra.apiModel, "meta-llama/Llama-3.3-70B-Instruct")
        XCTAssertEqual(deepinfra.apiKey, "env", "the environment wins over .env")
        let bare = try Endpoint.resolve(model: "Qwen/Qwen3-8B", baseURL: "http://h:8000/v1/", environment: [:], dotEnv: [:])
        XCTAssertEqual(bare.provider, "openai_compatible")
        XCTAssertEqual(bare.apiModel, "Qwen/Qwen3-8B")
        XCTAssertEqual(bare.chatURL, "http://h:8000/v1/chat/completions")
        let compat = try Endpoint.resolve(model: "openai_compatible/m", baseURL: "http://h/v1", environment: [:], dotEnv: [:])
        XCTAssertEqual(compat.apiModel, "m")
        XCTAssertNil(compat.apiKey)
    }

    func testDotEnv() throws {
        let path = NSTemporaryDirectory() + "evalpipe-\(UUID().uuidString).env"
        try "# keys\nexport OPENAI_API_KEY=\"sk-a=b\"\nDEEPINFRA_API_KEY = 'x'\n\nnot a pair\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(DotEnv.load(path: path), ["OPENAI_API_KEY": "sk-a=b", "DEEPINFRA_API_KEY": "x"])
    }

    // MARK: records

    func testCacheKey() throws {
        let client = try makeClient()
        let key = try client.prepare(record("hi", generation: ["temperature": 0.5])).cacheKey
        let canonical = #"{"generation":{"temperature":0.5},"messages":[{"content":"hi","role":"user"}],"model":"hosted_vllm/fake/model"}"#
        XCTAssertEqual(key, SHA256.hex(canonical))
        XCTAssertEqual(key, try client.prepare(record("hi", id: "other", generation: ["temperature": 0.5])).cacheKey)
        XCTAssertNotEqual(key, try client.prepare(record("hi", generation: ["temperature": 0.6])).cacheKey)
        XCTAssertNotEqual(key, try client.prepare(record("hi", generation: ["temperature": 0.5, "n": 4])).cacheKey)
        XCTAssertNotEqual(key, try client.prepare(record("hi!", generation: ["temperature": 0.5])).cacheKey)
        XCTAssertNotEqual(key, try makeClient(model: "hosted_vllm/other").prepare(record("hi", generation: ["temperature": 0.5])).cacheKey)
    }

    func testPrepareRejectsBadRecords() throws {
        let client = try makeClient()
        func field(_ r: JSONObject) -> String? {
            do { _ = try client.prepare(r); return nil } catch let e as EvalError { return e.field } catch { return "\(error)" }
        }
        XCTAssertEqual(field(["id": "x"]), "messages")
        XCTAssertEqual(field(["messages": []]), "messages")
        XCTAssertEqual(field(["messages": ["hi"]]), "messages")
        XCTAssertEqual(field(record("hi", generation: ["n": 0])), "generation.n")
        XCTAssertEqual(field(record("hi", generation: ["temprature": 1])), "generation.temprature")
        XCTAssertEqual(field(record("hi", generation: ["temperature": "hot"])), "generation.temperature")
    }

    // MARK: call-model runs

    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "evalpipe-mc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func writeLines(_ records: [JSONObject], to path: String) throws {
        try records.map { JSON.encodeString(JSONValue.object($0)) + "\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
    }

    func readRecords(_ path: String) throws -> [JSONObject] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSON.decode(Data($0.utf8)).object! }
    }

    func options(input: String, output: String, attempts: Int = 5, concurrency: Int = 8) -> CallModelOptions {
        CallModelOptions(model: "hosted_vllm/fake/model", baseURL: server.baseURL, concurrency: concurrency,
                         retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.05), timeout: 10,
                         output: output, inputs: [input])
    }

    func testResumeSkipsFinishedRetriesErrorsAndTruncatesTornLine() async throws {
        let dir = try tempDir(), input = dir + "/in.jsonl", output = dir + "/out.jsonl"
        let tag = unique("")
        let texts = ["a": "\(tag) a", "b": "\(tag) b [fail=500x2]", "c": "\(tag) c"]
        try writeLines(["a", "b", "c"].map { record(texts[$0]!, id: $0) }, to: input)

        let first = try await CallModel.run(options(input: input, output: output, attempts: 2), engine: engine)
        XCTAssertEqual(first.stats.recordsOK, 2)
        XCTAssertEqual(first.stats.recordsFailed, 1)
        XCTAssertTrue(first.failed)
        let failed = try readRecords(output).first { $0["id"] == "b" }
        XCTAssertEqual(failed?["status"], "api_error")
        XCTAssertNil(failed?["responses"])

        // A killed writer leaves a torn line; the rerun cuts it and retries b only.
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: output))
        h.seekToEndOfFile()
        h.write(Data(#"{"id": "z", "stat"#.utf8))
        h.closeFile()
        let second = try await CallModel.run(options(input: input, output: output, attempts: 2), engine: engine)
        XCTAssertEqual(second.stats.recordsSkipped, 2)
        XCTAssertEqual(second.stats.recordsOK, 1)
        XCTAssertFalse(second.failed)
        let records = try readRecords(output)
        XCTAssertEqual(records.compactMap { $0["id"]?.string }.sorted(), ["a", "b", "c"])
        XCTAssertTrue(records.allSatisfy { $0["status"] == "ok" })
        for (id, n) in ["a": 1, "b": 3, "c": 1] {
            let count = try await server.requests(containing: texts[id]!).count
            XCTAssertEqual(count, n, "requests for \(id)")
        }

        // Changed settings for a: a new key, so a is requested again; b and c stay skipped.
        try writeLines([record(texts["a"]!, id: "a", generation: ["temperature": 0.1]),
                        record(texts["b"]!, id: "b"), record(texts["c"]!, id: "c")], to: input)
        let third = try await CallModel.run(options(input: input, output: output), engine: engine)
        XCTAssertEqual(third.stats.recordsSkipped, 2)
        XCTAssertEqual(third.stats.recordsOK, 1)
        XCTAssertEqual(try readRecords(output).count, 4)
    }

    func testInputErrorStopsAfterWritingFinishedRecords() async throws {
        let dir = try tempDir(), input = dir + "/in.jsonl", output = dir + "/out.jsonl"
        let tag = unique("")
        try writeLines([record("\(tag) 1", id: "1"), ["id": "2"], record("\(tag) 3", id: "3")], to: input)
        let summary = try await CallModel.run(options(input: input, output: output), engine: engine)
        XCTAssertEqual(summary.inputError?.description, "\(input):2: messages: missing (run render-prompts first)")
        XCTAssertEqual(try readRecords(output).compactMap { $0["id"]?.string }, ["1"])
        let third = try await server.requests(containing: "\(tag) 3")
        XCTAssertEqual(third.count, 0)
    }

    func testRunKeepsConcurrencyRequestsInFlight() async throws {
        let dir = try tempDir(), input = dir + "/in.jsonl", output = dir + "/out.jsonl"
        let tag = unique("[stall=0.3]")
        try writeLines((0..<40).map { record("\(tag) \($0)", id: "\($0)") }, to: input)
        try await server.reset()
        let started = Date()
        let summary = try await CallModel.run(options(input: input, output: output, concurrency: 10), engine: engine)
        XCTAssertEqual(summary.stats.recordsOK, 40)
        XCTAssertEqual(try readRecords(output).count, 40)
        let maxActive = try await server.maxActive()
        XCTAssertLessThanOrEqual(maxActive, 10)
        XCTAssertGreaterThanOrEqual(maxActive, 5)
        // One at a time would take 12 s; ten at a time about 1.2 s.
        XCTAssertLessThan(Date().timeIntervalSince(started), 6)
    }

    /// Random 429/500/503, resets, stalls past the timeout, malformed and slow bodies: every record
    /// ends once, `ok` with its own answer or `api_error` with the reason, and none is lost.
    func testFaultInjectionLosesAndDuplicatesNothing() async throws {
        let dir = try tempDir(), input = dir + "/in.jsonl", output = dir + "/out.jsonl"
        let tag = unique("[chaos=0.5] [chaos_stall=2]")
        let count = 150
        try writeLines((0..<count).map { record("\(tag) #\($0)", id: "\($0)", generation: ["n": 3]) }, to: input)
        var o = options(input: input, output: output, attempts: 4, concurrency: 32)
        o.timeout = 1
        o.maxN = 2
        let summary = try await CallModel.run(o, engine: engine)
        let records = try readRecords(output)
        XCTAssertEqual(records.count, count)
        XCTAssertEqual(Set(records.compactMap { $0["id"]?.string }), Set((0..<count).map(String.init)))
        XCTAssertEqual(summary.stats.recordsOK + summary.stats.recordsFailed, count)
        XCTAssertGreaterThan(summary.stats.retries, 50, "the faults happened")
        for r in records {
            let id = r["id"]?.string ?? "?"
            if r["status"] == "ok" {
                XCTAssertEqual(contents(r).count, 3, id)
                XCTAssertTrue(contents(r).allSatisfy { $0.hasPrefix("\(tag) #\(id)|") }, id)
                XCTAssertNil(r["call"]?["error"])
            } else {
                XCTAssertEqual(r["status"], "api_error", id)
                XCTAssertNil(r["responses"])
                XCTAssertFalse(r["call"]?["error"]?.string?.isEmpty ?? true, id)
            }
        }
        // Most records get through four attempts at a 50 % fault rate.
        XCTAssertGreaterThan(summary.stats.recordsOK, count / 2)
        // A rerun retries only the api_errors, and afterwards the file still holds each id once.
        o.retry = RetryPolicy(maxAttempts: 12, baseDelay: 0.01, maxDelay: 0.05)
        let again = try await CallModel.run(o, engine: engine)
        XCTAssertEqual(again.stats.recordsSkipped, summary.stats.recordsOK)
        let final = try readRecords(output)
        XCTAssertEqual(final.compactMap { $0["id"]?.string }.sorted(), (0..<count).map(String.init).sorted())
    }

    // MARK: the executable

    /// The built call-model: `$EVALPIPE_BIN/call-model`, else beside the test bundle (same build directory).
    func callModelBinary() throws -> URL {
        let dir = ProcessInfo.processInfo.environment["EVALPIPE_BIN"].map { URL(fileURLWithPath: $0) }
            ?? Bundle.main.executableURL?.deletingLastPathComponent()
        guard let bin = dir?.appendingPathComponent("call-model"), FileManager.default.isExecutableFile(atPath: bin.path) else {
            throw XCTSkip("call-model is not built beside the tests (set EVALPIPE_BIN to its directory)")
        }
        return bin
    }

    func runBinary(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process(), out = Pipe(), err = Pipe()
        p.executableURL = try callModelBinary()
        p.arguments = args
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testExecutableExitCodesAndStreams() throws {
        let dir = try tempDir(), input = dir + "/in.jsonl"
        let tag = unique("")
        try (JSON.encodeString(JSONValue.object(record("\(tag) 1", id: "1"))) + "\n"
            + JSON.encodeString(JSONValue.object(record("\(tag) 2 [bad_request]", id: "2"))) + "\n{not json\n")
            .write(toFile: input, atomically: true, encoding: .utf8)
        let r = try runBinary(["--model", "hosted_vllm/fake/model", "--base-url", server.baseURL, input])
        XCTAssertEqual(r.status, 1)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, "stdout carries the two finished records and nothing else")
        XCTAssertEqual(Set(try lines.map { try JSON.decode(Data($0.utf8))["status"]?.string ?? "" }), ["ok", "api_error"])
        XCTAssertTrue(r.stderr.contains("call-model: 1 ok, 1 api_error"), r.stderr)
        XCTAssertTrue(r.stderr.contains("call-model: \(input):3: invalid JSON"), r.stderr)

        XCTAssertEqual(try runBinary(["--base-url", server.baseURL]).status, 2)
        let bad = try runBinary(["--model", "m", "--base-url", server.baseURL, "--extra-body", #"{"temperature": 1}"#])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--extra-body cannot set temperature"), bad.stderr)
        XCTAssertEqual(try runBinary(["--model", "m", "--base-url", server.baseURL, "--extra-body", "[1]"]).status, 2)
        XCTAssertEqual(try runBinary(["--model", "hosted_vllm/fake/model"]).status, 2, "hosted_vllm without --base-url")
    }
}
