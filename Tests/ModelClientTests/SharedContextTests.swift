import EvalCore
import Foundation
import HTTP
@testable import ModelClient
import Testing

/// MT-Bench's conversations, the reference's way (`conversation.context: first_draw`): one request
/// per turn for every draw, each later turn continuing from draw 0's answer cut to `max_chars`;
/// at temperature 0 one answer copied to every draw. Against the fake server on loopback, whose
/// answer to a request is "<last user message>|seed=<seed>|i=<choice index>".
@Suite struct SharedContextTests {
    let server = FakeServer.shared

    func client() throws -> ChatClient {
        let endpoint = try Endpoint.resolve(model: "hosted_vllm/fake/model", baseURL: server.baseURL, environment: [:], dotEnv: [:])
        return ChatClient(endpoint: endpoint, engine: CurlEngine(), retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05))
    }

    func record(_ tag: String, temperature: Double, context: String = "first_draw", maxChars: Int? = 12) -> JSONObject {
        var conv: JSONObject = ["context": .string(context)]
        conv["max_chars"] = maxChars.map { .int(Int64($0)) }
        return ["id": "mt:0", "messages": [["role": "user", "content": .string("\(tag) q1")]], "followups": [.string("\(tag) q2")],
                "generation": ["n": 3, "seed": 5, "temperature": .double(temperature)], "conversation": .object(conv)]
    }

    func turnContents(_ out: JSONObject) -> [[String]] {
        (out["responses"]?.array ?? []).map { r in r["turns"]?.array?.compactMap { $0["content"]?.string } ?? [] }
    }

    @Test func everyDrawContinuesFromDrawZerosCutAnswer() async throws {
        let tag = String(UUID().uuidString.prefix(8)), c = try client()
        let out = await c.complete(try c.prepare(record(tag, temperature: 0.7)))
        #expect(out["status"] == "ok")
        #expect(turnContents(out) == (0..<3).map { ["\(tag) q1|seed=5|i=\($0)", "\(tag) q2|seed=5|i=\($0)"] })
        let turn2 = try await server.requests(containing: "\(tag) q2")
        #expect(turn2.count == 1, "one request for the three draws of turn 2")
        let messages = turn2.first?["body"]?["messages"]?.array ?? []
        #expect(messages.compactMap { $0["content"]?.string } == ["\(tag) q1", String("\(tag) q1|seed=5|i=0".prefix(12)), "\(tag) q2"])
        #expect(turn2.first?["body"]?["n"] == 3)
        #expect(out["responses"]?.array?.first?["content"]?.string == "\(tag) q2|seed=5|i=0")
    }

    @Test func greedyTurnsAskOnceAndCopyTheAnswer() async throws {
        let tag = String(UUID().uuidString.prefix(8)), c = try client()
        let out = await c.complete(try c.prepare(record(tag, temperature: 0)))
        #expect(turnContents(out) == Array(repeating: ["\(tag) q1|seed=5|i=0", "\(tag) q2|seed=5|i=0"], count: 3))
        let all = try await server.requests(containing: tag)
        #expect(all.count == 2)
        #expect(all.allSatisfy { $0["body"]?["n"] == nil }, "n = 1 is not sent")
    }

    @Test func ownDrawContextIsTheDeviationEachDrawItsOwnConversation() async throws {
        let tag = String(UUID().uuidString.prefix(8)), c = try client()
        let out = await c.complete(try c.prepare(record(tag, temperature: 0.7, context: "own_draw", maxChars: nil)))
        #expect(turnContents(out) == (0..<3).map { ["\(tag) q1|seed=\(5 + $0)|i=0", "\(tag) q2|seed=\(5 + $0)|i=0"] })
        let contexts = try await server.requests(containing: "\(tag) q2").compactMap { $0["body"]?["messages"]?.array?[1]["content"]?.string }
        #expect(Set(contexts) == Set((0..<3).map { "\(tag) q1|seed=\(5 + $0)|i=0" }))
    }

    @Test func theConversationModeIsPartOfTheCacheKey() throws {
        let c = try client()
        let shared = try c.prepare(record("x", temperature: 0.7)).cacheKey
        let own = try c.prepare(record("x", temperature: 0.7, context: "own_draw")).cacheKey
        var plain = record("x", temperature: 0.7)
        plain["conversation"] = nil
        #expect(Set([shared, own, try c.prepare(plain).cacheKey]).count == 3)
    }

    @Test func aMalformedConversationIsAnErrorNamingIt() throws {
        var r = record("x", temperature: 0.7)
        r["conversation"] = ["context": "sideways"]
        #expect { try client().prepare(r) } throws: { ($0 as? EvalError)?.field == "conversation" }
    }
}
