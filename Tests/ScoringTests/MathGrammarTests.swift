@testable import Scoring
import Testing

/// The reference's lexer and grammar where they decide a verdict: the longest command token wins
/// (`\quadx` is `\quad` then x), a letter applied to one atom or a list is an undefined function
/// (`f(x)`, not `f*(x+1)`), and a bound on a function value reads as a set. Every verdict below is
/// the reference's own (its extraction and comparison code run on these strings).
@Suite struct MathGrammarTests {
    static let cases: [(gold: String, answer: String, want: Bool)] = [
        (#"$f(x) > 2$"#, #"$(2, \infty)$"#, true),
        (#"$0<g_{1}(2)\le 3$"#, #"$(0, 3]$"#, true),
        (#"$0<f(x+1)<1$"#, #"$(0, 1)$"#, false),
        (#"$x_{1}=2,\quadx_{2}=3$"#, #"$3, 2$"#, true),
        (#"$\pix$"#, #"$x\pi$"#, true),
        (#"$a(x+1)$"#, #"$ax+a$"#, true),
        (#"$f(x)$"#, #"$fx$"#, false),
        (#"$f(-1)$"#, #"$-f$"#, true),
        (#"$1 \le \phi(n) < 4$"#, #"$[1, 4)$"#, true),
    ]

    @Test(arguments: cases)
    func verdictAsTheReference(_ c: (gold: String, answer: String, want: Bool)) throws {
        let latex = MathTargets(latexBoxedPriority: 55, expr: false)
        let extraction = MathExtraction(gold: latex, pred: latex, precision: 6, language: "en")
        let golds = try extraction.extractGold(c.gold), preds = try extraction.extract(c.answer)
        #expect(!golds.isEmpty && !preds.isEmpty)
        #expect(golds.contains { g in preds.contains { g.matches($0) } } == c.want)
    }

    /// The parsed objects as the reference prints them.
    @Test func parsedShapes() {
        #expect(LatexParser.parse(#"x_{1}=2,\quadx_{2}=3"#).map(MathPrinter.string) == "{Eq(x_1, 2), Eq(x_2, 3)}")
        let shapes = ["g(x,y)": "g(x, y)", "x^2(3)": "x(3)**2", "f_1^2(x)": "f_1(x)**2", #"3\pi(2)"#: #"3*\pi(2)"#,
                      #"\phi(x)"#: #"\phi(x)"#, "f(\\infty)": "f(oo)", "a(x+1)": "a*(x + 1)"]
        for (latex, printed) in shapes { #expect(LatexParser.parse(latex).map(MathPrinter.string) == printed, "\(latex)") }
        #expect(LatexParser.parse(#"\leftx"#) == nil)  // `\le` then `ftx`: a relation with no left side
    }

    /// Nested calls, products and powers before parentheses parse each level once (a retried
    /// parse at each level would take 2^200 steps).
    @Test func nestedCallsFinish() {
        let n = 200
        #expect(LatexParser.parse(String(repeating: "a(", count: n) + "x+1" + String(repeating: ")", count: n)) != nil)
        #expect(LatexParser.parse(String(repeating: "f(", count: n) + "x" + String(repeating: ")", count: n)) != nil)
        #expect(LatexParser.parse(String(repeating: "x^{", count: 100) + "2" + String(repeating: "}(y+1)", count: 100)) != nil)
    }
}
