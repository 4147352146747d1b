import EvalCore
import Foundation
import Testing
@testable import Execution

/// LiveCodeBench's test decoding and its stdin and call-based grading, with verdicts the
/// reference gives (docs/benchmarks.md, Code execution).
@Suite(.serialized) struct LiveCodeBenchTests {
    @Test func decodesPrivateTestsOfEveryPickleProtocolTheFilesUse() throws {
        // pickle.dumps(json.dumps([...]), protocol=2), zlib, base64 (made with CPython 3.11).
        let p2 = "eJxrYIqwYGBgiK5WyswrKC1RslJQMozJU9JRUMovLUEVKEktLimpLEgFCRWXpGTmKdXGFjLoAQBhXBMb"
        #expect(try Execution.LiveCodeBenchTests.decodePrivate(p2) == #"[{"input": "1\n", "output": "1\n", "testtype": "stdin"}]"#)
        let rows = try String(contentsOfFile: "tasks/samples/livecodebench.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3)
        var total = 0
        for row in rows {
            let r = try JSON.decode(Array(row.utf8))
            let c = try Execution.LiveCodeBenchTests.cases(publicTests: r["public_test_cases"]!.string!,
                                                            privateTests: r["private_test_cases"]!.string!,
                                                            metadata: r["metadata"]!.string!)
            total += c.inputs.count
            #expect(c.inputs.count == c.outputs.count)
        }
        #expect(total == 7)
    }

    @Test func rejectsWhatIsNotAPickledString() throws {
        // Protocol 0 (text opcodes) is not what the dataset holds: a clear error, not a guess.
        let p0 = "eJwLi65WyswrKC1RslJQMowpNTAwTc5T0lFQyi8twSJaklpcUlJZkAoSLy5JycxTqo3lKjDg0gMAGaIVfA=="
        #expect { try Execution.LiveCodeBenchTests.decodePrivate(p0) } throws: { ($0 as? EvalError)?.message.contains("unsupported opcode 0x56") == true }
        #expect { try Execution.LiveCodeBenchTests.decodePrivate("bm90IHpsaWI=") } throws: { ($0 as? EvalError)?.message.hasPrefix("zlib:") == true }
    }

    static func stdin(_ code: String, _ inputs: [String], _ outputs: [String]) -> Program {
        Program(mode: .stdin, code: code, inputs: inputs, outputs: outputs, timeout: 2)
    }

    @Test func stdinGradingAsTheReference() throws {
        let e = try Engine(sandbox: Sandbox(level: nil), jobs: 2)
        defer { e.shutdown() }
        let sum = "a, b = map(int, input().split())\nprint(a + b)\n"
        #expect(e.run(Self.stdin(sum, ["1 2\n", "3 4\n"], ["3\n", "7\n"])).results == [.bool(true), .bool(true)])
        // Stops at the first wrong answer; -2 for a mismatch.
        #expect(e.run(Self.stdin(sum, ["1 2\n", "3 4\n", "5 6\n"], ["3\n", "8\n", "11\n"])).results == [.bool(true), .int(-2)])
        // Decimal comparison: 2.5000 == 2.5, 1_024 == 1024; no float tolerance.
        #expect(e.run(Self.stdin("print('2.5000 1_024')", ["\n"], ["2.5 1024\n"])).results == [.bool(true)])
        #expect(e.run(Self.stdin("print(1/3)", ["\n"], ["0.3333333333\n"])).results == [.int(-2)])
        // sys.stdin.buffer does not exist on the patched stdin: -4; quit() is None: -4.
        #expect(e.run(Self.stdin("import sys\nprint(sys.stdin.buffer.read())", ["x\n"], ["x\n"])).results == [.int(-4)])
        #expect(e.run(Self.stdin("print(1)\nquit()", ["\n"], ["1\n"])).results == [.int(-4)])
        // exit() keeps what was printed; a __main__ guard runs at top level.
        #expect(e.run(Self.stdin("print(5)\nexit()", ["\n"], ["5\n"])).results == [.bool(true)])
        #expect(e.run(Self.stdin("def main():\n    print(input())\nif __name__ == '__main__':\n    main()", ["hi\n"], ["hi\n"])).results == [.bool(true)])
        // A per-test timeout is -3; os._exit leaves no result: [-1] * N.
        #expect(e.run(Self.stdin("while True: pass", ["\n"], ["\n"])).results == [.int(-3)])
        #expect(e.run(Self.stdin("import os\nos._exit(0)", ["\n", "\n"], ["\n", "\n"])).results == [.int(-1), .int(-1)])
        // open(): the star-imported name is the real open (stdin is /dev/null: nothing to read),
        // builtins.open the reference's mock_open over the test's input, one per test.
        // Verdicts from lighteval 0.8.1's codegen_metrics.
        #expect(e.run(Self.stdin("data = open(0).read().split()\nprint(int(data[0]) + int(data[1]))", ["1 2\n"], ["3\n"])).results == [.int(-4)])
        #expect(e.run(Self.stdin("import sys\nf = open(0)\nprint(f.read().strip(), f.read() == '')", ["x\n"], ["x True\n"])).results == [.int(-2)])
        #expect(e.run(Self.stdin("import builtins\nf = builtins.open(0)\nprint(f.read().strip(), f.read() == '')", ["x\n"], ["x True\n"])).results == [.bool(true)])
        let twice = "import builtins\nprint(builtins.open('a').readline().strip())\nprint(builtins.open('b').readline().strip())"
        #expect(e.run(Self.stdin(twice, ["a\nb\n", "c\n"], ["a\na\n", "c\nc\n"])).results == [.bool(true), .bool(true)])
        // 2**20000 prints: the 4300-digit limit is lifted as in the reference's parent.
        #expect(e.run(Self.stdin("print(len(str(2**20000)))", ["\n"], ["6021\n"])).results == [.bool(true)])
    }

    @Test func callBasedGradingAsTheReference() throws {
        let e = try Engine(sandbox: Sandbox(level: nil), jobs: 2)
        defer { e.shutdown() }
        func call(_ code: String, _ inputs: [String], _ outputs: [String]) -> [JSONValue]? {
            e.run(Program(mode: .call, code: code, fnName: "f", inputs: inputs, outputs: outputs, timeout: 2)).results
        }
        let solution = "class Solution:\n    def f(self, a: List[int], t: int) -> List[int]:\n        return (a.index(t), t)\n"
        // Tuples become lists; star-imported List needs no import.
        #expect(call(solution, ["[1, 2, 3]\n2", "[5]\n5"], ["[1, 2]", "[0, 5]"]) == [.bool(true), .bool(true)])
        #expect(call(solution, ["[1, 2, 3]\n2"], ["[1, 3]"]) == [.bool(false)])
        // Python equality: 1 == true; a module-level function without `class Solution` is called.
        #expect(call("def f(x):\n    return 1\n", ["0"], ["true"]) == [.bool(true)])
        // `class Solution` anywhere in the text makes the harness instantiate it: -4 when absent.
        #expect(call("# class Solution\ndef f(x):\n    return 1\n", ["0"], ["1"]) == [.int(-4)])
        #expect(call("def f(x):\n    raise ValueError\n", ["0"], ["1"]) == [.int(-4)])
    }
}
