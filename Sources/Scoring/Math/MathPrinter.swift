import Foundation

/// How `score` writes a parsed answer to `responses[i].extracted`: close to sympy's `str()`
/// (`1/2`, `sqrt(2)`, `Interval.open(1, 2)`, `{1, 2}`, `Eq(x, 3)`, Floats with 15 significant
/// digits). Diagnostic only; scores never depend on it.
enum MathPrinter {
    static func string(_ x: MathExpr) -> String {
        switch x {
        case .number(let r): return r.isInteger ? "\(r.num)" : "\(r.num)/\(r.den)"
        case .float(let r): return float(r.double)
        case .approx(let d): return float(d)
        case .symbol(let s): return s
        case .e: return "E"
        case .pi: return "pi"
        case .infinity: return "oo"
        case .imaginary: return "I"
        case .add(let xs):
            var out = ""
            for (k, t) in xs.enumerated() {
                let s = string(t)
                if k == 0 { out = s } else if s.hasPrefix("-") { out += " - " + s.dropFirst() } else { out += " + " + s }
            }
            return out
        case .mul(let xs):
            if xs.count == 2, xs[0] == .number(Rational(-1)) { return "-" + factor(xs[1]) }
            if xs.count == 2, case .pow(let d, .number(let m)) = xs[1], m == Rational(-1) { return factor(xs[0]) + "/" + factor(d) }
            return xs.map(factor).joined(separator: "*")
        case .pow(let b, let e):
            if case .pow(let n, .number(let m)) = e, m == Rational(-1), n == .number(Rational(2)) { return "sqrt(\(string(b)))" }
            return factor(b) + "**" + factor(e)
        case .function(let f, let xs):
            let name = ["abs": "Abs", "ln": "log"][f] ?? f
            return "\(name)(" + xs.map(string).joined(separator: ", ") + ")"
        case .relation(let op, let l, let r):
            if op == "=" { return "Eq(\(string(l)), \(string(r)))" }
            if op == "!=" { return "Ne(\(string(l)), \(string(r)))" }
            return "\(string(l)) \(op) \(string(r))"
        case .and(let xs): return xs.map { "(" + string($0) + ")" }.joined(separator: " & ")
        case .finiteSet(let xs): return "{" + MathEquivalence.sorted(MathEquivalence.dedup(xs)).map(string).joined(separator: ", ") + "}"
        case .tuple(let xs): return "(" + xs.map(string).joined(separator: ", ") + (xs.count == 1 ? ",)" : ")")
        case .interval(let l, let h, let lo, let ro):
            // sympy's `_print_Interval`: an infinite end is open and does not name the kind.
            let lInf = l == .negInfinity, hInf = h == .infinity
            let kind = lInf && hInf || lInf && !ro || hInf && !lo || !lo && !ro ? "" : lo && ro ? ".open" : lo ? ".Lopen" : ".Ropen"
            return "Interval\(kind)(\(lInf ? "-oo" : string(l)), \(string(h)))"
        case .union(let xs): return "Union(" + xs.map(string).joined(separator: ", ") + ")"
        case .matrix(let rows): return "Matrix([" + rows.map { "[" + $0.map(string).joined(separator: ", ") + "]" }.joined(separator: ", ") + "])"
        case .emptySet: return "EmptySet"
        }
    }

    private static func factor(_ x: MathExpr) -> String {
        switch x {
        case .add, .relation: return "(" + string(x) + ")"
        case .number(let r) where !r.isInteger: return "(" + string(x) + ")"
        default: return string(x)
        }
    }

    /// sympy prints a Float with 15 significant digits.
    static func float(_ d: Double) -> String {
        guard d.isFinite, d != 0 else { return d == 0 ? "0.0" : "\(d)" }
        let intDigits = Int(floor(log10(abs(d)))) + 1
        let decimals = Swift.max(1, 15 - intDigits)
        return String(format: "%.\(decimals)f", d)
    }
}
