@testable import EvalCore
import Foundation
import XCTest

/// `nfkc` returns texts of NFKC starters as they are: each such code point must be its own
/// NFKC and of combining class 0, and texts mixing them with anything else must normalize as the
/// two Foundation passes do.
final class NFKCTests: XCTestCase {
    static func twoPasses(_ s: String) -> String {
        s.decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
    }

    func testStartersAreTheirOwnNFKC() {
        var starters = 0
        for v in 0..<0x11_0000 {
            guard let c = Unicode.Scalar(v), c.isNFKCStarter else { continue }
            let s = String(String.UnicodeScalarView([c]))
            XCTAssertTrue(Self.twoPasses(s).unicodeScalars.elementsEqual([c]), "U+\(String(v, radix: 16))")
            XCTAssertEqual(c.properties.canonicalCombiningClass, .notReordered, "U+\(String(v, radix: 16))")
            starters += 1
        }
        XCTAssertGreaterThan(starters, 27_000)
    }

    func testTextsAgreeWithTheTwoPasses() {
        // Starters beside what composes with them or decomposes: voiced marks, half-width kana,
        // full-width forms, jamo, Latin with combining marks.
        let pool: [Unicode.Scalar] = ["a", "Z", " ", "1", "か", "は", "ゝ", "ゞ", "カ", "ー", "ヽ", "日", "本", "、", "。", "「",
                                      "\u{3099}", "\u{309A}", "\u{309B}", "\u{3000}", "ｶ", "ﾞ", "ﾟ", "Ａ", "１", "ゟ", "ヿ", "〶",
                                      "\u{1100}", "\u{1161}", "\u{11A8}", "e", "\u{301}", "é", "ﬁ", "①", "㍻", "\u{302A}"]
        var rng = SplitMix64(seed: 2026)
        for n in 0..<20_000 {
            let length = Int(rng.next() % 8)
            let text = String(String.UnicodeScalarView((0..<length).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }))
            XCTAssertTrue(text.nfkc.unicodeScalars.elementsEqual(Self.twoPasses(text).unicodeScalars), "text \(n): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
