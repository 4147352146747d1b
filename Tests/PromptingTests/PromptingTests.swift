import EvalCore
import Foundation
@testable import Prompting
import XCTest

final class PyRandomTests: XCTestCase {
    /// Values printed by CPython 3.11: `random.seed(s); randint(0,3), randint(0,3), getrandbits(32)`.
    func testMatchesCPython() {
        let expected: [(Int, Int, Int, UInt32)] = [
            (0, 3, 3, 173_879_092), (1, 1, 0, 1_095_513_148), (2, 0, 0, 364_522_461),
            (5, 2, 2, 3_415_330_359), (1234, 3, 0, 32_175_636), (1_099_511_627_779, 1, 0, 2_359_950_418),
        ]
        for (seed, a, b, bits) in expected {
            var r = PyRandom(seed: seed)
            XCTAssertEqual([r.randint(0, 3), r.randint(0, 3)], [a, b], "seed \(seed)")
            XCTAssertEqual(r.getrandbits(32), bits, "seed \(seed)")
        }
    }

    /// `random.Random(42).shuffle(list(range(10)))` in CPython.
    func testShuffleMatchesCPython() {
        var r = PyRandom(seed: 42)
        var xs = Array(0..<10)
        r.shuffle(&xs)
        XCTAssertEqual(xs, [7, 3, 2, 8, 5, 6, 9, 4, 0, 1])
    }
}

final class TemplateTests: XCTestCase {
    func testFormatsNamedFieldsAndEscapedBraces() throws {
        let t = try Template("Q: {Question}\n{{not a field}} $\\boxed{{ANSWER}}$ {A}")
        XCTAssertEqual(t.fields, ["Question", "A"])
        XCTAssertEqual(try t.render(["Question": "why?", "A": "x"]), "Q: why?\n{not a field} $\\boxed{ANSWER}$ x")
    }

    func testRejectsWhatPythonWouldNotFormat() {
        XCTAssertThrowsError(try Template("a } b")) { XCTAssertTrue("\($0)".contains("single '}'"), "\($0)") }
        XCTAssertThrowsError(try Template("a { b")) { XCTAssertTrue("\($0)".contains("unclosed '{'"), "\($0)") }
        XCTAssertThrowsError(try Template("{x:>3}")) { XCTAssertTrue("\($0)".contains("unsupported field '{x:>3}'"), "\($0)") }
        XCTAssertThrowsError(try Template("{missing}").render([:])) { e in
            XCTAssertTrue("\(e)".contains("{missing}"))
        }
    }
}

final class MultipleChoiceTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repo = fixtures.deletingLastPathComponent().deletingLastPathComponent()

    func gpqaPrompt() throws -> TaskPrompt {
        try TaskPrompt(task: TaskCatalog.parse(path: Self.repo.appendingPathComponent("tasks/gpqa_diamond.yaml").path))
    }

    /// The reference seeds `random` and draws the gold position; every GPQA golden case records
    /// the position it got.
    func testGPQAGoldPositionsReplayTheReference() throws {
        let prompt = try gpqaPrompt()
        let golden = Self.fixtures.appendingPathComponent("golden/multiple_choice.jsonl").path
        var checked = 0
        for rec in RecordReader(paths: [golden]) {
            guard rec.fields["task"]?.string == "gpqa:diamond", let seed = rec.fields["options"]?["random_seed"]?.int,
                  let row = rec.fields["sample"]?.object, let doc = rec.fields["reference"]?["doc"]?.object else { continue }
            let (text, target) = try prompt.render(row: row, index: 0, seedOverride: seed)
            XCTAssertEqual(target["gold_index"], doc["gold_index"], "\(rec.fields["id"]!)")
            XCTAssertEqual(target["golds"], doc["golds"])
            let letter = target["golds"]!.array![0].string!
            XCTAssertTrue(text.contains("\n\(letter)) \(row["Correct Answer"]!.string!)"))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
    }

    func testGPQAPromptIsTheReferenceTemplate() throws {
        let row: JSONObject = ["Question": "Q?", "Correct Answer": "right", "Incorrect Answer 1": "w1",
                               "Incorrect Answer 2": "w2", "Incorrect Answer 3": "w3"]
        let (text, target) = try gpqaPrompt().render(row: row, index: 0, seedOverride: 1)  // seed 1 → position 1
        XCTAssertEqual(target, ["golds": ["B"], "gold_index": 1, "n_choices": 4])
        XCTAssertEqual(text, """
            Answer the following multiple choice question. The last line of your response should be of the following format: 'Answer: $LETTER' (without quotes) where LETTER is one of ABCD. Think step by step before answering.

            Q?

            A) w1
            B) right
            C) w2
            D) w3
            """)
    }

    func testListChoicesAndGoldIndexOrLetter() throws {
        let spec = try YAMLSpec.prompt("""
            kind: multiple_choice
            source: test
            question: question
            choices: options
            gold: answer
            template: "{Question}|{choices}|{choice_contents}"
            """)
        let b = try MultipleChoicePrompt(spec: spec)
        let built = try b.build(row: ["question": "q", "options": ["x", "y", "z"], "answer": 2], seed: 0)
        XCTAssertEqual(try Template(spec.template).render(built.values), "q|A, B, C|A) x\nB) y\nC) z")
        XCTAssertEqual(built.target["golds"], ["C"])
        XCTAssertEqual(try b.build(row: ["question": "q", "options": ["x", "y"], "answer": "B"], seed: 0).target["gold_index"], 1)
        XCTAssertThrowsError(try b.build(row: ["question": "q", "options": ["x", "y"], "answer": 5], seed: 0)) { e in
            XCTAssertEqual((e as? EvalError)?.field, "row.answer")
        }
        XCTAssertThrowsError(try b.build(row: ["options": ["x"], "answer": 0], seed: 0)) { e in
            XCTAssertEqual((e as? EvalError)?.field, "row.question")
        }
    }

    func testAmbiguousChoiceSourcesAreRejected() throws {
        let spec = try YAMLSpec.prompt("""
            kind: multiple_choice
            source: test
            question: q
            choices: c
            correct: x
            incorrect: [y]
            template: "{Question}"
            """)
        XCTAssertThrowsError(try MultipleChoicePrompt(spec: spec)) { XCTAssertTrue("\($0)".contains("needs exactly one of: choices, choice_fields, or correct + incorrect"), "\($0)") }
    }
}

final class QuestionPromptTests: XCTestCase {
    func testQuestionAndGoldFields() throws {
        let spec = try YAMLSpec.prompt("""
            kind: question
            source: test
            question: problem
            gold: answer
            template: "Solve: {Question} ({level})"
            """)
        let b = try QuestionPrompt(spec: spec)
        let built = try b.build(row: ["problem": "1+1?", "answer": 2, "level": "easy"], seed: 0)
        XCTAssertEqual(try Template(spec.template).render(built.values), "Solve: 1+1? (easy)")
        XCTAssertEqual(built.target, ["golds": ["2"]])
        XCTAssertEqual(try b.build(row: ["problem": "q", "answer": ["a", "b"]], seed: 0).target, ["golds": ["a", "b"]])
        XCTAssertThrowsError(try b.build(row: ["problem": "q"], seed: 0)) { e in
            XCTAssertEqual((e as? EvalError)?.field, "row.answer")
        }
    }

    func testRejectsMultipleChoiceKeys() throws {
        let spec = try YAMLSpec.prompt("""
            kind: question
            source: test
            question: q
            gold: a
            choices: c
            template: "{Question}"
            """)
        XCTAssertThrowsError(try QuestionPrompt(spec: spec)) { e in XCTAssertEqual((e as? EvalError)?.field, "prompt.choices") }
    }
}

/// Decodes a prompt block the way a task file would.
enum YAMLSpec {
    static func prompt(_ yaml: String) throws -> PromptSpec {
        let text = """
            dataset: {repo: x/y, split: test}
            scoring: {extractor: letters, metrics: [extractive_match]}
            headline: {name: x, metric: extractive_match}
            prompt:
            \(yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("t\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try TaskCatalog.parse(path: path).prompt!
    }
}
