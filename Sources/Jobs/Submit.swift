import EvalCore
import Foundation

/// Where a model's results go: `results/{provider}/{publisher}/{model}/{custom_settings}`, as the
/// Makefile computes it (`openai/gpt-4o` → `openai/openai/gpt-4o`).
public struct ModelRef: Sendable {
    public var full: String, provider: String, hubID: String, publisher: String, name: String

    public init(_ model: String) throws {
        let parts = model.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else {
            throw EvalError("expected provider/publisher/model", field: "--model", hint: "e.g. hosted_vllm/Qwen/Qwen3-8B")
        }
        // Each part is a folder of the results tree and goes into job scripts.
        for p in parts { try ScriptValue.check(p, .pathComponent, field: "--model") }
        full = model
        provider = parts[0]
        hubID = parts.dropFirst().joined(separator: "/")
        publisher = parts.count > 2 ? parts[1] : provider
        name = parts.last!
    }

    public func runDirectory(results: String, settings: String) -> String {
        "\(results)/\(provider)/\(publisher)/\(name)/\(settings)"
    }

    /// Self-hosted: the job starts the server itself.
    public var selfHosted: Bool { provider == "hosted_vllm" }
}

/// Everything `bin/submit` was asked for.
public struct SubmitRequest: Sendable {
    public var service: ServiceConfig
    public var nodeName: String
    public var model: ModelRef
    public var settings: String
    public var profile: String?
    public var tasks: [TaskSpec]
    /// The folder jobs run in (`.env` is read there).
    public var repo: String
    /// The evalpipe whose Makefile jobs run and whose `serve-vllm` they start: a checkout (its
    /// Makefile and bin/), or an installation (share/evalpipe/Makefile, the wrappers in <prefix>/bin).
    public var makefile: String
    public var serveVLLM: String
    public var results: String
    public var bin: String
    public var env: [String: String]
    public var serverCommand: String?
    public var makeVariables: [String]
    public var walltime: Walltime?

    public init(service: ServiceConfig, nodeName: String, model: ModelRef, settings: String, profile: String?,
                tasks: [TaskSpec], repo: String, makefile: String? = nil, serveVLLM: String? = nil, results: String,
                bin: String, env: [String: String], serverCommand: String?, makeVariables: [String], walltime: Walltime?) {
        self.service = service; self.nodeName = nodeName; self.model = model; self.settings = settings
        self.profile = profile; self.tasks = tasks; self.repo = repo; self.results = results; self.bin = bin
        self.makefile = makefile ?? repo + "/Makefile"; self.serveVLLM = serveVLLM ?? repo + "/bin/serve-vllm"
        self.env = env; self.serverCommand = serverCommand; self.makeVariables = makeVariables; self.walltime = walltime
    }
}

/// A job ready to write and submit.
public struct PlannedJob: Sendable {
    public var spec: JobSpec
    public var directory: String
    public var script: String
    public var scriptPath: String { directory + "/job.sh" }
}

/// One job per task, then an aggregate job that waits on all of them.
public struct SubmitPlan: Sendable {
    public var request: SubmitRequest
    public var tasks: [PlannedJob] = []
    public var aggregate: PlannedJob
    public var renderer: JobRenderer

    public init(_ r: SubmitRequest) throws {
        try Self.check(r)
        request = r
        let renderer = JobRenderer(service: r.service)
        self.renderer = renderer
        let node = try r.service.node(r.nodeName)
        let group = try Self.group(r)
        let priority = r.service.priorityVariable.flatMap { r.env[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? r.service.defaultPriority
        let run = r.model.runDirectory(results: r.results, settings: r.settings)
        let aggregateNode = try r.service.node(r.service.aggregateNode)
        func job(_ name: String, _ dir: String, _ walltime: Walltime, _ command: String, on nodeName: String? = nil) -> PlannedJob {
            let spec = JobSpec(name: name, nodeName: nodeName ?? r.nodeName, node: nodeName == nil ? node : aggregateNode, walltime: walltime, log: dir + "/job.log",
                               group: group, priority: priority, command: command, repo: r.repo)
            return PlannedJob(spec: spec, directory: dir, script: renderer.script(spec))
        }
        for t in r.tasks {
            let w = try r.walltime ?? Walltime.request(tasks: [t], node: node, service: r.service)
            tasks.append(job("ep_" + t.name, "\(run)/\(t.name)", w, Self.taskCommand(r, t, run: run)))
        }
        aggregate = job("ep_aggregate", "\(run)/aggregate", Walltime(seconds: 600), Self.aggregateCommand(r, run: run),
                        on: r.service.aggregateNode)
    }

    /// Every value of the request that reaches a script, by `ScriptValue`'s rule (the model was
    /// checked by `ModelRef`).
    private static func check(_ r: SubmitRequest) throws {
        try ScriptValue.check(r.settings, .pathComponent, field: "--custom-settings")
        for t in r.tasks { try ScriptValue.check(t.name, .pathComponent, field: "--tasks") }
        // The results root is part of every job's log path, a directive value.
        try ScriptValue.check(r.results, .directive, field: "--results")
        try ScriptValue.check(r.repo, .text, field: "--repo")
        try ScriptValue.check(r.makefile, .text, field: "makefile")
        try ScriptValue.check(r.serveVLLM, .text, field: "serve-vllm")
        try ScriptValue.check(r.bin, .text, field: "--bin")
        if let p = r.profile { try ScriptValue.check(p, .text, field: "--profile") }
        if let c = r.serverCommand { try ScriptValue.check(c, .text, field: "--server-cmd") }
        for v in r.makeVariables {
            try ScriptValue.check(v, .text, field: "--make-var")
            let key = v.split(separator: "=", maxSplits: 1).first ?? ""
            guard v.contains("="), let first = key.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
                  key.unicodeScalars.allSatisfy({ $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil) }) else {
                throw EvalError("expected KEY=VALUE with KEY a make variable name, found \(v.debugDescription)", field: "--make-var")
            }
        }
        for (name, node) in r.service.nodes {
            for o in node.options { try ScriptValue.check(o, .text, field: "\(r.service.path): nodes.\(name).options") }
        }
        for v in [r.service.groupVariable, r.service.priorityVariable].compactMap({ $0 }) {
            if let value = r.env[v] { try ScriptValue.check(value, .directive, field: v) }
        }
        if let p = r.service.defaultPriority { try ScriptValue.check(p, .directive, field: "\(r.service.path): default_priority") }
    }

    private static func group(_ r: SubmitRequest) throws -> String? {
        guard let v = r.service.groupVariable else { return nil }
        if let g = r.env[v], !g.isEmpty { return g }
        switch r.service.scheduler {
        case .pbs:
            throw EvalError("ABCI charges every job to a group", field: v, hint: "set \(v)=<group> in .env")
        case .sge:
            Log.line("submit: warning: no \(v) in .env: TSUBAME runs the job as a trial (at most 10 minutes)")
        case .slurm, .local: break
        }
        return nil
    }

    /// The task's Makefile target, with the model server started inside the job when self-hosted.
    static func taskCommand(_ r: SubmitRequest, _ t: TaskSpec, run: String) -> String {
        // Jobs never build (`-o build`: the Makefile's build step counts as done, whatever the
        // sources' times): the tools were built before submitting, and concurrent jobs must not
        // race on one build directory.
        var make = ["make", "--no-print-directory", "-f", r.makefile, "-o", "build"]
        make += [t.name] + [("MODEL", r.model.full), ("SETTINGS", r.settings), ("RESULTS", r.results), ("BIN", r.bin),
                            ("PROFILE", r.profile ?? "")].map(ScriptValue.makeAssignment)
        make += r.makeVariables.map { v in
            guard let eq = v.firstIndex(of: "=") else { return v }
            return ScriptValue.makeAssignment(String(v[..<eq]), String(v[v.index(after: eq)...]))
        }
        let makeLine = make.map(shellQuote).joined(separator: " ")
        guard r.model.selfHosted else { return makeLine }
        var serve = [r.serveVLLM, "--model", r.model.hubID, "--log", "\(run)/\(t.name)/server.log"]
        if let p = r.profile { serve += ["--profile", p, "--custom-settings", r.settings] }
        if let c = r.serverCommand { serve += ["--server-cmd", c] }
        // serve-vllm exports BASE_URL to the command and stops the server when it ends.
        return serve.map(shellQuote).joined(separator: " ") + " -- \\\n  " + makeLine
    }

    static func aggregateCommand(_ r: SubmitRequest, run: String) -> String {
        let names = r.tasks.map(\.name).map(shellQuote).joined(separator: " ")
        return """
        run=\(shellQuote(run))
        files=()
        for t in \(names); do
          if [ -f "$run/$t/scored.jsonl" ]; then files+=("$run/$t/scored.jsonl"); else echo "aggregate: $t has no scored.jsonl (see $run/$t/job.log)" >&2; fi
        done
        [ ${#files[@]} -gt 0 ] || exit 1
        \(shellQuote(r.bin + "/aggregate")) "${files[@]}" > "$run/metrics.json.tmp" && mv "$run/metrics.json.tmp" "$run/metrics.json"
        \(shellQuote(r.bin + "/aggregate")) --format markdown "${files[@]}" > "$run/metrics.md.tmp" && mv "$run/metrics.md.tmp" "$run/metrics.md"
        cat "$run/metrics.md"
        """
    }

    /// Writes every script; then submits them (or, locally, runs them one after another) and
    /// records each job in `<dir>/job.json`. Returns false when a local job failed.
    public func submit(dryRun: Bool, out: (String) throws -> Void) throws -> Bool {
        var ids: [String] = []
        var ok = true
        for j in tasks + [aggregate] {
            // Names were checked to be plain folder names; this is the last line of defence.
            let inside = URL(fileURLWithPath: j.directory).standardizedFileURL.path
            guard inside.hasPrefix(URL(fileURLWithPath: request.results).standardizedFileURL.path + "/") else {
                throw EvalError("job folder \(j.directory) is outside the results folder", field: "--results")
            }
            try FileManager.default.createDirectory(atPath: j.directory, withIntermediateDirectories: true)
            try j.script.write(toFile: j.scriptPath, atomically: true, encoding: .utf8)
            let isAggregate = j.directory == aggregate.directory
            let command = renderer.submitCommand(j.spec, after: isAggregate ? ids : []) + [j.scriptPath]
            if dryRun {
                try out("# " + command.map(shellQuote).joined(separator: " ") + "\n" + j.script)
                continue
            }
            let id: String
            if request.service.scheduler == .local {
                let rc = try runLocally(command, log: j.spec.log)
                Log.line("submit: \(j.spec.name) \(rc == 0 ? "finished" : "failed (exit \(rc))"): \(j.spec.log)")
                ok = ok && rc == 0
                id = "local"
            } else {
                let r = try run(command)
                guard r.status == 0, let got = renderer.jobID(fromSubmitOutput: r.stdout) else {
                    throw EvalError("\(command[0]) failed (exit \(r.status)): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))",
                                    file: j.scriptPath)
                }
                id = got
                ids.append(id)
            }
            let record: JSONObject = ["id": .string(id), "service": .string(request.service.name),
                                      "node": .string(j.spec.nodeName), "name": .string(j.spec.name),
                                      "walltime": .string(j.spec.walltime.description), "log": .string(j.spec.log),
                                      "submitted": .string(ISO8601DateFormatter().string(from: Date()))]
            try (JSON.encodeString(JSONValue.object(record)) + "\n").write(toFile: j.directory + "/job.json", atomically: true, encoding: .utf8)
            try out("\(j.spec.name)\t\(id)\t\(j.spec.log)\n")
        }
        return ok
    }

    private func runLocally(_ command: [String], log: String) throws -> Int32 {
        guard FileManager.default.createFile(atPath: log, contents: nil) else { throw EvalError("cannot write", file: log) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? h.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = command
        p.standardOutput = h
        p.standardError = h
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}

/// Runs a command to completion, capturing its output (scheduler clients print a few lines).
public func run(_ argv: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    // Files rather than pipes: a chatty client can never block on a full pipe.
    let dir = FileManager.default.temporaryDirectory
    let outURL = dir.appendingPathComponent("evalpipe-jobs-\(UUID().uuidString)")
    let errURL = outURL.appendingPathExtension("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
    p.standardOutput = try FileHandle(forWritingTo: outURL)
    p.standardError = try FileHandle(forWritingTo: errURL)
    p.standardInput = FileHandle.nullDevice
    do { try p.run() } catch {
        throw EvalError("cannot run \(argv[0]): \(error)", hint: "is the scheduler's client on PATH?")
    }
    p.waitUntilExit()
    return (p.terminationStatus, (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}

/// `conf/suites/<name>.yaml`: `tasks: [..]`; `all` is every task file.
public func suiteTasks(_ name: String, conf: String, catalog: TaskCatalog) throws -> [String] {
    if name == "all" { return catalog.names() }
    let path = "\(conf)/suites/\(name).yaml"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw EvalError("no suite '\(name)'", field: "--suite", hint: "suites are conf/suites/<name>.yaml, or `all`")
    }
    struct Suite: Decodable {
        var tasks: [String]
        enum CodingKeys: String, CodingKey, CaseIterable { case tasks }
        init(from d: Decoder) throws { tasks = try d.strictContainer(keyedBy: CodingKeys.self).decode([String].self, forKey: .tasks) }
    }
    return try StrictYAML.decode(Suite.self, from: text, file: path).tasks
}
