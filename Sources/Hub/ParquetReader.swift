import EvalCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Rows of a Parquet file as JSON objects. One row group is decoded at a time, so memory is bounded
/// by the largest row group (the Hub's converted files keep them small), not by the file.
///
/// Columns: booleans, integers (signed and unsigned), floats, doubles, text (byte arrays annotated
/// UTF8/STRING/ENUM/JSON) and other byte arrays (base64 text); nulls; nested groups and lists
/// (LIST-annotated groups, 3-level and legacy 2-level) are assembled from their leaves' levels.
public final class ParquetReader: RowReader {
    private let path: String
    private let fd: Int32
    private let size: Int
    private let footer: ParquetFooter
    private var group = -1
    private var columns: [ParquetColumn] = []
    private var rowsInGroup = 0
    private var row = 0
    /// Per leaf: next level entry and next value.
    private var levelAt: [Int] = []
    private var valueAt: [Int] = []

    public init(path: String) throws {
        self.path = path
        fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw EvalError("cannot open: \(String(cString: strerror(errno)))", file: path) }
        size = Int(lseek(fd, 0, SEEK_END))
        do {
            guard size >= 12 else { throw Decompress.Failure(description: "too short for a Parquet file") }
            let tail = try ParquetReader.read(fd, size: size, at: size - 8, count: 8)
            guard tail[4...] == [0x50, 0x41, 0x52, 0x31] else { throw Decompress.Failure(description: "no PAR1 magic at the end (not Parquet, or encrypted)") }
            let length = Int(tail[0]) | Int(tail[1]) << 8 | Int(tail[2]) << 16 | Int(tail[3]) << 24
            guard length > 0, length <= size - 12 else { throw Decompress.Failure(description: "footer length \(length) out of range") }
            var reader = ThriftReader(try ParquetReader.read(fd, size: size, at: size - 8 - length, count: length))
            footer = try ParquetFooter(try reader.structure())
        } catch {
            close(fd)
            throw ParquetReader.located(error, path)
        }
    }

    deinit { close(fd) }

    public var rowCount: Int { footer.rows }

    public func next() throws -> JSONObject? {
        do {
            while row == rowsInGroup {
                group += 1
                guard group < footer.rowGroups.count else { return nil }
                try load(footer.rowGroups[group])
            }
            row += 1
            return try assemble()
        } catch {
            throw ParquetReader.located(error, path)
        }
    }

    private static func located(_ error: Error, _ path: String) -> Error {
        if error is EvalError { return error }
        if error is ThriftReader.Truncated { return EvalError("corrupt Parquet metadata", file: path) }
        return EvalError("\(error)", file: path)
    }

    /// `count` bytes at `offset`, both checked against the file's size first (they come from the file).
    private static func read(_ fd: Int32, size: Int, at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw Decompress.Failure(description: "\(count) bytes at offset \(offset) lie outside the file (\(size) bytes)")
        }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Decompress.Failure(description: "file ends early (read at \(offset + done))") }
            done += n
        }
        return out
    }

    private func load(_ rowGroup: Thrift) throws {
        let chunks = rowGroup[1]?.list ?? []
        guard chunks.count == footer.leaves.count else {
            throw Decompress.Failure(description: "row group has \(chunks.count) columns, the schema \(footer.leaves.count)")
        }
        columns = try zip(chunks, footer.leaves).map { chunk, path in
            guard let meta = chunk[3] else { throw Decompress.Failure(description: "column chunk without metadata (external file?)") }
            var start = meta[9]?.int ?? 0
            if let dict = meta[11]?.int, dict > 0, dict < start { start = dict }
            let bytes = try ParquetReader.read(fd, size: size, at: start, count: meta[7]?.int ?? 0)
            do {
                return try ParquetColumn(chunk: bytes, meta: meta, leaf: path.last!)
            } catch let e as Decompress.Failure {
                throw Decompress.Failure(description: "column \(path.map(\.name).joined(separator: ".")): \(e.description)")
            }
        }
        rowsInGroup = rowGroup[3]?.int ?? 0
        guard rowsInGroup >= 0 else { throw Decompress.Failure(description: "row group of \(rowsInGroup) rows") }
        row = 0
        levelAt = Array(repeating: 0, count: columns.count)
        valueAt = Array(repeating: 0, count: columns.count)
    }

    private func assemble() throws -> JSONObject {
        var out: JSONObject = [:]
        var leaf = 0
        for field in footer.fields {
            if field.isLeaf && field.repetition != .repeated {
                out[field.name] = try nextFlat(leaf, field)
                leaf += 1
                continue
            }
            // Nested: each leaf below builds its own tree of this row; the trees are merged.
            var tree: JSONValue = .object([:])
            while leaf < footer.leaves.count, footer.leaves[leaf][0] === field {
                var own: JSONValue = .object([:])
                try nested(leaf, into: &own)
                tree = ParquetReader.merge(tree, own)
                leaf += 1
            }
            out[field.name] = ParquetReader.logical(field, tree.object?[field.name] ?? .null)
        }
        return out
    }

    private func nextFlat(_ i: Int, _ node: ParquetNode) throws -> JSONValue {
        if node.definitionLevel > 0 {
            guard levelAt[i] < columns[i].definitions.count else { throw short(node) }
            let d = columns[i].definitions[levelAt[i]]
            levelAt[i] += 1
            if d < node.definitionLevel { return .null }
        }
        guard valueAt[i] < columns[i].values.count else { throw short(node) }
        defer { valueAt[i] += 1 }
        return columns[i].values[valueAt[i]]
    }

    private func short(_ node: ParquetNode) -> Decompress.Failure {
        Decompress.Failure(description: "column \(node.name) holds fewer values than its row group's \(rowsInGroup) rows")
    }

    /// Consumes one row's entries of leaf `i` (the first has repetition level 0, the rest more).
    private func nested(_ i: Int, into tree: inout JSONValue) throws {
        let path = footer.leaves[i]
        let column = columns[i]
        // Levels are absent when they would all be 0 (a required field in required groups).
        let entries = !column.definitions.isEmpty ? column.definitions.count
            : !column.repetitions.isEmpty ? column.repetitions.count : column.values.count
        var first = true
        while levelAt[i] < entries {
            guard column.repetitions.isEmpty || levelAt[i] < column.repetitions.count,
                  column.definitions.isEmpty || levelAt[i] < column.definitions.count else {
                throw Decompress.Failure(description: "column \(path.last!.name): repetition and definition levels differ in number")
            }
            let r = column.repetitions.isEmpty ? 0 : Int(column.repetitions[levelAt[i]])
            if !first && r == 0 { break }
            first = false
            let d = column.definitions.isEmpty ? path.last!.definitionLevel : Int(column.definitions[levelAt[i]])
            levelAt[i] += 1
            var value: JSONValue = .null
            if d == path.last!.definitionLevel {
                guard valueAt[i] < column.values.count else { throw Decompress.Failure(description: "more levels than values") }
                value = column.values[valueAt[i]]
                valueAt[i] += 1
            }
            ParquetReader.insert(&tree, path[...], r: r, d: d, value: value)
        }
    }

    /// Places one (repetition, definition, value) entry into `container`, an object, at `path`.
    private static func insert(_ container: inout JSONValue, _ path: ArraySlice<ParquetNode>, r: Int, d: Int, value: JSONValue) {
        guard let node = path.first, case .object(var fields) = container else { return }
        container = .null  // keep `fields` uniquely referenced while it changes
        defer { container = .object(fields) }
        let rest = path.dropFirst()
        if d < node.definitionLevel {
            // Not present at this level: an empty list, or null.
            if fields[node.name] == nil { fields[node.name] = node.repetition == .repeated ? .array([]) : .null }
            return
        }
        if node.repetition == .repeated {
            var items = fields[node.name]?.array ?? []
            fields[node.name] = nil
            if rest.isEmpty {
                items.append(value)
            } else if node.repetitionLevel >= r || items.isEmpty {
                var item: JSONValue = .object([:])
                insert(&item, rest, r: r, d: d, value: value)
                items.append(item)
            } else {
                var item = items.removeLast()
                insert(&item, rest, r: r, d: d, value: value)
                items.append(item)
            }
            fields[node.name] = .array(items)
        } else if rest.isEmpty {
            fields[node.name] = value
        } else {
            var child = fields[node.name] ?? .object([:])
            if child == .null { child = .object([:]) }
            fields[node.name] = nil
            insert(&child, rest, r: r, d: d, value: value)
            fields[node.name] = child
        }
    }

    /// Two leaves' trees of the same row: objects by key, lists element by element.
    private static func merge(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        switch (a, b) {
        case (.object(var x), .object(let y)):
            for (k, v) in y { x[k] = x[k].map { merge($0, v) } ?? v }
            return .object(x)
        case (.array(let x), .array(let y)) where x.count == y.count:
            return .array(zip(x, y).map(merge))
        default:
            return a
        }
    }

    /// LIST/MAP groups as JSON arrays: `{list: [{element: v}]}` → `[v]` (2-level legacy lists,
    /// whose repeated child is the element itself, too).
    private static func logical(_ node: ParquetNode, _ value: JSONValue) -> JSONValue {
        if node.isLeaf { return value }
        if node.repetition == .repeated, case .array(let items) = value {
            return .array(items.map { logicalGroup(node, $0) })
        }
        if node.isList, let repeated = node.children.first, node.children.count == 1, case .object(let o) = value {
            guard case .array(let items)? = o[repeated.name] else { return .array([]) }
            let unwrap = repeated.children.count == 1 && repeated.name != "array" && repeated.name != node.name + "_tuple"
            return .array(items.map { item in
                if unwrap, let element = repeated.children.first {
                    return logical(element, item.object?[element.name] ?? .null)
                }
                return logicalGroup(repeated, item)
            })
        }
        return logicalGroup(node, value)
    }

    private static func logicalGroup(_ node: ParquetNode, _ value: JSONValue) -> JSONValue {
        guard !node.isLeaf, case .object(let o) = value else { return value }
        var out: JSONObject = [:]
        for c in node.children { out[c.name] = logical(c, o[c.name] ?? .null) }
        return .object(out)
    }
}
