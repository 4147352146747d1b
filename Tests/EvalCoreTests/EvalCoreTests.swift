@testable import EvalCore
import Foundation
import XCTest

final class JSONValueTests: XCTestCase {
    func testRoundTripKeepsTypesAndText() throws {
        let line = #"{"a":9007199254740993,"b":0.95,"c":"</think> 日本 🤔","d":[true,null,1],"e":{"z":1,"y":"x"}}"#
        let v = try JSON.decode(Data(line.utf8))
        XCTAssertEqual(v["a"], .int(9_007_199_254_740_993))
        XCTAssertEqual(v["b"], .double(0.95))
        XCTAssertEqual(v["d"], [true, nil, 1])
        XCTAssertEqual(JSON.encodeString(v), #"{"a":9007199254740993,"b":0.95,"c":"</think> 日本 🤔","d":[true,null,1],"e":{"y":"x","z":1}}"#)
    }

    func testSurrogatePairEscapesDecode() throws {
        XCTAssertEqual(try JSON.decode(Data(#""\ud83e\udd14""#.utf8)), .string("🤔"))
    }

    func testNonFiniteBecomesNull() {
        XCTAssertEqual(JSON.encodeString(JSONValue.double(.nan)), "null")
    }
}

final class JSONLinesTests: XCTestCase {
    func tempFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jl-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testReadsLinesAcrossChunksAndMarksTornLast() throws {
        let big = String(repeating: "x", count: 3 << 20)  // 24 reads of 128 KiB
        let path = try tempFile("a\r\n\(big)\nlast")
        let r = try LineReader(path: path)
        XCTAssertEqual(try r.next().map { String(decoding: $0, as: UTF8.self) }, "a")
        XCTAssertEqual(try r.next()?.count, big.utf8.count)
        XCTAssertFalse(r.lastLineUnterminated)
        XCTAssertEqual(try r.next().map { String(decoding: $0, as: UTF8.self) }, "last")
        XCTAssertTrue(r.lastLineUnterminated)
        XCTAssertNil(try r.next())
        XCTAssertEqual(r.lineNumber, 3)
    }

    func testRecordReaderNamesFileAndLine() throws {
        let path = try tempFile("{\"id\":1}\n\n{\"id\":2}\n[1]\n")
        let reader = RecordReader(paths: [path])
        XCTAssertEqual(try reader.nextRecord()?.line, 1)
        XCTAssertEqual(try reader.nextRecord()?.line, 3)
        XCTAssertThrowsError(try reader.nextRecord()) { e in
            XCTAssertEqual("\(e)", "\(path):4: expected a JSON object, found an array")
        }
        let bad = RecordReader(paths: [try tempFile("{\"id\":1}\n{\"id\":")])
        _ = try bad.nextRecord()
        XCTAssertThrowsError(try bad.nextRecord()) { e in
            let s = "\(e)"
            XCTAssertTrue(s.contains(":2: invalid JSON"), s)
            XCTAssertTrue(s.contains("cut short"), s)
        }
    }

    func testWriterWritesOneSortedLinePerRecord() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let w = RecordWriter(fd: fd, flushEachRecord: true)
        try w.write(["b": 1, "a": "x/y"])
        try w.write(["c": nil])
        close(fd)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "{\"a\":\"x/y\",\"b\":1}\n{\"c\":null}\n")
    }
}

final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

final class TaskSpecTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func write(_ text: String, name: String = "t") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tasks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        return dir.path
    }

    let minimal = """
        reference: "x:y"
        dataset: {repo: a/b, split: test}
        prompt: {kind: multiple_choice, source: s, template: "{Question}"}
        scoring: {extractor: letters, metrics: [extractive_match]}
        headline: {name: x, metric: extractive_match}
        """

    func testLoadsAndResolvesOurNameReferenceNameAndSubset() throws {
        let dir = try write(minimal, name: "mine")
        let catalog = TaskCatalog(directory: dir)
        XCTAssertEqual(try catalog.resolve("mine").task.name, "mine")
        XCTAssertEqual(try catalog.resolve("x:y").task.name, "mine")
        let (t, sub) = try catalog.resolve("mine:anatomy")
        XCTAssertEqual(t.name, "mine")
        XCTAssertEqual(sub, "anatomy")
        XCTAssertThrowsError(try catalog.resolve("nope")) { e in XCTAssertTrue("\(e)".contains("unknown task 'nope'")) }
    }

    func testUnknownKeyIsAnErrorNamingFileAndKey() throws {
        let dir = try write(minimal.replacingOccurrences(of: "split: test", with: "split: test, splt: x"))
        XCTAssertThrowsError(try TaskCatalog(directory: dir).load("t")) { e in
            let s = "\(e)"
            XCTAssertTrue(s.contains("t.yaml:2: dataset.splt: unknown key"), s)
        }
    }

    func testBrokenTaskFileIsReportedAsBroken() throws {
        let dir = try write("dataset: [unclosed\n", name: "broken")
        XCTAssertThrowsError(try TaskCatalog(directory: dir).resolve("broken")) { e in
            XCTAssertTrue("\(e)".contains("broken.yaml"), "\(e)")
            XCTAssertFalse("\(e)".contains("unknown task"), "\(e)")
        }
    }

    func testMissingKeyIsNamed() throws {
        let dir = try write(minimal.replacingOccurrences(of: "dataset: {repo: a/b, split: test}", with: "dataset: {repo: a/b}"))
        XCTAssertThrowsError(try TaskCatalog(directory: dir).load("t")) { e in
            XCTAssertTrue("\(e)".contains("t.yaml:2: dataset.split: missing key"), "\(e)")
        }
    }

    func testDataOnlyTaskSaysWhatIsMissing() throws {
        let dir = try write("dataset: {repo: a/b, split: test}\n")
        let t = try TaskCatalog(directory: dir).load("t")
        XCTAssertThrowsError(try t.required(t.prompt, "prompt")) { e in
            XCTAssertTrue("\(e)".hasSuffix("t.yaml: prompt: task 't' has no prompt yet: it is declared for its data only"), "\(e)")
        }
    }

    func testEveryShippedTaskFileLoads() throws {
        let catalog = TaskCatalog(directory: Self.repo.appendingPathComponent("tasks").path)
        XCTAssertFalse(catalog.names().isEmpty)
        for n in catalog.names() { XCTAssertNoThrow(try catalog.load(n), n) }
    }
}
