import ArgumentParser
import EvalCore
import Foundation

extension ParsableCommand {
    /// Every tool's entry point: parses flags and runs; usage errors exit 2 (the Unix convention,
    /// not sysexits' 64), other failures print `tool: message` and exit 1. Only this exits.
    public static func runMain() {
        let tool = configuration.commandName ?? String(describing: Self.self)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let e as EvalError {
            Log.line("\(tool): \(e)")
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success { print(fullMessage(for: error)); Foundation.exit(0) }
            Log.raw(fullMessage(for: error) + "\n")  // usage errors are several lines by design
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// `--tasks`, the same for every tool that reads task files.
public struct TaskOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Directory searched first for task files; then $EVALPIPE_TASKS, ./tasks and the installed ones.",
                               valueName: "dir"))
    public var tasks: String?

    public init() {}

    public var catalog: TaskCatalog { TaskCatalog(directory: tasks) }
}

/// The JSON Lines files a filter reads.
public struct InputFiles: ParsableArguments {
    @Argument(help: "JSON Lines input files (default: stdin).")
    public var inputs: [String] = []

    public init() {}
}
