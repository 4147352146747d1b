import EvalCore
import Foundation
@testable import Prompting
import Testing

/// MT-Bench's prompts: the model's two turns and the judge's requests, against the reference's
/// own judge prompts in the golden cases (Tests/Fixtures/golden/mt_bench.jsonl, judge_full).
@Suite struct MTBenchPromptTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    let catalog = TaskCatalog(directory: repo.appendingPathComponent("tasks").path)

    func rendered(_ task: String, _ row: JSONObject, flags: GenerationSpec = GenerationSpec(), own: Bool = false) throws -> JSONObject {
        let r = try PromptRenderer(catalog: catalog, systemPrompt: nil, generation: flags, seed: nil, ownTurnContext: own)
        var record: JSONObject = ["task": .string(task), "id": "t:0", "index": 0, "row": .object(row)]
        try r.render(&record)
        return record
    }

    static let row: JSONObject = ["question_id": 81, "category": "stem", "turns": ["first?", "second?"],
                                  "reference": [["turns": ["r1", "r2"]]]]

    @Test func theTurnsBecomeMessagesAndFollowupsAndTheCategoryPicksTheTemperature() throws {
        let r = try rendered("english_mt_bench", Self.row, flags: GenerationSpec(temperature: 1.5, maxTokens: 64))
        #expect(r["messages"] == [["role": "user", "content": "first?"]])
        #expect(r["followups"] == ["second?"])
        // The category's temperature wins even over a flag, as in the reference; other flags stay.
        #expect(r["generation"] == ["n": 5, "temperature": 0.1, "max_tokens": 64])
        #expect(r["conversation"] == ["context": "first_draw", "max_chars": 8192])
        #expect(r["target"] == ["category": "stem", "questions": ["first?", "second?"], "references": ["r1", "r2"]])
        let other = try rendered("english_mt_bench", Self.row.merging(["category": "unknown"]) { $1 })
        #expect(other["generation"]?["temperature"] == 0.0)
        #expect(try rendered("japanese_mt_bench_truncate_6144", Self.row)["conversation"]?["max_chars"] == 6144)
        #expect(try rendered("japanese_mt_bench", Self.row, own: true)["conversation"]?["context"] == "own_draw")
    }

    @Test func aRowWithoutTheReferenceShapeIsAnError() throws {
        #expect { try rendered("japanese_mt_bench", Self.row.merging(["reference": []]) { $1 }) } throws: {
            ($0 as? EvalError)?.field == "row.reference"
        }
    }

    /// The golden judge_full cases: the judge requests we render are the reference's, byte for byte.
    @Test func judgePromptsAreTheReferencesExactly() throws {
        let text = try String(contentsOf: Self.repo.appendingPathComponent("Tests/Fixtures/golden/mt_bench.jsonl"), encoding: .utf8)
        let cases = try text.split(separator: "\n").map { try JSON.decode(Data($0.utf8)) }.filter { $0["mode"] == "judge_full" }
        #expect(cases.count == 3)
        let judge = JudgePromptRenderer(catalog: catalog)
        var compared = 0
        for c in cases {
            let responses = c["responses"]!.array!
            var record = try rendered(c["task"]!.string!, c["sample"]!.object!)
            record["responses"] = .array((0..<5).map { d in
                ["turns": [["answer": responses[0].array![d]], ["answer": responses[1].array![d]]]]
            })
            var out: [JSONObject] = []
            #expect(try judge.render(record) { out.append($0) })
            #expect(out.count == 10)
            let metrics = c["reference"]!["metrics"]!
            for o in out {
                let turn = o["judge"]!["turn"]!.int!, draw = o["judge"]!["draw"]!.int!
                #expect(o["messages"] == metrics["user_prompt_overall_turn_\(turn)"]!.array![draw], "\(c["id"]!) turn \(turn) draw \(draw)")
                #expect(o["generation"] == ["n": 1, "temperature": 0.0, "max_tokens": 4096])
                #expect(o["id"]?.string == "t:0/judge/\(turn)/\(draw)")
                compared += 1
            }
        }
        #expect(compared == 30)
    }

    @Test func aRecordTheModelNeverAnsweredIsNotJudged() throws {
        var record = try rendered("english_mt_bench", Self.row)
        record["status"] = "api_error"
        var emitted = 0
        #expect(try JudgePromptRenderer(catalog: catalog).render(record) { _ in emitted += 1 } == false)
        #expect(emitted == 0)
    }

    /// multi_turn reads its own keys of `prompt:`: a typo, a temperature that is not a number or an
    /// unknown turn context is an error naming the key; YAML's text scalars are read as numbers.
    @Test(arguments: [
        ("category_temperatures: {writing: 0.7}", "prompt.category_temperatures", "not used by kind multi_turn"),
        ("category_temperature: {writing: warm}", "prompt.category_temperature.writing", "expected a number"),
        ("turn_context: every_draw", "prompt.turn_context", "unknown turn context 'every_draw'"),
        ("max_answer_chars: 0", "prompt.max_answer_chars", "must be at least 1"),
    ])
    func aMultiTurnPromptChecksItsKeys(extra: String, field: String, message: String) throws {
        let base = "kind: multi_turn\nsource: test\ntemplate: \"{Question}\"\nturns: turns\ncategory: category\n"
        let spec = try YAMLSpec.prompt(base + extra)
        #expect { try MultiTurnPrompt(spec: spec) } throws: {
            ($0 as? EvalError).map { $0.field == field && $0.message.contains(message) } == true
        }
        let ok = try MultiTurnPrompt(spec: YAMLSpec.prompt(base + "category_temperature: {writing: 0.7}\nmax_answer_chars: 6144"))
        #expect(ok.temperatures == ["writing": 0.7])
        #expect(ok.conversation == ["context": "first_draw", "max_chars": 6144])
    }
}
