import EvalCore
import Foundation
import Testing
@testable import Reasoning

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/reasoning")

private func load(_ name: String) throws -> [JSONObject] {
    let reader = RecordReader(paths: [fixtures.appendingPathComponent(name).path])
    var out: [JSONObject] = []
    while let r = try reader.nextRecord() { out.append(r.fields) }
    return out
}

/// A record as call-model writes it, one response per text.
private func record(_ texts: [String?], finish: String = "stop", parser: String? = nil) -> JSONObject {
    var r: JSONObject = ["id": "t:0", "responses": .array(texts.map {
        ["content": $0.map(JSONValue.string) ?? .null, "finish_reason": .string(finish)]
    })]
    if let parser { r["reasoning_parser"] = .string(parser) }
    return r
}

private func responses(_ r: JSONObject) -> [JSONObject] { r["responses"]!.array!.map { $0.object! } }

@Suite struct ParserFidelity {
    @Test func peerLightevalCases() throws {
        let cases = try load("peer-lighteval-reasoning-parser.jsonl")
        #expect(cases.count == 25)
        for c in cases {
            let id = c["id"]!.string!
            let split = try ReasoningParser.named(c["parser"]!.string!).split(c["input"]!.string!)
            let want = c["reference"]!["metrics"]!
            #expect(split.reasoning == want["reasoning_content"]!.string, "\(id)")
            #expect(split.content == want["content"]!.string, "\(id)")
            #expect(split.answer == want["text_given_to_metrics"]!.string!, "\(id)")
        }
    }

    /// Every visible golden case run with a reasoning parser: the answer is what the metrics received.
    @Test func goldenParsedResponses() throws {
        let cases = try load("golden-parsed.jsonl")
        #expect(cases.count == 71)
        for c in cases {
            let texts = c["responses"]!.array!.map(\.string)
            // Default parser `none` (.raw): the record's own reasoning_parser must win.
            var r = record(texts, parser: c["reasoning_parser"]!.string!)
            try ReasoningStripper.strip(&r, parser: .raw)
            let answers = responses(r).map { $0["answer"]!.string! }
            #expect(answers == c["parsed_responses"]!.array!.map { $0.string! }, "\(c["id"]!.string!)")
        }
    }

    @Test func vllmParsersOnEdgeCases() {
        let q = ReasoningParser.vllmQwen3, d = ReasoningParser.vllmDeepSeekR1
        #expect(q.split("pre<think>R</think>A") == ReasoningSplit(reasoning: "R", content: "A"))
        #expect(q.split("R</think>A") == ReasoningSplit(reasoning: nil, content: "R</think>A"))
        #expect(q.split("</think>x<think>y") == ReasoningSplit(reasoning: nil, content: "y"))
        #expect(q.split("<think>R</think>") == ReasoningSplit(reasoning: "R", content: nil))
        #expect(d.split("R</think>A") == ReasoningSplit(reasoning: "R", content: "A"))
        #expect(d.split("R only") == ReasoningSplit(reasoning: "R only", content: nil))
        #expect(d.split("x<think>R") == ReasoningSplit(reasoning: "R", content: nil))
        #expect(d.split("").answer == "")
        #expect(ReasoningParser.raw.split("<think>R</think>A").answer == "<think>R</think>A")
    }

    /// Python matches code points: a combining mark right after `>` does not hide the tag.
    @Test func tagsMatchCodePointsNotCharacters() {
        let s = ReasoningParser.deepseekR1Markup.split("<think>R</think>\u{301}A")
        #expect(s == ReasoningSplit(reasoning: "R", content: "\u{301}A"))
    }

    @Test func unknownParserListsKnownOnes() {
        #expect(throws: EvalError.self) { try ReasoningParser.named("qwen3") }
        do { _ = try ReasoningParser.named("qwen3") } catch let e as EvalError {
            #expect(e.description.contains("deepseek_r1_markup, vllm:qwen3, vllm:deepseek_r1, none"))
        } catch { Issue.record("\(error)") }
    }
}

@Suite struct Statuses {
    private func strip(_ r: JSONObject, _ parser: ReasoningParser = .deepseekR1Markup) throws -> JSONObject {
        var r = r
        try ReasoningStripper.strip(&r, parser: parser)
        return r
    }

    @Test func lengthCutInsideThink() throws {
        let r = try strip(record(["<think>Answer: B and then"], finish: "length"))
        let x = responses(r)[0]
        #expect(x["status"] == "truncated_in_reasoning")
        #expect(x["answer"] == "<think>Answer: B and then")  // scored as the reference scores it
        #expect(x["reasoning"] == nil)
        #expect(r["status"] == "truncated_in_reasoning")
    }

    @Test func lengthCutAfterThink() throws {
        let x = responses(try strip(record(["<think>R</think>Answer: C and"], finish: "length")))[0]
        #expect(x["status"] == "truncated_in_answer")
        #expect(x["answer"] == "Answer: C and")
        #expect(x["reasoning"] == "R")
    }

    @Test func lengthCutInSecondThink() throws {
        let x = responses(try strip(record(["<think>a</think>b<think>c"], finish: "length")))[0]
        #expect(x["status"] == "truncated_in_reasoning")
        #expect(x["answer"] == "b<think>c")
    }

    @Test func deepseekWithoutTagsCutIsInReasoning() throws {
        let x = responses(try strip(record(["thinking on"], finish: "length"), .vllmDeepSeekR1))[0]
        #expect(x["status"] == "truncated_in_reasoning")
        #expect(x["answer"] == "thinking on")
    }

    @Test func stopIsOkEvenWithOpenThink() throws {
        let x = responses(try strip(record(["<think>never closed"])))[0]
        #expect(x["status"] == "ok")
    }

    @Test func recordStatusIsWorstOfDraws() throws {
        let r = try strip(record(["<think>R</think>A", "<think>R</think>A cut"], finish: "length"))
        #expect(responses(r).map { $0["status"]! } == ["truncated_in_answer", "truncated_in_answer"])
        #expect(r["status"] == "truncated_in_answer")
        let mixed: JSONObject = ["responses": [
            ["content": "A", "finish_reason": "stop"], ["content": "<think>cut", "finish_reason": "length"],
        ]]
        #expect(try strip(mixed)["status"] == "truncated_in_reasoning")
    }

    @Test func serverSplitNullContentUsesReasoning() throws {
        var r: JSONObject = ["responses": [["content": nil, "reasoning_content": "R so B", "finish_reason": "length"]]]
        r = try strip(r)
        let x = responses(r)[0]
        #expect(x["answer"] == "R so B")
        #expect(x["reasoning"] == "R so B")
        #expect(x["status"] == "truncated_in_reasoning")
    }

    @Test func serverSplitContentIsNotParsedAgain() throws {
        let r = try strip(["responses": [["content": "<think>x</think>A", "reasoning_content": "R", "finish_reason": "length"]]])
        let x = responses(r)[0]
        #expect(x["answer"] == "<think>x</think>A")
        #expect(x["reasoning"] == "R")
        #expect(x["status"] == "truncated_in_answer")
    }

    /// Only a null content is replaced by the reasoning (docs/benchmarks.md, Null content: the test is `is None`).
    @Test func serverSplitEmptyContentStaysEmpty() throws {
        let x = responses(try strip(["responses": [["content": "", "reasoning_content": "R", "finish_reason": "stop"]]]))[0]
        #expect(x["answer"] == "")
        #expect(x["status"] == "ok")
    }

    @Test func emptyServerReasoningMeansNotSplit() throws {
        let x = responses(try strip(["responses": [["content": "<think>R</think>A", "reasoning_content": "", "finish_reason": "stop"]]]))[0]
        #expect(x["answer"] == "A")
    }

    @Test func nullContentWithoutReasoningScoresEmpty() throws {
        let x = responses(try strip(record([nil])))[0]
        #expect(x["answer"] == "")
        #expect(x["status"] == "ok")
    }

    @Test func apiErrorPassesThroughUnchanged() throws {
        let r: JSONObject = ["id": "t:1", "status": "api_error", "call": ["error": "boom"]]
        #expect(try strip(r) == r)
    }

    @Test func rerunIsIdempotent() throws {
        let once = try strip(record(["<think>R</think>A", "plain"]))
        #expect(try strip(once) == once)
        #expect(responses(once)[1]["reasoning"] == nil)
    }

    @Test func badRecordsNameTheField() {
        func field(_ r: JSONObject) -> String? {
            do { _ = try strip(r); return nil } catch let e as EvalError { return e.field } catch { return "?" }
        }
        #expect(field(["id": "x"]) == "responses")
        #expect(field(["responses": "text"]) == "responses")
        #expect(field(["responses": [["content": 3]]]) == "responses[0].content")
        #expect(field(record(["a"], parser: "qwen3")) == "reasoning_parser")
    }
}
