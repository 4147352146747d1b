import EvalCore
import XCTest
@testable import Jobs

final class RenderTests: XCTestCase {
    func testTsubameScriptAndGroupFlag() throws {
        let plan = try Fixtures.plan(service: "tsubame", node: "node_q", env: ["TSUBAME_GROUP": "tga-x", "PRIORITY": "-4"])
        let job = plan.tasks[0]
        for line in ["#$ -l node_q=1", "#$ -l h_rt=3:00:00", "#$ -p -4", "#$ -N ep_gpqa_diamond", "#$ -j y",
                     "#$ -o /r/hosted_vllm/Qwen/Qwen3-8B/reasoning/gpqa_diamond/job.log"] {
            XCTAssertTrue(job.script.contains(line + "\n"), line)
        }
        // -g is a qsub flag on TSUBAME, never a #$ line
        XCTAssertFalse(job.script.contains("-g "))
        XCTAssertEqual(plan.renderer.submitCommand(job.spec, after: []), ["qsub", "-terse", "-g", "tga-x"])
        XCTAssertEqual(plan.renderer.submitCommand(plan.aggregate.spec, after: ["5", "6"]),
                       ["qsub", "-terse", "-g", "tga-x", "-hold_jid", "5,6"])
        XCTAssertTrue(plan.aggregate.script.contains("#$ -l cpu_16=1\n"))
        XCTAssertTrue(job.script.contains("bin/serve-vllm --model Qwen/Qwen3-8B"))
        XCTAssertTrue(job.script.contains(" gpqa_diamond MODEL=hosted_vllm/Qwen/Qwen3-8B SETTINGS=reasoning RESULTS=/r BIN=/b"))
        XCTAssertTrue(job.script.contains(" LIMIT=3"))
    }

    func testNoGroupMeansNoFlag() throws {
        let plan = try Fixtures.plan(service: "tsubame", node: "node_q")
        XCTAssertEqual(plan.renderer.submitCommand(plan.tasks[0].spec, after: []), ["qsub", "-terse"])
        XCTAssertTrue(plan.tasks[0].script.contains("#$ -p -5\n"))
    }

    func testABCINeedsAGroup() {
        XCTAssertThrowsError(try Fixtures.plan(service: "abci", node: "rt_HG")) {
            XCTAssertTrue("\($0)".contains("ABCI_GROUP"))
        }
    }

    func testSlurmAndDependencies() throws {
        let plan = try Fixtures.plan(service: "slurm", node: "gpu_1", env: ["SLURM_ACCOUNT": "acct"])
        XCTAssertTrue(plan.tasks[0].script.contains("#SBATCH --gpus=1\n"))
        XCTAssertTrue(plan.tasks[0].script.contains("#SBATCH --time=3:00:00\n"))
        XCTAssertEqual(plan.renderer.submitCommand(plan.aggregate.spec, after: ["7", "8"]),
                       ["sbatch", "--parsable", "--account=acct", "--dependency=afterok:7:8"])
        XCTAssertEqual(plan.renderer.jobID(fromSubmitOutput: "123;cluster\n"), "123")
    }

    func testWalltimeFromEstimatesClampedToTheService() throws {
        XCTAssertEqual(try Fixtures.plan(service: "local", node: "gpu_1").tasks[0].spec.walltime.description, "3:00:00")
        let svc = try ServiceConfig.load(name: "tsubame", conf: repo.appendingPathComponent("conf").path)
        var t = try TaskCatalog(directory: repo.appendingPathComponent("tasks").path).load("gpqa_diamond")
        t.runtime = ["node_q": "20:00:00"]
        XCTAssertEqual(try Walltime.request(tasks: [t], node: try svc.node("node_q"), service: svc).description, "24:00:00")
        t.runtime = ["node_q": "0:01:01"]   // × 1.5 = 91.5 s → 2 min, below the 10-minute floor
        XCTAssertEqual(try Walltime.request(tasks: [t], node: try svc.node("node_q"), service: svc).description, "0:10:00")
        t.runtime = nil   // the node's default estimate, 2:00:00 × 1.5
        XCTAssertEqual(try Walltime.request(tasks: [t], node: try svc.node("node_q"), service: svc).description, "3:00:00")
        t.runtime = ["node_q": "2 hours"]
        XCTAssertThrowsError(try Walltime.request(tasks: [t], node: try svc.node("node_q"), service: svc)) {
            XCTAssertTrue("\($0)".contains("runtime.node_q: '2 hours' is not H:MM:SS"), "\($0)")
        }
        XCTAssertThrowsError(try svc.node("gpu_2")) { XCTAssertTrue("\($0)".contains("node_f, node_q")) }
    }

    func testEveryServiceFileLoadsAndNamesItsAggregateNode() throws {
        for name in ["tsubame", "abci", "slurm", "local"] {
            let s = try ServiceConfig.load(name: name, conf: repo.appendingPathComponent("conf").path)
            XCTAssertNoThrow(try s.node(s.aggregateNode), name)
        }
    }

    func testShellQuote() {
        XCTAssertEqual(shellQuote("MODEL=a/b"), "MODEL=a/b")
        XCTAssertEqual(shellQuote("it's"), "'it'\\''s'")
        XCTAssertEqual(shellQuote(""), "''")
    }

    func testEnvFile() throws {
        let p = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID())").path
        try "# c\nexport A=1\nB=\"two words\"\nC='x'\n\n".write(toFile: p, atomically: true, encoding: .utf8)
        XCTAssertEqual(try readEnvFile(p), ["A": "1", "B": "two words", "C": "x"])
        try "oops\n".write(toFile: p, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try readEnvFile(p)) { XCTAssertTrue("\($0)".contains(":1: expected KEY=VALUE")) }
    }
}
