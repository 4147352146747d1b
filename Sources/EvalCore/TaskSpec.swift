import Foundation

/// A benchmark, as declared by one `tasks/<name>.yaml`. Every key is known: a typo is an error
/// naming the file and the key, never a silently ignored setting.
public struct TaskSpec: Decodable, Sendable {
    /// File stem: `tasks/gpqa_diamond.yaml` → `gpqa_diamond`.
    public var name: String = ""
    /// Where it was loaded from (error messages).
    public var path: String = ""
    /// The reference's task name (`gpqa:diamond`), so golden files and reference users' names resolve.
    public var reference: String?
    public var title: String?
    public var dataset: DatasetSource
    public var subsets: [String]?
    /// A subset whose rows live in another dataset altogether (AIME: one repo per year) names its
    /// whole source here; any other subset reads `dataset` with the subset as its config.
    public var subsetDatasets: [String: DatasetSource]?
    /// Named groups of subsets (the reference's category white lists), for category averages.
    public var categories: [String: [String]]?
    /// Absent while a task is declared for its data only (fetch-task works, the rest says so).
    public var prompt: PromptSpec?
    public var generation: GenerationSpec?
    public var scoring: ScoringSpec?
    public var headline: HeadlineSpec?
    /// An LLM judge rates the answers (MT-Bench).
    public var judge: JudgeSpec?
    /// Expected wall time per node type (`node_q: "1:30:00"`), read by `bin/submit` for walltimes.
    public var runtime: [String: String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reference, title, dataset, subsets, prompt, generation, scoring, headline
        case runtime
        case categories, judge
        case subsetDatasets = "subset_datasets"
    }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        dataset = try c.decode(DatasetSource.self, forKey: .dataset)
        subsets = try c.decodeIfPresent([String].self, forKey: .subsets)
        subsetDatasets = try c.decodeIfPresent([String: DatasetSource].self, forKey: .subsetDatasets)
        for name in (subsetDatasets ?? [:]).keys.sorted() where !(subsets ?? []).contains(name) {
            throw EvalError("'\(name)' is not in subsets", field: "subset_datasets.\(name)")
        }
        categories = try c.decodeIfPresent([String: [String]].self, forKey: .categories)
        prompt = try c.decodeIfPresent(PromptSpec.self, forKey: .prompt)
        generation = try c.decodeIfPresent(GenerationSpec.self, forKey: .generation)
        scoring = try c.decodeIfPresent(ScoringSpec.self, forKey: .scoring)
        headline = try c.decodeIfPresent(HeadlineSpec.self, forKey: .headline)
        for key in headline?.swallow ?? [] {
            if let category = key.category, categories?[category] == nil {
                throw EvalError("no category '\(category)' in categories", field: "headline.swallow.\(key.key).category")
            }
        }
        runtime = try c.decodeIfPresent([String: String].self, forKey: .runtime)
        judge = try c.decodeIfPresent(JudgeSpec.self, forKey: .judge)
    }

    /// A section a stage needs, or an error saying the task is declared for its data only.
    public func required<T>(_ section: T?, _ key: String) throws -> T {
        guard let section else {
            throw EvalError("task '\(name)' has no \(key) yet: it is declared for its data only", file: path, field: key)
        }
        return section
    }
}

// MARK: - catalog

/// Finds task files. Search path: `--tasks DIR`, then `$EVALPIPE_TASKS` (colon-separated), then
/// `./tasks`, then `share/evalpipe/tasks` beside the installed binaries.
public final class TaskCatalog: @unchecked Sendable {
    public let directories: [String]
    private var cache: [String: TaskSpec] = [:]
    private var references: [String: String]?
    private let lock = NSLock()

    public init(directory: String? = nil) {
        var dirs: [String] = []
        if let directory { dirs.append(directory) }
        if let env = ProcessInfo.processInfo.environment["EVALPIPE_TASKS"] {
            dirs += env.split(separator: ":").map(String.init)
        }
        dirs.append("tasks")
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        dirs.append(exe.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/evalpipe/tasks").path)
        directories = dirs.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Every task name (file stem) on the search path, first directory winning.
    public func names() -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for dir in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for f in files.sorted() where f.hasSuffix(".yaml") {
                let n = String(f.dropLast(5))
                if seen.insert(n).inserted { out.append(n) }
            }
        }
        return out
    }

    /// Resolves a task name as users type it: our file name (`gpqa_diamond`), the reference's
    /// name (`gpqa:diamond`), or either with a subset (`mmlu_english:anatomy`).
    public func resolve(_ name: String) throws -> (task: TaskSpec, subset: String?) {
        // A file that exists but does not parse is reported as such, not as an unknown task.
        if exists(name) { return (try load(name), nil) }
        if let file = try referenceIndex()[name] { return (try load(file), nil) }
        if let colon = name.firstIndex(of: ":") {
            let base = String(name[..<colon]), sub = String(name[name.index(after: colon)...])
            if exists(base) { return (try load(base), sub) }
            if let file = try referenceIndex()[base] { return (try load(file), sub) }
        }
        throw EvalError("unknown task '\(name)'", hint: "tasks: " + names().joined(separator: ", "))
    }

    private func exists(_ name: String) -> Bool {
        !name.contains("/") && directories.contains { FileManager.default.fileExists(atPath: "\($0)/\(name).yaml") }
    }

    /// Loads `<name>.yaml` from the first directory that has it.
    public func load(_ name: String) throws -> TaskSpec {
        lock.lock(); defer { lock.unlock() }
        if let t = cache[name] { return t }
        guard !name.contains("/"), let dir = directories.first(where: {
            FileManager.default.fileExists(atPath: "\($0)/\(name).yaml")
        }) else {
            throw EvalError("no task file \(name).yaml", hint: "searched: " + directories.joined(separator: ", "))
        }
        let t = try TaskCatalog.parse(path: "\(dir)/\(name).yaml")
        cache[name] = t
        return t
    }

    public static func parse(path: String) throws -> TaskSpec {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw EvalError("cannot read task file", file: path)
        }
        do {
            var t = try StrictYAML.decode(TaskSpec.self, from: text, file: path)
            t.name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            t.path = path
            return t
        } catch {
            throw EvalError.decoding(error, file: path)
        }
    }

    private func referenceIndex() throws -> [String: String] {
        if let r = references { return r }
        var r: [String: String] = [:]
        for n in names() {
            if let ref = try load(n).reference, r[ref] == nil { r[ref] = n }
        }
        references = r
        return r
    }
}
