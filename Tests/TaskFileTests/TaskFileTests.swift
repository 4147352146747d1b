import EvalCore
import Foundation
import Hub
import Jobs
import Prompting
import Scoring
import Testing

/// Every shipped task file through the code paths that will read it: a broken file fails here,
/// not in a cluster job.
@Suite struct TaskFileTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// What is wrong with the task files of `tasks` against the services of `conf`, one line each.
    static func problems(tasks: String, conf: String) -> [String] {
        var out: [String] = []
        let catalog = TaskCatalog(directory: tasks)
        let services = ((try? FileManager.default.contentsOfDirectory(atPath: "\(conf)/services")) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted().map { String($0.dropLast(5)) }
        var loaded: [ServiceConfig] = []
        for name in services {
            do { loaded.append(try ServiceConfig.load(name: name, conf: conf)) } catch { out.append("\(error)") }
        }
        let columns = Set(loaded.flatMap { $0.nodes.values.map(\.estimate) })
        var positions: [Int: (task: String, key: String)] = [:], keys: [String: (task: String, position: Int)] = [:]
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted().map { String($0.dropLast(5)) }
        for name in names {
            let task: TaskSpec
            do { task = try catalog.load(name) } catch { out.append("\(error)"); continue }
            func check(_ what: String, _ body: () throws -> Void) {
                do { try body() } catch { out.append("\(name): \(what): \(error)") }
            }
            check("dataset") {
                for subset in task.subsets ?? [nil] as [String?] {
                    let source = Fetch.source(task, subset: subset)
                    if source.repo.isEmpty || source.split.isEmpty { throw EvalError("no repository or split", field: "dataset") }
                }
            }
            if task.prompt != nil { check("prompt") { _ = try TaskPrompt(task: task) } }
            if let scoring = task.scoring {
                check("scoring") { _ = try Scorer(task: task) }
                let written = Set(scoring.metrics.flatMap { Metrics.all[$0]?.keys ?? [$0] })
                if let h = task.headline, !written.contains(h.metric) {
                    out.append("\(name): headline.metric '\(h.metric)' is not in scoring.metrics")
                }
                for key in task.headline?.swallow ?? [] {
                    for metric in (key.metric.map { [$0] } ?? []) + (key.average ?? []) where !written.contains(metric) {
                        out.append("\(name): headline.swallow.\(key.key): metric '\(metric)' is not in scoring.metrics")
                    }
                }
            } else if task.prompt != nil || task.headline != nil {
                out.append("\(name): a prompt or headline without scoring")
            }
            for column in (task.runtime ?? [:]).keys.sorted() where !columns.contains(column) {
                out.append("\(name): runtime.\(column): no service node reads this column (known: \(columns.sorted().joined(separator: ", ")))")
            }
            // One line per task: a bad estimate fails on every node that reads its column.
            check("runtime") {
                for service in loaded {
                    for node in service.nodes.keys.sorted() {
                        _ = try Walltime.request(tasks: [task], node: service.node(node), service: service)
                    }
                }
            }
            // The same key at the same position in two tasks makes them alternatives (the reference's
            // comma-joined task_key of the Japanese MT-Bench and its 6,144-character variant).
            for key in task.headline?.swallow ?? [] {
                if let other = positions.updateValue((name, key.key), forKey: key.position), other.key != key.key {
                    out.append("\(name): swallow position \(key.position) (\(key.key)) is also \(other.task)'s")
                }
                if let other = keys.updateValue((name, key.position), forKey: key.key), other.position != key.position {
                    out.append("\(name): swallow key \(key.key) is also \(other.task)'s")
                }
            }
        }
        return out
    }

    @Test func shippedTaskFilesLoadThroughEveryStage() throws {
        let tasks = Self.repo + "/tasks"
        let count = try FileManager.default.contentsOfDirectory(atPath: tasks).filter { $0.hasSuffix(".yaml") }.count
        #expect(count >= 21)
        #expect(Self.problems(tasks: tasks, conf: Self.repo + "/conf") == [])
    }

    /// Each kind of breakage is caught, in a copy of the shipped files.
    @Test(arguments: [
        ("gpqa_diamond", "extractor: letters", "extractor: no_such_extractor", "unknown extractor 'no_such_extractor'"),
        ("gpqa_diamond", "position: 98}", "position: 88}", "swallow position 88"),
        ("gpqa_diamond", "reference: ", "runtime:\n  node_qq: \"1:00:00\"\nreference: ", "runtime.node_qq: no service node reads this column"),
        ("gpqa_diamond", "reference: ", "runtime:\n  node_q: \"two hours\"\nreference: ", "'two hours' is not H:MM:SS"),
        ("gpqa_diamond", "kind: multiple_choice", "kind: multiple_choice\n  choise_fields: [a]", "prompt.choise_fields: not used by kind multiple_choice"),
        ("gpqa_diamond", "metric: extractive_match", "metric: accuracy", "headline.metric 'accuracy' is not in scoring.metrics"),
        ("english_mt_bench", "metric: judge_score_coding_avg", "metric: judge_score_cooking_avg",
         "headline.swallow.english_mtbench_coding: metric 'judge_score_cooking_avg' is not in scoring.metrics"),
    ])
    func aBrokenTaskFileIsCaught(task: String, find: String, replace: String, expected: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("taskfiles-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: Self.repo + "/tasks") where f.hasSuffix(".yaml") {
            try FileManager.default.copyItem(atPath: Self.repo + "/tasks/" + f, toPath: dir + "/" + f)
        }
        let path = "\(dir)/\(task).yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let range = try #require(text.range(of: find), "\(find) not in \(task).yaml")
        try text.replacingCharacters(in: range, with: replace).write(toFile: path, atomically: true, encoding: .utf8)
        let found = Self.problems(tasks: dir, conf: Self.repo + "/conf")
        #expect(found.count == 1 && found[0].contains(expected), "\(found)")
    }
}
