import Aggregation
import EvalCore
import Foundation
import HTTP
@testable import ModelClient
import Prompting
import Reasoning
import Scoring
import Testing

/// Every filter's per-record work on thousands of mutated records: each mutant is either handled
/// or refused with an `EvalError`; none traps, none hangs, and a handled record keeps every key the
/// stage does not own, with its value. The seeds are each stage's real input, built from the golden
/// cases through the stages before it. Mutants per stage are capped in number and in time (the
/// whole suite stays well under two minutes).
@Suite(.serialized) struct FilterFuzzTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = TaskCatalog(directory: repo.appendingPathComponent("tasks").path)
    static let mutantsPerStage = 3000
    static let secondsPerStage = 12.0

    /// Golden cases as fetch-task would give them (with their responses, as bin/fidelity does).
    static let fetched: [JSONObject] = {
        let dir = repo.appendingPathComponent("Tests/Fixtures/golden")
        var out: [JSONObject] = []
        for name in ["math", "multiple_choice", "open_qa"] {
            let reader = RecordReader(paths: [dir.appendingPathComponent("\(name).jsonl").path])
            while let r = reader.next() {
                let g = r.fields
                guard let task = g["task"], let sample = g["sample"] else { continue }
                var rec: JSONObject = ["id": g["id"] ?? "x", "task": task, "index": 0, "row": sample,
                                       "reasoning_parser": g["options"]?["reasoning_parser"] ?? "none"]
                rec["responses"] = .array((g["responses"]?.array ?? []).map { ["content": $0] })
                if let s = g["options"]?["random_seed"] { rec["shuffle_seed"] = s }
                out.append(rec)
            }
        }
        return out
    }()

    static func renderer() throws -> PromptRenderer {
        try PromptRenderer(catalog: catalog, systemPrompt: nil, generation: GenerationSpec(), seed: nil)
    }

    /// The stage's transform, run on seeds to make the next stage's seeds.
    static func stage(_ records: [JSONObject], _ f: (inout JSONObject) throws -> Void) -> [JSONObject] {
        records.compactMap { r in
            var x = r
            return (try? f(&x)) == nil ? nil : x
        }
    }

    static let rendered = stage(fetched) { try renderer().render(&$0) }
    static let stripped = stage(rendered) { try ReasoningStripper.strip(&$0, parser: .deepseekR1Markup) }
    static let scored = stage(stripped) { r in try Scorer(task: catalog.resolve(r["task"]!.string!).task).score(&r) }

    /// Runs `transform` on mutants of `seeds`; returns how many were handled and refused.
    static func fuzz(_ name: String, seeds: [JSONObject], owned: Set<String>, seed: UInt64,
                     transform: (inout JSONObject) throws -> Void) -> (handled: Int, refused: Int) {
        var m = Mutator(seed: seed)
        var handled = 0, refused = 0
        let started = Date()
        for k in 0..<mutantsPerStage {
            if k % 64 == 0 && Date().timeIntervalSince(started) > secondsPerStage { break }
            var record = m.mutate(seeds[k % seeds.count])
            let extra = "fuzz_\(k)", extraValue = m.hostileValue()
            record[extra] = extraValue
            let before = record
            do {
                try transform(&record)
            } catch is EvalError {
                refused += 1
                continue
            } catch {
                Issue.record("\(name): not an EvalError: \(error) for \(JSON.encodeString(JSONValue.object(before)).prefix(300))")
                continue
            }
            handled += 1
            // Unknown keys pass through, and the record still writes and reads back as itself.
            #expect(record[extra] == extraValue, "\(name) dropped or changed an unknown key")
            for (key, value) in before where !owned.contains(key) && record[key] != value {
                Issue.record("\(name) changed \(key), a key it does not own")
            }
            let bytes = JSON.bytes(.object(record))
            #expect((try? JSON.decode(bytes)).map { sameValue($0, .object(record)) } == true, "\(name): output does not read back")
        }
        print("\(name): \(handled) mutants handled, \(refused) refused in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        return (handled, refused)
    }

    @Test func renderPrompts() throws {
        try #require(Self.fetched.count > 400)
        let r = try Self.renderer()
        let (handled, refused) = Self.fuzz("render-prompts", seeds: Self.fetched, owned: ["messages", "target", "generation", "profile", "reasoning_parser"],
                                           seed: 1) { try r.render(&$0) }
        #expect(handled + refused >= 1000 && handled > 100 && refused > 100, "\(handled) handled, \(refused) refused")
    }

    @Test func callModelPrepare() throws {
        try #require(Self.rendered.count > 400)
        let endpoint = try Endpoint.resolve(model: "hosted_vllm/fuzz/model", baseURL: "http://127.0.0.1:9/v1", environment: [:], dotEnv: [:])
        let client = ChatClient(endpoint: endpoint, engine: CurlEngine(), maxN: 2, environment: [:])
        let (handled, refused) = Self.fuzz("call-model", seeds: Self.rendered, owned: [], seed: 2) { r in
            let call = try client.prepare(r)
            // What the record asks of the server stays bounded whatever the input says, and every
            // request it can send (each chunk, each top-up up to the last draw) can be built.
            #expect(call.draws <= Limits.defaultDraws)
            #expect(client.parallelRequests(call) <= Limits.defaultDraws)
            for offset in Set(ChatClient.chunks(n: call.draws, maxN: 2).map(\.lowerBound) + [call.draws - 1]) {
                let body = client.endpoint.requestBody(messagesJSON: call.messagesJSON, generation: call.generation,
                                                       extras: call.extras, n: 1, seedOffset: offset)
                #expect(throws: Never.self) { try JSON.decode(body) }
            }
        }
        #expect(handled + refused >= 1000 && handled > 100 && refused > 100, "\(handled) handled, \(refused) refused")
    }

    @Test func stripReasoning() throws {
        try #require(Self.rendered.count > 400)
        let (handled, refused) = Self.fuzz("strip-reasoning", seeds: Self.rendered, owned: ["responses", "status"], seed: 3) {
            try ReasoningStripper.strip(&$0, parser: .deepseekR1Markup)
        }
        #expect(handled + refused >= 1000 && handled > 100 && refused > 100, "\(handled) handled, \(refused) refused")
    }

    @Test func score() throws {
        try #require(Self.stripped.count > 400)
        var scorers: [String: Scorer] = [:]
        let (handled, refused) = Self.fuzz("score", seeds: Self.stripped, owned: ["responses", "scores", "status"], seed: 4) { r in
            guard let name = r["task"]?.string else { throw EvalError("missing", field: "task") }
            if scorers[name] == nil { scorers[name] = try Scorer(task: Self.catalog.resolve(name).task) }
            try scorers[name]!.score(&r)
        }
        #expect(handled + refused >= 1000 && handled > 100 && refused > 100, "\(handled) handled, \(refused) refused")
    }

    @Test func aggregate() throws {
        try #require(Self.scored.count > 400)
        let agg = Aggregator(catalog: Self.catalog)
        let (handled, refused) = Self.fuzz("aggregate", seeds: Self.scored, owned: [], seed: 5) { try agg.add($0) }
        #expect(handled + refused >= 1000 && handled > 100, "\(handled) handled, \(refused) refused")
        // Mutated values may sum past a double: then refusing with an error naming the metric is
        // the right answer. The unmutated records must render in every format.
        let clean = Aggregator(catalog: Self.catalog)
        for record in Self.scored { try clean.add(record) }
        for format in ReportFormat.allCases {
            #expect(try !format.render(clean.report(), catalog: Self.catalog).isEmpty)
            do { #expect(try !format.render(agg.report(), catalog: Self.catalog).isEmpty) } catch let e as EvalError {
                #expect("\(e)".contains("too large"), "\(e)")
            }
        }
    }

    /// Byte-level mutants of real lines: the parser accepts or refuses each, and what it accepts
    /// writes back to bytes it reads again as the same value.
    @Test func jsonLines() throws {
        var m = Mutator(seed: 6)
        let lines = (Self.fetched + Self.scored).map { JSON.bytes(.object($0)) }
        var parsed = 0, refused = 0
        let started = Date()
        for k in 0..<20_000 where Date().timeIntervalSince(started) < Self.secondsPerStage {
            let bytes = m.mutateBytes(lines[k % lines.count])
            guard let v = try? JSON.decode(bytes) else { refused += 1; continue }
            parsed += 1
            #expect(try JSON.decode(JSON.bytes(v)) == v)
        }
        #expect(parsed > 1000 && refused > 1000, "\(parsed) parsed, \(refused) refused")
    }
}

/// Numbers compare by value (the writer may turn an integral double into its shortest form).
func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameValue)
    case (.object(let x), .object(let y)): return x.count == y.count && x.allSatisfy { k, v in y[k].map { sameValue(v, $0) } ?? false }
    case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN) || (!x.isFinite && !y.isFinite)
    default: return a == b || (a.double != nil && a.double == b.double)
    }
}

/// Seeded mutations of records and of their bytes.
struct Mutator {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }

    /// Values that break careless code: type changes, edges of Int64 and Double, huge and
    /// control-character strings, deep and wide containers.
    mutating func hostileValue() -> JSONValue {
        switch int(24) {
        case 0: return .null
        case 1: return .bool(int(2) == 0)
        case 2: return .int(0)
        case 3: return .int(-1)
        case 4: return .int(.max)
        case 5: return .int(.min)
        case 6: return .bigInt("123456789012345678901234567890")
        case 7: return .double(1e308)
        case 8: return .double(-0.0)
        case 9: return .double(5e-324)
        case 10: return .string("")
        case 11: return .string(String(repeating: "ab\u{301}日", count: 1 + int(5000)))
        case 12: return .string("a\u{0}b\u{1}\n\r\t\u{7F}\u{2028}\u{FEFF}\"\\</think><think>")
        case 13: return .array([])
        case 14: return .object([:])
        case 15:
            var v: JSONValue = .int(1)
            for _ in 0..<(50 + int(400)) { v = .array([v]) }
            return v
        case 16: return .array((0..<(1 + int(3000))).map { .int(Int64($0)) })
        case 17: return .object(Dictionary(uniqueKeysWithValues: (0..<(1 + int(500))).map { ("k\($0)", JSONValue.int(Int64($0))) }))
        case 18: return .string(String(int(1_000_000)))
        case 19: return .double(Double(int(1000)) + 0.5)
        case 20: return .string("\\boxed{" + String(repeating: "{", count: int(200)) + "}")
        case 21: return int(2) == 0 ? .int(Int64(2 + int(1100))) : .int(.max - Int64(int(3)))
        case 22: return .object(["content": .null, "role": .int(1)])
        default: return .string(["A", "B", "yes", "\u{FF21}", "-", "1/2", "$\\frac{1}{2}$", "None"][int(8)])
        }
    }

    /// One to three structural changes at random places: a value replaced, a key removed, a list
    /// emptied or grown.
    mutating func mutate(_ record: JSONObject) -> JSONObject {
        var v = JSONValue.object(record)
        for _ in 0..<(1 + int(3)) { v = mutate(v, depth: 0) }
        return v.object ?? record
    }

    private mutating func mutate(_ v: JSONValue, depth: Int) -> JSONValue {
        let stopHere = depth > 0 && int(3) == 0
        switch v {
        case .object(var o) where !o.isEmpty && !stopHere:
            let keys = o.keys.sorted()
            let key = keys[int(keys.count)]
            switch int(10) {
            case 0: o[key] = nil
            case 1: o[key] = hostileValue()
            default: o[key] = mutate(o[key]!, depth: depth + 1)
            }
            return .object(o)
        case .array(var a) where !a.isEmpty && !stopHere:
            let i = int(a.count)
            switch int(10) {
            case 0: a.remove(at: i)
            case 1: a.append(a[i])
            case 2: a = []
            default: a[i] = mutate(a[i], depth: depth + 1)
            }
            return .array(a)
        default:
            return hostileValue()
        }
    }

    /// Bytes flipped, inserted, deleted or cut, and lines spliced together.
    mutating func mutateBytes(_ line: [UInt8]) -> [UInt8] {
        var b = line
        for _ in 0..<(1 + int(4)) {
            guard !b.isEmpty else { break }
            let i = int(b.count)
            switch int(6) {
            case 0: b[i] ^= UInt8(1 << int(8))
            case 1: b.insert([0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0xEF, 0xC3, 0x00, 0x0D][int(12)], at: i)
            case 2: b.remove(at: i)
            case 3: b = Array(b[..<i])
            case 4: b.insert(contentsOf: "9999999999999999999999".utf8, at: i)
            default: b.insert(contentsOf: "\\ud800".utf8, at: i)
            }
        }
        return b
    }
}
