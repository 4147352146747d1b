import EvalCore
import Foundation
@testable import Prompting
import Testing

/// The code builder on the shipped task files: every row field reaches the template, the target
/// carries the entry point, and LiveCodeBench's rows without starter code get the stdin template.
@Suite struct CodePromptTests {
    static func render(_ task: String, _ row: JSONObject) throws -> (String, JSONObject) {
        let prompt = try TaskPrompt(task: TaskCatalog.parse(path: "\(TaskPromptTests.tasks)/\(task).yaml"))
        return try prompt.render(row: row, index: 0, seedOverride: nil)
    }

    @Test func humanEvalGetsThePromptAndTheEntryPoint() throws {
        let (text, target) = try Self.render("humaneval", ["prompt": "def add(a, b):\n    \"\"\"Sum.\"\"\"\n", "entry_point": "add", "test": "def check(c): pass"])
        #expect(text.hasSuffix("Starter code:\n```python\ndef add(a, b):\n    \"\"\"Sum.\"\"\"\n\n```\n\n"))
        #expect(target == ["entry_point": "add"])
        #expect(throws: EvalError.self) { try Self.render("humaneval", ["prompt": "x", "entry_point": 3]) }
    }

    @Test(arguments: [("", true), ("class Solution:\n    def f(self): pass", false)])
    func liveCodeBenchStarterCodeChoosesTheTemplate(starter: String, stdin: Bool) throws {
        let (text, target) = try Self.render("livecodebench", ["question_content": "Add two numbers.", "starter_code": .string(starter)])
        #expect(text.contains("Question: Add two numbers.\n\n"))
        #expect(text.contains("Read the inputs from stdin solve the problem") == stdin)
        #expect(text.contains("```python\n\(stdin ? "# YOUR CODE HERE" : starter)\n```\n\n"))
        #expect(target == [:])
    }

    @Test(arguments: [
        ("when_empty_field: starter_code", "prompt.when_empty_template"),
        ("when_empty_template: \"x\"", "prompt.when_empty_field"),
        ("question: q", "prompt.question"),
    ])
    func keysAreChecked(extra: String, field: String) throws {
        let spec = try YAMLSpec.prompt("kind: code\nsource: test\ntemplate: \"{prompt}\"\n\(extra)")
        let error = try #require(throws: EvalError.self) { try CodePrompt(spec: spec) }
        #expect(error.field == field)
    }
}
