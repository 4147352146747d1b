import EvalCore
import Foundation
import HTTP
@testable import ModelClient
import Testing

/// A server that echoes our key, never stops sending, or reports absurd counts, and inputs that
/// ask for a billion draws or a seed at the edge of 64 bits: each is handled, nothing leaks, nothing
/// traps. Against Tests/Fixtures/fake_openai_server.py, as ModelClientTests.
@Suite struct HostileServerTests {
    let server = FakeServer.shared
    let engine = CurlEngine()
    static let key = "sk-evalpipe-TEST-0123456789abcdefghij"

    func client(key: String? = nil, maxN: Int? = nil, limits: Limits = Limits(), attempts: Int = 3) throws -> ChatClient {
        let env = key.map { ["HOSTED_VLLM_API_KEY": $0] } ?? [:]
        let endpoint = try Endpoint.resolve(model: "hosted_vllm/fake/model", baseURL: server.baseURL, environment: env, dotEnv: [:])
        return ChatClient(endpoint: endpoint, engine: engine, retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.05),
                          timeout: 20, maxN: maxN, limits: limits, environment: ["HF_TOKEN": "hf_abcdefghijklmnopqrstuvwxyz0123"])
    }

    func record(_ text: String, id: String = "h:0", generation: JSONObject = [:]) -> JSONObject {
        ["id": .string(id), "messages": [["role": "user", "content": .string(text)]], "generation": .object(generation)]
    }

    func unique(_ s: String) -> String { "\(UUID().uuidString.prefix(8)) \(s)" }

    @Test func aKeyEchoedInAnErrorBodyNeverReachesTheRecord() async throws {
        let c = try client(key: Self.key)
        let text = unique("[echo_headers]")
        let out = await c.complete(try c.prepare(record(text)))
        // The attack is real: the server got the key and sent it back.
        let sent = try await server.requests(containing: text)
        #expect(sent.first?["authorization"]?.string == "Bearer \(Self.key)")
        #expect(out["status"] == "api_error")
        let error = try #require(out["call"]?["error"]?.string)
        #expect(error.hasPrefix("HTTP 401: invalid key; you sent:"), "\(error)")
        #expect(error.contains("Authorization: Bearer [REDACTED]"), "\(error)")
        #expect(!error.contains(Self.key) && !error.contains("0123456789abcdefghij"), "\(error)")
        #expect(!JSON.encodeString(JSONValue.object(out)).contains(Self.key))
    }

    @Test func aKeyEchoedIntoAnAnswerIsRedactedFromWhatIsWritten() async throws {
        let c = try client(key: Self.key)
        let out = await c.complete(try c.prepare(record(unique("[echo_key_answer]"))))
        let raw = JSON.bytes(.object(out))
        #expect(String(decoding: raw, as: UTF8.self).contains(Self.key), "the server echoed the key into the answer")
        let written = String(decoding: c.outputRedactor.redact(bytes: raw), as: UTF8.self)
        #expect(!written.contains(Self.key))
        #expect(written.contains("Bearer [REDACTED]"))
        #expect((try JSON.decode(Array(written.utf8)))["status"] == "ok", "still one valid record")
    }

    @Test func anEndlessBodyIsCutAtTheCapAndNotRetried() async throws {
        let c = try client(limits: Limits(responseBytes: 1 << 20))
        // Not cut, the body would run into the 20 s timeout and end with a timeout error instead.
        let out = await c.complete(try c.prepare(record(unique("[endless]"))))
        #expect(out["status"] == "api_error")
        #expect(out["call"]?["error"] == "response body larger than 1048576 bytes (--max-response-bytes)")
        #expect(out["call"]?["attempts"] == 1)
    }

    @Test func absurdUsageCountsNeitherTrapNorCount() async throws {
        let c = try client(maxN: 1)
        let out = await c.complete(try c.prepare(record(unique("[huge_usage]"), generation: ["n": 3])))
        #expect(out["status"] == "ok")
        #expect(out["responses"]?.array?.count == 3)
        #expect(out["call"]?["usage"]?["total_tokens"] == 0)
    }

    @Test func aBillionDrawsIsAnInputErrorNamingTheField() throws {
        let c = try client(maxN: 1)
        let e = #expect(throws: EvalError.self) { try c.prepare(record("x", generation: ["n": 1_000_000_000])) }
        #expect(e?.description == "generation.n: 1000000000 draws is more than the 1024 one record may ask for (--max-draws raises the cap)")
        #expect(try c.prepare(record("x", generation: ["n": 1024])).draws == 1024)
        #expect(throws: Never.self) { try client(limits: Limits(draws: 5000)).prepare(record("x", generation: ["n": 5000])) }
    }

    @Test func aSeedAtTheEdgeOf64BitsStopsTheInputAndKeepsEarlierRecords() async throws {
        let dir = NSTemporaryDirectory() + "evalpipe-hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.jsonl", output = dir + "/out.jsonl"
        let tag = unique("")
        let lines = [record("\(tag) 1", id: "1", generation: ["n": 2, "seed": 7]),
                     record("\(tag) 2", id: "2", generation: ["n": 2, "seed": .int(.max)]),
                     record("\(tag) 3", id: "3")]
        try lines.map { JSON.encodeString(JSONValue.object($0)) + "\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        let summary = try await CallModel.run(CallModelOptions(model: "hosted_vllm/fake/model", baseURL: server.baseURL, maxN: 1,
                                                               timeout: 10, output: output, inputs: [input]), engine: engine)
        #expect(summary.inputError?.description
                == "\(input):2: generation.seed: 9223372036854775807 + 1 (seed + the last draw's index) does not fit 64 bits (use a seed at most 9223372036854775806)")
        let written = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(written.count == 1)
        #expect(try JSON.decode(Array(written[0].utf8))["id"] == "1")
        // A seed one lower is fine: draws 0 and 1 send seed and seed + 1.
        let ok = try client(maxN: 1).prepare(record("y", generation: ["n": 2, "seed": .int(.max - 1)]))
        #expect(ok.generation.seed == .max - 1)
    }
}

/// Two `call-model --output F` at once (a requeued batch job, a second terminal): every id is
/// requested and written once. Real processes, real locks.
@Suite(.serialized) struct ConcurrentWriterTests {
    let server = FakeServer.shared

    func binary() throws -> String {
        let dir = ProcessInfo.processInfo.environment["EVALPIPE_BIN"] ?? Bundle.main.executableURL!.deletingLastPathComponent().path
        let path = dir + "/call-model"
        try #require(FileManager.default.isExecutableFile(atPath: path), "call-model is not built beside the tests")
        return path
    }

    func start(_ args: [String], stderr: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary())
        p.arguments = args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: stderr, contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        try p.run()
        return p
    }

    @Test func aSecondWriterFailsNamingTheFirstOrWaitsAndRequestsNothingAgain() async throws {
        let dir = NSTemporaryDirectory() + "evalpipe-lock-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.jsonl", output = dir + "/out.jsonl"
        let tag = "\(UUID().uuidString.prefix(8)) [stall=0.02]", hold = "lock-\(UUID().uuidString.prefix(8))"
        let count = 300
        // The last request waits until the test releases it, so the first writer holds the lock
        // for as long as the test needs, however slowly processes start on a loaded machine.
        try (0..<count).map { i in
            JSON.encodeString(JSONValue.object(["id": .string("\(i)"), "messages": [["role": "user", "content": .string("\(tag) \(i)" + (i == count - 1 ? " [hold=\(hold)]" : ""))]]])) + "\n"
        }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        let args = ["--model", "hosted_vllm/fake/model", "--base-url", server.baseURL, "--concurrency", "8", "--output", output, input]

        // Two writers started together, both willing to wait: one runs, the other resumes after it.
        let first = try start(args + ["--wait-for-lock"], stderr: dir + "/1.err")
        let second = try start(args + ["--wait-for-lock"], stderr: dir + "/2.err")
        // While they run, a third that will not wait is turned away with the holder's PID.
        // A blocking wait, no suspension until the third is done: on a loaded machine the test's
        // continuation could wait for a free cooperative thread past the hold.
        while (try? String(contentsOfFile: output, encoding: .utf8))?.isEmpty ?? true { usleep(20_000) }
        let third = try start(args, stderr: dir + "/3.err")
        third.waitUntilExit()
        try await server.release(hold)
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        #expect(third.terminationStatus == 1)
        let refused = try String(contentsOfFile: dir + "/3.err", encoding: .utf8)
        let holders = [first.processIdentifier, second.processIdentifier].map { "PID \($0)" }
        #expect(refused.hasPrefix("call-model: \(output): another call-model ("), "\(refused)")
        #expect(holders.contains { refused.contains($0) }, "\(refused)")
        let waited = try String(contentsOfFile: dir + "/1.err", encoding: .utf8) + String(contentsOfFile: dir + "/2.err", encoding: .utf8)
        #expect(waited.contains("waiting for PID"), "\(waited)")
        #expect(waited.contains("\(count) skipped (already done)"), "\(waited)")

        let ids = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map { try JSON.decode(Array($0.utf8))["id"]?.string ?? "" }
        #expect(ids.count == count)
        #expect(Set(ids).count == count)
        let requests = try await server.requests(containing: tag)
        #expect(requests.count == count, "each id paid for once")
    }
}
