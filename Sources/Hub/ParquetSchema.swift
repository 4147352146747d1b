import EvalCore
import Foundation

/// One node of a Parquet schema (parquet.thrift `SchemaElement`), with the definition and
/// repetition levels at which it is present (Dremel).
final class ParquetNode {
    enum Repetition: Int { case required = 0, optional = 1, repeated = 2 }
    enum Physical: Int { case boolean = 0, int32, int64, int96, float, double, byteArray, fixedLenByteArray }

    let name: String
    let repetition: Repetition
    let physical: Physical?
    let typeLength: Int
    /// UTF8/ENUM/JSON annotated byte arrays are text; other byte arrays are binary (written as base64).
    let isText: Bool
    let isUnsigned: Bool
    /// LIST or MAP annotated groups become JSON arrays of their elements.
    let isList: Bool
    var children: [ParquetNode] = []
    var definitionLevel = 0
    var repetitionLevel = 0

    init(_ e: Thrift) {
        name = e[4]?.string ?? ""
        repetition = Repetition(rawValue: e[3]?.int ?? 0) ?? .required
        physical = e[1]?.int.flatMap(Physical.init)
        typeLength = e[2]?.int ?? 0
        let converted = e[6]?.int, logical = e[10]
        isText = [0, 4, 19].contains(converted) || logical?[1] != nil || logical?[4] != nil || logical?[12] != nil
        isUnsigned = [11, 12, 13, 14].contains(converted) || logical?[10]?[2]?.bool == false
        isList = [1, 2, 3].contains(converted) || logical?[2] != nil || logical?[3] != nil
    }

    var isLeaf: Bool { physical != nil && children.isEmpty }
}

/// The parts of the footer (`FileMetaData`) a row reader needs.
struct ParquetFooter {
    let fields: [ParquetNode]
    /// Leaves in schema order, each with its path from the top: one column chunk each per row group.
    let leaves: [[ParquetNode]]
    let rowGroups: [Thrift]
    let rows: Int

    init(_ meta: Thrift) throws {
        let elements = meta[2]?.list ?? []
        guard let root = elements.first else { throw Decompress.Failure(description: "the footer has no schema") }
        var position = 1
        func build(_ count: Int, definition: Int, repetition: Int, depth: Int) throws -> [ParquetNode] {
            guard depth <= 100 else { throw Decompress.Failure(description: "the schema nests too deeply") }
            var out: [ParquetNode] = []
            for _ in 0..<max(count, 0) {
                guard position < elements.count else { throw Decompress.Failure(description: "the schema is cut short") }
                let e = elements[position]
                position += 1
                let node = ParquetNode(e)
                node.definitionLevel = definition + (node.repetition == .required ? 0 : 1)
                node.repetitionLevel = repetition + (node.repetition == .repeated ? 1 : 0)
                if let n = e[5]?.int, n > 0 {
                    node.children = try build(n, definition: node.definitionLevel, repetition: node.repetitionLevel, depth: depth + 1)
                }
                out.append(node)
            }
            return out
        }
        fields = try build(root[5]?.int ?? 0, definition: 0, repetition: 0, depth: 0)
        var leaves: [[ParquetNode]] = []
        func walk(_ n: ParquetNode, _ path: [ParquetNode]) {
            if n.children.isEmpty { leaves.append(path + [n]) } else { for c in n.children { walk(c, path + [n]) } }
        }
        for f in fields { walk(f, []) }
        self.leaves = leaves
        rowGroups = meta[4]?.list ?? []
        rows = meta[3]?.int ?? 0
        if let deep = leaves.first(where: { $0.last!.definitionLevel > 255 || $0.last!.repetitionLevel > 255 }) {
            throw Decompress.Failure(description: "column \(deep.map(\.name).joined(separator: ".")) is nested too deeply")
        }
    }
}
