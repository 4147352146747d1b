import EvalCore
import Foundation
import Testing

/// The reference's Python libraries (sacreBLEU, Janome, nagisa) run by Tests/Fixtures/translation/oracle.py
/// in the venv of bin/oracle-setup. Absent: the test is skipped on a developer machine and fails under CI.
struct Oracle {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures").standardized

    static var python: String? { ProcessInfo.processInfo.environment["ORACLE_PYTHON"] }
    static var available: Bool {
        python != nil || ProcessInfo.processInfo.environment["CI"] == "true"  // under CI, run and fail
    }

    /// One oracle answer per request, in order.
    static func run(_ requests: [JSONValue]) throws -> [JSONObject] {
        guard let python else {
            Issue.record("ORACLE_PYTHON is not set under CI=true: run eval \"$(bin/oracle-setup)\"")
            return []
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl"), output = dir.appendingPathComponent("out.jsonl")
        var bytes: [UInt8] = []
        for r in requests { JSON.write(r, to: &bytes); bytes.append(0x0A) }
        try Data(bytes).write(to: input)
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [fixtures.appendingPathComponent("translation/oracle.py").path]
        p.standardInput = try FileHandle(forReadingFrom: input)
        p.standardOutput = try FileHandle(forWritingTo: output)
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw EvalError("oracle.py exited with \(p.terminationStatus)") }
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        return try lines.map { try JSON.decode(Array($0.utf8)).object! }
    }
}
