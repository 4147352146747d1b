import Foundation
@testable import Scoring
import XCTest

/// latex2sympy2_extended's normalization vectors (docs/benchmarks.md, Math normalization) and the parser's
/// bounds.
final class MathNormalizationTests: XCTestCase {
    func testReferenceNormalizationVectors() {
        let cases: [(String, String)] = [
            ("50 percent", #"50\\%"#),
            (#"\boxed{5} and \boxed{6}"#, "5,6"),
            ("a=b=5", "5"),
            (#"10 \text{ cm}"#, "10"),
            ("3 meters", "3 meters"),
            (#"\dfrac12"#, #"\frac{1}{2}"#),
            (".5", #"\frac{1}{2}"#),
            ("2/3", #"\frac{2}{3}"#),
            (#"x \in [1,2]"#, #"x \in [1,2]"#),
        ]
        for (input, want) in cases {
            XCTAssertEqual(LatexNormalizer.normalize(input, boxed: .all), want, input)
        }
    }

    /// "last" keeps only boxes joined by `and`/`or`/`,`; an unclosed box keeps the rest of the text.
    func testBoxedModes() {
        XCTAssertEqual(LatexNormalizer.extractBoxed(#"\boxed{1} so \boxed{2} and \boxed{3}"#, mode: .last), "2,3")
        XCTAssertEqual(LatexNormalizer.extractBoxed(#"\boxed{1} so \boxed{2} and \boxed{3}"#, mode: .all), "1,2,3")
        XCTAssertEqual(LatexNormalizer.extractBoxed(#"x \boxed{\frac{3}{4}"#, mode: .last), #"{\frac{3}{4}"#)
    }

    func testEquivalenceRules() {
        func eq(_ g: String, _ p: String, precision: Int = 5) -> Bool {
            MathEquivalence.equal(LatexParser.parse(g)!, LatexParser.parse(p)!, precision: precision)
        }
        XCTAssertTrue(eq(#"\frac{14}{3}"#, "4.666666667"))
        XCTAssertFalse(eq(#"\frac{14}{3}"#, "4.6667"))
        XCTAssertTrue(eq(#"\frac{14}{3}"#, #"4\frac{2}{3}"#))         // mixed number
        XCTAssertTrue(eq(#"3\sqrt{2}"#, #"\sqrt{18}"#))
        XCTAssertFalse(eq(#"\sqrt{2}"#, "1.41421"))                    // a Float only meets a Number by rounding
        XCTAssertTrue(eq("x^2+2x+1", "(x+1)^2"))
        XCTAssertTrue(eq("[-2,5)", "[-2, 5)"))
        XCTAssertFalse(eq("[-2,5)", "(-2,5)"))
        XCTAssertTrue(eq(#"\{1,2,3\}"#, #"\{3,2,1\}"#))
        XCTAssertFalse(eq("(2,3)", "(3,2)"))                             // an interval against a tuple
        XCTAssertTrue(eq("y=2x+3", "y=3+2x"))
        XCTAssertTrue(eq("10", "x=10"))
        XCTAssertTrue(eq(#"\text{odd}"#, "odd"))                         // o·dd spells the symbol
        XCTAssertTrue(eq(#"25\%"#, #"\frac{1}{4}"#))
        XCTAssertTrue(eq(#"\(\frac{1}{5},\frac{1}{6}\)"#, #"(\frac{1}{5}, \frac{1}{6})"#))  // `\\left(` normalizes to `\(`
        XCTAssertTrue(eq("x != 3", #"x \neq 3"#))                        // `!=` is one token, not `x! = 3`
        XCTAssertTrue(eq(#"\frac{1}{12}"#, "0.0833333333333333", precision: 6))  // 16 digits round in 128 bits
        XCTAssertFalse(eq(#"\frac{1}{12}"#, "0.0833343333333333", precision: 6))
    }

    /// The byte-level helpers behave as Python's `in`, `str.replace` and `str.split` (code points,
    /// no canonical equivalence), and case folding keeps every letter `(?i)` maps to ASCII.
    func testByteText() {
        XCTAssertEqual("a,,b,".splitAll(","), ["a", "", "b", ""])
        XCTAssertEqual(#"\frac12 \frac3"#.splitAll(#"\frac"#), ["", "12 ", "3"])
        XCTAssertEqual("x^2^y".replacingAll("^", with: "**"), "x**2**y")
        XCTAssertFalse("cafe\u{301}".includes("café"))                     // é precomposed vs e + U+0301
        XCTAssertTrue("日本 answer".includes("answer"))
        XCTAssertEqual("FINAL Anſwer \u{212A}İı".asciiCaseFolded, "final answer kii")
        let e = MathExtraction(gold: MathTargets(latexBoxedPriority: 0, expr: true),
                               pred: MathTargets(latexBoxedPriority: 0, expr: true), precision: 5, language: "en")
        XCTAssertEqual(try e.extract("The FINAL ANSWER IS $7$. I hope it is correct").first?.description, "7")
    }

    /// Deep nesting and long inputs end quickly: the parser is linear and refuses very long text.
    func testPathologicalInputsAreBounded() {
        let start = Date()
        _ = LatexParser.parse(String(repeating: "(", count: 2000) + "1" + String(repeating: ")", count: 2000))
        _ = LatexParser.parse(String(repeating: "x^", count: 3000) + "2")
        _ = LatexParser.parse("10^{10^{10^{10}}}").map { MathEquivalence.equal($0, .number(Rational(1)), precision: 5) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }
}
