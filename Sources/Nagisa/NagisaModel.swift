import EvalCore
import Foundation

/// nagisa 0.2.11's word-segmentation network (model `nagisa_v001`), read from the files
/// bin/nagisa-setup converts from the PyPI wheel: float32 weights behind a JSON header, and the
/// unigram, bigram and word vocabularies as code points. The weights are kept in DyNet's
/// column-major order, which is the order the tagger reads them in.
final class NagisaModel: Sendable {
    let uni: CodePointTable, bi: CodePointTable, word: CodePointTable
    let uniOOV: Int32, biOOV: Int32, wordOOV: Int32
    /// Embedding tables; `pad` ids and `oov` are ordinary rows.
    let uniEmb: Table, biEmb: Table, wordEmb: Table, ctypeEmb: Table
    /// Both directions' input weights, column by column: column c holds the forward direction's
    /// gate rows, then the backward one's (`inputRows` values).
    let inputWeights: [Float]
    let forward: LSTM, backward: LSTM
    /// `w_ws` row-major (tags × 2H), `b_ws`, and `trans[next * tags + previous]` (nagisa's `trans.as_array()`).
    let wOut: [Float], bOut: [Float], trans: [Double]
    let hidden: Int, tags: Int, inputs: Int
    var gateRows: Int { 4 * hidden }
    var inputRows: Int { 8 * hidden }

    static let windowSize = 3
    /// The second code point of a last character's bigram key, `c + "<E>"` (not a code point, so no text has it).
    static let endOfText: UInt32 = 0x110000
    /// bin/nagisa-setup's folder name, which changes with the files' format (so an older cache is rebuilt, not misread).
    static let formatVersion = "nagisa-0.2.11-v2"

    /// An embedding table: row i is `dim` floats from `offset + i * dim` of `floats`.
    struct Table: Sendable {
        let floats: [Float], offset: Int, dim: Int, count: Int
    }

    /// DyNet's VanillaLSTMBuilder (one layer): gates i, f, o, g stacked; forget bias 1.
    /// `wh` column-major (column j holds the gate rows for `h[j]`).
    struct LSTM: Sendable {
        let wh: [Float], b: [Float]
    }

    init(directory: String) throws {
        let weightsPath = directory + "/nagisa_v001.weights", vocabPath = directory + "/nagisa_v001.vocab"
        guard let data = FileManager.default.contents(atPath: weightsPath),
              let vocab = FileManager.default.contents(atPath: vocabPath) else {
            throw EvalError("nagisa's model files are missing in \(directory)", field: "bleu_lmevalja",
                            hint: "run bin/nagisa-setup (it prints NAGISA_DATA=…)")
        }
        let (header, floats) = try data.withUnsafeBytes { raw -> ([String: JSONValue], [Float]) in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let newline = bytes.firstIndex(of: 0x0A), let header = try JSON.decode(bytes[..<newline]).object else {
                throw EvalError("no header in \(weightsPath)", hint: "rerun bin/nagisa-setup")
            }
            let count = (bytes.count - newline - 1) / 4
            var floats = [Float](repeating: 0, count: count)
            floats.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(newline + 1)..<(newline + 1 + 4 * count)])) }
            return (header, floats)
        }
        /// A parameter `{rows, cols}` (DyNet stores it column-major): its offset, checked.
        func param(_ name: String, _ rows: Int?, _ cols: Int?) throws -> (rows: Int, cols: Int, offset: Int) {
            guard let d = header[name]?.array, d.count == 3, let r = d[0].int, let c = d[1].int, let off = d[2].int,
                  r > 0, c > 0, off >= 0, off + r * c <= floats.count, rows.map({ $0 == r }) ?? true, cols.map({ $0 == c }) ?? true else {
                throw EvalError("parameter \(name) missing, out of range or of an unexpected shape in \(weightsPath)", hint: "rerun bin/nagisa-setup")
            }
            return (r, c, off)
        }
        func values(_ p: (rows: Int, cols: Int, offset: Int)) -> [Float] { Array(floats[p.offset..<(p.offset + p.rows * p.cols)]) }
        /// A lookup table `{dim, size}`: embedding i is column i.
        func table(_ name: String) throws -> Table {
            let p = try param(name, nil, nil)
            return Table(floats: floats, offset: p.offset, dim: p.rows, count: p.cols)
        }
        // Parameter names are DyNet's, in nagisa's creation order (model.py): lookups UNI /_0, BI /_1,
        // WORD /_2, CTYPE /_3; w_ws /_5, b_ws /_6, trans /_7; the segmentation BiLSTM is `/birnn/`.
        uniEmb = try table("/_0"); biEmb = try table("/_1"); wordEmb = try table("/_2"); ctypeEmb = try table("/_3")
        let f = "/birnn/vanilla-lstm-builder", b = "/birnn/vanilla-lstm-builder_1"
        let fwh = try param(f + "/_1", nil, nil)
        hidden = fwh.cols
        inputs = (uniEmb.dim + biEmb.dim + ctypeEmb.dim) * Self.windowSize + 2 * wordEmb.dim
        let gates = 4 * hidden
        let fwx = try param(f + "/_0", gates, inputs), bwx = try param(b + "/_0", gates, inputs)
        var wx = [Float](repeating: 0, count: 2 * gates * inputs)
        for c in 0..<inputs {
            for r in 0..<gates {
                wx[c * 2 * gates + r] = floats[fwx.offset + c * gates + r]
                wx[c * 2 * gates + gates + r] = floats[bwx.offset + c * gates + r]
            }
        }
        inputWeights = wx
        forward = LSTM(wh: values(fwh), b: values(try param(f + "/_2", gates, 1)))
        backward = LSTM(wh: values(try param(b + "/_1", gates, hidden)), b: values(try param(b + "/_2", gates, 1)))
        let out = try param("/_5", nil, 2 * hidden), tags = out.rows, outCols = 2 * hidden
        self.tags = tags
        wOut = (0..<tags).flatMap { r in (0..<outCols).map { c in floats[out.offset + c * tags + r] } }
        bOut = values(try param("/_6", tags, 1))
        trans = values(try param("/_7", tags, tags)).map(Double.init)
        guard tags == 6, ctypeEmb.count == 7 else { throw EvalError("unexpected parameter shapes in \(weightsPath)", hint: "rerun bin/nagisa-setup") }

        let v = try Self.vocabularies([UInt8](vocab), path: vocabPath, rows: [uniEmb.count, biEmb.count, wordEmb.count])
        (uni, bi, word) = (v[0].table, v[1].table, v[2].table)
        (uniOOV, biOOV, wordOOV) = (v[0].oov, v[1].oov, v[2].oov)
    }

    /// bin/nagisa-setup's vocabulary file: a magic line, then the uni, bi and word tables, each a
    /// count and, per entry, its id, its key's length and the key's code points (little-endian UInt32s).
    /// A bigram key `c<E>` becomes `[c, endOfText]`; keys no lookup can reach (`oov` as a unigram) are dropped.
    private static func vocabularies(_ bytes: [UInt8], path: String, rows: [Int]) throws -> [(table: CodePointTable, oov: Int32)] {
        let magic = Array("nagisa vocabulary 1\n".utf8)
        guard bytes.starts(with: magic) else { throw EvalError("not a nagisa vocabulary file: \(path)", hint: "rerun bin/nagisa-setup") }
        var at = magic.count
        func next() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw EvalError("truncated nagisa vocabulary file: \(path)", hint: "rerun bin/nagisa-setup") }
            defer { at += 4 }
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        let endMark = Array("<E>".unicodeScalars.map(\.value)), oovKey = Array("oov".unicodeScalars.map(\.value))
        var tables: [(table: CodePointTable, oov: Int32)] = []
        for (t, (name, maxLength)) in [("uni", 1), ("bi", 2), ("word", 8)].enumerated() {
            let count = Int(try next())
            var keys: [UInt32] = [], entries: [(start: Int, count: Int, id: Int32)] = [], oov: Int32?
            keys.reserveCapacity(3 * count); entries.reserveCapacity(count)
            for _ in 0..<count {
                let id = try next(), length = Int(try next())
                guard id < rows[t], length <= 1 << 16 else { throw EvalError("bad \(name) entry in \(path)", hint: "rerun bin/nagisa-setup") }
                let start = keys.count
                for _ in 0..<length { keys.append(try next()) }
                var n = length
                if keys[start...].elementsEqual(oovKey) { oov = Int32(id) }
                if name == "bi" && length == 4 && keys[(start + 1)...].elementsEqual(endMark) {
                    keys.removeLast(2); keys[start + 1] = endOfText; n = 2
                }
                entries.append((start, n, Int32(id)))
            }
            guard let oov else { throw EvalError("no oov entry in the \(name) table of \(path)", hint: "rerun bin/nagisa-setup") }
            tables.append((CodePointTable(keys, entries, maxLength: maxLength, prefixes: name == "word"), oov))
        }
        guard at == bytes.count else { throw EvalError("trailing bytes in \(path)", hint: "rerun bin/nagisa-setup") }
        return tables
    }
}
