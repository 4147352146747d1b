import Foundation

/// Any JSON value. Integers and doubles are distinct cases so that pass-through keys keep their
/// exact value (a Double-only enum turns 9007199254740993 into ...992).
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    /// An integer beyond Int64, as its decimal text: Python's int keeps any size, so a pass-through
    /// key such as a 128-bit id comes out as it went in.
    case bigInt(String)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

public typealias JSONObject = [String: JSONValue]

extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Most values in a record are strings or containers: try them first, failed tries are costly.
        if c.decodeNil() { self = .null }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else { self = .double(try c.decode(Double.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .bigInt(let s): try c.encode(Double(s) ?? 0)
        case .double(let d):
            // NaN/inf are not JSON; a metric that produced one is written as null, not a crash.
            if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral v: String) { self = .string(v) }
    public init(integerLiteral v: Int) { self = .int(Int64(v)) }
    public init(floatLiteral v: Double) { self = .double(v) }
    public init(booleanLiteral v: Bool) { self = .bool(v) }
    public init(arrayLiteral v: JSONValue...) { self = .array(v) }
    public init(dictionaryLiteral v: (String, JSONValue)...) { self = .object(Dictionary(v, uniquingKeysWith: { a, _ in a })) }
    public init(nilLiteral: ()) { self = .null }
}

public extension JSONValue {
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var object: JSONObject? { if case .object(let o) = self { return o }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var isNull: Bool { self == .null }
    /// Integer value; a double is accepted only when it is integral.
    var int: Int? {
        switch self {
        case .int(let i): return Int(exactly: i)
        case .double(let d): return Int(exactly: d)
        default: return nil
        }
    }
    var double: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .bigInt(let s): return Double(s)
        case .double(let d): return d
        default: return nil
        }
    }
    subscript(key: String) -> JSONValue? { object?[key] }

    /// Text form of a scalar as a dataset cell would print it (CSV/template substitution).
    var text: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let s): return s
        case .double(let d): return String(d)
        case .string(let s): return s
        case .array, .object: return JSON.encodeString(self)
        }
    }

    init(_ d: Double) { self = .double(d) }
    init(_ s: String) { self = .string(s) }
    init(_ i: Int) { self = .int(Int64(i)) }
}

/// JSON in and out. `JSONValue` goes through our own parser and writer (JSONParser.swift,
/// JSONWriter.swift); other Codable types (reports, task specs) through Foundation, configured alike.
public enum JSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        // Stable bytes across runs (Dictionary order is per-process random) and `</think>` unescaped.
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Sorted keys, `/` and non-ASCII unescaped, doubles as Python's repr: Python's
    /// `json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`.
    public static func bytes(_ v: JSONValue) -> [UInt8] {
        var w = JSONWriter()
        w.write(v)
        return w.out
    }

    /// Appends the encoding of `v` to `out` (a record writer's buffer) without an intermediate array.
    public static func write(_ v: JSONValue, to out: inout [UInt8]) {
        var w = JSONWriter(out: out)
        out = []
        w.write(v)
        out = w.out
    }

    public static func encode(_ v: JSONValue) -> Data { Data(bytes(v)) }

    public static func encodeString(_ v: JSONValue) -> String { String(decoding: bytes(v), as: UTF8.self) }

    public static func encode<T: Encodable>(_ v: T) -> Data {
        // JSONValue in a generic context, and the plain shapes call sites pass, take our writer too.
        switch v {
        case let j as JSONValue: return encode(j)
        case let a as [JSONValue]: return encode(.array(a))
        case let o as JSONObject: return encode(.object(o))
        case let s as String: return encode(.string(s))
        case let a as [String]: return encode(.array(a.map(JSONValue.string)))
        default: break
        }
        // Encoding our own value types cannot fail: non-finite doubles are mapped to null above.
        return (try? encoder().encode(v)) ?? Data("null".utf8)
    }

    public static func encodeString<T: Encodable>(_ v: T) -> String {
        String(decoding: encode(v), as: UTF8.self)
    }

    /// Parses one JSON value; errors are `JSONParseError` (message and byte offset). `keeping`: of
    /// a top-level object only these members (the rest checked as strictly, not built).
    public static func decode<Bytes: Collection>(_ bytes: Bytes, keeping: Set<String>? = nil) throws -> JSONValue where Bytes.Element == UInt8 {
        if let r = try bytes.withContiguousStorageIfAvailable({ try JSONParser.parse($0, keeping: keeping) }) { return r }
        return try Array(bytes).withUnsafeBufferPointer { try JSONParser.parse($0, keeping: keeping) }
    }

    /// A short human explanation of a decoding error (Foundation's are long and nested).
    public static func describe(_ error: Error) -> String {
        if let e = error as? JSONParseError { return "invalid JSON (\(e))" }
        if case DecodingError.dataCorrupted(let ctx) = error {
            if let u = ctx.underlyingError as NSError?, let d = u.userInfo[NSDebugDescriptionErrorKey] as? String {
                return "invalid JSON (\(d))"
            }
            return "invalid JSON (\(ctx.debugDescription))"
        }
        return "invalid JSON (\(error))"
    }
}
