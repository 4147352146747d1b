import EvalCore
@testable import Reasoning
import Testing

/// Multi-turn draws: every turn gets its answer, cut after reasoning removal when the record's
/// `conversation` says so (the reference's model layer does both, in that order).
@Suite struct MultiTurnStripTests {
    @Test func eachTurnIsStrippedThenCut() throws {
        let turn1: JSONValue = ["content": "<think>long thoughts</think>日本語の答えです", "finish_reason": "stop"]
        let turn2: JSONValue = ["content": "second", "finish_reason": "length"]
        var record: JSONObject = ["conversation": ["context": "first_draw", "max_chars": 4],
                                  "responses": [["content": "second", "finish_reason": "length", "turns": [turn1, turn2]]]]
        try ReasoningStripper.strip(&record, parser: .named("deepseek_r1_markup"))
        let r = try #require(record["responses"]?.array?.first)
        #expect(r["turns"]?.array?[0]["answer"] == "日本語の")
        #expect(r["turns"]?.array?[0]["reasoning"] == "long thoughts")
        #expect(r["turns"]?.array?[1]["answer"] == "seco")
        #expect(r["answer"] == "seco")
        #expect(record["status"] == "truncated_in_answer")
    }

    @Test func withoutConversationNothingIsCut() throws {
        var record: JSONObject = ["responses": [["content": "abcdef", "turns": [["content": "uvwxyz"], ["content": "abcdef"]]]]]
        try ReasoningStripper.strip(&record, parser: .named("none"))
        #expect(record["responses"]?.array?[0]["turns"]?.array?[0]["answer"] == "uvwxyz")
    }
}
