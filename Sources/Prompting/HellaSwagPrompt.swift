import EvalCore
import Foundation

/// HellaSwag rows (`activity_label`, `ctx_a`, `ctx_b`, `endings`, `label`) as the reference's
/// `hellaswag_prompt_fn` builds them: `Question` is "{activity_label}: {ctx_a} {ctx_b.capitalize()}"
/// and `A`…`D` are the endings without their `[substeps]`, `[title]` and `[step]` markers.
/// Target: `{"golds": ["D"], "gold_index": 3, "n_choices": 4}`.
public struct HellaSwagPrompt: PromptBuilder {
    public static let name = "hellaswag"
    static let letters = ["A", "B", "C", "D"]
    static let markers = ["[substeps]", "[title]", "[step]"]

    /// Its row fields are fixed: the task file names none.
    public init(spec: PromptSpec) throws { try spec.builderFields.finish() }

    public func build(row: JSONObject, seed: Int) throws -> BuiltPrompt {
        func text(_ field: String) throws -> String {
            guard let v = row[field], let s = v.string else { throw EvalError("expected a string", field: "row.\(field)") }
            return s
        }
        guard let endings = row["endings"]?.array?.compactMap(\.string), endings.count == 4 else {
            throw EvalError("expected a list of 4 strings", field: "row.endings")
        }
        // `int(label)`: the Hub's rows carry "0"–"3", the raw jsonl an int.
        let label = row["label"]
        guard let gold = label?.int ?? label?.string.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }), (0..<4).contains(gold) else {
            throw EvalError("expected 0–3", field: "row.label")
        }
        var values: [String: String] = [:]
        for (k, v) in row { values[k] = v.text }
        values["Question"] = "\(try text("activity_label")): \(try text("ctx_a")) \(Self.capitalize(try text("ctx_b")))"
        for (letter, ending) in zip(Self.letters, endings) {
            values[letter] = Self.markers.reduce(ending) { $0.replacingOccurrences(of: $1, with: "") }
        }
        let target: JSONObject = [
            "golds": .array([.string(Self.letters[gold])]), "gold_index": .int(Int64(gold)), "n_choices": .int(4),
        ]
        return BuiltPrompt(values: values, target: target)
    }

    /// Python's `str.capitalize()`: the first code point in title case, the rest lower-cased
    /// ("then A man" → "Then a man"), unlike Foundation's per-word `capitalized`.
    static func capitalize(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        return first.properties.titlecaseMapping + String(s.unicodeScalars.dropFirst()).lowercased()
    }
}
