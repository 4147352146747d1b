import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
    /// One line, whatever the message holds: a newline from a value (a settings name, a server's
    /// text) is shown as `\n`, so every error stays the one line the conventions promise.
    public static func line(_ s: String) {
        raw(s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n") + "\n")
    }

    /// A closed or full stderr (`2>&-`, `2>/dev/full`) loses the message, never the run:
    /// FileHandle's write traps on a failed write(2), so this calls write(2) itself.
    public static func raw(_ s: String) {
        var bytes = Array(s.utf8)
        _ = try? StandardStream.write(2, &bytes)
    }

    public static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

/// Whole writes to a file descriptor that fail with an error instead of trapping (a full disk).
public enum StandardStream {
    /// Writes all of `bytes` (retrying short writes and EINTR) or throws `write failed: …`.
    public static func write(_ fd: Int32, _ bytes: inout [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0) }
    }

    public static func writeAll(_ fd: Int32, _ buf: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw EvalError("write failed: \(String(cString: strerror(errno)))") }
            off += n
        }
    }

    /// Text on stdout; a failed write (full disk, closed pipe reader) is an error naming stdout.
    public static func out(_ s: String) throws {
        var bytes = Array(s.utf8)
        do { try write(1, &bytes) } catch let e as EvalError { throw EvalError(e.message, file: "stdout") }
    }
}

/// Credentials out of text a server sent back (error bodies that echo request headers, proxies
/// that print the URL): every configured key verbatim, and anything shaped like a credential.
/// One rule for every error text that may reach a record, a log or the terminal.
public struct Redactor: Sendable {
    public static let mark = "[REDACTED]"
    /// Exact values to remove, longest first (so a key that contains another goes whole).
    public let secrets: [String]

    /// Secrets shorter than 8 characters are left out: they would redact ordinary words.
    public init(secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= 8 })).sorted { $0.count > $1.count }
    }

    /// The values of variables whose names say they hold a credential (`*_API_KEY`, `HF_TOKEN`,
    /// `*SECRET*`, `*PASSWORD*`), from the environment and `.env`.
    public static func configuredSecrets(_ sources: [[String: String]]) -> [String] {
        sources.flatMap { env in
            env.filter { k, _ in
                let u = k.uppercased()
                return ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"].contains { u.contains($0) }
            }.map(\.value)
        }
    }

    /// Shapes of credentials, whoever's: header values, `key=…` pairs, and the token formats of
    /// OpenAI (`sk-`), the Hugging Face Hub (`hf_`), GitHub and JWTs.
    private static let patterns: [NSRegularExpression] = [
        #"(?i)((?:proxy-)?authorization|api[-_]?key|access[-_]?token|auth[-_]?token|token|secret|password|passwd)(["']?\s*[:=]\s*["']?)(?!(?:(?:bearer|basic|token)\s+)?\[REDACTED\])(?:(?:bearer|basic|token)\s+)?[^\s"',;&}\]]+"#,
        #"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{6,}"#,
        #"\b(?:sk|rk|pk)-[A-Za-z0-9_-]{16,}"#,
        #"\bhf_[A-Za-z0-9]{16,}"#,
        #"\bgh[pousr]_[A-Za-z0-9]{20,}"#,
        #"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"#,
        #"(?i)(://[^/\s:@]*:)[^/\s@]+@"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// `text` with every secret and credential-shaped token replaced by `[REDACTED]`, then cut to
    /// `limit` characters (after redacting, so no cut can leave half a key behind unrecognized).
    public func redact(_ text: String, limit: Int = 2000) -> String {
        var s = String(text.prefix(1 << 16))
        for secret in secrets { s = s.replacingOccurrences(of: secret, with: Self.mark) }
        for (k, re) in Self.patterns.enumerated() {
            let range = NSRange(s.startIndex..., in: s)
            let template: String
            switch k {
            case 0: template = "$1$2" + Self.mark
            case 1: template = "$1 " + Self.mark
            case 6: template = "$1" + Self.mark + "@"
            default: template = Self.mark
            }
            s = re.stringByReplacingMatches(in: s, range: range, withTemplate: template)
        }
        return s.count > limit ? String(s.prefix(limit)) + "…" : s
    }

    /// Exact secrets out of encoded bytes (a record about to be written): a server may echo a key
    /// into an answer too. Secrets are matched as they appear inside a JSON string.
    public func redact(bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for secret in secrets {
            let needle = Array(JSON.bytes(.string(secret)).dropFirst().dropLast())
            guard out.count >= needle.count, out.firstRange(of: needle) != nil else { continue }
            out = out.replacingAll(needle, with: Array(Self.mark.utf8))
        }
        return out
    }
}
