import ArgumentParser
import EvalCore
import Foundation

extension ParsableCommand {
    /// Parses flags and runs; usage errors exit 2 (the Unix convention, not sysexits' 64), other
    /// failures print `tool: message` and exit 1.
    public static func runMain() {
        let tool = configuration.commandName ?? String(describing: Self.self)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let e as EvalError {
            Filter.fail(tool: tool, e)
        } catch {
            let code = exitCode(for: error)
            if code == .success { print(fullMessage(for: error)); Foundation.exit(0) }
            Log.raw(fullMessage(for: error) + "\n")  // usage errors are several lines by design
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
