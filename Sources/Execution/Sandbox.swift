import EvalCore
import Foundation

/// How far untrusted programs are fenced in. Both levels give every program its own session and
/// process group (killed as a group, orphans included), rlimits set by the trusted harness before
/// the program's first line, a fresh temporary directory as cwd and HOME, an environment holding
/// only PATH/HOME/TMPDIR/LANG, and — when we run as root — a uid of its own.
public enum SandboxLevel: String, Sendable, CaseIterable {
    /// bubblewrap: no network, its own pid/ipc/uts namespaces, only /usr (and the interpreter's
    /// prefix) visible read-only, a private /tmp.
    case bwrap
    /// rlimits, session, scrubbed environment and temp dir only: for hosts without user
    /// namespaces. The network and world-readable files stay reachable.
    case basic

    public var description: String {
        switch self {
        case .bwrap: return "bwrap (no network, private pid namespace and /tmp, read-only /usr, nothing else visible)"
        case .basic: return "basic (rlimits, own session, scrubbed environment, temp dir; network and file system NOT isolated)"
        }
    }
}

/// Resource limits per program.
public struct Limits: Sendable {
    public var memoryBytes = 4 << 30
    public var fileSizeBytes = 64 << 20
    public var openFiles = 256
    public var processes = 64
    /// Bytes of a program's stdout+stderr kept for diagnostics; the rest is drained and dropped.
    public var outputCap = 4096
    public init() {}
}

public struct Sandbox: Sendable {
    public let level: SandboxLevel
    public let python: String
    public let limits: Limits
    /// The interpreter's installation prefix, bound read-only when it is not under /usr.
    let pythonPrefix: String?

    /// `level` nil: bwrap when it works here, else basic.
    public init(level: SandboxLevel?, python: String? = nil, limits: Limits = Limits()) throws {
        let python = try Self.findPython(python)
        self.python = python
        self.limits = limits
        let prefix = Self.prefix(of: python)
        pythonPrefix = prefix.hasPrefix("/usr/") || prefix == "/usr" ? nil : prefix
        switch level {
        case .bwrap?:
            if let why = Self.bwrapProblem() {
                throw EvalError("bubblewrap does not work here: \(why)", field: "--sandbox",
                                hint: "apt-get install bubblewrap, or --sandbox=basic where user namespaces are off")
            }
            self.level = .bwrap
        case .basic?: self.level = .basic
        case nil: self.level = Self.bwrapProblem() == nil ? .bwrap : .basic
        }
    }

    static func findPython(_ given: String?) throws -> String {
        let candidates = given.map { [$0] } ?? ["/usr/bin/python3"] + (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":").map { "\($0)/python3" }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) {
            return URL(fileURLWithPath: c).resolvingSymlinksInPath().path
        }
        throw EvalError("no python3 found", field: "--python", hint: "apt-get install python3 python3-numpy, or pass --python")
    }

    /// `/usr/bin/python3.11` → `/usr`; `/opt/py/bin/python3` → `/opt/py`.
    static func prefix(of python: String) -> String {
        URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent().path
    }

    static let root = geteuid() == 0

    /// Why bwrap cannot run here, or nil when it can.
    static func bwrapProblem() -> String? {
        guard let bwrap = which("bwrap") else { return "bwrap not found" }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bwrap)
        p.arguments = namespaceArguments + ["--ro-bind", "/", "/", "true"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { return "\(error)" }
        p.waitUntilExit()
        let msg = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return p.terminationStatus == 0 ? nil : msg.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// As root bwrap makes the namespaces itself, and the harness keeps the right to switch each
    /// program to its own uid; otherwise a user namespace is needed.
    static var namespaceArguments: [String] {
        ["--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
         "--unshare-cgroup-try"] + (root ? [] : ["--unshare-user"])
    }

    /// The command that starts worker `slot`'s harness.
    func workerCommand(slot: Int, tmp: String) -> (executable: String, arguments: [String]) {
        var config: JSONObject = [
            "memory": .int(Int64(limits.memoryBytes)), "file_size": .int(Int64(limits.fileSizeBytes)),
            "open_files": .int(Int64(limits.openFiles)), "processes": .int(Int64(limits.processes)),
            "output_cap": .int(Int64(limits.outputCap)),
            // A uid per worker when we can: programs cannot signal or read one another, and
            // RLIMIT_NPROC (ignored for root) counts each worker's processes alone.
            "uid": Self.root ? .int(Int64(1_900_000 + slot)) : .null,
        ]
        let harness = [python, "-I", "-c", Harness.source]
        switch level {
        case .basic:
            config["tmp"] = .string(tmp)
            return (python, Array(harness.dropFirst()) + [JSON.encodeString(.object(config))])
        case .bwrap:
            config["tmp"] = .string("/tmp")
            var args = Self.namespaceArguments
            args += ["--ro-bind", "/usr", "/usr"]
            for dir in ["/bin", "/lib", "/lib64", "/sbin"] {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: dir) {
                    args += ["--symlink", target, dir]
                } else if FileManager.default.fileExists(atPath: dir) {
                    args += ["--ro-bind", dir, dir]
                }
            }
            // What the dynamic loader and Python read from /etc; nothing else of it. (bwrap would
            // create /etc 0700, closed to a program's own uid.)
            args += ["--perms", "0755", "--dir", "/etc"]
            for f in ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/alternatives"]
            where FileManager.default.fileExists(atPath: f) {
                args += ["--ro-bind", f, f]
            }
            if let prefix = pythonPrefix { args += ["--ro-bind", prefix, prefix] }
            args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--chdir", "/tmp", "--"]
            return (Self.which("bwrap")!, args + harness + [JSON.encodeString(.object(config))])
        }
    }
}
