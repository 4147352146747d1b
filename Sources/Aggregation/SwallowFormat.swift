import EvalCore
import Foundation

/// The reference's `aggregated_results.json` (scripts/aggregate_results.py): per model,
/// `{"model", "results": {key: value}, "overall", "tasks"}` with the keys the task files declare
/// (`headline.swallow`) in their `AGGREGATE_CONF` order, -1 for a key without records, and
/// `overall` the comma-joined Python `str()` of the values. Written as Python's
/// `json.dump(indent=2)` writes it (ASCII only); one document per model. After the reference's four
/// keys, `settings`: what the numbers came from (see `settings`).
public struct SwallowFormat {
    public let catalog: TaskCatalog

    public init(catalog: TaskCatalog) { self.catalog = catalog }

    struct Entry { var key: SwallowKey, task: TaskSpec, metric: String }

    /// Every declared key, by position. A task file that does not load is left out with a warning,
    /// as `aggregate` does for headlines.
    func entries() -> [Entry] {
        var out: [Entry] = []
        for name in catalog.names() {
            do {
                let task = try catalog.load(name)
                guard let h = task.headline else { continue }
                out += (h.swallow ?? []).map { Entry(key: $0, task: task, metric: $0.metric ?? h.metric) }
            } catch {
                Log.line("aggregate: warning: \(error): its swallow keys are left out")
            }
        }
        out.sort { ($0.key.position, $0.key.key) < ($1.key.position, $1.key.key) }
        // The same key at the same position from several tasks: alternatives (see `render`).
        for (a, b) in zip(out, out.dropFirst()) where a.key.position == b.key.position && a.key.key != b.key.key {
            Log.line("aggregate: warning: position \(a.key.position) is declared by \(a.task.name) (\(a.key.key)) and \(b.task.name) (\(b.key.key))")
        }
        return out
    }

    /// One document per run (model and custom settings), in the report's order.
    public func render(_ report: Report) -> String {
        let entries = entries()
        return report.runs.map { run in
            let rows = report.results(of: run)
            return Self.document(model: run.model, values: values(rows, entries), settings: Self.settings(rows, run: run))
        }.joined()
    }

    /// The comma-joined values the team pastes into its spreadsheet.
    public func overall(_ rows: [TaskResult]) -> String { values(rows, entries()).map(\.1.str).joined(separator: ",") }

    /// One run's value of every declared key, in position order.
    func values(_ rows: [TaskResult], _ entries: [Entry]) -> [(String, Value)] {
        var taskNames: [String: String] = [:]  // a record's task → its task file
        for r in rows where taskNames[r.task] == nil {
            taskNames[r.task] = (try? catalog.resolve(r.task).task.name) ?? r.task
        }
        // A key declared by several tasks (the Japanese MT-Bench and its 6,144-character variant)
        // is the reference's comma-joined task_key: the value of the one task that has results,
        // -1 when none or more than one has.
        var values: [(String, Value)] = []
        for e in entries {
            let found = rows.filter { taskNames[$0.task] == e.task.name }.map { Self.value(e, $0) }.filter { $0 != .missing }
            if let last = values.last, last.0 == e.key.key {
                values[values.count - 1].1 = last.1 == .missing ? (found.first ?? .missing) : (found.isEmpty ? last.1 : .ambiguous)
            } else {
                values.append((e.key.key, found.count == 1 ? found[0] : found.isEmpty ? .missing : .ambiguous))
            }
        }
        return values.map { ($0.0, $0.1 == .ambiguous ? .missing : $0.1) }
    }

    enum Value: Equatable {
        /// `ambiguous`: several alternative tasks have results (printed as missing).
        case missing, ambiguous, number(Double)
        /// Python `str()`: `-1` is the reference's int for a missing value; floats print in
        /// shortest round-trip form, as Swift's `description` does.
        var str: String {
            switch self {
            case .missing, .ambiguous: return "-1"
            case .number(let x): return x.isNaN ? "nan" : x.isInfinite ? (x < 0 ? "-inf" : "inf") : x.description
            }
        }
        /// The same in JSON, as Python's `json.dump` writes non-finite floats.
        var json: String {
            guard case .number(let x) = self, !x.isFinite else { return str }
            return x.isNaN ? "NaN" : x < 0 ? "-Infinity" : "Infinity"
        }
    }

    /// `micro_average` over the category's subsets, or over every subset the records carry; a
    /// task whose records carry none is `pick`ed. Weights are the scored counts (the reference's
    /// `effective_num_docs`); subsets are summed in name order.
    static func value(_ e: Entry, _ row: TaskResult) -> Value {
        if let metrics = e.key.average {
            // Python's sum() from 0 in list order, then / len: a missing metric is -1.
            var sum = 0.0
            for m in metrics {
                guard let v = row.metrics[m] else { return .missing }
                sum += v.mean
            }
            return .number(sum / Double(metrics.count))
        }
        let subsets = (row.subsets ?? [:]).sorted { $0.key < $1.key }
        if e.key.category == nil && subsets.isEmpty {
            return row.metrics[e.metric].map { .number($0.mean) } ?? .missing
        }
        let members = e.key.category.flatMap { e.task.categories?[$0] }.map(Set.init)
        var total = 0, weighted = 0.0
        for (name, s) in subsets where members?.contains(name) ?? true {
            guard let m = s.metrics[e.metric] else { continue }
            total += m.n
            weighted += Double(m.n) * m.mean
        }
        return total > 0 ? .number(weighted / Double(total)) : .missing
    }

    /// The tool's version, the run's custom settings, and per task the generation parameters, the
    /// profile file and the dataset commits of its records.
    static func settings(_ rows: [TaskResult], run: Run) -> JSONValue {
        var tasks: JSONObject = [:]
        for r in rows {
            var t: JSONObject = ["datasets": .array((r.datasets ?? []).map { .string($0) })]
            if let g = r.generation { t["generation"] = g }
            if let p = r.profile { t["profile"] = .string(p) }
            tasks[r.task] = .object(t)
        }
        return ["tool": .string("evalpipe \(Evalpipe.version)"), "custom_settings": run.settings.map { .string($0) } ?? .null,
                "tasks": .object(tasks)]
    }

    static func document(model: String, values: [(String, Value)], settings: JSONValue) -> String {
        var out = "{\n  \"model\": \(jsonString(model)),\n  \"results\": "
        out += values.isEmpty ? "{}" : "{\n" + values.map { "    \(jsonString($0.0)): \($0.1.json)" }.joined(separator: ",\n") + "\n  }"
        out += ",\n  \"overall\": \(jsonString(values.map(\.1.str).joined(separator: ","))),\n  \"tasks\": "
        out += values.isEmpty ? "[]" : "[\n" + values.map { "    " + jsonString($0.0) }.joined(separator: ",\n") + "\n  ]"
        return out + ",\n  \"settings\": " + pythonJSON(settings, depth: 1) + "\n}\n"
    }

    /// `json.dumps(v, indent=2, sort_keys=True)` nested `depth` levels deep.
    static func pythonJSON(_ v: JSONValue, depth: Int) -> String {
        let pad = String(repeating: "  ", count: depth + 1), close = String(repeating: "  ", count: depth)
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .bigInt(let s): return s
        case .double(let x): return Value.number(x).json
        case .string(let s): return jsonString(s)
        case .array(let a):
            return a.isEmpty ? "[]" : "[\n" + a.map { pad + pythonJSON($0, depth: depth + 1) }.joined(separator: ",\n") + "\n" + close + "]"
        case .object(let o):
            return o.isEmpty ? "{}" : "{\n" + o.keys.sorted().map { pad + jsonString($0) + ": " + pythonJSON(o[$0]!, depth: depth + 1) }
                .joined(separator: ",\n") + "\n" + close + "}"
        }
    }

    /// Python `json.dumps(s)` with `ensure_ascii=True`.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.utf16 {
            switch u {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(u)!)
            default: out += String(format: "\\u%04x", u)
            }
        }
        return out + "\""
    }
}
