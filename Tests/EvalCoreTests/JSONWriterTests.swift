@testable import EvalCore
import Foundation
import XCTest

final class JSONWriterTests: XCTestCase {
    /// Expected strings made with Python 3.12 at development time:
    /// `json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))` on the same values.
    func testMatchesPythonJSONDumpsVectors() {
        let vectors: [(JSONValue, String)] = [
            (["b": 1, "a": [1.0, 0.95, 1e-05, 1e+20, 1e16, 1e15, .double(-0.0), .double(.leastNonzeroMagnitude), 1.7976931348623157e308,
                            0.1, 123456789.123, 2.5e-7, 100.0, 0.0001], "A": nil, "é": true, "z": false],
             "{\"A\":null,\"a\":[1.0,0.95,1e-05,1e+20,1e+16,1000000000000000.0,-0.0,5e-324,1.7976931348623157e+308,0.1,123456789.123,2.5e-07,100.0,0.0001],\"b\":1,\"z\":false,\"é\":true}"),
            (["s": "</think>\n\t\r\u{08}\u{0C}\"\\ \u{00}\u{01}\u{1F}\u{7F} 日本語 🤔 \u{2028}"],
             "{\"s\":\"</think>\\n\\t\\r\\b\\f\\\"\\\\ \\u0000\\u0001\\u001f\u{7F} 日本語 🤔 \u{2028}\"}"),
            // Code point order: "e\u{301}" (e + combining accent) before "f", where Swift's `<` compares
            // it as "é" and puts it after. (A Swift Dictionary cannot hold both "é" spellings: they are
            // equal Strings. That was so with Foundation's decoder too.)
            (["😀": 1, "～": 2, "~": 3, "e\u{301}": 4, "f": 5, "": 6, "a b": 7],
             "{\"\":6,\"a b\":7,\"e\u{301}\":4,\"f\":5,\"~\":3,\"～\":2,\"😀\":1}"),
            ([.int(9_007_199_254_740_993), .int(.max), .int(.min), 0, -1, ["n": ["m": []]], [:], ""],
             "[9007199254740993,9223372036854775807,-9223372036854775808,0,-1,{\"n\":{\"m\":[]}},{},\"\"]"),
        ]
        for (value, want) in vectors {
            XCTAssertEqual(JSON.encodeString(value), want)
            XCTAssertEqual(JSON.bytes(value), Array(want.utf8))
        }
    }

    func testNonFiniteIsNullAndDoublesStayDoubles() throws {
        XCTAssertEqual(JSON.encodeString(JSONValue.array([.double(.infinity), .double(-.nan)])), "[null,null]")
        XCTAssertEqual(try JSON.decode(JSON.bytes(.double(1))), .double(1))
        XCTAssertEqual(try JSON.decode(JSON.bytes(.double(-0.0))).double?.sign, .minus)
    }

    func testGenericEncodeOfJSONValueUsesOurWriter() {
        let v: JSONValue = ["x": 1.0]
        XCTAssertEqual(String(decoding: JSON.encode(v), as: UTF8.self), #"{"x":1.0}"#)
        XCTAssertEqual(JSON.encodeString([v]), #"[{"x":1.0}]"#)
        XCTAssertEqual(JSON.encodeString(["b": v, "a": v] as JSONObject), #"{"a":{"x":1.0},"b":{"x":1.0}}"#)
    }

    /// Every ASCII byte at every offset of a word-at-a-time scan, between plain ASCII and UTF-8 bytes.
    func testEscapesFoundAtEveryOffset() throws {
        for c in UInt8(0)..<0x80 {
            for pos in 0..<17 {
                let s = String(repeating: "a", count: pos) + String(UnicodeScalar(c)) + "é日🤔" + String(repeating: "b", count: 9)
                let encoded = JSON.encodeString(JSONValue.string(s))
                let special = c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\")
                XCTAssertEqual(encoded.utf8.count, s.utf8.count + 2 + (special ? (c < 0x20 && ![8, 9, 10, 12, 13].contains(c) ? 5 : 1) : 0), "\(c) at \(pos)")
                XCTAssertEqual(try JSON.decode(Array(encoded.utf8)), .string(s), "\(c) at \(pos)")
                if c < 0x20 {
                    XCTAssertThrowsError(try JSON.decode(Array("\"\(s)\"".utf8)), "raw \(c) at \(pos)") { XCTAssertTrue("\($0)".contains("control character"), "\($0)") }
                    XCTAssertThrowsError(try JSON.decode(Array("\"\\n\(s)\"".utf8)), "raw \(c) at \(pos) after an escape") { XCTAssertTrue("\($0)".contains("control character"), "\($0)") }
                }
            }
        }
    }

    func testAppendingWriteKeepsWhatWasThere() {
        var out = Array("x".utf8)
        JSON.write(["a": "b"], to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #"x{"a":"b"}"#)
    }

    /// Doubles against the running Python's `json.dumps` (its repr), over random bit patterns and
    /// decimal-looking values near the fixed/exponent switch points. Skipped without python3.
    func testDoublesMatchPythonRepr() throws {
        var rng = JSONTextGenerator(state: 42)
        var values: [Double] = [1e16, 1e15, 9.999999999999998e15, 1e-4, 9.999999999999999e-5, 0.00011, 1e-5, 1e22, 1e21,
                                123456789012345680, pow(2, 53), pow(2, 54), 0.5, 1 / 3.0, 2 / 3.0, 1e23, 8.41e21, .leastNonzeroMagnitude,
                                .leastNormalMagnitude, Double.leastNormalMagnitude.nextDown]
        for _ in 0..<3000 { values.append(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)) }
        for _ in 0..<2000 {
            let e = Int.random(in: -8...20, using: &rng)
            values.append(Double(Int.random(in: 1...999_999, using: &rng)) * pow(10, Double(e - 6)))
        }
        values += values.map { -$0 }
        let bits = values.map { String($0.bitPattern) }.joined(separator: "\n")
        let script = """
        import json, struct, sys
        for line in sys.stdin:
            print(json.dumps(struct.unpack('<d', struct.pack('<Q', int(line)))[0]))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let writer = Thread { input.fileHandleForWriting.write(Data((bits + "\n").utf8)); try? input.fileHandleForWriting.close() }
        writer.start()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus == 127 { throw XCTSkip("python3 not installed") }
        let want = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(want.count, values.count)
        var mismatches = 0
        for (v, w) in zip(values, want) where JSON.encodeString(JSONValue.double(v)) != w {
            mismatches += 1
            if mismatches <= 10 { XCTFail("\(v.bitPattern): ours \(JSON.encodeString(JSONValue.double(v))), Python \(w)") }
        }
        XCTAssertEqual(mismatches, 0)
    }
}

final class SHA256BufferTests: XCTestCase {
    func testMultiBlockVectors() {
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var h = SHA256()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(block) }
        XCTAssertEqual(h.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Any split of the input into updates gives the one-shot digest (partial blocks carried over).
    func testSplitsAgreeWithOneShot() {
        var rng = JSONTextGenerator(state: 3)
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 128, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var whole = SHA256()
            whole.update(bytes)
            let want = whole.hexDigest()
            for _ in 0..<20 {
                var h = SHA256(), at = 0
                while at < length {
                    let n = Int.random(in: 0...(length - at), using: &rng)
                    switch n % 3 {
                    case 0: h.update(bytes[at..<(at + n)])
                    case 1: h.update(Data(bytes[at..<(at + n)]))
                    default: h.update(AnySequence(bytes[at..<(at + n)]))
                    }
                    at += n
                }
                XCTAssertEqual(h.hexDigest(), want, "length \(length)")
            }
        }
    }
}
