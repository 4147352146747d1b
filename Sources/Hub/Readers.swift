import CZlib
import EvalCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Streams the rows of one data file. Memory is bounded by the largest row, not by the file.
public protocol RowReader: AnyObject {
    /// The next row, or nil at the end of the file.
    func next() throws -> JSONObject?
}

public enum DataFile {
    /// A reader chosen by the file's extension: `.csv`, `.json` (a top-level array of objects),
    /// `.jsonl`, `.parquet`; the text formats also gzip-compressed (`.jsonl.gz`).
    public static func open(_ path: String) throws -> RowReader {
        if path.lowercased().hasSuffix(".parquet") { return try ParquetReader(path: path) }
        if path.lowercased().hasSuffix(".zip") {
            throw EvalError("an archive, not a data file", file: path, hint: "name the members to read in the task's dataset.members")
        }
        let format = try textFormat(path, shown: path)
        return try text(format, try ByteStream(path: path))
    }

    /// The rows of one member of a ZIP archive (a text format: CSV, JSON or JSON Lines).
    static func open(_ archive: ZipArchive, member: ZipArchive.Member) throws -> RowReader {
        let name = "\(archive.path)(\(member.name))"
        let format = try textFormat(member.name, shown: name)
        return try text(format, try ByteStream(try archive.open(member), name: name))
    }

    /// The text format a name's extension says, under a `.gz` if any.
    private static func textFormat(_ name: String, shown: String) throws -> String {
        var url = URL(fileURLWithPath: name)
        if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
        let ext = url.pathExtension.lowercased()
        guard ["csv", "json", "jsonl", "ndjson"].contains(ext) else {
            throw EvalError("unknown data file type", file: shown, hint: "expected .parquet, .csv, .json or .jsonl, the last three maybe .gz, or a .zip of them")
        }
        return ext
    }

    private static func text(_ format: String, _ input: ByteStream) throws -> RowReader {
        switch format {
        case "csv": return try CSVReader(input)
        case "json": return try JSONArrayReader(input)
        default: return JSONLinesReader(input)
        }
    }
}

/// JSON Lines rows: every non-blank line is one object.
final class JSONLinesReader: RowReader {
    private let input: ByteStream

    init(_ input: ByteStream) { self.input = input }

    func next() throws -> JSONObject? {
        while let (line, number) = try input.nextLine() {
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let value: JSONValue
            do { value = try JSON.decode(line) } catch {
                throw input.error(JSON.describe(error), line: number)
            }
            guard case .object(let o) = value else { throw input.error("expected a JSON object, found \(value.kindName)", line: number) }
            return o
        }
        return nil
    }
}

/// A file through zlib: a gzip-compressed file is decompressed on the way, any other passes as is.
final class GzipFileSource: ByteSource {
    private let file: gzFile
    private let path: String

    init(path: String) throws {
        self.path = path
        guard let f = gzopen(path, "rb") else { throw EvalError("cannot open: \(String(cString: strerror(errno)))", file: path) }
        file = f
        gzbuffer(file, 1 << 17)
    }

    deinit { gzclose(file) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = gzread(file, buffer.baseAddress!, UInt32(clamping: buffer.count))
        guard n >= 0 else {
            var code: Int32 = 0
            throw EvalError("read failed: " + String(cString: gzerror(file, &code)), file: path)
        }
        return Int(n)
    }
}

/// Bytes (of a file, or of a member of an archive) through a 64 KiB buffer, counting lines for
/// error messages.
final class ByteStream {
    /// The name errors give: the file, or `archive.zip(member)`.
    let path: String
    private let source: ByteSource
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var position = 0
    private var end = 0
    /// Line of the next byte (1-based).
    private(set) var line = 1

    convenience init(path: String) throws { try self.init(try GzipFileSource(path: path), name: path) }

    init(_ source: ByteSource, name: String) throws {
        self.source = source
        path = name
        // A UTF-8 byte order mark (Excel's CSV export; Python's utf-8-sig) is not part of the first key.
        if try peek() == 0xEF, end - position >= 3, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
        }
    }

    func peek() throws -> UInt8? {
        if position == end {
            try fill()
            if end == 0 { return nil }
        }
        return buffer[position]
    }

    func next() throws -> UInt8? {
        guard let b = try peek() else { return nil }
        position += 1
        if b == UInt8(ascii: "\n") { line += 1 }
        return b
    }

    /// The next line without its newline, with its number; nil at the end.
    func nextLine() throws -> (ArraySlice<UInt8>, Int)? {
        guard try peek() != nil else { return nil }
        let number = line
        var out: [UInt8] = []
        while true {
            let found: Int? = buffer[position..<end].withUnsafeBytes { b in
                guard let p = memchr(b.baseAddress!, 0x0A, b.count) else { return nil }
                return UnsafeRawPointer(p) - b.baseAddress!
            }
            if let n = found {
                out += buffer[position..<position + n]
                position += n + 1
                line += 1
                return (out[...], number)
            }
            out += buffer[position..<end]
            position = end
            guard try peek() != nil else { return (out[...], number) }
        }
    }

    func error(_ message: String, line: Int? = nil) -> EvalError {
        EvalError(message, file: path, line: line ?? self.line)
    }

    private func fill() throws {
        let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        position = 0
        end = n
    }
}

/// RFC 4180 CSV with a header row: quoted fields with `""` escapes, commas and line breaks inside
/// quotes (kept byte for byte, CRLF included), CRLF or LF record ends, blank lines skipped. Every
/// value is a string; a row whose field count differs from the header's is an error.
public final class CSVReader: RowReader {
    private let input: ByteStream
    private let header: [String]

    public convenience init(path: String) throws { try self.init(try ByteStream(path: path)) }

    init(_ input: ByteStream) throws {
        self.input = input
        guard let (names, line) = try CSVReader.record(input) else { throw input.error("empty file, expected a header row") }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted { throw input.error("duplicate column '\(n)'", line: line) }
        header = names
    }

    public func next() throws -> JSONObject? {
        guard let (fields, line) = try CSVReader.record(input) else { return nil }
        guard fields.count == header.count else {
            throw input.error("row has \(fields.count) fields, the header has \(header.count)", line: line)
        }
        return JSONObject(uniqueKeysWithValues: zip(header, fields.map(JSONValue.string)))
    }

    /// The next record's fields and the line it starts on; nil at the end of the file.
    private static func record(_ input: ByteStream) throws -> (fields: [String], line: Int)? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        while let b = try input.peek(), b == cr || b == lf { _ = try input.next() }
        guard try input.peek() != nil else { return nil }
        let start = input.line
        var fields: [String] = []
        var field: [UInt8] = []
        while true {
            if try input.peek() == quote {
                let opened = input.line
                _ = try input.next()
                while true {
                    guard let b = try input.next() else { throw input.error("quoted field never closed", line: opened) }
                    if b == quote {
                        guard try input.peek() == quote else { break }
                        _ = try input.next()
                    }
                    field.append(b)
                }
                if let b = try input.peek(), b != comma, b != cr, b != lf {
                    throw input.error("unexpected character after a closing quote (quotes inside a quoted field are written \"\")")
                }
            } else {
                while let b = try input.peek(), b != comma, b != cr, b != lf { field.append(b); _ = try input.next() }
            }
            guard let value = String(validating: field, as: UTF8.self) else { throw input.error("not UTF-8 text") }
            fields.append(value)
            field.removeAll(keepingCapacity: true)
            switch try input.next() {
            case comma?: continue
            case cr?: if try input.peek() == lf { _ = try input.next() }
            default: break
            }
            return (fields, start)
        }
    }
}

/// A JSON file holding one top-level array of objects, read one element at a time.
public final class JSONArrayReader: RowReader {
    private let input: ByteStream
    private var first = true
    private var finished = false

    public convenience init(path: String) throws { try self.init(try ByteStream(path: path)) }

    init(_ input: ByteStream) throws {
        self.input = input
        try skipSpace()
        guard try input.next() == UInt8(ascii: "[") else { throw input.error("expected a top-level JSON array of rows") }
    }

    public func next() throws -> JSONObject? {
        if finished { return nil }
        try skipSpace()
        if first {
            first = false
            if try input.peek() == UInt8(ascii: "]") { _ = try input.next(); return try finish() }
        } else {
            switch try input.next() {
            case UInt8(ascii: ",")?: try skipSpace()
            case UInt8(ascii: "]")?: return try finish()
            case nil: throw input.error("the array is never closed")
            default: throw input.error("expected ',' or ']' between rows")
            }
        }
        let line = input.line
        let bytes = try objectBytes()
        do {
            return try JSON.decode(bytes).object!
        } catch {
            throw input.error(JSON.describe(error), line: line)
        }
    }

    private func finish() throws -> JSONObject? {
        finished = true
        try skipSpace()
        guard try input.peek() == nil else { throw input.error("data after the top-level array") }
        return nil
    }

    private func skipSpace() throws {
        while let b = try input.peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { _ = try input.next() }
    }

    /// The bytes of one `{…}`: depth counting outside strings is enough to find its end; the decoder
    /// checks everything else.
    private func objectBytes() throws -> [UInt8] {
        guard try input.peek() == UInt8(ascii: "{") else { throw input.error("expected an object (a row)") }
        var out: [UInt8] = []
        var depth = 0, inString = false, escaped = false
        while let b = try input.next() {
            out.append(b)
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return out }
            default: break
            }
        }
        throw input.error("the file ends inside a row")
    }
}
