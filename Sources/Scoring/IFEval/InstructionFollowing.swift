import EvalCore
import Foundation

/// M-IFEval-Ja's `mifeval_ja_metric`: each instruction of a record's `target` (`instruction_id_list`
/// with its `kwargs`) checked on the answer (strict) and on eight loose variants of it.
enum InstructionFollowing {
    /// The checkers of a record's target, in list order. An unknown id is an error naming it.
    static func instructions(_ target: JSONObject) throws -> [any Instruction] {
        guard let ids = target["instruction_id_list"]?.array else {
            throw EvalError(target["instruction_id_list"] == nil ? "missing" : "expected an array",
                            field: "target.instruction_id_list", hint: "render-prompts with prompt kind instruction_following")
        }
        guard let kwargs = target["kwargs"]?.array, kwargs.count == ids.count else {
            throw EvalError("expected an array with one object per instruction", field: "target.kwargs")
        }
        return try ids.indices.map { i in
            guard let id = ids[i].string else { throw EvalError("expected a string", field: "target.instruction_id_list[\(i)]") }
            guard let type = Instructions.all[id] else {
                throw EvalError("unknown instruction id '\(id)'", field: "target.instruction_id_list[\(i)]",
                                hint: "the reference registers \(Instructions.all.count): " + Instructions.all.keys.sorted().joined(separator: ", "))
            }
            guard let k = kwargs[i].object else { throw EvalError("expected an object", field: "target.kwargs[\(i)]") }
            return try type.init(InstructionKwargs(object: k, field: "target.kwargs[\(i)]"))
        }
    }

    /// The texts a loose check tries, in the reference's order: the answer, without `*`, without
    /// its first line, its last line, both (each stripped), and those three without `*`.
    static func looseVariants(_ answer: String) -> [String] {
        let s = Scalars(answer)
        let lines = s.split(literal: ["\n"])
        func join(_ part: ArraySlice<Scalars>) -> Scalars { Array(part.joined(separator: ["\n"])).stripped }
        let removeFirst = join(lines.dropFirst()), removeLast = join(lines.dropLast())
        let removeBoth = join(lines.dropFirst().dropLast())
        func noStars(_ x: Scalars) -> Scalars { x.filter { $0 != "*" } }
        return [s, noStars(s), removeFirst, removeLast, removeBoth, noStars(removeFirst), noStars(removeLast), noStars(removeBoth)]
            .map(\.string)
    }

    /// Per instruction: followed by the answer (`strict`), and by any loose variant (`loose`). The
    /// answer is the first variant, so loose goes on only where strict failed, and a variant equal
    /// (code point for code point) to one already tried is not tried again. A blank text follows
    /// nothing.
    static func evaluate(_ target: JSONObject, answer: String) throws -> (strict: [Bool], loose: [Bool]) {
        let checkers = try instructions(target)
        var seen = Set<Scalars>(), texts: [CheckedText] = [], answerIsFirst = false
        for (i, variant) in looseVariants(answer).enumerated() {
            let t = CheckedText(variant)
            guard seen.insert(t.scalars).inserted, !t.scalars.stripped.isEmpty else { continue }
            if i == 0 { answerIsFirst = true }
            texts.append(t)
        }
        var strict: [Bool] = [], loose: [Bool] = []
        for c in checkers {
            let s = try answerIsFirst && c.isFollowed(texts[0])
            strict.append(s)
            loose.append(try s || texts.dropFirst(answerIsFirst ? 1 : 0).contains { try c.isFollowed($0) })
        }
        return (strict, loose)
    }

    /// `evaluate` for every response of a record. The four metrics ask in turn about the same
    /// record (score runs a record's metrics one after another, on one thread), so each thread
    /// keeps its last record's results, under its target's JSON and its answers' code points.
    /// Per thread, not shared: records scored in parallel neither wait for nor evict each other.
    static func evaluations(_ target: JSONObject, answers: [String]) throws -> [(strict: [Bool], loose: [Bool])] {
        let key = JSON.encodeString(.object(target))
        let last = LastEvaluation.ofThisThread()
        if let l = last.value, l.target.utf8.elementsEqual(key.utf8), l.answers.elementsEqual(answers, by: { $0.unicodeScalars.elementsEqual($1.unicodeScalars) }) {
            return l.results
        }
        let results = try answers.map { try evaluate(target, answer: $0) }
        last.value = (key, answers, results)
        return results
    }
}

/// One thread's last evaluated record.
private final class LastEvaluation {
    var value: (target: String, answers: [String], results: [(strict: [Bool], loose: [Bool])])?

    static func ofThisThread() -> LastEvaluation {
        let slots = Thread.current.threadDictionary
        if let l = slots[key] as? LastEvaluation { return l }
        let l = LastEvaluation()
        slots[key] = l
        return l
    }

    private static let key = "evalpipe.InstructionFollowing.last"
}

/// The four M-IFEval-Ja metrics. The reference scores the first response of a record (n = 1 in
/// its runs); each response here gets its own values and the record takes the first one's.
public protocol InstructionFollowingMetric: Metric {
    static var loose: Bool { get }
    static var promptLevel: Bool { get }
}

extension InstructionFollowingMetric {
    public func score(_ input: MetricInput) throws -> MetricScore {
        let per = try InstructionFollowing.evaluations(input.target, answers: input.answers).map { Self.loose ? $0.loose : $0.strict }
        if Self.promptLevel {
            let values = per.map { JSONValue.int($0.allSatisfy { $0 } ? 1 : 0) }
            return MetricScore(perResponse: values, record: values[0])
        }
        // Per response the reference's list of booleans; per record the counts lighteval's
        // `agg_inst_level_acc` sums over the flattened lists.
        let first = per[0]
        return MetricScore(perResponse: per.map { .array($0.map(JSONValue.bool)) },
                           record: ["reduce": "micro_mean", "sum": .int(Int64(first.filter { $0 }.count)), "count": .int(Int64(first.count))])
    }
}

public struct PromptLevelStrictAccuracy: InstructionFollowingMetric {
    public static let name = "prompt_level_strict_acc"
    public static let loose = false, promptLevel = true
    public init() {}
}

public struct InstructionLevelStrictAccuracy: InstructionFollowingMetric {
    public static let name = "inst_level_strict_acc"
    public static let loose = false, promptLevel = false
    public init() {}
}

public struct PromptLevelLooseAccuracy: InstructionFollowingMetric {
    public static let name = "prompt_level_loose_acc"
    public static let loose = true, promptLevel = true
    public init() {}
}

public struct InstructionLevelLooseAccuracy: InstructionFollowingMetric {
    public static let name = "inst_level_loose_acc"
    public static let loose = true, promptLevel = false
    public init() {}
}

/// M-IFEval-Ja scores the whole answer: nothing is extracted, and the answer itself is what
/// `responses[i].extracted` shows.
public struct WholeResponseExtractor: Extractor {
    public static let name = "whole_response"
    public static let languages = ["en", "ja"]
    public init(language: String) {}

    struct Text: Answer {
        let text: String
        var description: String { text }
        func matches(_ prediction: any Answer) -> Bool { false }
    }

    public func extract(_ text: String, target: JSONObject) throws -> [any Answer] { [Text(text: text)] }
}
