import EvalCore

/// `render-prompts --judge`: an answered multi-turn record becomes one judge request per draw and
/// turn (docs/design.md, "The LLM judge"), with the task file's verbatim templates: turn 1 is
/// rated alone, turn 2 with the whole conversation; categories in `reference_categories` get the
/// templates with the reference answers. Answers are each turn's scored text (strip-reasoning's
/// `answer`, already cut to the task's `max_answer_chars` there).
public final class JudgePromptRenderer {
    public let catalog: TaskCatalog
    /// Flags win over the judge's own settings (a small test judge's token budget).
    public let generationOverride: GenerationSpec
    private var judges: [String: CompiledJudge] = [:]

    public init(catalog: TaskCatalog, generation: GenerationSpec = GenerationSpec()) {
        self.catalog = catalog
        generationOverride = generation
    }

    struct CompiledJudge {
        var spec: JudgeSpec
        var templates: [String: (system: Template, user: Template)]
    }

    /// Emits the judge records of `record`; returns false for a record that has nothing to judge
    /// (api_error: the model gave no answers), which the caller keeps apart.
    public func render(_ record: JSONObject, emit: (JSONObject) throws -> Void) throws -> Bool {
        guard let taskName = record["task"]?.string else { throw EvalError("missing", field: "task") }
        guard let id = record["id"]?.string else { throw EvalError("expected a string", field: "id") }
        if record["status"]?.string == Status.apiError.rawValue { return false }
        let judge = try compiled(catalog.resolve(taskName).task)
        guard let target = record["target"]?.object else { throw EvalError("missing", field: "target", hint: "run render-prompts first") }
        guard let category = target["category"]?.string else { throw EvalError("expected a string", field: "target.category") }
        let questions = try strings(target["questions"], "target.questions")
        guard questions.count == 2 else { throw EvalError("expected two turns, found \(questions.count)", field: "target.questions") }
        let golds = try target["references"].map { try strings($0, "target.references") } ?? []
        guard let responses = record["responses"]?.array, !responses.isEmpty else {
            throw EvalError("missing", field: "responses", hint: "run call-model and strip-reasoning first")
        }
        let withReference = judge.spec.referenceCategories.contains(category)
        var base = record
        for key in JudgeRecord.replacedKeys { base[key] = nil }
        var answered: JSONObject = [:]
        for key in JudgeRecord.replacedKeys where key != "id" && key != "responses" { answered[key] = record[key] }

        for (draw, response) in responses.enumerated() {
            guard let turns = response["turns"]?.array, turns.count == 2 else {
                throw EvalError("expected the two turns of a multi-turn draw", field: "responses[\(draw)].turns")
            }
            let answers = try turns.indices.map { try answer(turns[$0], "responses[\(draw)].turns[\($0)]") }
            func gold(_ k: Int) -> String { k < golds.count ? golds[k] : "" }
            let values: [[String: String]] = [
                ["question": questions[0], "answer": answers[0], "gold": gold(0)],
                ["question_1": questions[0], "question_2": questions[1], "answer_1": answers[0], "answer_2": answers[1],
                 "ref_answer_1": gold(0), "ref_answer_2": gold(1)],
            ]
            for turn in 1...2 {
                let name = (turn == 1 ? "single" : "multi_turn") + (withReference ? "_reference" : "")
                let t = judge.templates[name]!
                var out = base
                out["id"] = .string(JudgeRecord.id(of: id, turn: turn, draw: draw))
                out["messages"] = [["role": "system", "content": .string(try t.system.render(values[turn - 1]))],
                                   ["role": "user", "content": .string(try t.user.render(values[turn - 1]))]]
                out["generation"] = .object(judge.spec.generation.overridden(by: generationOverride).json)
                var info: JSONObject = ["of": .string(id), "turn": JSONValue(turn), "draw": JSONValue(draw),
                                        "draws": JSONValue(responses.count), "turns": 2]
                if turn == 1 { info["response"] = response }
                if turn == 1 && draw == 0 { info["answered"] = .object(answered) }
                out["judge"] = .object(info)
                try emit(out)
            }
        }
        return true
    }

    private func answer(_ turn: JSONValue, _ field: String) throws -> String {
        guard let o = turn.object else { throw EvalError("expected an object", field: field) }
        switch o["answer"] ?? o["content"] {
        case .string(let s)?: return s
        case nil, .null?: return ""
        case let v?: throw EvalError("expected a string, found \(v.kindName)", field: field + ".answer")
        }
    }

    private func strings(_ v: JSONValue?, _ field: String) throws -> [String] {
        guard let list = v?.array, case let s = list.compactMap(\.string), s.count == list.count else {
            throw EvalError("expected a list of strings", field: field)
        }
        return s
    }

    private func compiled(_ task: TaskSpec) throws -> CompiledJudge {
        if let j = judges[task.name] { return j }
        let spec = try task.required(task.judge, "judge")
        var templates: [String: (Template, Template)] = [:]
        do {
            for (name, t) in spec.templates { templates[name] = (try Template(t.system), try Template(t.user)) }
        } catch var e as EvalError {
            e.file = task.path
            throw e
        }
        let j = CompiledJudge(spec: spec, templates: templates)
        judges[task.name] = j
        return j
    }
}
