import Foundation

/// An error that names where it happened: `file:line: field: what is wrong (what to do)`.
public struct EvalError: Error, CustomStringConvertible, Sendable {
    public var file: String?
    public var line: Int?
    public var field: String?
    public var message: String
    public var hint: String?

    public init(_ message: String, file: String? = nil, line: Int? = nil, field: String? = nil, hint: String? = nil) {
        self.message = message; self.file = file; self.line = line; self.field = field; self.hint = hint
    }

    public var description: String {
        var s = ""
        if let file { s += file + (line.map { ":\($0)" } ?? "") + ": " }
        if let field { s += "\(field): " }
        s += message
        if let hint { s += " (\(hint))" }
        return s
    }

    /// The same error placed at a record: keeps an inner field if it had one.
    public func at(file: String, line: Int) -> EvalError {
        var e = self
        if e.file == nil { e.file = file; e.line = line }
        return e
    }

    /// The same error inside `parent`: field `sum` of `scores.bleu` becomes `scores.bleu.sum`.
    public func under(_ parent: String) -> EvalError {
        var e = self
        e.field = e.field.map { $0.hasPrefix(parent) ? $0 : "\(parent).\($0)" } ?? parent
        return e
    }
}

/// stderr, unbuffered, one line per call: logs, warnings and progress never touch stdout.
public enum Log {
    public static func line(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
    public static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
