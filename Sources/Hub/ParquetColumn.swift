import EvalCore
import Foundation

/// One column chunk of one row group, decoded: definition and repetition levels per entry (absent
/// when the column cannot be null or repeated) and the non-null values in order.
struct ParquetColumn {
    var definitions: [UInt8] = []
    var repetitions: [UInt8] = []
    var values: [JSONValue] = []

    /// Decodes the chunk's pages: an optional dictionary page, then data pages v1 or v2 with PLAIN,
    /// dictionary (PLAIN_DICTIONARY / RLE_DICTIONARY) or, for booleans, RLE values. Every count,
    /// length and offset the file states is checked before it is used: a corrupt file is an error.
    init(chunk: [UInt8], meta: Thrift, leaf: ParquetNode) throws {
        guard leaf.physical != nil else { throw Decompress.Failure(description: "a leaf without a physical type") }
        let codec = meta[4]?.int ?? 0
        let total = meta[5]?.int ?? 0
        guard (0...ParquetColumn.maxEntries).contains(total) else {
            throw Decompress.Failure(description: "column chunk of \(total) values (at most \(ParquetColumn.maxEntries) are read)")
        }
        let maxDef = leaf.definitionLevel, maxRep = leaf.repetitionLevel
        var dictionary: [JSONValue] = []
        var reader = ThriftReader(chunk)
        var entries = 0
        while entries < total {
            guard reader.position < chunk.count else { throw Decompress.Failure(description: "column chunk ends after \(entries) of \(total) values") }
            let header = try reader.structure()
            let compressed = header[3]?.int ?? 0, uncompressed = header[2]?.int ?? 0
            let start = reader.position
            guard compressed >= 0, compressed <= chunk.count - start else { throw Decompress.Failure(description: "page runs past its column chunk") }
            let payload = chunk[start..<start + compressed]
            reader.position = start + compressed
            switch header[1]?.int {
            case 2:  // dictionary page
                let page = try ParquetColumn.decompress(payload, codec: codec, size: uncompressed)
                var plain = PlainDecoder(bytes: page, position: 0, leaf: leaf)
                dictionary = try plain.values(header[7]?[1]?.int ?? 0)
            case 0:  // data page v1: levels and values compressed together
                let h = header[5]
                let count = try ParquetColumn.entries(h?[1]?.int ?? 0, total - entries)
                let page = try ParquetColumn.decompress(payload, codec: codec, size: uncompressed)
                var p = 0
                if maxRep > 0 { try appendLevels(&repetitions, page, &p, prefixed: true, max: maxRep, count: count) }
                let defStart = definitions.count
                if maxDef > 0 { try appendLevels(&definitions, page, &p, prefixed: true, max: maxDef, count: count) }
                let present = maxDef > 0 ? definitions[defStart...].reduce(0) { $0 + ($1 == maxDef ? 1 : 0) } : count
                try appendValues(page, p, encoding: h?[2]?.int ?? 0, count: present, leaf: leaf, dictionary: dictionary)
                entries += count
            case 3:  // data page v2: levels uncompressed, before the (maybe compressed) values
                let h = header[8]
                let count = try ParquetColumn.entries(h?[1]?.int ?? 0, total - entries), nulls = h?[2]?.int ?? 0
                let defLength = h?[5]?.int ?? 0, repLength = h?[6]?.int ?? 0
                guard (0...count).contains(nulls), defLength >= 0, repLength >= 0, defLength <= payload.count,
                      repLength <= payload.count - defLength, repLength + defLength <= uncompressed else {
                    throw Decompress.Failure(description: "data page v2 header out of range")
                }
                let levels = Array(payload.prefix(repLength + defLength))
                var p = 0
                if maxRep > 0 { try appendLevels(&repetitions, levels, &p, prefixed: false, max: maxRep, count: count, length: repLength) }
                p = repLength
                if maxDef > 0 { try appendLevels(&definitions, levels, &p, prefixed: false, max: maxDef, count: count, length: defLength) }
                let body = payload.dropFirst(repLength + defLength)
                let page = h?[7]?.bool ?? true
                    ? try ParquetColumn.decompress(body, codec: codec, size: uncompressed - repLength - defLength)
                    : Array(body)
                try appendValues(page, 0, encoding: h?[4]?.int ?? 0, count: count - nulls, leaf: leaf, dictionary: dictionary)
                entries += count
            default:
                continue  // index pages carry no rows
            }
        }
    }

    /// A page's value count: not negative, and not more than the chunk has left to give.
    private static func entries(_ n: Int, _ left: Int) throws -> Int {
        guard n >= 0, n <= left else { throw Decompress.Failure(description: "page holds \(n) values, the column chunk \(left) more") }
        return n
    }

    /// Level entries per column chunk: far above any row group the Hub writes, low enough that a
    /// corrupt count cannot exhaust memory (levels cost nothing to encode as one RLE run).
    static let maxEntries = 1 << 26

    /// The largest page we decompress (pyarrow writes 1 MiB pages; a dictionary page can be larger).
    static let maxPage = 1 << 30

    static func decompress(_ data: ArraySlice<UInt8>, codec: Int, size: Int) throws -> [UInt8] {
        // A page's stated size is allocated before decoding: bound it first, by the codec's best
        // possible ratio (snappy < 64:1, deflate < 1032:1).
        let ratio = [1: 64, 2: 1032][codec] ?? Int.max
        guard size >= 0, size <= maxPage, ratio == Int.max || size <= data.count * ratio + 64 else {
            throw Decompress.Failure(description: "page size \(size) out of range for \(data.count) compressed bytes")
        }
        switch codec {
        case 0: return Array(data)
        case 1: return try Decompress.snappy(data, size: size)
        case 2: return try Decompress.gzip(data, size: size)
        case 6: return try Decompress.zstd(data, size: size)
        default:
            let names = [3: "LZO", 4: "BROTLI", 5: "LZ4", 7: "LZ4_RAW"]
            throw Decompress.Failure(description: "compression \(names[codec] ?? String(codec)) is not supported (SNAPPY, GZIP, ZSTD and none are)")
        }
    }

    private func bitWidth(_ max: Int) -> Int { max == 0 ? 0 : Int.bitWidth - max.leadingZeroBitCount }

    private func appendLevels(_ out: inout [UInt8], _ page: [UInt8], _ p: inout Int, prefixed: Bool, max: Int, count: Int, length: Int = 0) throws {
        var n = length
        if prefixed {
            guard p <= page.count - 4 else { throw Decompress.Failure(description: "levels cut short") }
            n = Int(page[p]) | Int(page[p + 1]) << 8 | Int(page[p + 2]) << 16 | Int(page[p + 3]) << 24
            p += 4
        }
        guard n >= 0, n <= page.count - p else { throw Decompress.Failure(description: "levels run past the page") }
        var rle = RLEDecoder(bytes: page, position: p, end: p + n, width: bitWidth(max))
        for _ in 0..<count { out.append(UInt8(try rle.next())) }
        p += n
    }

    private mutating func appendValues(_ page: [UInt8], _ p: Int, encoding: Int, count: Int, leaf: ParquetNode, dictionary: [JSONValue]) throws {
        switch encoding {
        case 0:
            var plain = PlainDecoder(bytes: page, position: p, leaf: leaf)
            values += try plain.values(count)
        case 2, 8:
            guard p < page.count || count == 0 else { throw Decompress.Failure(description: "dictionary indices missing") }
            guard count > 0 else { return }
            guard page[p] <= 32 else { throw Decompress.Failure(description: "dictionary index width \(page[p]) out of range") }
            var rle = RLEDecoder(bytes: page, position: p + 1, end: page.count, width: Int(page[p]))
            for _ in 0..<count {
                let i = try rle.next()
                guard i < dictionary.count else { throw Decompress.Failure(description: "dictionary index \(i) out of range") }
                values.append(dictionary[i])
            }
        case 3 where leaf.physical == .boolean:
            guard p <= page.count - 4 else { throw Decompress.Failure(description: "boolean run cut short") }
            var rle = RLEDecoder(bytes: page, position: p + 4, end: page.count, width: 1)
            for _ in 0..<count { values.append(.bool(try rle.next() == 1)) }
        default:
            let names = [5: "DELTA_BINARY_PACKED", 6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 9: "BYTE_STREAM_SPLIT"]
            throw Decompress.Failure(description: "encoding \(names[encoding] ?? String(encoding)) is not supported (PLAIN, dictionary and RLE are)")
        }
    }
}

/// Parquet's RLE / bit-packing hybrid.
struct RLEDecoder {
    let bytes: [UInt8]
    var position: Int
    let end: Int
    let width: Int
    private var repeatLeft = 0, repeatValue = 0
    private var packedLeft = 0, bitOffset = 0

    init(bytes: [UInt8], position: Int, end: Int, width: Int) {
        self.bytes = bytes; self.position = position; self.end = end; self.width = width
    }

    mutating func next() throws -> Int {
        if width == 0 { return 0 }
        while repeatLeft == 0 && packedLeft == 0 {
            var header = 0, shift = 0
            while true {
                guard position < end, shift < 35 else { throw Decompress.Failure(description: "RLE data ends early") }
                let b = Int(bytes[position]); position += 1
                header |= (b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
            }
            if header & 1 == 1 {
                // Groups of 8 values, `width` bytes each; the last may be cut short (padding).
                let groups = header >> 1
                guard groups <= (end - position) / max(width, 1) + 1 else { throw Decompress.Failure(description: "RLE run longer than its data") }
                packedLeft = groups * 8
                bitOffset = position * 8
                position += groups * width
            } else {
                repeatLeft = header >> 1
                repeatValue = 0
                for i in 0..<((width + 7) / 8) {
                    guard position < end else { throw Decompress.Failure(description: "RLE data ends early") }
                    repeatValue |= Int(bytes[position]) << (8 * i); position += 1
                }
            }
        }
        if repeatLeft > 0 { repeatLeft -= 1; return repeatValue }
        packedLeft -= 1
        var v = 0
        for i in 0..<width {
            let bit = bitOffset + i
            // A last group may be padded beyond the buffer: missing bits are zero.
            if bit >> 3 < bytes.count, bytes[bit >> 3] & (1 << (bit & 7)) != 0 { v |= 1 << i }
        }
        bitOffset += width
        return v
    }
}

/// PLAIN values of one leaf's physical type, converted to JSON.
struct PlainDecoder {
    let bytes: [UInt8]
    var position: Int
    let leaf: ParquetNode

    mutating func values(_ count: Int) throws -> [JSONValue] {
        // Every value but a boolean takes at least one byte (a byte array its 4-byte length).
        let left = bytes.count - position
        guard count >= 0, leaf.physical == .boolean ? count / 8 <= left : count <= left else { throw short() }
        guard leaf.physical != .fixedLenByteArray || leaf.typeLength > 0 else {
            throw Decompress.Failure(description: "column \(leaf.name): fixed-length byte array of length \(leaf.typeLength)")
        }
        var out: [JSONValue] = []
        out.reserveCapacity(count)
        switch leaf.physical! {
        case .boolean:
            guard (count + 7) / 8 <= left else { throw short() }
            for i in 0..<count { out.append(.bool(bytes[position + i >> 3] & (1 << (i & 7)) != 0)) }
        case .int32:
            for _ in 0..<count {
                let v = UInt32(truncatingIfNeeded: try little(4))
                out.append(.int(leaf.isUnsigned ? Int64(v) : Int64(Int32(bitPattern: v))))
            }
        case .int64:
            for _ in 0..<count {
                let v = try little(8)
                out.append(leaf.isUnsigned && v > UInt64(Int64.max) ? .double(Double(v)) : .int(Int64(bitPattern: v)))
            }
        case .float:
            for _ in 0..<count { out.append(.double(Double(Float(bitPattern: UInt32(try little(4)))))) }
        case .double:
            for _ in 0..<count { out.append(.double(Double(bitPattern: try little(8)))) }
        case .byteArray:
            for _ in 0..<count {
                let n = Int(try little(4))
                out.append(try text(n))
            }
        case .fixedLenByteArray:
            for _ in 0..<count { out.append(try text(leaf.typeLength)) }
        case .int96:
            throw Decompress.Failure(description: "INT96 timestamps are not supported")
        }
        return out
    }

    private func short() -> Decompress.Failure { Decompress.Failure(description: "values cut short in column \(leaf.name)") }

    private mutating func little(_ n: Int) throws -> UInt64 {
        guard n <= bytes.count - position else { throw short() }
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(bytes[position + i]) << (8 * i) }
        position += n
        return v
    }

    private mutating func text(_ n: Int) throws -> JSONValue {
        guard n >= 0, n <= bytes.count - position else { throw short() }
        defer { position += n }
        let slice = bytes[position..<position + n]
        if leaf.isText { return .string(String(decoding: slice, as: UTF8.self)) }
        return .string(Data(slice).base64EncodedString())
    }
}
