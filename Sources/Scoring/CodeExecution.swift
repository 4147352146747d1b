import EvalCore
import Execution

/// A program pulled out of a response.
public struct CodeAnswer: Answer {
    public let code: String
    public var description: String { code }
    public func matches(_ prediction: any Answer) -> Bool { false }
}

/// HumanEval's extraction (`extract_last_code_block(output, entry_point)`): the last fence whose
/// content contains `def <entry_point>`, else the last fence; none → nothing extracted (the empty
/// program still runs, as in the reference: star-imported names such as `add` can pass).
public struct CodeBlockExtractor: Extractor {
    public static let name = "code_block"
    public static let languages = ["en", "ja"]
    public init(language: String) {}

    public func extract(_ text: String, target: JSONObject) throws -> [any Answer] {
        let fences = CodeFences.contents(of: text)
        if let entry = target["entry_point"]?.string, let hit = fences.last(where: { $0.contains("def \(entry)") }) {
            return [CodeAnswer(code: hit)]
        }
        return fences.last.map { [CodeAnswer(code: $0)] } ?? []
    }
}

/// LiveCodeBench's extraction: the last fence, else the whole response (so unfenced code runs).
public struct CodeBlockOrResponseExtractor: Extractor {
    public static let name = "code_block_or_response"
    public static let languages = ["en", "ja"]
    public init(language: String) {}

    public func extract(_ text: String, target: JSONObject) throws -> [any Answer] {
        [CodeAnswer(code: CodeFences.contents(of: text).last ?? text)]
    }
}

/// The reference's pass@k metrics: `c` = draws whose result list is all > 0, then the unbiased
/// estimator over the record's n draws. Every k reads the same single run of each program.
public protocol PassAtKMetric: Metric { static var k: Int { get } }

extension PassAtKMetric {
    public func score(_ input: MetricInput) throws -> MetricScore {
        guard let outcomes = input.outcomes else {
            throw EvalError("\(Self.name) needs executed programs", field: "scoring.execution",
                            hint: "give the task file a scoring.execution section")
        }
        let passed = outcomes.map(\.passed)
        // Fewer draws than k: the reference raises; the record gets no value for this metric.
        let value = PassAtK.estimate(n: passed.count, correct: passed.filter { $0 }.count, k: Self.k) ?? .nan
        return MetricScore(perResponse: passed.map { $0 ? 1 : 0 }, record: value)
    }
}

public struct HumanEvalPassAt1: PassAtKMetric {
    public static let name = "humaneval_pass@1:10", k = 1
    public init() {}
}
public struct HumanEvalPassAt10: PassAtKMetric {
    public static let name = "humaneval_pass@10:10", k = 10
    public init() {}
}
public struct CodegenPassAt1: PassAtKMetric {
    public static let name = "codegen_pass@1:10", k = 1
    public init() {}
}
public struct CodegenPassAt10: PassAtKMetric {
    public static let name = "codegen_pass@10:10", k = 10
    public init() {}
}

/// Builds each draw's program from the record's dataset row, as the task's `execution` says.
public struct CodeExecution: Sendable {
    public let spec: ExecutionSpec

    public func programs(row: JSONObject, codes: [String]) throws -> [Program] {
        func field(_ name: String) throws -> String {
            guard let v = row[name] else { throw EvalError("missing", field: "row.\(name)") }
            guard let s = v.string else { throw EvalError("expected a string, found \(v.kindName)", field: "row.\(name)") }
            return s
        }
        switch spec.mode {
        case .check:
            let test = try field("test"), entry = try field("entry_point")
            return codes.map { Program(mode: .check, code: $0, fnName: entry, test: test, timeout: spec.timeout) }
        case .livecodebench:
            let cases = try LiveCodeBenchTests.cases(publicTests: field("public_test_cases"),
                                                     privateTests: field("private_test_cases"), metadata: field("metadata"))
            return codes.map {
                Program(mode: cases.fnName == nil ? .stdin : .call, code: $0, fnName: cases.fnName,
                        inputs: cases.inputs, outputs: cases.outputs, timeout: spec.timeout)
            }
        }
    }
}
