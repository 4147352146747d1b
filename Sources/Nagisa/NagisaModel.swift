import EvalCore
import Foundation

/// nagisa 0.2.11's word-segmentation network (model `nagisa_v001`), read from the files
/// bin/nagisa-setup converts from the PyPI wheel: float32 weights behind a JSON header, and the
/// unigram, bigram and word vocabularies. Keys are UTF-8 bytes, compared as Python compares `str`
/// keys (code point by code point; Swift's `String` would merge canonically equivalent keys).
final class NagisaModel: Sendable {
    typealias Key = [UInt8]
    let uni: [Key: Int], bi: [Key: Int], word: [Key: Int]
    let uniOOV: Int, biOOV: Int, wordOOV: Int
    /// Embedding tables, one row per id.
    let uniEmb: Matrix, biEmb: Matrix, wordEmb: Matrix, ctypeEmb: Matrix
    /// The two directions of the segmentation BiLSTM (`/birnn/`), then the output layer and the tag transitions.
    let forward: LSTM, backward: LSTM
    let wOut: Matrix, bOut: [Double]
    /// `trans[next][previous]`, as nagisa's `trans.as_array()`.
    let trans: [[Double]]

    static let windowSize = 3

    /// Row-major doubles.
    struct Matrix: Sendable {
        let rows: Int, cols: Int
        let values: [Double]
        subscript(r: Int) -> ArraySlice<Double> { values[(r * cols)..<((r + 1) * cols)] }
    }

    /// DyNet's VanillaLSTMBuilder (one layer): gates i, f, o, g stacked in `wx`, `wh`, `b`; forget bias 1.
    struct LSTM: Sendable {
        let wx: Matrix, wh: Matrix, b: [Double]
        var hidden: Int { wh.cols }
    }

    init(directory: String) throws {
        let weightsPath = directory + "/nagisa_v001.weights", vocabPath = directory + "/nagisa_v001.vocab.jsonl"
        guard let data = FileManager.default.contents(atPath: weightsPath),
              let vocabData = FileManager.default.contents(atPath: vocabPath) else {
            throw EvalError("nagisa's model files are missing in \(directory)", field: "bleu_lmevalja",
                            hint: "run bin/nagisa-setup (it prints NAGISA_DATA=…)")
        }
        let bytes = [UInt8](data)
        guard let newline = bytes.firstIndex(of: 0x0A), let header = try JSON.decode(bytes[..<newline]).object else {
            throw EvalError("no header in \(weightsPath)", hint: "rerun bin/nagisa-setup")
        }
        let floatsStart = newline + 1
        let count = (bytes.count - floatsStart) / 4
        var floats = [Float](repeating: 0, count: count)
        floats.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[floatsStart..<(floatsStart + count * 4)]))
            }
        }
        /// DyNet stores a parameter column-major with its dimensions `{rows, cols}`.
        func param(_ name: String) throws -> (rows: Int, cols: Int, at: (Int, Int) -> Double) {
            guard let d = header[name]?.array, d.count == 3, let rows = d[0].int, let cols = d[1].int, let off = d[2].int,
                  off >= 0, off + rows * cols <= floats.count else {
                throw EvalError("parameter \(name) missing or out of range in \(weightsPath)", hint: "rerun bin/nagisa-setup")
            }
            return (rows, cols, { r, c in Double(floats[off + c * rows + r]) })
        }
        func matrix(_ name: String) throws -> Matrix {
            let p = try param(name)
            var v = [Double](repeating: 0, count: p.rows * p.cols)
            for r in 0..<p.rows { for c in 0..<p.cols { v[r * p.cols + c] = p.at(r, c) } }
            return Matrix(rows: p.rows, cols: p.cols, values: v)
        }
        /// A lookup table `{dim, size}`: embedding i is column i; as rows here.
        func table(_ name: String) throws -> Matrix {
            let p = try param(name)
            var v = [Double](repeating: 0, count: p.rows * p.cols)
            for c in 0..<p.cols { for r in 0..<p.rows { v[c * p.rows + r] = p.at(r, c) } }
            return Matrix(rows: p.cols, cols: p.rows, values: v)
        }
        func vector(_ name: String) throws -> [Double] { try matrix(name).values }
        func lstm(_ prefix: String) throws -> LSTM {
            LSTM(wx: try matrix(prefix + "/_0"), wh: try matrix(prefix + "/_1"), b: try vector(prefix + "/_2"))
        }
        // Parameter names are DyNet's, in nagisa's creation order (model.py): lookups UNI /_0, BI /_1,
        // WORD /_2, CTYPE /_3; w_ws /_5, b_ws /_6, trans /_7.
        uniEmb = try table("/_0"); biEmb = try table("/_1"); wordEmb = try table("/_2"); ctypeEmb = try table("/_3")
        forward = try lstm("/birnn/vanilla-lstm-builder")
        backward = try lstm("/birnn/vanilla-lstm-builder_1")
        wOut = try matrix("/_5"); bOut = try vector("/_6")
        let t = try table("/_7")
        trans = (0..<t.rows).map { Array(t[$0]) }

        var tables: [String: [Key: Int]] = ["uni": [:], "bi": [:], "word": [:]]
        var line = 0
        for raw in vocabData.split(separator: 0x0A) {
            line += 1
            guard let e = try JSON.decode(raw).array, e.count == 3, let t = e[0].string, tables[t] != nil,
                  let k = e[1].string, let id = e[2].int else {
                throw EvalError("not a [table, key, id] line", file: vocabPath, line: line, hint: "rerun bin/nagisa-setup")
            }
            tables[t]![Array(k.utf8)] = id
        }
        uni = tables["uni"]!; bi = tables["bi"]!; word = tables["word"]!
        guard let u = uni[Array("oov".utf8)], let b = bi[Array("oov".utf8)], let w = word[Array("oov".utf8)] else {
            throw EvalError("no oov entry in \(vocabPath)")
        }
        (uniOOV, biOOV, wordOOV) = (u, b, w)
        let inputs = (uniEmb.cols + biEmb.cols + ctypeEmb.cols) * Self.windowSize + 2 * wordEmb.cols
        guard forward.wx.cols == inputs, backward.wx.cols == inputs, forward.wx.rows == 4 * forward.hidden,
              wOut.cols == forward.hidden + backward.hidden, trans.count == wOut.rows else {
            throw EvalError("unexpected parameter shapes in \(weightsPath)", hint: "rerun bin/nagisa-setup")
        }
    }
}
