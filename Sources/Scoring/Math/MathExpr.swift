import Foundation

/// An exact rational with 64-bit parts; arithmetic returns nil on overflow, and callers fall back
/// to floating point (values that large never decide a benchmark answer).
struct Rational: Hashable, Sendable {
    let num: Int, den: Int

    init?(_ n: Int, _ d: Int) {
        guard d != 0 else { return nil }
        let g = Swift.max(1, Rational.gcd(n.magnitude, d.magnitude))
        var n = n / Int(g), d = d / Int(g)
        if d < 0 { guard n != .min, d != .min else { return nil }; n = -n; d = -d }
        num = n; den = d
    }
    init(_ n: Int) { num = n; den = 1 }

    static func gcd(_ a: UInt, _ b: UInt) -> UInt { b == 0 ? a : gcd(b, a % b) }
    var double: Double { Double(num) / Double(den) }
    var isInteger: Bool { den == 1 }

    static func + (a: Rational, b: Rational) -> Rational? {
        let (x, o1) = a.num.multipliedReportingOverflow(by: b.den), (y, o2) = b.num.multipliedReportingOverflow(by: a.den)
        let (d, o3) = a.den.multipliedReportingOverflow(by: b.den), (n, o4) = x.addingReportingOverflow(y)
        return o1 || o2 || o3 || o4 ? nil : Rational(n, d)
    }
    static func * (a: Rational, b: Rational) -> Rational? {
        let (n, o1) = a.num.multipliedReportingOverflow(by: b.num), (d, o2) = a.den.multipliedReportingOverflow(by: b.den)
        return o1 || o2 ? nil : Rational(n, d)
    }
    var negated: Rational? { num == .min ? nil : Rational(-num, den) }
    var inverse: Rational? { num == 0 ? nil : Rational(den, num) }
    func power(_ e: Int) -> Rational? {
        guard abs(e) <= 256 else { return nil }
        var r = Rational(1), base = e < 0 ? inverse : self
        guard base != nil else { return nil }
        for _ in 0..<abs(e) { guard let x = r * base! else { return nil }; r = x }
        return r
    }

    /// Parses a decimal literal (`12`, `-0.50`, `.5`, `1e3`) exactly.
    static func decimal(_ s: String) -> Rational? {
        var t = Substring(s), exp = 0
        if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(t[t.index(after: e)...]) else { return nil }
            exp = x; t = t[..<e]
        }
        let neg = t.hasPrefix("-")
        if neg || t.hasPrefix("+") { t = t.dropFirst() }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !(parts.allSatisfy { $0.isEmpty }) else { return nil }
        let digits = String(parts[0]) + (parts.count == 2 ? String(parts[1]) : "")
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        exp -= parts.count == 2 ? parts[1].count : 0
        let trimmed = digits.drop { $0 == "0" }
        guard trimmed.count <= 18, let n = Int(trimmed.isEmpty ? "0" : String(trimmed)) else { return nil }
        guard let scale = Rational(10).power(exp), let v = Rational(neg ? -n : n) * scale else { return nil }
        return v
    }

    /// `round(x, digits)` on the exact value, half to even, as an integer count of 10^-digits.
    /// In 128 bits: a 16-digit decimal times 10^precision overflows 64.
    func rounded(_ digits: Int) -> Rational? {
        guard (0...18).contains(digits) else { return nil }
        var scale: Int128 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int128(num) * scale, den = Int128(den)
        let q = scaled / den, twice = (scaled % den).magnitude * 2
        var out = q
        if twice > den.magnitude || (twice == den.magnitude && q % 2 != 0) { out += scaled < 0 ? -1 : 1 }
        return Int(exactly: out).map { Rational($0) }
    }
}

/// A parsed answer: the shapes latex2sympy2_extended produces, kept unevaluated (as the reference
/// builds them with evaluate=False) so structure-sensitive rules can look at them.
indirect enum MathExpr: Sendable, Equatable {
    case number(Rational)
    /// A decimal literal (sympy Float), with its exact decimal value.
    case float(Rational)
    /// A number too large for 64-bit parts.
    case approx(Double)
    case symbol(String)
    case e, pi, infinity, imaginary
    case add([MathExpr])
    case mul([MathExpr])
    case pow(MathExpr, MathExpr)
    case function(String, [MathExpr])
    /// `=`, `<`, `<=`, `>`, `>=`, `!=`
    case relation(String, MathExpr, MathExpr)
    case and([MathExpr])
    case finiteSet([MathExpr])
    case tuple([MathExpr])
    case interval(MathExpr, MathExpr, leftOpen: Bool, rightOpen: Bool)
    case union([MathExpr])
    case matrix([[MathExpr]])
    case emptySet

    static let hundredth = MathExpr.number(Rational(1, 100)!)
    static func percent(_ x: MathExpr) -> MathExpr { .mul([x, hundredth]) }
    static func negate(_ x: MathExpr) -> MathExpr {
        switch x {
        case .number(let r): if let n = r.negated { return .number(n) }
        case .float(let r): if let n = r.negated { return .float(n) }
        default: break
        }
        return .mul([.number(Rational(-1)), x])
    }

    /// A function the parser named after a letter, `f`, `g_{1}` or `\phi` (`f(x)`), not one of sympy's.
    static func isUndefinedFunction(_ name: String) -> Bool {
        guard let c = name.unicodeScalars.first, c.isASCII, c.properties.isAlphabetic || c == "\\" else { return false }
        return c == "\\" || name.unicodeScalars.count == 1 || name.unicodeScalars.dropFirst().first == "_"
    }

    var isMatrix: Bool { if case .matrix = self { return true }; return false }

    var isSet: Bool {
        switch self { case .finiteSet, .interval, .union, .emptySet: return true; default: return false }
    }
    var isRelation: Bool {
        switch self {
        case .relation: return true
        case .and(let xs): return xs.allSatisfy { if case .relation = $0 { return true }; return false }
        default: return false
        }
    }
    var isEquation: Bool {
        switch self {
        case .relation("=", _, _): return true
        case .and(let xs): return !xs.isEmpty && xs.allSatisfy { if case .relation("=", _, _) = $0 { return true }; return false }
        default: return false
        }
    }
    var lastRelation: MathExpr {
        if case .and(let xs) = self, let l = xs.last { return l.lastRelation }
        return self
    }
    var rhs: MathExpr? { if case .relation(_, _, let r) = self { return r }; return nil }

    /// latex2sympy2_extended `is_expr_of_only_symbols`.
    var isOnlySymbols: Bool {
        switch self {
        case .symbol: return true
        case .pow(let b, .number(let r)) where r == Rational(-1): return b.isOnlySymbols
        case .add(let xs), .mul(let xs), .tuple(let xs), .finiteSet(let xs), .and(let xs):
            return !xs.isEmpty && xs.allSatisfy(\.isOnlySymbols)
        case .pow(let a, let b): return a.isOnlySymbols && b.isOnlySymbols
        case .function(_, let xs): return !xs.isEmpty && xs.allSatisfy(\.isOnlySymbols)
        case .relation(_, let a, let b): return a.isOnlySymbols && b.isOnlySymbols
        default: return false
        }
    }

    var containsFloat: Bool {
        switch self {
        case .float, .approx: return true
        case .add(let xs), .mul(let xs), .function(_, let xs), .tuple(let xs), .finiteSet(let xs), .and(let xs), .union(let xs):
            return xs.contains { $0.containsFloat }
        case .pow(let a, let b), .relation(_, let a, let b), .interval(let a, let b, _, _): return a.containsFloat || b.containsFloat
        case .matrix(let rows): return rows.contains { $0.contains { $0.containsFloat } }
        default: return false
        }
    }

    var symbols: Set<String> {
        switch self {
        case .symbol(let s): return [s]
        case .add(let xs), .mul(let xs), .function(_, let xs), .tuple(let xs), .finiteSet(let xs), .and(let xs), .union(let xs):
            return xs.reduce(into: []) { $0.formUnion($1.symbols) }
        case .pow(let a, let b), .relation(_, let a, let b), .interval(let a, let b, _, _): return a.symbols.union(b.symbols)
        case .matrix(let rows): return rows.joined().reduce(into: []) { $0.formUnion($1.symbols) }
        default: return []
        }
    }

    // MARK: values

    /// The exact value when the expression is a rational number (sympy's `doit()` gives a Number).
    var exact: Rational? {
        switch self {
        case .number(let r), .float(let r): return r
        case .add(let xs):
            var s = Rational(0)
            for x in xs { guard let v = x.exact, let t = s + v else { return nil }; s = t }
            return s
        case .mul(let xs):
            var p = Rational(1)
            for x in xs { guard let v = x.exact, let t = p * v else { return nil }; p = t }
            return p
        case .pow(let b, let e):
            guard let bv = b.exact, let ev = e.exact else { return nil }
            if ev.isInteger { return bv.power(ev.num) }
            // Perfect roots stay rational: sqrt(4) = 2.
            let root = Double(ev.den)
            guard bv.num >= 0, ev.den <= 8 else { return nil }
            let n = Int((Foundation.pow(Double(bv.num), 1 / root)).rounded()), d = Int((Foundation.pow(Double(bv.den), 1 / root)).rounded())
            guard let rn = Rational(n).power(ev.den), let rd = Rational(d).power(ev.den),
                  rn.num == bv.num, rd.num == bv.den, let base = Rational(n, d) else { return nil }
            return base.power(ev.num)
        case .function("factorial", let xs):
            guard let v = xs.first?.exact, v.isInteger, v.num >= 0, v.num <= 20 else { return nil }
            return Rational((1...Swift.max(1, v.num)).reduce(1, *))
        case .function("binom", let xs):
            // sympy evaluates `binomial` of integers.
            guard let n = xs[0].exact, let k = xs[1].exact, n.isInteger, k.isInteger, n.num >= 0, n.num <= 60 else { return nil }
            guard k.num >= 0, k.num <= n.num else { return Rational(0) }
            var r = Rational(1)
            for j in 0..<k.num { guard let x = r * Rational(n.num - j), let y = Rational(x.num, x.den * (j + 1)) else { return nil }; r = y }
            return r
        case .function("abs", let xs):
            guard let v = xs.first?.exact else { return nil }
            return v.num < 0 ? v.negated : v
        default: return nil
        }
    }

    /// Floating-point value with symbols bound by `env`; nil when undefined or not a scalar.
    func value(_ env: [String: Double]) -> Double? {
        switch self {
        case .number(let r), .float(let r): return r.double
        case .approx(let d): return d
        case .symbol(let s): return env[s]
        case .e: return M_E
        case .pi: return Double.pi
        case .infinity: return .infinity
        case .add(let xs):
            var s = 0.0
            for x in xs { guard let v = x.value(env) else { return nil }; s += v }
            return s
        case .mul(let xs):
            var p = 1.0
            for x in xs { guard let v = x.value(env) else { return nil }; p *= v }
            return p
        case .pow(let b, let e):
            guard let bv = b.value(env), let ev = e.value(env) else { return nil }
            if bv < 0, let r = e.exact, r.den % 2 == 1 { // odd roots of negatives are real
                let m = Foundation.pow(-bv, ev)
                return r.num % 2 == 0 ? m : -m
            }
            let v = Foundation.pow(bv, ev)
            return v.isNaN ? nil : v
        case .function(let name, let xs):
            guard let x = xs.first?.value(env) else { return nil }
            let v: Double
            switch name {
            case "sqrt": v = x.squareRoot()
            case "abs": v = abs(x)
            case "sin": v = sin(x)
            case "cos": v = cos(x)
            case "tan": v = tan(x)
            case "sec": v = 1 / cos(x)
            case "csc": v = 1 / sin(x)
            case "cot": v = 1 / tan(x)
            case "asin": v = asin(x)
            case "acos": v = acos(x)
            case "atan": v = atan(x)
            case "asec": v = acos(1 / x)
            case "acsc": v = asin(1 / x)
            case "acot": v = atan(1 / x)
            case "sinh": v = sinh(x)
            case "cosh": v = cosh(x)
            case "tanh": v = tanh(x)
            case "log", "ln": v = xs.count == 2 ? (xs[1].value(env).map { log(x) / log($0) } ?? .nan) : log(x)
            case "exp": v = exp(x)
            case "factorial": v = tgamma(x + 1)
            case "floor": v = floor(x)
            case "ceil": v = ceil(x)
            default: return nil
            }
            return v.isNaN ? nil : v
        default: return nil
        }
    }
}
