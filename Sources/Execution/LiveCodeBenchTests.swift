import CZlib
import EvalCore
import Foundation

/// LiveCodeBench's test cases as the reference reads them: `public_test_cases` is a JSON list of
/// `{input, output, testtype}`; `private_test_cases` is base64 of zlib of a pickled `str` holding
/// the same kind of JSON list. Only `metadata.func_name` decides the mode (testtype is ignored).
public enum LiveCodeBenchTests {
    public struct Cases: Sendable {
        public var inputs: [String]
        public var outputs: [String]
        public var fnName: String?
    }

    public static func cases(publicTests: String, privateTests: String, metadata: String) throws -> Cases {
        var inputs: [String] = [], outputs: [String] = []
        for (field, json) in [("public_test_cases", publicTests), ("private_test_cases", try decodePrivate(privateTests))] {
            guard case .array(let list)? = try? JSON.decode(Array(json.utf8)) else {
                throw EvalError("expected a JSON list of test cases", field: "row.\(field)")
            }
            for (i, t) in list.enumerated() {
                guard let input = t["input"]?.string, let output = t["output"]?.string else {
                    throw EvalError("test \(i) has no string input/output", field: "row.\(field)")
                }
                inputs.append(input)
                outputs.append(output)
            }
        }
        guard case .object(let meta)? = try? JSON.decode(Array(metadata.utf8)) else {
            throw EvalError("expected a JSON object", field: "row.metadata")
        }
        let fnName: String?
        switch meta["func_name"] {
        case nil, .null?: fnName = nil
        case .string(let s)?: fnName = s
        case let v?: throw EvalError("func_name: expected a string, found \(v.kindName)", field: "row.metadata")
        }
        return Cases(inputs: inputs, outputs: outputs, fnName: fnName)
    }

    /// base64 → zlib → pickle → the JSON text it holds.
    public static func decodePrivate(_ encoded: String) throws -> String {
        guard let raw = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
            throw EvalError("not base64", field: "row.private_test_cases")
        }
        let pickled = try inflate(Array(raw))
        return try Unpickler.string(pickled)
    }

    static func inflate(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw EvalError("zlib: inflateInit failed", field: "row.private_test_cases")
        }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var rc: Int32 = Z_OK
        input.withUnsafeBufferPointer { src in
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            stream.avail_in = UInt32(src.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { dst in
                    stream.next_out = dst.baseAddress
                    stream.avail_out = UInt32(dst.count)
                    rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                out.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
            } while rc == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard rc == Z_STREAM_END else {
            throw EvalError("zlib: corrupt or truncated data (code \(rc))", field: "row.private_test_cases")
        }
        return out
    }
}

/// Just enough of Python's pickle to read one pickled `str` (or `bytes`): protocols 0–5 framing,
/// the unicode and bytes opcodes, memo stores. Anything else is an error naming the opcode.
public enum Unpickler {
    public static func string(_ p: [UInt8]) throws -> String {
        var i = 0
        var value: [UInt8]?
        func fail(_ what: String) -> EvalError {
            EvalError("pickle: \(what) at byte \(i)", field: "row.private_test_cases",
                      hint: "expected a pickled str holding JSON, as LiveCodeBench's files have")
        }
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, i + n <= p.count else { throw fail("truncated") }
            defer { i += n }
            return p[i..<(i + n)]
        }
        func le(_ n: Int) throws -> Int {
            var v = 0
            for (s, b) in try take(n).enumerated() { v |= Int(b) << (8 * s) }
            guard v >= 0 else { throw fail("length out of range") }
            return v
        }
        func push(_ bytes: ArraySlice<UInt8>) throws {
            guard value == nil else { throw fail("more than one object") }
            value = Array(bytes)
        }
        while i < p.count {
            let op = p[i]
            i += 1
            switch op {
            case 0x80: _ = try take(1)                      // PROTO
            case 0x95: _ = try le(8)                        // FRAME
            case 0x8c, 0x43: try push(take(le(1)))          // SHORT_BINUNICODE, SHORT_BINBYTES
            case 0x58, 0x42: try push(take(le(4)))          // BINUNICODE, BINBYTES
            case 0x8d, 0x8e: try push(take(le(8)))          // BINUNICODE8, BINBYTES8
            case 0x94: break                                // MEMOIZE
            case 0x71: _ = try take(1)                      // BINPUT
            case 0x72: _ = try take(4)                      // LONG_BINPUT
            case 0x2e:                                      // STOP
                guard let v = value else { throw fail("STOP with nothing pickled") }
                guard let s = String(bytes: v, encoding: .utf8) else {
                    throw fail("not UTF-8")
                }
                return s
            default:
                throw fail(String(format: "unsupported opcode 0x%02x", op))
            }
        }
        throw fail("no STOP opcode")
    }
}
