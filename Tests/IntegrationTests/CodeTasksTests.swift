import Foundation
import XCTest

/// The four code benchmarks end to end through `make <task>`: our sample problems, the real
/// small model server over loopback, ten draws each, every program run in the sandbox.
final class CodeTasksTests: XCTestCase {
    var server: ModelServer!

    override func setUpWithError() throws {
        server = ModelServer.shared
        if let e = server.setupError { XCTFail("model server: \(e)"); throw XCTSkip(e) }
    }

    func run(_ task: String, data: String, metric: String) throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The test server serves at most its --parallel 4 draws per request.
        let r = try Harness.sh("""
            make -s \(task) BIN=\(Harness.bin) MODEL=hosted_vllm/smollm2 BASE_URL=\(server.baseURL) \
              DATA=\(data) LIMIT=2 MAX_TOKENS=96 SEED=1 MAX_N=4 RESULTS=\(dir) PROFILE=
            """)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("score: sandbox "), r.stderr)
        let scored = try Harness.lines("\(dir)/hosted_vllm/hosted_vllm/smollm2/default/\(task)/scored.jsonl")
        XCTAssertEqual(scored.count, 2)
        for rec in scored {
            let responses = rec["responses"] as! [[String: Any]]
            XCTAssertEqual(responses.count, 10)
            for resp in responses {
                let exec = resp["execution"] as! [String: Any]
                XCTAssertNotNil(exec["results"] as? [Any], "\(exec)")   // graded, not exec_error
            }
            let passed = responses.filter { ($0["execution"] as! [String: Any])["passed"] as! Bool }.count
            let pass1 = (rec["scores"] as! [String: Any])[metric] as! Double
            XCTAssertEqual(pass1, Double(passed) / 10, accuracy: 1e-12)
        }
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/hosted_vllm/hosted_vllm/smollm2/default/\(task)/metrics.json")))
        XCTAssertNotNil(metrics as? [String: Any])
    }

    func testHumanEval() throws { try run("humaneval", data: "tasks/samples/humaneval.jsonl", metric: "humaneval_pass@1:10") }
    func testHumanEvalPlus() throws { try run("humanevalplus", data: "tasks/samples/humaneval.jsonl", metric: "humaneval_pass@1:10") }
    func testJHumanEval() throws { try run("swallow_jhumaneval", data: "tasks/samples/humaneval.jsonl", metric: "humaneval_pass@1:10") }
    func testLiveCodeBench() throws { try run("livecodebench", data: "tasks/samples/livecodebench.jsonl", metric: "codegen_pass@1:10") }
}
