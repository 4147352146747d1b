import Foundation
import XCTest

/// `kill -9` of the call-model process at random moments, then the same command again: the output
/// ends with every id exactly once, and the server (Tests/Fixtures/fake_openai_server.py, a real
/// HTTP server on loopback that counts requests per message) saw no request for an id after a run
/// had written it.
final class CallModelKillTests: XCTestCase {
    func testKillNineAndRerunLosesAndRepeatsNothing() throws {
        let server = try FakeOpenAIServer()
        defer { server.stop() }
        let dir = try Harness.tempDir(), input = dir + "/prompts.jsonl", output = dir + "/responses.jsonl"
        let tag = UUID().uuidString.prefix(8), count = 600
        // 0.5 s per request, 32 at a time: a whole run takes about 9.4 s. Each kill comes 0.7–1.1 s
        // into a run: after its first batch has been written (so the no-repeat check has ids to
        // check) and long before six runs together could finish (at most 2 batches each).
        let lines = (0..<count).map { i in
            #"{"id":"k:\#(i)","messages":[{"role":"user","content":"\#(tag) #\#(i) [stall=0.5]"}]}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let command = [Harness.bin + "/call-model", "--model", "hosted_vllm/fake", "--base-url", server.baseURL,
                       "--concurrency", "32", "--output", output, input]

        // Per id: how many requests the server had counted when a run had finished that id.
        var countedWhenFinished: [String: Int] = [:]
        var kills = 0
        for _ in 0..<6 {
            let p = try start(command)
            usleep(useconds_t.random(in: 700_000...1_100_000))
            guard p.isRunning else { p.waitUntilExit(); break }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            kills += 1
            let counts = try server.counters(containing: String(tag))
            for id in try Harness.finishedIDs(output) where countedWhenFinished[id] == nil {
                countedWhenFinished[id] = counts["\(tag) #\(id.dropFirst(2)) [stall=0.5]"] ?? 0
            }
        }
        XCTAssertEqual(kills, 6, "the kills must interrupt runs, not find them finished")
        let last = try start(command)
        last.waitUntilExit()
        XCTAssertEqual(last.terminationStatus, 0)

        let ids = try Harness.lines(output).map { $0["id"] as! String }
        XCTAssertEqual(ids.count, count, "each id exactly once")
        XCTAssertEqual(Set(ids), Set((0..<count).map { "k:\($0)" }))
        let counts = try server.counters(containing: String(tag))
        XCTAssertFalse(countedWhenFinished.isEmpty)
        for (id, before) in countedWhenFinished {
            XCTAssertEqual(counts["\(tag) #\(id.dropFirst(2)) [stall=0.5]"], before, "\(id) was requested again after it was written")
        }
        // Only requests cut off by a kill are repeated: at most 32 per kill.
        XCTAssertLessThanOrEqual(counts.values.reduce(0, +), count + 32 * kills)
    }

    private func start(_ command: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env["no_proxy"] = "127.0.0.1,localhost"
        p.environment = env
        try p.run()
        return p
    }

}

/// Tests/Fixtures/fake_openai_server.py as a child process; it exits when its stdin closes. Shared
/// with the MT-Bench judge kill test.
final class FakeOpenAIServer {
    let process = Process()
    let stdin = Pipe()
    let baseURL: String
    let port: Int

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Harness.repo.appendingPathComponent("Tests/Fixtures/fake_openai_server.py").path]
        let out = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        try process.run()
        var data = Data()
        while !data.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw NSError(domain: "the fake server exited before printing its port", code: 1) }
            data += chunk
        }
        port = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))!
        baseURL = "http://127.0.0.1:\(port)/v1"
    }

    func counters(containing text: String) throws -> [String: Int] {
        let q = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let r = try Harness.sh("curl -sf --noproxy '*' 'http://127.0.0.1:\(port)/control/counters?contains=\(q)'")
        guard r.status == 0 else { throw NSError(domain: "counters: \(r.stderr)", code: 1) }
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Int]
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
