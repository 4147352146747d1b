import Foundation
import EvalCore

/// Multiple-choice questions (GPQA, MMLU, MMLU-Pro, MMLU-ProX). Template values: `Question`, the
/// letters `A`, `B`, … with their choice texts, `choices` ("A, B, C, D") and `choice_contents`
/// ("A) …" lines) — the names the reference's templates use — plus every row field by its name.
/// Target: `{"golds": ["B"], "gold_index": 1, "n_choices": 4}`.
public struct MultipleChoicePrompt: PromptBuilder {
    public static let name = "multiple_choice"
    enum Choices: Sendable {
        case list(String)
        case fields([String])
        /// GPQA: the correct answer is inserted at a random position among the incorrect ones.
        case insertCorrect(correct: String, incorrect: [String])
    }

    let question: String
    let choices: Choices
    let gold: String?
    public let shuffleSeed: Int?
    static let letters = (UnicodeScalar("A").value...UnicodeScalar("Z").value).map { String(UnicodeScalar($0)!) }

    public init(spec: PromptSpec) throws {
        var f = spec.builderFields
        question = try f.require("question")
        switch (try f.string("choices"), try f.strings("choice_fields"), try f.string("correct"), try f.strings("incorrect")) {
        case (let list?, nil, nil, nil): choices = .list(list)
        case (nil, let fields?, nil, nil): choices = .fields(fields)
        case (nil, nil, let c?, let inc?): choices = .insertCorrect(correct: c, incorrect: inc)
        default:
            throw EvalError("multiple_choice needs exactly one of: choices, choice_fields, or correct + incorrect",
                            field: "prompt")
        }
        gold = try f.string("gold")
        if case .insertCorrect = choices {
            if gold != nil { throw EvalError("correct + incorrect decide the gold; remove it", field: "prompt.gold") }
        } else if gold == nil {
            throw EvalError("multiple_choice needs a gold field (index or letter)", field: "prompt.gold")
        }
        shuffleSeed = try f.int("shuffle_seed")
        try f.finish()
    }

    public func build(row: JSONObject, seed: Int) throws -> BuiltPrompt {
        func text(_ field: String) throws -> String {
            guard let v = row[field], !v.isNull else { throw EvalError("missing", field: "row.\(field)") }
            return v.text
        }
        var options: [String]
        var goldIndex: Int
        switch choices {
        case .list(let field):
            guard let list = row[field]?.array else { throw EvalError("expected a list of choices", field: "row.\(field)") }
            options = list.map(\.text)
            goldIndex = try goldIndexFromRow(row, count: options.count)
        case .fields(let fields):
            options = fields.compactMap { f in row[f].flatMap { $0.isNull ? nil : $0.text } }
            goldIndex = try goldIndexFromRow(row, count: options.count)
        case .insertCorrect(let correct, let incorrect):
            options = try incorrect.map(text)
            var rng = PyRandom(seed: seed)
            goldIndex = rng.randint(0, options.count)
            options.insert(try text(correct), at: goldIndex)
        }
        guard options.count <= Self.letters.count else { throw EvalError("more than 26 choices", field: "row") }
        let letters = Array(Self.letters.prefix(options.count))
        var values: [String: String] = [:]
        for (k, v) in row { values[k] = v.text }
        values["Question"] = try text(question)
        for (l, o) in zip(letters, options) { values[l] = o }
        values["choices"] = letters.joined(separator: ", ")
        values["choice_contents"] = zip(letters, options).map { "\($0)) \($1)" }.joined(separator: "\n")
        let target: JSONObject = [
            "golds": .array([.string(letters[goldIndex])]),
            "gold_index": .int(Int64(goldIndex)),
            "n_choices": .int(Int64(options.count)),
        ]
        return BuiltPrompt(values: values, target: target)
    }

    private func goldIndexFromRow(_ row: JSONObject, count: Int) throws -> Int {
        guard let g = gold, let v = row[g] else { throw EvalError("missing", field: "row.\(gold ?? "gold")") }
        let index: Int?
        if let i = v.int { index = i }
        else if let s = v.string, let i = Int(s) { index = i }
        else if let s = v.string { index = Self.letters.firstIndex(of: s.trimmingCharacters(in: .whitespaces)) }
        else { index = nil }
        guard let i = index, (0..<count).contains(i) else {
            throw EvalError("gold \(v.text.debugDescription) is not a choice index or letter of \(count) choices", field: "row.\(g)")
        }
        return i
    }
}
