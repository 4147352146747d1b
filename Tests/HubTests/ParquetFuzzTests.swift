import EvalCore
import Foundation
import Testing
@testable import Hub

/// Mutated copies of the committed Parquet fixtures: every one either reads or fails with an error
/// naming the file, never a trap (a trap kills the whole test process, which fails the run).
@Suite struct ParquetFuzz {
    /// Bytes flipped at random, runs overwritten with large varints and little-endian lengths (the
    /// footer, where lengths and offsets live, is hit more often), and cut files.
    static func mutate(_ original: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = original
        let footerStart = max(0, b.count - 8 - Int(UInt32(b[b.count - 8]) | UInt32(b[b.count - 7]) << 8 | UInt32(b[b.count - 6]) << 16))
        func position() -> Int {
            rng.next() % 2 == 0 ? Int(rng.next() % UInt64(b.count)) : footerStart + Int(rng.next() % UInt64(b.count - footerStart))
        }
        switch rng.next() % 5 {
        case 0:
            for _ in 0..<(1 + rng.next() % 8) { b[position()] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8)) }
        case 1:
            let p = position()
            for i in 0..<min(5, b.count - p) { b[p + i] = i < 4 ? 0xFF : 0x7F }  // a huge varint
        case 2:
            let p = position()
            let v = [UInt32.max, UInt32(Int32.max), 0x8000_0000, UInt32(b.count), 0][Int(rng.next() % 5)]
            for i in 0..<min(4, b.count - p) { b[p + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
        case 3:
            b = Array(b.prefix(Int(rng.next() % UInt64(b.count))))
        default:
            let p = position()
            b[p] = UInt8(truncatingIfNeeded: rng.next())
            if p + 1 < b.count { b[p + 1] = UInt8(truncatingIfNeeded: rng.next()) }
        }
        return b
    }

    @Test func mutatedFilesFailCleanly() throws {
        let tmp = try TemporaryDirectory()
        // Each codec and page version once, the small file (3 rows, nested columns) three times as often.
        let names = ["plain_none_v1", "dict_snappy_v1", "dict_gzip_v1", "plain_zstd_v1", "dict_none_v2", "plain_snappy_v2"]
        let load = { (name: String) in Array(try Data(contentsOf: URL(fileURLWithPath: "\(Parquet.fixtures)/parquet/\(name).parquet"))) }
        let tiny = try load("tiny")
        let originals = try names.flatMap { [tiny, tiny, tiny, try load($0)] }
        var rng = SplitMix64(seed: 20261201)
        var failed = 0, read = 0
        let path = tmp.path + "/m.parquet"
        let cases = 2000
        for n in 0..<cases {
            let original = originals[n % originals.count]
            try write(ParquetFuzz.mutate(original, &rng), path)
            do {
                _ = try rows(path)
                read += 1
            } catch let e as EvalError {
                failed += 1
                #expect(e.file == path && !e.message.isEmpty, "case \(n): \(e)")
            } catch {
                Issue.record("case \(n): not an EvalError: \(error)")
            }
        }
        #expect(failed + read == cases)
        // Most mutations break something the reader checks; some land in bytes it never reads.
        #expect(failed > cases / 2)
        #expect(read > 0)
    }
}
