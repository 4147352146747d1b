import Foundation
import Testing

/// M-IFEval-Ja end to end on our sample prompts (tasks/samples/mifeval_ja.jsonl), LIMIT of them,
/// against the real model server: the row's prompt sent as is, the 33-checker scoring on what the
/// model wrote, and aggregate's instruction-level micro mean and Swallow keys from those records.
@Suite struct InstructionFollowingPipelineTests {
    static let limit = 6

    @Test func mifevalJaEndToEndThroughTheModelServer() throws {
        let server = ModelServer.shared
        if let e = server.setupError { Issue.record("model server: \(e)"); return }
        let d = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let r = try Harness.sh("""
            fetch-task mifeval_ja --data tasks/samples/mifeval_ja.jsonl --limit \(Self.limit) \
              | render-prompts --temperature 0 --max-tokens 96 \
              | call-model --model hosted_vllm/smollm2 --base-url \(server.baseURL) --concurrency 4 \
              | strip-reasoning | score > \(d)/scored.jsonl
            aggregate \(d)/scored.jsonl > \(d)/metrics.json
            aggregate --format swallow \(d)/scored.jsonl > \(d)/aggregated_results.json
            """)
        #expect(r.status == 0, "\(r.stderr)")

        let scored = try Harness.lines("\(d)/scored.jsonl")
        #expect(scored.count == Self.limit)
        #expect(Set(scored.map { $0["id"] as? String }).count == Self.limit)
        var strictSum = 0, looseSum = 0, count = 0, promptStrict = 0, promptLoose = 0
        for rec in scored {
            #expect(rec["status"] as? String != "api_error")
            let row = rec["row"] as! [String: Any]
            let ids = row["instruction_id_list"] as! [String]
            // The query is the row's prompt, with no template around it.
            let messages = rec["messages"] as! [[String: Any]]
            #expect(messages.last?["content"] as? String == row["prompt"] as? String)
            let target = rec["target"] as! [String: Any]
            #expect(target["instruction_id_list"] as? [String] == ids)

            let response = (rec["responses"] as! [[String: Any]])[0]
            #expect(((response["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0) > 0)
            let perResponse = response["scores"] as! [String: Any]
            let strict = perResponse["inst_level_strict_acc"] as! [Bool], loose = perResponse["inst_level_loose_acc"] as! [Bool]
            #expect(strict.count == ids.count && loose.count == ids.count)
            // The loose check tries the answer itself first: whatever strict follows, loose follows.
            #expect(zip(strict, loose).allSatisfy { !$0 || $1 }, "\(rec["id"]!)")

            let scores = rec["scores"] as! [String: Any]
            #expect(scores["prompt_level_strict_acc"] as? Int == (strict.allSatisfy { $0 } ? 1 : 0))
            #expect(scores["prompt_level_loose_acc"] as? Int == (loose.allSatisfy { $0 } ? 1 : 0))
            let inst = scores["inst_level_strict_acc"] as! [String: Any]
            #expect(inst["reduce"] as? String == "micro_mean")
            #expect(inst["count"] as? Int == ids.count)
            #expect(inst["sum"] as? Int == strict.filter { $0 }.count)
            strictSum += strict.filter { $0 }.count; looseSum += loose.filter { $0 }.count; count += ids.count
            promptStrict += strict.allSatisfy { $0 } ? 1 : 0; promptLoose += loose.allSatisfy { $0 } ? 1 : 0
        }

        // Instruction level: over all instructions of all records (micro), not a mean of records.
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(d)/metrics.json"))) as! [String: Any]
        let metrics = ((doc["results"] as! [[String: Any]])[0]["metrics"] as! [String: [String: Any]]).mapValues { ($0["mean"] as! NSNumber).doubleValue }
        let want = ["inst_level_strict_acc": Double(strictSum) / Double(count), "inst_level_loose_acc": Double(looseSum) / Double(count),
                    "prompt_level_strict_acc": Double(promptStrict) / Double(Self.limit), "prompt_level_loose_acc": Double(promptLoose) / Double(Self.limit)]
        for (metric, value) in want { #expect(abs(metrics[metric]! - value) < 1e-12, "\(metric)") }

        let swallow = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(d)/aggregated_results.json"))) as! [String: Any]
        let results = (swallow["results"] as! [String: NSNumber]).mapValues(\.doubleValue)
        let tasks = swallow["tasks"] as! [String]
        #expect(Array(tasks.drop { $0 != "mifeval_ja_inst_level_strict_acc" }.prefix(2)) == ["mifeval_ja_inst_level_strict_acc", "mifeval_ja_average"])
        #expect(abs(results["mifeval_ja_inst_level_strict_acc"]! - want["inst_level_strict_acc"]!) < 1e-12)
        #expect(abs(results["mifeval_ja_average"]! - want.values.reduce(0, +) / 4) < 1e-12)
    }
}
