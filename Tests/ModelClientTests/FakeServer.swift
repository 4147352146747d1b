import EvalCore
import Foundation
import HTTP
import ModelClient
import XCTest

/// Tests/Fixtures/fake_openai_server.py, started once for the test process; it exits when our
/// end of its stdin closes, which happens at the latest when the test process ends.
final class FakeServer: @unchecked Sendable {
    static let shared = FakeServer()

    let port: Int
    private let stdin: Pipe
    private let process: Process
    private let engine = CurlEngine()

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    private init() {
        // Tests talk to 127.0.0.1 only; a proxy in the environment must not get in the way.
        setenv("no_proxy", "127.0.0.1,localhost", 1)
        process = Process()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [Self.fixtures.appendingPathComponent("fake_openai_server.py").path]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Self.fixtures.appendingPathComponent("fake_openai_server.py").path]
        }
        stdin = Pipe()
        let out = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        do { try process.run() } catch { fatalError("cannot start the fake server: \(error)") }
        var data = Data()
        while !data.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { fatalError("the fake server exited before printing its port") }
            data += chunk
        }
        port = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    /// The chat requests the server received whose body contains `text`.
    func requests(containing text: String) async throws -> [JSONValue] {
        let q = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return try await get("/control/requests?contains=\(q)").array ?? []
    }

    /// Requests per distinct last user message containing `text`.
    func counters(containing text: String) async throws -> [String: Int] {
        let q = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return (try await get("/control/counters?contains=\(q)").object ?? [:]).compactMapValues(\.int)
    }

    func maxActive() async throws -> Int { try await get("/control/stats")["max_active"]?.int ?? -1 }

    /// Lets the requests held by `[hold=name]` answer.
    func release(_ name: String) async throws {
        _ = try await engine.send(HTTPRequest(url: "http://127.0.0.1:\(port)/control/release", body: Array(#"{"name":"\#(name)"}"#.utf8))).get()
    }

    func reset() async throws {
        _ = try await engine.send(HTTPRequest(url: "http://127.0.0.1:\(port)/control/reset", body: [])).get()
    }

    private func get(_ path: String) async throws -> JSONValue {
        let r = try await engine.send(HTTPRequest(url: "http://127.0.0.1:\(port)\(path)")).get()
        XCTAssertEqual(r.status, 200)
        return try JSON.decode(Data(r.body))
    }
}
