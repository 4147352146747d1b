import Foundation
import XCTest

/// Runs shell commands with the built tools first on PATH, from the repository root.
enum Harness {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The tools `swift test` built: beside the test bundle, unless EVALPIPE_BIN says otherwise.
    static let bin: String = {
        if let e = ProcessInfo.processInfo.environment["EVALPIPE_BIN"] { return e }
        var dir = Bundle.main.bundleURL
        while dir.path != "/" && !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("score").path) {
            dir.deleteLastPathComponent()
        }
        return dir.path
    }()

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    @discardableResult
    static func sh(_ command: String, env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-o", "pipefail", "-c", command]
        p.currentDirectoryURL = repo
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["EVALPIPE_TASKS"] = repo.appendingPathComponent("tasks").path
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        // Files rather than pipes: a chatty command can never block on a full pipe.
        let dir = FileManager.default.temporaryDirectory
        let outURL = dir.appendingPathComponent("sh-\(UUID().uuidString).out"), errURL = dir.appendingPathComponent("sh-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close(); try err.close()
        return Result(status: p.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Ids of the complete `ok` lines of a JSON Lines file being written: a torn last line is not
    /// a finished record.
    static func finishedIDs(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let complete = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        return try complete.map { try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
            .compactMap { ($0["status"] as? String) == "ok" ? $0["id"] as? String : nil }
    }

    static func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("evalpipe-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d.path
    }

    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }
}

/// llama.cpp's llama-server with SmolLM2-135M-Instruct on a free loopback port, set up by
/// bin/llm-setup (cached after the first build). One server for the whole test run.
final class ModelServer: @unchecked Sendable {
    static let shared = ModelServer()
    let process = Process()
    var baseURL = ""
    var setupError: String?

    private init() {
        do { try start() } catch { setupError = "\(error)" }
        atexit { ModelServer.shared.stop() }
    }

    private func start() throws {
        var env = ProcessInfo.processInfo.environment
        if env["LLAMA_SERVER"] == nil || env["LLM_MODEL"] == nil {
            let r = try Harness.sh("bin/llm-setup")
            guard r.status == 0 else { throw NSError(domain: "llm-setup failed: \(r.stderr)", code: 1) }
            for line in r.stdout.split(separator: "\n") {
                let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { env[kv[0]] = kv[1] }
            }
        }
        let port = try freePort()
        process.executableURL = URL(fileURLWithPath: env["LLAMA_SERVER"]!)
        process.arguments = ["-m", env["LLM_MODEL"]!, "--alias", "smollm2", "--host", "127.0.0.1", "--port", "\(port)",
                             "-c", "8192", "--parallel", "4", "-t", "\(ProcessInfo.processInfo.activeProcessorCount)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        baseURL = "http://127.0.0.1:\(port)/v1"
        for _ in 0..<300 {
            if try Harness.sh("curl -sf \(baseURL)/models").status == 0 { return }
            guard process.isRunning else { throw NSError(domain: "llama-server exited during start-up", code: 1) }
            usleep(200_000)
        }
        throw NSError(domain: "llama-server did not answer /v1/models within 60 s", code: 1)
    }

    /// SIGKILL, not SIGTERM: a server started from a Swift Testing task inherits that thread's
    /// blocked signals, SIGTERM among them, and would never exit (the test process then hangs).
    func stop() { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

    private func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw NSError(domain: "no free port", code: 1) }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
