import EvalCore

/// `score`'s first step for judged tasks: judge records (`render-prompts --judge`, then call-model
/// against the judge; shape in `JudgeRecord`) are held until every judgement of their question has
/// arrived, in any order, and then become that question's answered record again, each draw's
/// turns carrying their `judge` (`messages`, `content`, `cache_key`). Other records pass through.
/// Memory holds only the questions whose judgements are still arriving.
public final class JudgeMerger {
    private var open: [String: [Int: JSONObject]] = [:]
    public init() {}

    /// The question's merged record once its last judgement arrives; nil while it waits.
    public func add(_ r: JSONObject) throws -> JSONObject? {
        guard let v = r["judge"] else { return r }
        guard let info = v.object, let of = info["of"]?.string, let turn = info["turn"]?.int, let draw = info["draw"]?.int,
              let draws = info["draws"]?.int, let turns = info["turns"]?.int,
              draws > 0, turns > 0, (1...turns).contains(turn), (0..<draws).contains(draw) else {
            throw EvalError("expected {of, turn, draw, draws, turns}", field: "judge", hint: "judge records come from render-prompts --judge")
        }
        let slot = (turn - 1) * draws + draw
        var parts = open[of, default: [:]]
        if parts[slot] != nil {
            throw EvalError("judgement \(JudgeRecord.id(of: of, turn: turn, draw: draw)) appears twice", field: "id",
                            hint: "score each judge output file once")
        }
        parts[slot] = r
        guard parts.count == draws * turns else { open[of] = parts; return nil }
        open[of] = nil
        return try merge(of: of, parts: parts, draws: draws, turns: turns)
    }

    /// Questions still missing judgements, with how many arrived (the judge stage did not finish).
    public var unfinished: [(id: String, arrived: Int)] {
        open.map { ($0.key, $0.value.count) }.sorted { $0.id < $1.id }
    }

    private func merge(of id: String, parts: [Int: JSONObject], draws: Int, turns: Int) throws -> JSONObject {
        let first = parts[0]!
        guard let answered = first["judge"]?["answered"]?.object else {
            throw EvalError("missing", field: "judge.answered", hint: "the first judge record of \(id) must carry the answered record's keys")
        }
        var out = first
        for key in ["judge", "messages", "generation", "responses", "call", "status"] { out[key] = nil }
        for (k, v) in answered { out[k] = v }
        out["id"] = .string(id)
        var usage: [String: Int64] = [:], attempts: Int64 = 0, judgeError: String?
        var judgeModel: JSONValue = .null
        var responses: [JSONValue] = []
        for draw in 0..<draws {
            let head = parts[draw]!
            guard var response = head["judge"]?["response"]?.object, var turnList = response["turns"]?.array, turnList.count == turns else {
                throw EvalError("expected the draw's response with its \(turns) turns", field: "judge.response",
                                hint: "in \(JudgeRecord.id(of: id, turn: 1, draw: draw))")
            }
            for turn in 1...turns {
                let j = parts[(turn - 1) * draws + draw]!
                var judge: JSONObject = ["messages": j["messages"] ?? .null]
                let call = j["call"]?.object ?? [:]
                judge["cache_key"] = call["cache_key"]
                if judgeModel.isNull, let m = call["model"] { judgeModel = m }
                for (k, v) in call["usage"]?.object ?? [:] { if let i = v.int { usage[k, default: 0] &+= Int64(i) } }
                attempts += Int64(call["attempts"]?.int ?? 0)
                if j["status"]?.string == Status.apiError.rawValue {
                    let e = call["error"]?.string ?? "the judge call failed"
                    judge["error"] = .string(e)
                    judgeError = judgeError ?? "\(JudgeRecord.id(of: id, turn: turn, draw: draw)): \(e)"
                } else {
                    guard let reply = j["responses"]?.array?.first?.object else {
                        throw EvalError("missing", field: "responses", hint: "judge records go through call-model before score")
                    }
                    for key in ["content", "reasoning_content", "finish_reason"] { judge[key] = reply[key] }
                }
                guard case .object(var t) = turnList[turn - 1] else { throw EvalError("expected an object", field: "judge.response.turns[\(turn - 1)]") }
                t["judge"] = .object(judge)
                turnList[turn - 1] = .object(t)
            }
            response["turns"] = .array(turnList)
            responses.append(.object(response))
        }
        out["responses"] = .array(responses)
        out["judge_call"] = ["model": judgeModel, "attempts": .int(attempts),
                             "usage": .object(usage.mapValues { JSONValue.int($0) })]
        // A judgement that never came back leaves the question unscored, as a model call that failed does.
        if let judgeError {
            out["status"] = .string(Status.apiError.rawValue)
            out["judge_error"] = .string(judgeError)
        }
        return out
    }
}
