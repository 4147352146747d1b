import EvalCore
import Foundation

/// Corpus BLEU from the per-record statistics `{"reduce": "bleu", "correct": [4], "total": [4],
/// "sys_len", "ref_len"}` that the BLEU metrics write: summed in constant memory, then finished as
/// sacreBLEU 2.5.1's `BLEU.compute_bleu` does with its defaults (exp smoothing, order 4, no
/// effective order), on the 0–100 scale.
public final class CorpusBLEU: Reducer {
    public static let name = "bleu"
    private var correct = [Int](repeating: 0, count: 4)
    private var total = [Int](repeating: 0, count: 4)
    private var sysLen = 0, refLen = 0, n = 0

    public init() {}

    public func add(_ value: JSONObject) throws {
        func counts(_ key: String) throws -> [Int] {
            guard let a = value[key]?.array, a.count == 4 else { throw EvalError("expected 4 counts", field: key) }
            return try a.map { v in
                guard let i = v.int, i >= 0 else { throw EvalError("expected a count, found \(JSON.encodeString(v))", field: key) }
                return i
            }
        }
        func count(_ key: String) throws -> Int {
            guard let i = value[key]?.int, i >= 0 else { throw EvalError("expected a count", field: key) }
            return i
        }
        let c = try counts("correct"), t = try counts("total"), h = try count("sys_len"), r = try count("ref_len")
        for k in 0..<4 { correct[k] += c[k]; total[k] += t[k] }
        sysLen += h
        refLen += r
        n += 1
    }

    /// The reference scores a failed request as `""` against its reference, which lowers the
    /// brevity penalty by that reference's length; aggregate does not know the length.
    public func addMissing(_ count: Int) -> Bool { false }

    public var summary: MetricSummary {
        MetricSummary(mean: Self.score(correct: correct, total: total, sysLen: sysLen, refLen: refLen), stderr: nil, n: n)
    }

    /// `BLEU.compute_bleu`, with Python's operation order (so the same doubles come out).
    public static func score(correct: [Int], total: [Int], sysLen: Int, refLen: Int) -> Double {
        var bp = 1.0
        if sysLen < refLen { bp = sysLen > 0 ? exp(1 - Double(refLen) / Double(sysLen)) : 0 }
        guard correct.contains(where: { $0 != 0 }) else { return 0 }
        var precisions = [Double](repeating: 0, count: correct.count)
        var smooth = 1.0
        for k in precisions.indices {
            if total[k] == 0 { break }
            if correct[k] == 0 {
                smooth *= 2
                precisions[k] = 100 / (smooth * Double(total[k]))
            } else {
                precisions[k] = 100 * Double(correct[k]) / Double(total[k])
            }
        }
        // my_log: log(0) is floored to -9999999999; the sum runs left to right as Python's sum().
        var logs = 0.0
        for p in precisions { logs += p == 0 ? -9_999_999_999 : log(p) }
        return bp * exp(logs / Double(precisions.count))
    }
}
