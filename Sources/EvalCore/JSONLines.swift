import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file descriptor line by line in 128 KiB chunks: memory is bounded by the longest line,
/// not by the file.
public final class LineReader {
    private let fd: Int32
    private let ownsFD: Bool
    private var buffer: [UInt8] = []
    /// Not zeroed: read(2) writes what is then copied (a zeroed 1 MiB array was a twentieth of a
    /// one-record `score`; a pipe gives at most 64 KiB a read anyway).
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 16)
    private var start = 0
    /// Bytes from `start` up to here are known to hold no newline (no rescans after a refill).
    private var scanned = 0
    private var eof = false
    public private(set) var lineNumber = 0
    /// True when the last line returned had no terminating newline (a torn write).
    public private(set) var lastLineUnterminated = false

    /// Named in read errors.
    private let name: String?

    public init(fd: Int32, ownsFD: Bool = false, name: String? = nil) { self.fd = fd; self.ownsFD = ownsFD; self.name = name }

    /// Files, pipes and devices; a directory is refused by name (read(2) would only say EISDIR).
    public convenience init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EvalError("cannot open: \(String(cString: strerror(errno)))", file: path) }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw EvalError("is a directory", file: path, hint: "give the JSON Lines file inside it, e.g. \(path)/scored.jsonl")
        }
        self.init(fd: fd, ownsFD: true, name: path)
    }

    deinit {
        if ownsFD { close(fd) }
        chunk.deallocate()
    }

    /// The next line without its newline (and without a trailing CR), or nil at end of input.
    /// A UTF-8 byte order mark before the first line is dropped (Windows editors write one).
    public func next() throws -> ArraySlice<UInt8>? {
        guard var line = try nextRaw() else { return nil }
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        return line
    }

    private func nextRaw() throws -> ArraySlice<UInt8>? {
        while true {
            if let nl = newline() {
                var end = nl
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = buffer[start..<end]
                start = nl + 1
                scanned = start
                lineNumber += 1
                lastLineUnterminated = false
                return line
            }
            if eof {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                lastLineUnterminated = true
                return line
            }
            scanned = buffer.count
            if start > 0 { buffer.removeSubrange(0..<start); scanned -= start; start = 0 }
            try fill()
        }
    }

    private func newline() -> Int? {
        buffer.withUnsafeBytes { b -> Int? in
            guard scanned < b.count, let p = memchr(b.baseAddress! + scanned, 0x0A, b.count - scanned) else { return nil }
            return UnsafeRawPointer(p) - b.baseAddress!
        }
    }

    private func fill() throws {
        var n = 0
        repeat {
            n = read(fd, chunk.baseAddress!, chunk.count)
        } while n < 0 && errno == EINTR
        if n < 0 { throw EvalError("read failed: \(String(cString: strerror(errno)))", file: name) }
        if n == 0 { eof = true }
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
    }
}

/// One record read from a JSON Lines input, with where it came from.
public struct SourcedRecord {
    public var fields: JSONObject
    public var file: String
    public var line: Int

    public func error(_ message: String, field: String? = nil, hint: String? = nil) -> EvalError {
        EvalError(message, file: file, line: line, field: field, hint: hint)
    }
}

/// Streams records from files (or stdin when there are none). Blank lines are skipped; anything
/// else that is not a JSON object is an error naming file and line.
public final class RecordReader: Sequence, IteratorProtocol {
    private var pending: [String]
    private var current: (name: String, reader: LineReader)?
    /// Set when iteration stopped on an error; `next()` then returns nil.
    public private(set) var failure: EvalError?
    /// The only fields a reader looks at (nil: all): the others are checked, not built.
    private let keeping: Set<String>?

    /// `paths` empty or `["-"]` reads stdin.
    public init(paths: [String], keeping: Set<String>? = nil) {
        pending = paths.isEmpty ? ["-"] : paths
        self.keeping = keeping
    }

    public func next() -> SourcedRecord? {
        do { return try nextRecord() } catch let e as EvalError { failure = e; return nil }
        catch { failure = EvalError("\(error)"); return nil }
    }

    public func nextRecord() throws -> SourcedRecord? {
        while true {
            if current == nil {
                guard !pending.isEmpty else { return nil }
                let p = pending.removeFirst()
                current = p == "-" ? ("stdin", LineReader(fd: 0, name: "stdin")) : (p, try LineReader(path: p))
            }
            let (name, reader) = current!
            guard let line = try reader.next() else { current = nil; continue }
            if line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            let value: JSONValue
            do { value = try JSON.decode(line, keeping: keeping) } catch {
                throw EvalError(JSON.describe(error), file: name, line: reader.lineNumber, hint: Self.hint(line, reader))
            }
            guard case .object(let o) = value else {
                throw EvalError("expected a JSON object, found \(value.kindName)", file: name, line: reader.lineNumber)
            }
            return SourcedRecord(fields: o, file: name, line: reader.lineNumber)
        }
    }

    /// What probably went wrong with a line that does not parse.
    static func hint(_ line: ArraySlice<UInt8>, _ reader: LineReader) -> String? {
        // A CR inside the line: a file with classic Mac line endings reads as one long line.
        if line.contains(0x0D) { return "lines end in a bare CR: convert them with tr '\\r' '\\n'" }
        return reader.lastLineUnterminated ? "the last line is cut short: was the writer killed?" : nil
    }
}

extension JSONValue {
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .bigInt, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Writes one JSON object per line to a file descriptor. Each record goes out in a single
/// write(2), so a killed process never leaves half a record behind unless the kernel does.
public final class RecordWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Flush after every record (call-model: a response on disk before the next is asked for).
    public var flushEachRecord: Bool

    public init(fd: Int32 = 1, flushEachRecord: Bool = false) {
        self.fd = fd
        self.flushEachRecord = flushEachRecord
    }

    deinit { try? flush() }

    public func write(_ record: JSONObject) throws {
        JSON.write(.object(record), to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        try flushIfDue()
    }

    /// A record's line as `write` puts it out, newline included: records encoded on other
    /// threads, then written in order with `write(encoded:)`.
    public static func encode(_ record: JSONObject) -> [UInt8] {
        var line: [UInt8] = []
        JSON.write(.object(record), to: &line)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    public func write(encoded line: [UInt8]) throws {
        buffer.append(contentsOf: line)
        try flushIfDue()
    }

    private func flushIfDue() throws {
        if flushEachRecord || buffer.count >= 1 << 16 { try flush() }
    }

    public func flush() throws {
        defer { buffer.removeAll(keepingCapacity: true) }
        do { try StandardStream.write(fd, &buffer) } catch let e as EvalError {
            throw EvalError(e.message, file: fd == 1 ? "stdout" : nil)
        }
    }
}
