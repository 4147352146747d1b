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
    /// The weights file, which the embedding tables read in place.
    private let mapping: MappedFile
    let hidden: Int, tags: Int, inputs: Int
    var gateRows: Int { 4 * hidden }
    var inputRows: Int { 8 * hidden }

    static let windowSize = 3
    /// The second code point of a last character's bigram key, `c + "<E>"` (not a code point, so no text has it).
    static let endOfText: UInt32 = 0x110000
    /// bin/nagisa-setup's folder name, which changes with the files' format (so an older cache is rebuilt, not misread).
    static let formatVersion = "nagisa-0.2.11-v2"

    /// An embedding table: row i is `dim` floats from float `offset + i * dim` of the weights file's
    /// values (in its mapping, not necessarily aligned).
    struct Table: @unchecked Sendable {  // read-only memory that lives as long as the model
        let values: UnsafeRawPointer, offset: Int, dim: Int, count: Int

        /// Row `id` into `to` (`dim` floats).
        @inline(__always) func copyRow(_ id: Int32, to: UnsafeMutablePointer<Float>) {
            let row = values + 4 * (offset + Int(id) * dim)
            for j in 0..<dim { to[j] = row.loadUnaligned(fromByteOffset: 4 * j, as: Float.self) }
        }
    }

    /// DyNet's VanillaLSTMBuilder (one layer): gates i, f, o, g stacked; forget bias 1.
    /// `wh` column-major (column j holds the gate rows for `h[j]`).
    struct LSTM: Sendable {
        let wh: [Float], b: [Float]
    }

    init(directory: String) throws {
        let weightsPath = directory + "/nagisa_v001.weights", vocabPath = directory + "/nagisa_v001.vocab"
        let data: MappedFile, vocab: MappedFile
        do {
            (data, vocab) = (try MappedFile(weightsPath), try MappedFile(vocabPath))
        } catch {
            throw EvalError("nagisa's model files are missing in \(directory) (\(error))", field: "bleu_lmevalja",
                            hint: "run bin/nagisa-setup (it prints NAGISA_DATA=…)")
        }
        mapping = data
        let bytes = data.bytes
        guard let newline = bytes.firstIndex(of: 0x0A), let header = try JSON.decode(bytes[..<newline]).object else {
            throw EvalError("no header in \(weightsPath)", hint: "rerun bin/nagisa-setup")
        }
        // The values start right after the header line, so they are read unaligned.
        let values = UnsafeRawPointer(bytes.baseAddress!) + newline + 1, count = (bytes.count - newline - 1) / 4
        func float(_ i: Int) -> Float { values.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
        /// A parameter `{rows, cols}` (DyNet stores it column-major): its offset, checked.
        func param(_ name: String, _ rows: Int?, _ cols: Int?) throws -> (rows: Int, cols: Int, offset: Int) {
            guard let d = header[name]?.array, d.count == 3, let r = d[0].int, let c = d[1].int, let off = d[2].int,
                  r > 0, c > 0, off >= 0, off + r * c <= count, rows.map({ $0 == r }) ?? true, cols.map({ $0 == c }) ?? true else {
                throw EvalError("parameter \(name) missing, out of range or of an unexpected shape in \(weightsPath)", hint: "rerun bin/nagisa-setup")
            }
            return (r, c, off)
        }
        func array(_ p: (rows: Int, cols: Int, offset: Int)) -> [Float] { (p.offset..<(p.offset + p.rows * p.cols)).map(float) }
        /// A lookup table `{dim, size}`: embedding i is column i.
        func table(_ name: String) throws -> Table {
            let p = try param(name, nil, nil)
            return Table(values: values, offset: p.offset, dim: p.rows, count: p.cols)
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
                wx[c * 2 * gates + r] = float(fwx.offset + c * gates + r)
                wx[c * 2 * gates + gates + r] = float(bwx.offset + c * gates + r)
            }
        }
        inputWeights = wx
        forward = LSTM(wh: array(fwh), b: array(try param(f + "/_2", gates, 1)))
        backward = LSTM(wh: array(try param(b + "/_1", gates, hidden)), b: array(try param(b + "/_2", gates, 1)))
        let out = try param("/_5", nil, 2 * hidden), tags = out.rows, outCols = 2 * hidden
        self.tags = tags
        wOut = (0..<tags).flatMap { r in (0..<outCols).map { c in float(out.offset + c * tags + r) } }
        bOut = array(try param("/_6", tags, 1))
        trans = array(try param("/_7", tags, tags)).map(Double.init)
        guard tags == 6, ctypeEmb.count == 7 else { throw EvalError("unexpected parameter shapes in \(weightsPath)", hint: "rerun bin/nagisa-setup") }

        let v = try Self.tables(directory: directory, vocab: vocab, rows: [uniEmb.count, biEmb.count, wordEmb.count])
        (uni, bi, word) = (v[0].table, v[1].table, v[2].table)
        (uniOOV, biOOV, wordOOV) = (v[0].oov, v[1].oov, v[2].oov)
    }

    /// The vocabulary's tables as a previous process built them into `nagisa_v001.tables` for this
    /// vocabulary file and these embedding tables (read in place: no parsing, no hashing, and only
    /// the pages a lookup touches); else built from the vocabulary and written there for the next
    /// process, when the folder is writable. The file: a magic line, the signature, then per table
    /// its offset and `oov` id, and the tables (`CodePointTable.bytes`).
    private static func tables(directory: String, vocab: MappedFile, rows: [Int]) throws -> [(table: CodePointTable, oov: Int32)] {
        let vocabPath = directory + "/nagisa_v001.vocab", path = directory + "/nagisa_v001.tables"
        let magic = Array("nagisa tables 1\n".utf8), headerSize = (magic.count + 8 + 16 * rows.count + 15) & ~15
        // The vocabulary file as stat sees it (bin/nagisa-setup writes it once), and the rows.
        var info = stat(), signature: UInt64 = 0x243F_6A88_85A3_08D3
        guard stat(vocabPath, &info) == 0 else { throw EvalError("\(vocabPath): \(String(cString: strerror(errno)))") }
        for w in [Int(info.st_size), Int(info.st_ino), info.st_mtim.tv_sec, info.st_mtim.tv_nsec] + rows {
            signature = (signature ^ UInt64(truncatingIfNeeded: w)) &* 0x9E37_79B9_7F4A_7C15
            signature ^= signature >> 31
        }
        if let file = try? MappedFile(path), file.bytes.count >= headerSize, file.bytes.starts(with: magic) {
            let raw = UnsafeRawBufferPointer(file.bytes)
            func word(_ i: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: magic.count + 8 * i, as: UInt64.self)) }
            if word(0) == signature {
                let found = rows.indices.compactMap { t in
                    let oov = Int(truncatingIfNeeded: word(2 + 2 * t))
                    return (0..<rows[t]).contains(oov) ? CodePointTable(mapped: file, at: Int(truncatingIfNeeded: word(1 + 2 * t)), ids: rows[t]).map { ($0, Int32(oov)) } : nil
                }
                if found.count == rows.count { return found }
            }
        }
        let built = try vocabularies(vocab.bytes, path: vocabPath, rows: rows)
        var header = magic, body: [UInt8] = []
        func append(_ w: UInt64) { withUnsafeBytes(of: w.littleEndian) { header.append(contentsOf: $0) } }
        append(signature)
        for (table, oov) in built {
            append(UInt64(headerSize + body.count)); append(UInt64(oov))
            body += table.bytes
        }
        header += repeatElement(0, count: headerSize - header.count)
        try? MappedFile.writeAtomically(header + body, to: path)
        return built
    }

    /// bin/nagisa-setup's vocabulary file: a magic line, then the uni, bi and word tables, each a
    /// count and, per entry, its id, its key's length and the key's code points (little-endian UInt32s).
    /// A bigram key `c<E>` becomes `[c, endOfText]`; keys no lookup can reach (`oov` as a unigram) are
    /// dropped. The three hash tables are built at once (two of them are large; a second worker
    /// would only wait for the model).
    private static func vocabularies(_ bytes: UnsafeBufferPointer<UInt8>, path: String, rows: [Int]) throws -> [(table: CodePointTable, oov: Int32)] {
        let magic = Array("nagisa vocabulary 1\n".utf8)
        guard bytes.starts(with: magic) else { throw EvalError("not a nagisa vocabulary file: \(path)", hint: "rerun bin/nagisa-setup") }
        let raw = UnsafeRawPointer(bytes.baseAddress!) + magic.count, words = (bytes.count - magic.count) / 4
        var at = 0
        func word(_ i: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        func truncated() -> EvalError { EvalError("truncated nagisa vocabulary file: \(path)", hint: "rerun bin/nagisa-setup") }
        let endMark: [UInt32] = [0x3C, 0x45, 0x3E], oovKey: [UInt32] = [0x6F, 0x6F, 0x76]  // "<E>", "oov"
        var parsed: [(keys: [UInt32], entries: [(start: Int, count: Int, id: Int32)], oov: Int32)] = []
        let kinds: [(name: String, maxLength: Int)] = [("uni", 1), ("bi", 2), ("word", 8)]
        for (t, (name, _)) in kinds.enumerated() {
            guard at < words else { throw truncated() }
            let count = Int(word(at)); at += 1
            var keys: [UInt32] = [], entries: [(start: Int, count: Int, id: Int32)] = [], oov: Int32?
            keys.reserveCapacity(min(3 * count, words)); entries.reserveCapacity(min(count, words))
            for _ in 0..<count {
                guard at + 2 <= words else { throw truncated() }
                let id = word(at), length = Int(word(at + 1))
                at += 2
                guard id < rows[t], length <= 1 << 16 else { throw EvalError("bad \(name) entry in \(path)", hint: "rerun bin/nagisa-setup") }
                guard at + length <= words else { throw truncated() }
                let start = keys.count
                for i in 0..<length { keys.append(word(at + i)) }
                at += length
                var n = length
                if length == 3 && keys[start...].elementsEqual(oovKey) { oov = Int32(id) }
                if name == "bi" && length == 4 && keys[(start + 1)...].elementsEqual(endMark) {
                    keys.removeLast(2); keys[start + 1] = endOfText; n = 2
                }
                entries.append((start, n, Int32(id)))
            }
            guard let oov else { throw EvalError("no oov entry in the \(name) table of \(path)", hint: "rerun bin/nagisa-setup") }
            parsed.append((keys, entries, oov))
        }
        guard magic.count + 4 * at == bytes.count else { throw EvalError("trailing bytes in \(path)", hint: "rerun bin/nagisa-setup") }
        let input = parsed
        // Each iteration writes its own element.
        nonisolated(unsafe) let tables = UnsafeMutableBufferPointer<CodePointTable?>.allocate(capacity: input.count)
        tables.initialize(repeating: nil)
        defer { tables.deinitialize(); tables.deallocate() }
        DispatchQueue.concurrentPerform(iterations: input.count) { t in
            tables[t] = CodePointTable(input[t].keys, input[t].entries, maxLength: kinds[t].maxLength, prefixes: kinds[t].name == "word")
        }
        return zip(tables, input).map { ($0!, $1.oov) }
    }
}

