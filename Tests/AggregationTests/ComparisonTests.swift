@testable import Aggregation
import EvalCore
import Foundation
import Testing

/// `aggregate --compare`: the paired bootstrap against cases whose answer is known in closed form,
/// and against the same resampling written directly in Python (CPython's own `random`).
@Suite struct ComparisonTests {
    static let none = TaskCatalog(directory: "/nonexistent")

    static func record(_ task: String, _ i: Int, _ value: JSONValue?, status: String = "ok") -> JSONObject {
        var r: JSONObject = ["task": .string(task), "id": .string(String(format: "\(task):%04d", i)), "status": .string(status)]
        if let value { r["scores"] = ["m": value] }
        return r
    }

    static func compare(_ a: [Double], _ b: [Double], resamples: Int = 10_000, seed: Int = 0) throws -> Comparison.TaskDifference {
        let c = Comparison(catalog: none, resamples: resamples, seed: seed)
        for (i, x) in a.enumerated() { try c.add(record("t", i, .double(x)), side: "A") }
        for (i, x) in b.enumerated() { try c.add(record("t", i, .double(x)), side: "B") }
        return try #require(c.result().tasks.first)
    }

    /// Two pairs with differences 0 and 1: a resample's mean difference is 0, ½ or 1 with chances
    /// ¼, ½, ¼, so the 2.5th and 97.5th percentiles are 0 and 1 exactly.
    @Test func twoPairsGiveTheWholeRange() throws {
        let d = try Self.compare([0, 0], [0, 1])
        #expect(d.difference == 0.5 && d.low == 0 && d.high == 1 && !d.significant && d.n == 2)
    }

    /// Every pair differs by the same amount: every resample does too.
    @Test func aConstantDifferenceHasNoWidth() throws {
        let d = try Self.compare([0, 0.5, 0.25, 0], [0.25, 0.75, 0.5, 0.25])
        #expect(d.difference == 0.25 && d.low == 0.25 && d.high == 0.25 && d.significant)
    }

    /// 400 pairs, B right on 100 more: the bootstrap interval is close to the normal one,
    /// 0.25 ± 1.96·sqrt(0.25·0.75/400).
    @Test func manyPairsAgreeWithTheNormalApproximation() throws {
        let d = try Self.compare([Double](repeating: 0, count: 400), (0..<400).map { $0 % 4 == 0 ? 1 : 0 })
        let half = 1.96 * (0.25 * 0.75 / 400).squareRoot()
        #expect(abs(d.low - (0.25 - half)) < 0.006 && abs(d.high - (0.25 + half)) < 0.006, "\(d.low) \(d.high)")
        #expect(d.significant)
        #expect(try Self.compare([Double](repeating: 0, count: 400), (0..<400).map { $0 % 4 == 0 ? 1 : 0 }).low == d.low)  // seeded
    }

    @Test func onlySharedScoredIdsArePaired() throws {
        let c = Comparison(catalog: Self.none)
        for i in 0..<5 { try c.add(Self.record("t", i, .int(1)), side: "A") }
        try c.add(Self.record("t", 5, nil, status: "api_error"), side: "A")
        for i in 1..<7 { try c.add(Self.record("t", i, i == 2 ? nil : .int(0), status: i == 2 ? "api_error" : "ok"), side: "B") }
        let d = try #require(c.result().tasks.first)
        #expect(d.n == 3 && d.unpairedA == 3 && d.unpairedB == 3 && d.meanA == 1 && d.meanB == 0 && d.difference == -1)
        #expect(d.low == -1 && d.high == -1 && d.significant)
    }

    @Test func malformedInputNamesItsField() throws {
        let c = Comparison(catalog: Self.none)
        try c.add(Self.record("t", 0, .int(1)), side: "A")
        #expect { try c.add(Self.record("t", 0, .int(1)), side: "A") } throws: { ($0 as? EvalError)?.field == "id" }
        #expect { try c.add(["task": "t", "scores": ["m": 1]], side: "B") } throws: { ($0 as? EvalError)?.field == "id" }
        var other = Self.record("t", 1, .int(1))
        other["call"] = ["model": "another"]
        #expect { try c.add(other, side: "A") } throws: { ($0 as? EvalError)?.field == "call.model" }
        #expect { try c.add(Self.record("t", 1, "1"), side: "B") } throws: { ($0 as? EvalError)?.field == "scores.m" }
        #expect { try c.add(Self.record("t", 1, ["reduce": "micro_mean", "sum": 1]), side: "B") } throws: { ($0 as? EvalError)?.field == "scores.m.count" }
        // A corpus statistic is not resampled by record: the task is named as left out.
        try c.add(Self.record("u", 0, ["reduce": "bleu", "n": 1]), side: "A")
        #expect(c.result().notResampled == ["u"] && c.result().tasks.isEmpty)  // t has no B side
    }

    /// The resampling written out in Python with `random.Random(seed).randrange`: the same draws,
    /// so the same intervals to the last bit, for means and micro means.
    static let oracle = """
    import json, random, sys
    out = []
    for case in json.load(sys.stdin):
        a, b, n, rng = case["a"], case["b"], len(case["a"]), random.Random(case["seed"])
        diffs = []
        for _ in range(case["resamples"]):
            sa = ca = sb = cb = 0.0
            for _ in range(n):
                i = rng.randrange(n)
                sa += a[i][0]; ca += a[i][1]; sb += b[i][0]; cb += b[i][1]
            diffs.append((sb / cb if cb else 0.0) - (sa / ca if ca else 0.0))
        diffs.sort()
        def pct(q):
            h = q * (len(diffs) - 1); i = int(h)
            return diffs[i] + (h - i) * (diffs[i + 1] - diffs[i])
        out.append([pct(0.025), pct(0.975)])
    print(json.dumps(out))
    """

    @Test func theIntervalsEqualAPythonComputation() throws {
        guard let python = ProcessInfo.processInfo.environment["ORACLE_PYTHON"] else {
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "ORACLE_PYTHON is unset (run eval \"$(bin/oracle-setup)\")")
            return
        }
        var rng = SplitMix64(seed: 0xb007)
        let c = Comparison(catalog: Self.none, resamples: 2000, seed: 1234)
        var cases: [(task: String, a: [(Double, Double)], b: [(Double, Double)])] = []
        for (task, n) in [("binary", 300), ("graded", 157), ("micro", 64)] {
            var a: [(Double, Double)] = [], b: [(Double, Double)] = []
            for i in 0..<n {
                let pair: [(Double, Double)] = (0..<2).map { side in
                    switch task {
                    case "binary": return (Double(rng.next() % 100 < (side == 0 ? 55 : 62) ? 1 : 0), 1)
                    case "graded": return (Double(rng.next() % 1000) / 999, 1)
                    default: let count = Double(1 + rng.next() % 4); return (Double(rng.next() % UInt64(count + 1)), count)
                    }
                }
                for (side, (s, k)) in pair.enumerated() {
                    let value: JSONValue = task == "micro" ? ["reduce": "micro_mean", "sum": .double(s), "count": .double(k)] : .double(s)
                    try c.add(Self.record(task, i, value), side: side == 0 ? "A" : "B")
                }
                a.append(pair[0]); b.append(pair[1])
            }
            cases.append((task, a, b))
        }
        let result = c.result().tasks
        #expect(result.map(\.task) == ["binary", "graded", "micro"])
        let input = JSONValue.array(cases.map { cs in
            ["a": .array(cs.a.map { [.double($0.0), .double($0.1)] }), "b": .array(cs.b.map { [.double($0.0), .double($0.1)] }),
             "seed": 1234, "resamples": 2000]
        })
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("in.json"), outURL = dir.appendingPathComponent("out.json")
        try JSON.encode(input).write(to: inURL)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", Self.oracle]
        p.standardInput = try FileHandle(forReadingFrom: inURL)
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0)
        let expected = try #require(try JSON.decode(Data(contentsOf: outURL)).array)
        #expect(expected.count == 3)
        for (d, e) in zip(result, expected) {
            #expect(d.low == e.array?[0].double && d.high == e.array?[1].double, "\(d.task): \(d.low) \(d.high) vs \(e)")
        }
    }
}
