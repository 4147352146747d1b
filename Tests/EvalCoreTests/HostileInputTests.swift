@testable import EvalCore
import Foundation
import Testing

/// Inputs an attacker (or an unlucky user) gives every filter: a directory, a BOM, classic Mac line
/// endings, integers beyond 64 bits, YAML with thousands of keys or a syntax error, credentials in
/// server text, a full disk. Each gets a clear error or is handled, never a trap.
@Suite struct HostileInputTests {
    func tempDir() throws -> String {
        let d = NSTemporaryDirectory() + "evalpipe-hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func records(_ path: String) throws -> [JSONObject] {
        let r = RecordReader(paths: [path])
        var out: [JSONObject] = []
        while let rec = try r.nextRecord() { out.append(rec.fields) }
        return out
    }

    @Test func aDirectoryIsNamedAsADirectory() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let e = #expect(throws: EvalError.self) { try records(d) }
        #expect(e?.description == "\(d): is a directory (give the JSON Lines file inside it, e.g. \(d)/scored.jsonl)")
    }

    @Test func aByteOrderMarkIsAccepted() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let path = d + "/bom.jsonl"
        try Data([0xEF, 0xBB, 0xBF] + Array("{\"id\":\"a\"}\r\n{\"id\":\"b\"}\n".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(try records(path).map { $0["id"] } == ["a", "b"])
        // Only before the first line: a BOM later is not whitespace.
        try Data(Array("{\"id\":\"a\"}\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("{}\n".utf8)).write(to: URL(fileURLWithPath: path))
        let e = #expect(throws: EvalError.self) { try records(path) }
        #expect(e?.description == "\(path):2: invalid JSON (unexpected character '0xEF' at byte 0)")
    }

    @Test func classicMacLineEndingsGetTheirOwnHint() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let path = d + "/cr.jsonl"
        try "{\"id\":\"a\"}\r{\"id\":\"b\"}\r".write(toFile: path, atomically: true, encoding: .utf8)
        let e = #expect(throws: EvalError.self) { try records(path) }
        #expect(e?.description == "\(path):1: invalid JSON (unexpected data after the value at byte 11) (lines end in a bare CR: convert them with tr '\\r' '\\n')")
        // A line really cut short still gets the killed-writer hint.
        try "{\"id\":\"a\"}\n{\"id\":".write(toFile: path, atomically: true, encoding: .utf8)
        let torn = #expect(throws: EvalError.self) { try records(path) }
        #expect(torn?.hint == "the last line is cut short: was the writer killed?")
    }

    /// Python's json keeps integers of any size; so do we, byte for byte, through parse and write.
    @Test func bigIntegersPassThroughExactlyAsPythonWritesThem() throws {
        let python = "/usr/bin/python3"
        try #require(FileManager.default.isExecutableFile(atPath: python), "python3 (Debian's) compares our output")
        var rng = SplitMix64(seed: 1_000_003)
        var lines: [String] = []
        for k in 0..<500 {
            let digits = 19 + Int(rng.next() % 60)
            var n = String(1 + rng.next() % 9)
            for _ in 1..<digits { n += String(rng.next() % 10) }
            if rng.next() % 2 == 0 { n = "-" + n }
            lines.append(#"{"id":"# + "\(k)" + #","big":"# + n + #","list":["# + n + #",1,2.5,9223372036854775807,-9223372036854775808,9223372036854775808],"nested":{"x":"# + n + "}}")
        }
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try lines.joined(separator: "\n").write(toFile: d + "/in.jsonl", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", """
            import json, sys
            for line in open(sys.argv[1]):
                print(json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False, separators=(",", ":")))
            """, d + "/in.jsonl"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let theirs = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        p.waitUntilExit()
        let ours = try lines.map { String(decoding: JSON.bytes(try JSON.decode(Array($0.utf8))), as: UTF8.self) }
        #expect(theirs.count == 500)
        #expect(ours == theirs)
        #expect(try JSON.decode(Array("18446744073709551616".utf8)).double == 18_446_744_073_709_551_616.0)
        #expect(try JSON.decode(Array("18446744073709551616".utf8)).int == nil)
    }

    @Test func yamlErrorsNameTheirLine() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let syntax = "dataset:\n  repo: a/b\n  split: [train\nprompt: x\n"
        let e1 = #expect(throws: EvalError.self) { try StrictYAML.decode(DatasetHolder.self, from: syntax, file: "t.yaml") }
        #expect(e1?.file == "t.yaml" && e1?.line != nil, "\(String(describing: e1))")
        let unknown = "dataset:\n  repo: a/b\n  split: train\n  spilt: test\n"
        let e2 = #expect(throws: EvalError.self) { try StrictYAML.decode(DatasetHolder.self, from: unknown, file: "t.yaml") }
        #expect(e2?.description.hasPrefix("t.yaml:4: dataset.spilt: unknown key") == true, "\(String(describing: e2))")
        let wrongType = "dataset:\n  repo: a/b\n  split: train\n  files: 3\n"
        let e3 = #expect(throws: EvalError.self) { try StrictYAML.decode(DatasetHolder.self, from: wrongType, file: "t.yaml") }
        #expect(e3?.description == "t.yaml:4: dataset.files: expected a list, found '3'", "\(String(describing: e3))")
        let duplicate = "dataset:\n  repo: a/b\n  repo: c/d\n  split: train\n"
        let e4 = #expect(throws: EvalError.self) { try StrictYAML.decode(DatasetHolder.self, from: duplicate, file: "t.yaml") }
        #expect(e4?.description.hasPrefix("t.yaml:2: duplicate key 'repo'") == true, "\(String(describing: e4))")
    }

    struct DatasetHolder: Decodable {
        var dataset: DatasetSource
        enum CodingKeys: String, CodingKey, CaseIterable { case dataset }
        init(from d: Decoder) throws { dataset = try d.strictContainer(keyedBy: CodingKeys.self).decode(DatasetSource.self, forKey: .dataset) }
    }

    /// A 1 MB task file of one mapping (about 60,000 keys) took over a minute with Yams' decoder,
    /// which scans the mapping for every key. The bound is loose on purpose: it fails on n², not
    /// on a slow machine.
    @Test func aTaskFileWithTensOfThousandsOfKeysDecodesInLinearTime() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        var yaml = "dataset: {repo: a/b, split: train}\nruntime:\n"
        var k = 0
        while yaml.utf8.count < 1 << 20 { yaml += "  k\(k): '1:00:00'\n"; k += 1 }
        try yaml.write(toFile: d + "/big.yaml", atomically: true, encoding: .utf8)
        let started = Date()
        let t = try TaskCatalog.parse(path: d + "/big.yaml")
        #expect(t.runtime?.count == k)
        #expect(k > 50_000)
        #expect(Date().timeIntervalSince(started) < 20)
        // Merge keys still work as they did with Yams' decoder: the mapping's own keys win.
        let merged = try StrictYAML.decode([String: [String: Int]].self, from: "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n", file: "m.yaml")
        #expect(merged["m"] == ["x": 1, "y": 3])
    }

    @Test func credentialsAreRedactedFromServerText() {
        let r = Redactor(secrets: ["my-configured-key-123"])
        let cases: [(String, String)] = [
            ("Authorization: Bearer abcdef123456", "Authorization: [REDACTED]"),
            (#"{"headers": {"authorization": "Basic dXNlcjpwYXNz"}}"#, #"{"headers": {"authorization": "[REDACTED]"}}"#),
            ("bad api_key=sk-proj-abcdefghijklmnop0123 given", "bad api_key=[REDACTED] given"),
            ("x-api-key: 9f8e7d6c5b4a", "x-api-key: [REDACTED]"),
            ("token hf_abcdefghijklmnopqrstu is invalid", "token [REDACTED] is invalid"),
            ("echo my-configured-key-123 back", "echo [REDACTED] back"),
            ("proxy http://alice:s3cret@proxy:3128 refused", "proxy http://alice:[REDACTED]@proxy:3128 refused"),
            ("This model's maximum context length is 4096 tokens", "This model's maximum context length is 4096 tokens"),
        ]
        for (text, want) in cases { #expect(r.redact(text) == want, "\(text)") }
        #expect(r.redact(String(repeating: "a", count: 5000)).count == 2001, "shortened after redacting")
        #expect(Redactor.configuredSecrets([["HF_TOKEN": "hf_x", "PATH": "/bin", "OPENAI_API_KEY": "sk-1"]]).sorted() == ["hf_x", "sk-1"])
        let bytes = Array(#"{"content":"a my-configured-key-123 b"}"#.utf8)
        #expect(String(decoding: r.redact(bytes: bytes), as: UTF8.self) == #"{"content":"a [REDACTED] b"}"#)
    }

    @Test func aFullDiskIsAnErrorNotATrap() throws {
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let w = RecordWriter(fd: fd)
        try w.write(["a": 1])
        let e = #expect(throws: EvalError.self) { try w.flush() }
        #expect(e?.message == "write failed: No space left on device")
    }
}
