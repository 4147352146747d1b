import EvalCore
import Foundation

/// The checkout jobs run in, the settings directory and the results root, resolved the same way by
/// every evalpipe-jobs subcommand; relative paths are taken from the current directory.
public struct JobPaths: Sendable {
    public let repo: String
    public let conf: String
    public let results: String
    /// The Makefile jobs run and the wrappers beside it: this installation's when the executable
    /// is an installed one (<prefix>/bin with <prefix>/share/evalpipe/Makefile), else the checkout's.
    public let makefile: String
    public let scripts: String
    /// The tools jobs use unless --bin or $EVALPIPE_BIN says: the installed ones beside the
    /// executable, else the checkout's release build.
    public let tools: String

    /// conf defaults to <repo>/conf, else the installed <prefix>/share/evalpipe/conf beside
    /// <prefix>/bin/evalpipe-jobs (make install).
    public init(repo: String?, conf: String?, results: String?, executable: String = CommandLine.arguments[0]) {
        let repo = JobPaths.absolute(repo ?? FileManager.default.currentDirectoryPath)
        self.repo = repo
        let exeDir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let share = exeDir.deletingLastPathComponent().appendingPathComponent("share/evalpipe").path
        if FileManager.default.fileExists(atPath: share + "/Makefile") {
            (makefile, scripts, tools) = (share + "/Makefile", exeDir.path, exeDir.path)
        } else {
            (makefile, scripts, tools) = (repo + "/Makefile", repo + "/bin", repo + "/.build/release")
        }
        if let conf {
            self.conf = JobPaths.absolute(conf)
        } else {
            let own = repo + "/conf", installed = share + "/conf"
            self.conf = FileManager.default.fileExists(atPath: own) || !FileManager.default.fileExists(atPath: installed) ? own : installed
        }
        self.results = JobPaths.absolute(results ?? repo + "/results")
    }

    /// The task files beside the Makefile jobs run.
    public var catalog: TaskCatalog { TaskCatalog(directory: URL(fileURLWithPath: makefile).deletingLastPathComponent().path + "/tasks") }

    public static func absolute(_ p: String) -> String {
        URL(fileURLWithPath: p, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/"))
            .standardizedFileURL.path
    }
}

extension SubmitRequest {
    /// A submission from the flags of `evalpipe-jobs submit`: exactly one of `tasks` (comma-separated)
    /// and `suite`; tasks declared for their data only are reported and left out; the model profile
    /// defaults to conf/models/<publisher>/<model>.yaml when it exists, and its settings must exist;
    /// DATA and LIMIT become make variables.
    public static func resolve(paths: JobPaths, service: String, node: String, model: String, settings: String,
                               profile: String?, tasks: String?, suite: String?, serverCommand: String?,
                               data: String?, limit: Int?, walltime: String?, bin: String?, env: String?,
                               makeVariables: [String]) throws -> SubmitRequest {
        let svc = try ServiceConfig.load(name: service, conf: paths.conf)
        let modelRef = try ModelRef(model)
        try ScriptValue.check(settings, .pathComponent, field: "--custom-settings")
        let catalog = paths.catalog
        let names: [String]
        switch (tasks, suite) {
        case let (t?, nil): names = t.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case let (nil, s?): names = try suiteTasks(s, conf: paths.conf, catalog: catalog)
        default: throw EvalError("give exactly one of --tasks and --suite")
        }
        let all = try names.map { try catalog.resolve($0).task }
        // A suite names every benchmark; those declared for their data only get no job yet.
        let specs = all.filter { $0.prompt != nil }
        for t in all where t.prompt == nil { Log.line("submit: \(t.name): not runnable yet (declared for its data only): no job") }
        guard !specs.isEmpty else { throw EvalError("no runnable task among: " + names.joined(separator: ", ")) }
        let defaultProfile = "\(paths.conf)/models/\(modelRef.hubID).yaml"
        let profilePath = profile.map(JobPaths.absolute) ?? (FileManager.default.fileExists(atPath: defaultProfile) ? defaultProfile : nil)
        if let p = profilePath { _ = try ModelProfile.load(path: p).settings(named: settings) }
        var vars = makeVariables
        if let d = data { vars.append("DATA=\(JobPaths.absolute(d))") }
        if let l = limit { vars.append("LIMIT=\(l)") }
        let wall = try walltime.map { w -> Walltime in
            guard let v = Walltime(w) else { throw EvalError("--walltime \(w): expected [[H:]MM:]SS") }
            return v
        }
        let envPath = env.map(JobPaths.absolute) ?? paths.repo + "/.env"
        let binPath = JobPaths.absolute(bin ?? ProcessInfo.processInfo.environment["EVALPIPE_BIN"] ?? paths.tools)
        return SubmitRequest(service: svc, nodeName: node, model: modelRef, settings: settings, profile: profilePath,
                             tasks: specs, repo: paths.repo, makefile: paths.makefile, serveVLLM: paths.scripts + "/serve-vllm",
                             results: paths.results, bin: binPath,
                             env: try readEnvFile(envPath), serverCommand: serverCommand, makeVariables: vars, walltime: wall)
    }
}
