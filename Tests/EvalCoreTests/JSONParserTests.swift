@testable import EvalCore
import Foundation
import XCTest

/// Numbers compared by value across the int/double split: Foundation's Codable path reads an
/// integral `1e2` or `9.662127449163597e+17` as an Int64 (the latter as the decimal 966212744916359700,
/// which no Double holds) where we keep the Double, as Python does; everything else must be identical.
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
    case (.bigInt(let x), .double(let y)), (.double(let y), .bigInt(let x)): return Double(x) == y
    case (.double(let x), .double(let y)): return x == y && x.sign == y.sign || (x == 0 && y == 0)
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameJSON)
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.allSatisfy { k, v in y[k].map { sameJSON(v, $0) } ?? false }
    default: return a == b
    }
}

func foundationDecode(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

/// Random JSON text with what a writer never produces: arbitrary whitespace, `\/`, `\uXXXX`
/// escapes (surrogate pairs too), exponents, and numbers at the edges of Int64 and Double.
struct JSONTextGenerator: RandomNumberGenerator {
    var rng: SplitMix64
    init(state: UInt64) { rng = SplitMix64(seed: state) }
    mutating func next() -> UInt64 { rng.next() }

    static let edgeNumbers = ["-0", "0", "-0.0", "1e308", "-1.7976931348623157e308", "5e-324", "4.9e-324",
                              "9007199254740993", "9223372036854775807", "9223372036854775808",
                              "-9223372036854775808", "-9223372036854775809", "1E+2", "0.1e-2", "2.5E-07",
                              "0.95", "1.0", "123456789012345678901234567890", "1e-400", "-12.5e+3"]
    static let pieces = ["a", "é", "日本語", "🤔", "</think>", " ", "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f",
                         "\\r", "\\u00e9", "\\u65E5", "\\ud83d\\ude80", "\\u0000", "\\u001f", "\u{7F}", "\u{2028}"]

    mutating func space() -> String { ["", " ", "\n", "\t", "\r\n  "][Int.random(in: 0..<5, using: &self)] }

    /// A prefix makes object keys unique: on duplicates Foundation keeps the first, we the last.
    mutating func string(prefix: String = "") -> String {
        "\"" + prefix + (0..<Int.random(in: 0..<6, using: &self)).map { _ in Self.pieces.randomElement(using: &self)! }.joined() + "\""
    }

    mutating func number() -> String {
        switch Int.random(in: 0..<4, using: &self) {
        case 0: return Self.edgeNumbers.randomElement(using: &self)!
        case 1: return String(Int64.random(in: .min ... .max, using: &self))
        case 2: return "\(Double(bitPattern: UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &self)))"
        default: return "\(Int.random(in: -999...999, using: &self)).\(Int.random(in: 0...9999, using: &self))e\(Int.random(in: -30...30, using: &self))"
        }
    }

    mutating func value(depth: Int = 0) -> String {
        let pick = Int.random(in: 0..<(depth > 4 ? 6 : 8), using: &self)
        switch pick {
        case 0: return "null"
        case 1: return Bool.random(using: &self) ? "true" : "false"
        case 2, 3: return number()
        case 4, 5: return string()
        case 6: return "[" + (0..<Int.random(in: 0..<5, using: &self)).map { _ in space() + value(depth: depth + 1) + space() }.joined(separator: ",") + "]"
        default:
            return "{" + (0..<Int.random(in: 0..<5, using: &self)).map { k in
                space() + string(prefix: "\(k)") + space() + ":" + space() + value(depth: depth + 1) + space()
            }.joined(separator: ",") + "}"
        }
    }
}

final class JSONParserTests: XCTestCase {
    func testAgreesWithFoundationOnGeneratedText() throws {
        var g = JSONTextGenerator(state: 20_250_601)
        var compared = 0
        for _ in 0..<3000 {
            let text = g.space() + g.value() + g.space()
            let ours: JSONValue
            do { ours = try JSON.decode(Data(text.utf8)) } catch {
                // Only a number beyond Double's range may fail (Foundation reads it as infinity or fails too).
                XCTAssertTrue("\(error)".contains("number out of range"), "\(error) for \(text)")
                continue
            }
            let theirs = try foundationDecode(text)
            XCTAssertTrue(sameJSON(ours, theirs), "\(text): ours \(ours), Foundation \(theirs)")
            // And through our writer and back, exactly (ints stay ints, doubles stay doubles).
            XCTAssertEqual(try JSON.decode(JSON.bytes(ours)), ours, text)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 2500)
    }

    func testAgreesWithJSONSerializationOnStrings() throws {
        var g = JSONTextGenerator(state: 7)
        for _ in 0..<2000 {
            let text = g.string()
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as! String
            XCTAssertEqual(try JSON.decode(Data(text.utf8)), .string(theirs), text)
        }
    }

    func testEdgeNumbers() throws {
        let cases: [(String, JSONValue)] = [
            ("-0", .int(0)), ("-0.0", .double(-0.0)), ("1e308", .double(1e308)), ("5e-324", .double(.leastNonzeroMagnitude)),
            ("9007199254740993", .int(9_007_199_254_740_993)), ("9223372036854775807", .int(.max)),
            ("9223372036854775808", .bigInt("9223372036854775808")), ("-9223372036854775808", .int(.min)),
            ("-9223372036854775809", .bigInt("-9223372036854775809")), ("1.0", .double(1)),
            ("123456789012345678901234567890", .bigInt("123456789012345678901234567890")),
            ("9223372036854775808.0", .double(9_223_372_036_854_775_808.0)),
            ("0.95", .double(0.95)), ("1E+2", .double(100)), ("2.2250738585072011e-308", .double(Double("2.2250738585072011e-308")!)),
        ]
        for (text, want) in cases {
            let got = try JSON.decode(Data(text.utf8))
            XCTAssertEqual(got, want, text)
            if case .double(let d) = got { XCTAssertEqual(d.sign, want.double!.sign, text) }
        }
    }

    func testSurrogatePairAndDuplicateKeys() throws {
        XCTAssertEqual(try JSON.decode(Data(#""\uD83D\uDE80""#.utf8)), .string("🚀"))
        // The last duplicate wins, as in Python's json.loads.
        XCTAssertEqual(try JSON.decode(Data(#"{"a":1,"b":2,"a":3}"#.utf8)), ["a": 3, "b": 2])
    }

    func testRejectsEachInvalidClass() {
        let bad: [(String, [UInt8], String)] = [
            ("invalid UTF-8", Array("\"a".utf8) + [0xC3, 0x28] + Array("\"".utf8), "invalid UTF-8 in a string at byte 0"),
            ("overlong UTF-8", Array("\"".utf8) + [0xC0, 0xAF] + Array("\"".utf8), "invalid UTF-8"),
            ("encoded surrogate", Array("\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"".utf8), "invalid UTF-8"),
            ("UTF-8 outside a string", [0xEF, 0xBB, 0xBF] + Array("1".utf8), "unexpected character '0xEF' at byte 0"),
            ("lone high surrogate", Array(#"["\ud83d"]"#.utf8), "lone surrogate"),
            ("high then non-low", Array(#""\ud83d\u0041""#.utf8), "lone surrogate"),
            ("lone low surrogate", Array(#""x\ude80""#.utf8), "lone surrogate \\ude80 (a low surrogate without a high one) at byte 2"),
            ("raw newline", Array("\"a\nb\"".utf8), "raw control character U+000A in a string (escape it) at byte 2"),
            ("raw tab after escape", Array("\"\\n\tb\"".utf8), "raw control character U+0009"),
            ("raw NUL", Array("\"\0\"".utf8), "raw control character U+0000"),
            ("trailing comma in array", Array("[1,2,]".utf8), "trailing comma in an array at byte 5"),
            ("trailing comma in object", Array(#"{"a":1,}"#.utf8), "trailing comma in an object at byte 7"),
            ("leading zero", Array("012".utf8), "leading zero in a number at byte 0"),
            ("negative leading zero", Array("[-01]".utf8), "leading zero in a number at byte 2"),
            ("NaN", Array("NaN".utf8), "unexpected character 'N' at byte 0"),
            ("Infinity", Array("[Infinity]".utf8), "unexpected character 'I' at byte 1"),
            ("-Infinity", Array("-Infinity".utf8), "Infinity is not JSON at byte 1"),
            ("too large", Array("1e400".utf8), "number out of range at byte 0"),
            ("trailing garbage", Array(#"{"a":1} x"#.utf8), "unexpected data after the value at byte 8"),
            ("two values", Array("1 2".utf8), "unexpected data after the value at byte 2"),
            ("bare dot", Array("1.".utf8), "expected a digit after '.'"),
            ("plus sign", Array("+1".utf8), "unexpected character '+'"),
            ("bad escape", Array(#""\x""#.utf8), "invalid escape '\\x' at byte 1"),
            ("short \\u", Array(#""\u12""#.utf8), "expected four hex digits"),
            ("single quotes", Array("'a'".utf8), "unexpected character"),
            ("unterminated", Array(#"{"a":"b"#.utf8), "unterminated string at byte 5"),
            ("unclosed", Array("[1".utf8), "unexpected end of input in an array"),
            ("empty", [], "unexpected end of input at byte 0"),
            ("deep", Array(String(repeating: "[", count: 600).utf8), "nesting deeper than 512"),
        ]
        for (name, bytes, message) in bad {
            XCTAssertThrowsError(try JSON.decode(bytes), name) { e in
                XCTAssertTrue("\(e)".contains(message), "\(name): \(e)")
            }
        }
    }

    /// `keeping` builds the kept top-level members exactly as a full parse does, and on any text
    /// (generated, then with bytes flipped, cut or inserted) fails where and as a full parse fails.
    func testKeepingBuildsThoseMembersAndChecksTheRestAsStrictly() throws {
        var g = JSONTextGenerator(state: 31)
        let keep: Set<String> = ["0", "2", "k"]
        let junk: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x30, 0x2D, 0x65, 0x2E, 0x0A, 0xC3, 0xED, 0xA0, 0xF4, 0x80, 0x75]
        /// The value, or the error's text.
        func outcome(_ bytes: [UInt8], _ keeping: Set<String>?) -> (value: JSONValue?, error: String?) {
            do { return (try JSON.decode(bytes, keeping: keeping), nil) } catch { return (nil, "\(error)") }
        }
        var failed = 0
        for n in 0..<4000 {
            // Keys repeat now and then: the last one wins either way.
            var text = Array(("{" + (0..<Int.random(in: 0..<6, using: &g)).map { _ in
                "\"" + ["0", "1", "2", "k", "x"].randomElement(using: &g)! + "\":" + g.space() + g.value()
            }.joined(separator: ",") + "}").utf8)
            if n % 2 == 1, !text.isEmpty {
                let at = Int.random(in: 0..<text.count, using: &g)
                switch Int.random(in: 0..<3, using: &g) {
                case 0: text[at] = junk.randomElement(using: &g)!
                case 1: text.removeSubrange(at...)
                default: text.insert(junk.randomElement(using: &g)!, at: at)
                }
            }
            let (full, kept) = (outcome(text, nil), outcome(text, keep)), shown = String(decoding: text, as: UTF8.self)
            XCTAssertEqual(full.error, kept.error, shown)
            if full.error != nil { failed += 1 }
            if case .object(let o)? = full.value {
                XCTAssertEqual(kept.value, .object(o.filter { keep.contains($0.key) }), shown)
            } else {
                XCTAssertEqual(kept.value, full.value, shown)
            }
        }
        XCTAssertGreaterThan(failed, 500)
    }

    func testFixturesRoundTripAndAgreeWithFoundation() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures").standardized
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".jsonl") }
        XCTAssertFalse(files.isEmpty)
        var lines = 0
        for f in files {
            let reader = try LineReader(path: root.appendingPathComponent(f).path)
            while let line = try reader.next() {
                if line.allSatisfy({ $0 == 32 }) { continue }
                let v = try JSON.decode(line)
                XCTAssertEqual(try JSON.decode(JSON.bytes(v)), v, "\(f):\(reader.lineNumber)")
                XCTAssertTrue(sameJSON(v, try JSONDecoder().decode(JSONValue.self, from: Data(line))), "\(f):\(reader.lineNumber)")
                lines += 1
            }
        }
        XCTAssertGreaterThan(lines, 100)
    }

    func testRecordReaderReportsByteOffset() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jp-\(UUID().uuidString)").path
        try "{\"a\":1}\n{\"a\":01}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = RecordReader(paths: [path])
        _ = try r.nextRecord()
        XCTAssertThrowsError(try r.nextRecord()) { e in
            XCTAssertEqual("\(e)", "\(path):2: invalid JSON (leading zero in a number at byte 5)")
        }
    }
}
