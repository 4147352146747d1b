import Foundation
import XCTest

/// WMT20 en→ja and ja→en end to end on our sample pairs (tasks/samples/wmt20_*.jsonl) against the
/// real model server: prompts, extraction, the per-record BLEU statistics, and aggregate's corpus
/// BLEU in the reference's aggregated_results.json, equal to sacreBLEU (with Janome and nagisa
/// segmentation for en→ja) on the same translations.
final class TranslationPipelineTests: XCTestCase {
    func testBothDirectionsEndToEndMatchSacreBLEU() throws {
        let server = ModelServer.shared
        if let e = server.setupError { XCTFail("model server: \(e)"); throw XCTSkip(e) }
        let d = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let setup = try Harness.sh("bin/nagisa-setup")
        XCTAssertEqual(setup.status, 0, setup.stderr)
        let r = try Harness.sh("""
            { fetch-task wmt20_en_ja --data tasks/samples/wmt20_en_ja.jsonl; fetch-task wmt20_ja_en --data tasks/samples/wmt20_ja_en.jsonl; } \
              | render-prompts --temperature 0 --max-tokens 48 \
              | call-model --model hosted_vllm/smollm2 --base-url \(server.baseURL) --concurrency 4 \
              | strip-reasoning | score > \(d)/scored.jsonl
            aggregate --format swallow \(d)/scored.jsonl > \(d)/aggregated_results.json
            """)
        XCTAssertEqual(r.status, 0, r.stderr)

        let scored = try Harness.lines("\(d)/scored.jsonl")
        XCTAssertEqual(scored.count, 16)
        var corpora: [String: (hyps: [String], refs: [String])] = [:]
        for rec in scored {
            XCTAssertNotEqual(rec["status"] as? String, "api_error")
            let task = rec["task"] as! String
            let prompt = (rec["messages"] as! [[String: Any]]).last!["content"] as! String
            XCTAssertTrue(task == "wmt20_en_ja" ? prompt.hasPrefix("以下に示す英文を日本語に翻訳せよ。") && prompt.hasSuffix("\n")
                                                : prompt.hasPrefix("Translate the following Japanese sentence into English."), prompt)
            let extracted = (rec["responses"] as! [[String: Any]])[0]["extracted"] as! [String]
            let gold = ((rec["target"] as! [String: Any])["golds"] as! [String])[0]
            XCTAssertFalse(gold.hasSuffix(" "), "references are rstripped")
            corpora[task, default: ([], [])].hyps.append(extracted.first ?? "")
            corpora[task, default: ([], [])].refs.append(gold)
            let bleu = (rec["scores"] as! [String: Any])["bleu"] as! [String: Any]
            XCTAssertEqual(bleu["reduce"] as? String, "bleu")
        }
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(d)/aggregated_results.json"))) as! [String: Any]
        let results = (doc["results"] as! [String: NSNumber]).mapValues(\.doubleValue)
        let tasks = doc["tasks"] as! [String]
        XCTAssertEqual(Array(tasks.drop { $0 != "wmt20_en_ja_bleu" }.prefix(3)), ["wmt20_en_ja_bleu", "wmt20_en_ja_bleu_lmevalja", "wmt20_ja_en_bleu"])
        for key in ["wmt20_en_ja_bleu", "wmt20_en_ja_bleu_lmevalja", "wmt20_ja_en_bleu"] {
            XCTAssertTrue((0...100).contains(results[key] ?? -1), "\(key): \(String(describing: results[key]))")
        }

        // The same translations through the reference's libraries.
        guard let python = ProcessInfo.processInfo.environment["ORACLE_PYTHON"] else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("ORACLE_PYTHON is not set under CI") }
            return
        }
        let requests: [[String: Any]] = [
            ["op": "bleu", "hyps": corpora["wmt20_en_ja"]!.hyps, "refs": corpora["wmt20_en_ja"]!.refs, "segment": "janome"],
            ["op": "bleu", "hyps": corpora["wmt20_en_ja"]!.hyps, "refs": corpora["wmt20_en_ja"]!.refs, "segment": "nagisa"],
            ["op": "bleu", "hyps": corpora["wmt20_ja_en"]!.hyps, "refs": corpora["wmt20_ja_en"]!.refs, "lang": "en"],
        ]
        let input = try requests.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
        try input.write(toFile: "\(d)/oracle.in", atomically: true, encoding: .utf8)
        let o = try Harness.sh("\(python) Tests/Fixtures/translation/oracle.py < \(d)/oracle.in")
        XCTAssertEqual(o.status, 0, o.stderr)
        let want = o.stdout.split(separator: "\n").map {
            ((try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["score"] as! NSNumber).doubleValue
        }
        XCTAssertEqual(want.count, 3)
        for (key, w) in zip(["wmt20_en_ja_bleu", "wmt20_en_ja_bleu_lmevalja", "wmt20_ja_en_bleu"], want) {
            XCTAssertEqual(results[key]!, w, accuracy: 1e-12 * max(1, w), key)
        }
    }
}

/// bin/fidelity on the WMT20 golden corpora: every corpus's BLEU values agree.
final class TranslationFidelityTests: XCTestCase {
    func testEveryVisibleCorpusAgrees() throws {
        let fixtures = Harness.repo.appendingPathComponent("Tests/Fixtures/golden")
        let r = try Harness.sh("bin/nagisa-setup >/dev/null && EVALPIPE_BIN=\(Harness.bin) bin/fidelity \(fixtures.path)/translation.jsonl")
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(r.stdout, "wmt20  12/12\nagree 12/12\n", r.stderr)
    }
}
