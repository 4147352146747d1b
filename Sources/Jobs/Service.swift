import EvalCore
import Foundation

/// The scheduler dialects a service speaks.
public enum Scheduler: String, Decodable, Sendable {
    /// Grid Engine (TSUBAME4.0's Altair Grid Engine, Son of Grid Engine): `#$`, `qsub`, `-hold_jid`.
    case sge
    /// PBS Professional (ABCI 3.0): `#PBS`, `qsub -P -q`, `-W depend=afterok`.
    case pbs
    /// Slurm: `#SBATCH`, `sbatch`, `--dependency=afterok`.
    case slurm
    /// This machine: the scripts run one after another.
    case local
}

/// A computing service, `conf/services/<name>.yaml`: its scheduler, node types and limits.
public struct ServiceConfig: Decodable, Sendable {
    public var name = ""
    public var path = ""
    public var scheduler: Scheduler
    /// The `.env` variable naming the group to charge (TSUBAME: `qsub -g`, ABCI: `-P`, Slurm: `--account`).
    public var groupVariable: String?
    /// The `.env` variable holding the job priority (TSUBAME: -5, -4, -3).
    public var priorityVariable: String?
    public var defaultPriority: String?
    /// Longest walltime the service accepts.
    public var maxWalltime: String?
    /// Walltime = the task's estimate × margin, rounded up to minutes, at least `min_walltime`.
    public var margin: Double
    public var minWalltime: String
    /// Shell lines run before the body (module loads); guarded by the script's author.
    public var prologue: String?
    public var nodes: [String: Node]
    /// Where the aggregate job runs: a cheap node, it only reads result files.
    public var aggregateNode: String

    public struct Node: Decodable, Sendable {
        /// Which column of a task's `runtime` estimates applies.
        public var estimate: String
        /// The estimate for a task whose file gives none for this column: most tasks take about
        /// as long, so only the long ones (MMLU, HellaSwag, LiveCodeBench…) state their own.
        public var runtime: String
        public var gpus: Int
        public var cpus: Int?
        /// Scheduler options for this node type, verbatim (`-l node_q=1`, `-q rt_HG`, `--gpus=1`).
        public var options: [String]

        enum CodingKeys: String, CodingKey, CaseIterable { case estimate, runtime, gpus, cpus, options }
        public init(from d: Decoder) throws {
            let c = try d.strictContainer(keyedBy: CodingKeys.self)
            estimate = try c.decode(String.self, forKey: .estimate)
            runtime = try c.decode(String.self, forKey: .runtime)
            gpus = try c.decodeIfPresent(Int.self, forKey: .gpus) ?? 0
            cpus = try c.decodeIfPresent(Int.self, forKey: .cpus)
            options = try c.decodeIfPresent([String].self, forKey: .options) ?? []
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scheduler, margin, prologue, nodes
        case groupVariable = "group_variable", priorityVariable = "priority_variable"
        case defaultPriority = "default_priority", maxWalltime = "max_walltime", minWalltime = "min_walltime"
        case aggregateNode = "aggregate_node"
    }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        scheduler = try c.decode(Scheduler.self, forKey: .scheduler)
        groupVariable = try c.decodeIfPresent(String.self, forKey: .groupVariable)
        priorityVariable = try c.decodeIfPresent(String.self, forKey: .priorityVariable)
        defaultPriority = try c.decodeIfPresent(String.self, forKey: .defaultPriority)
        maxWalltime = try c.decodeIfPresent(String.self, forKey: .maxWalltime)
        margin = try c.decodeIfPresent(Double.self, forKey: .margin) ?? 1.5
        minWalltime = try c.decodeIfPresent(String.self, forKey: .minWalltime) ?? "0:10:00"
        prologue = try c.decodeIfPresent(String.self, forKey: .prologue)
        nodes = try c.decode([String: Node].self, forKey: .nodes)
        aggregateNode = try c.decode(String.self, forKey: .aggregateNode)
    }

    public func node(_ name: String) throws -> Node {
        guard let n = nodes[name] else {
            throw EvalError("service '\(self.name)' has no node type '\(name)'", file: path, field: "nodes",
                            hint: "one of: " + nodes.keys.sorted().joined(separator: ", "))
        }
        return n
    }

    public static func load(name: String, conf: String) throws -> ServiceConfig {
        let path = "\(conf)/services/\(name).yaml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            let known = ((try? FileManager.default.contentsOfDirectory(atPath: "\(conf)/services")) ?? [])
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
            throw EvalError("unknown service '\(name)'", field: "--service", hint: "one of: " + known.joined(separator: ", "))
        }
        do {
            var s = try StrictYAML.decode(ServiceConfig.self, from: text, file: path)
            s.name = name
            s.path = path
            return s
        } catch {
            throw EvalError.decoding(error, file: path)
        }
    }
}

/// `.env`: `KEY=VALUE` lines (an `export ` prefix and one level of quotes allowed, `#` comments).
/// Only read for the submit-time settings (group, priority); jobs source it themselves, so keys
/// never end up in job scripts.
public func readEnvFile(_ path: String) throws -> [String: String] {
    guard FileManager.default.fileExists(atPath: path) else { return [:] }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw EvalError("cannot read", file: path) }
    var out: [String: String] = [:]
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        var line = raw.trimmingCharacters(in: .whitespaces)
        if line.isEmpty || line.hasPrefix("#") { continue }
        if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
        guard let eq = line.firstIndex(of: "=") else {
            throw EvalError("expected KEY=VALUE", file: path, line: i + 1)
        }
        var value = String(line[line.index(after: eq)...])
        if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
            value = String(value.dropFirst().dropLast())
        }
        out[String(line[..<eq]).trimmingCharacters(in: .whitespaces)] = value
    }
    return out
}
