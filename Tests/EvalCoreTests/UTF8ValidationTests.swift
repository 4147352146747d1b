@testable import EvalCore
import Testing

/// The JSON parser's own UTF-8 check against the standard library's `String(validating:as:)`.
@Suite struct UTF8ValidationTests {
    /// Bytes around every boundary of table 3-7 (lead bytes, the narrowed second-byte ranges of
    /// E0, ED, F0 and F4, continuation bytes) mixed with ASCII runs and well-formed characters.
    static let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                       0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF]
    static let pieces: [[UInt8]] = ["abcdefghij", "日本語", "é", "🤔", "\u{FFFF}", "\u{10FFFF}", "\u{D7FF}", "\u{E000}"].map { Array($0.utf8) }

    @Test func agreesWithTheStandardLibrary() {
        var rng = SplitMix64(seed: 7)
        var valid = 0, invalid = 0
        for _ in 0..<200_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<8, using: &rng) {
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes.append(Self.interesting.randomElement(using: &rng)!)
                case 1: bytes.append(contentsOf: Self.pieces.randomElement(using: &rng)!)
                default: bytes.append(UInt8.random(in: 0...255, using: &rng))
                }
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let got = bytes.withUnsafeBufferPointer(isValidUTF8)
            #expect(got == expected, "\(bytes.map { String($0, radix: 16) })")
            if expected { valid += 1 } else { invalid += 1 }
        }
        // Both outcomes well represented, or the comparison shows little.
        #expect(valid > 30_000 && invalid > 30_000, "\(valid) valid, \(invalid) invalid")
    }

    @Test func everyScalarIsValidAndEverySurrogateIsNot() {
        var checked = 0
        for v in UInt32(0)...0x10FFFF {
            let bytes: [UInt8]
            if let u = Unicode.Scalar(v) { bytes = Array(String(Character(u)).utf8) } else {
                bytes = [0xED, UInt8(0x80 | (v >> 6) & 0x3F), UInt8(0x80 | v & 0x3F)]  // encoded surrogate
            }
            #expect(bytes.withUnsafeBufferPointer(isValidUTF8) == (Unicode.Scalar(v) != nil), "U+\(String(v, radix: 16))")
            checked += 1
        }
        #expect(checked == 0x110000)
    }
}
