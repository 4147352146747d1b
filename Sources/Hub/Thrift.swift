import EvalCore

/// A value of Thrift's compact protocol, untyped: Parquet's footer and page headers are decoded into
/// these and read by field id (parquet.thrift), which skips fields we do not use for free.
indirect enum Thrift {
    case int(Int64)
    case bool(Bool)
    case double(Double)
    case binary(ArraySlice<UInt8>)
    case list([Thrift])
    case structure([Int16: Thrift])

    subscript(_ id: Int16) -> Thrift? {
        if case .structure(let s) = self { return s[id] }
        return nil
    }
    var int: Int? { if case .int(let v) = self { return Int(v) }; return nil }
    var bool: Bool? { if case .bool(let v) = self { return v }; return nil }
    var list: [Thrift] { if case .list(let v) = self { return v }; return [] }
    var string: String? { if case .binary(let b) = self { return String(decoding: b, as: UTF8.self) }; return nil }
}

/// Reads compact-protocol structs from a byte buffer. `position` tells how many bytes a struct took
/// (a page header is followed by the page's data). Every length read is checked against the bytes
/// left and nesting is capped, so a corrupt file is an error, never a trap or a stack overflow.
struct ThriftReader {
    let bytes: [UInt8]
    var position: Int
    private var depth = 0

    init(_ bytes: [UInt8], at position: Int = 0) { self.bytes = bytes; self.position = position }

    struct Truncated: Error {}

    /// Parquet's metadata nests a handful of levels; a deeper one is corrupt.
    static let maxDepth = 64

    mutating func structure() throws -> Thrift {
        depth += 1
        defer { depth -= 1 }
        guard depth <= ThriftReader.maxDepth else { throw Truncated() }
        var fields: [Int16: Thrift] = [:]
        var last: Int16 = 0
        while true {
            let header = try byte()
            let type = header & 0x0F
            if type == 0 { return .structure(fields) }
            let delta = Int16(header >> 4)
            let id = delta == 0 ? Int16(truncatingIfNeeded: zigzag(try varint())) : last &+ delta
            last = id
            fields[id] = try value(type)
        }
    }

    /// A length or element count: at most the bytes left (every element takes at least one).
    private mutating func count() throws -> Int {
        let n = try varint()
        guard n <= UInt64(bytes.count - position) else { throw Truncated() }
        return Int(n)
    }

    private mutating func value(_ type: UInt8) throws -> Thrift {
        switch type {
        case 1: return .bool(true)
        case 2: return .bool(false)
        case 3: return .int(Int64(Int8(bitPattern: try byte())))
        case 4, 5, 6: return .int(zigzag(try varint()))
        case 7:
            guard position + 8 <= bytes.count else { throw Truncated() }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * i) }
            position += 8
            return .double(Double(bitPattern: bits))
        case 8:
            let n = try count()
            defer { position += n }
            return .binary(bytes[position..<position + n])
        case 9, 10:
            depth += 1
            defer { depth -= 1 }
            guard depth <= ThriftReader.maxDepth else { throw Truncated() }
            let h = try byte()
            let size = h >> 4 == 15 ? try count() : Int(h >> 4)
            let elem = h & 0x0F
            var out: [Thrift] = []
            out.reserveCapacity(size)
            for _ in 0..<size {
                // Booleans inside lists take a byte each (1 = true), unlike fields.
                out.append(elem == 1 || elem == 2 ? .bool(try byte() == 1) : try value(elem))
            }
            return .list(out)
        case 11:
            depth += 1
            defer { depth -= 1 }
            guard depth <= ThriftReader.maxDepth else { throw Truncated() }
            let size = try count()
            guard size > 0 else { return .list([]) }
            let kv = try byte()
            var out: [Thrift] = []
            for _ in 0..<size { out.append(.list([try value(kv >> 4), try value(kv & 0x0F)])) }
            return .list(out)
        case 12: return try structure()
        default: throw Truncated()
        }
    }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Truncated() }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw Truncated() }
        }
    }

    private func zigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }
}
