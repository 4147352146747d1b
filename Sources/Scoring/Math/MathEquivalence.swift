import EvalCore
import Foundation

/// lighteval's `sympy_expr_eq` (strict, docs/benchmarks.md, Math equivalence) on `MathExpr`: the same rules in
/// the same order. Where the reference asks sympy whether an expression simplifies to zero, we
/// evaluate it exactly when it is rational, else at random points for its symbols: equal at every
/// point (to 1e-9 relative) is equal.
enum MathEquivalence {
    static func equal(_ gold: MathExpr, _ pred: MathExpr, precision: Int) -> Bool {
        var gold = gold, pred = pred
        if isAssignment(gold) && !pred.isEquation, let r = gold.lastRelation.rhs { gold = r }
        if pred.isEquation && !gold.isEquation, let r = pred.lastRelation.rhs { pred = r }
        if gold.isRelation && pred.isSet, let s = relationAsSet(unwrapCalls(gold)) { gold = s }

        if structurallyEqual(gold, pred) { return true }
        if gold.isRelation && pred.isRelation { return relationsEqual(gold, pred, precision) }
        if gold.isSet || pred.isSet || isTuple(gold) || isTuple(pred) { return setsEqual(gold, pred, precision) }
        if case .symbol = gold { return symbolsEqual(gold, pred) }
        if case .symbol = pred { return symbolsEqual(gold, pred) }
        if numericEqual(gold, pred, precision) { return true }
        return identical(gold, pred)
    }

    static func isTuple(_ x: MathExpr) -> Bool { if case .tuple = x { return true }; return false }

    /// An equation (or `and` of them) whose first left side holds only symbols: `x = 3`.
    static func isAssignment(_ x: MathExpr) -> Bool {
        switch x {
        case .relation("=", let l, _): return l.isOnlySymbols
        case .and(let xs):
            guard case .relation("=", let l, _)? = xs.first else { return false }
            return x.isEquation && l.isOnlySymbols
        default: return false
        }
    }

    /// `unwrap_fcs`: an undefined function's value is the symbol named for the call, `f(x)` →
    /// `f_x`, so a bound on it reads as a bound on one symbol.
    static func unwrapCalls(_ x: MathExpr) -> MathExpr {
        switch x {
        case .function(let f, let xs) where MathExpr.isUndefinedFunction(f):
            return .symbol(f + "_" + xs.map { MathPrinter.string(unwrapCalls($0)) }.joined(separator: "_"))
        case .function(let f, let xs): return .function(f, xs.map(unwrapCalls))
        case .relation(let op, let l, let r): return .relation(op, unwrapCalls(l), unwrapCalls(r))
        case .and(let xs): return .and(xs.map(unwrapCalls))
        case .add(let xs): return .add(xs.map(unwrapCalls))
        case .mul(let xs): return .mul(xs.map(unwrapCalls))
        case .pow(let a, let b): return .pow(unwrapCalls(a), unwrapCalls(b))
        default: return x
        }
    }

    /// `as_set()` of a bound on one symbol or on its absolute value, or of an `and` of such bounds
    /// on the same one: `x <= 3` → (-oo, 3], `-2 < x < 5` → (-2, 5), `1 <= |z| <= 3/2` →
    /// [-3/2, -1] ∪ [1, 3/2], `x = 2` → {2}. Anything else stays a relation.
    static func relationAsSet(_ r: MathExpr) -> MathExpr? {
        let parts: [MathExpr]
        if case .and(let xs) = r { parts = xs } else { parts = [r] }
        var subject: MathExpr?, lo: (MathExpr, Bool)?, hi: (MathExpr, Bool)?
        for part in parts {
            guard case .relation(var op, var l, var rhs) = part else { return nil }
            // `3 > x` is `x < 3`.
            if l.symbols.isEmpty, let f = ["<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "="][op] { (l, rhs, op) = (rhs, l, f) }
            guard rhs.symbols.isEmpty, subject == nil || subject == l else { return nil }
            if case .function("abs", let xs) = l, xs.count == 1, case .symbol = xs[0] { subject = l }
            else if case .symbol = l { subject = l } else { return nil }
            if op == "=" {
                guard parts.count == 1, case .symbol = l else { return nil }
                return .finiteSet([rhs])
            }
            switch op {
            case "<", "<=": guard hi == nil else { return nil }; hi = (rhs, op == "<")
            case ">", ">=": guard lo == nil else { return nil }; lo = (rhs, op == ">")
            default: return nil
            }
        }
        if case .function = subject {
            // |x| between a > 0 and b: the two mirrored pieces.
            let a = lo.flatMap { $0.0.value([:]) }, b = hi.flatMap { $0.0.value([:]) }
            if let (l, lOpen) = lo, let a, a > 0 {
                let right = MathExpr.interval(l, hi?.0 ?? .infinity, leftOpen: lOpen, rightOpen: hi?.1 ?? true)
                let left = MathExpr.interval(hi.map { MathExpr.negate($0.0) } ?? .negInfinity, MathExpr.negate(l),
                                             leftOpen: hi?.1 ?? true, rightOpen: lOpen)
                if let b, b <= a { return nil }
                return .union([left, right])
            }
            guard lo == nil, let (h, hOpen) = hi, let b, b > 0 else { return nil }
            return .interval(MathExpr.negate(h), h, leftOpen: hOpen, rightOpen: hOpen)
        }
        if let (l, _) = lo, let (h, _) = hi {
            guard let a = l.value([:]), let b = h.value([:]), a < b else { return nil }
        }
        return .interval(lo?.0 ?? .negInfinity, hi?.0 ?? .infinity, leftOpen: lo?.1 ?? true, rightOpen: hi?.1 ?? true)
    }

    /// `sympy_str_eq`: the same value after `doit()` — exact numbers compare by value when both or
    /// neither are Floats, anything else by its tree.
    static func structurallyEqual(_ a: MathExpr, _ b: MathExpr) -> Bool {
        if a == b { return true }
        if let x = a.exact, let y = b.exact, a.containsFloat == b.containsFloat { return x == y }
        // The printed forms: `\text{5}` is the symbol named 5, which prints as the number 5 does.
        return evaluatedString(a) == evaluatedString(b)
    }

    /// `str(x.doit())`: an exact rational prints as its value.
    static func evaluatedString(_ x: MathExpr) -> String {
        if !x.containsFloat, let r = x.exact { return MathPrinter.string(.number(r)) }
        return MathPrinter.string(x)
    }

    static func relationsEqual(_ g: MathExpr, _ p: MathExpr, _ precision: Int) -> Bool {
        if case .and(let gs) = g {
            guard case .and(let ps) = p else { return false }
            return zip(gs, ps).allSatisfy { relationsEqual($0, $1, precision) }
        }
        guard case .relation(let go, let gl, let gr) = g, case .relation(let po, let pl, let pr) = p else { return false }
        let gd = MathExpr.add([gl, MathExpr.negate(gr)])
        if go == po && equal(gd, .add([pl, MathExpr.negate(pr)]), precision: precision) { return true }
        let flipped: Set<String> = ["<=|>=", ">=|<=", "<|>", ">|<", "=|="]
        return flipped.contains("\(go)|\(po)") && equal(gd, .add([pr, MathExpr.negate(pl)]), precision: precision)
    }

    // MARK: sets

    static func setsEqual(_ g: MathExpr, _ p: MathExpr, _ precision: Int) -> Bool {
        let a = g.isSet || isTuple(g) ? g : .finiteSet([g])
        let b = p.isSet || isTuple(p) ? p : .finiteSet([p])
        if case .interval(let al, let ah, let alo, let aro) = a, case .interval(let bl, let bh, let blo, let bro) = b {
            return alo == blo && aro == bro && equal(al, bl, precision: precision) && equal(ah, bh, precision: precision)
        }
        if case .union(let xs) = a, case .union(let ys) = b {
            // sympy orders a union's parts: written in any order, the same parts are the same set.
            guard xs.count == ys.count else { return false }
            var rest = ys
            for x in xs {
                guard let k = rest.firstIndex(where: { equal(x, $0, precision: precision) }) else { return false }
                rest.remove(at: k)
            }
            return true
        }
        if a == .emptySet || b == .emptySet { return a == b || isEmptyFinite(a) && isEmptyFinite(b) }
        if let xs = elements(a), let ys = elements(b) {
            return deepCompare(a, xs, b, ys, precision)
        }
        if case .interval(let l, let h, true, true) = a, let ys = elements(b), ys.count == 2 {
            return deepCompare(.tuple([l, h]), [l, h], b, ys, precision)
        }
        if case .interval(let l, let h, true, true) = b, let xs = elements(a), xs.count == 2 {
            return deepCompare(a, xs, .tuple([l, h]), [l, h], precision)
        }
        return false
    }

    static func isEmptyFinite(_ x: MathExpr) -> Bool {
        if x == .emptySet { return true }
        if case .finiteSet(let xs) = x { return xs.isEmpty }
        return false
    }

    static func elements(_ x: MathExpr) -> [MathExpr]? {
        switch x {
        case .finiteSet(let xs): return dedup(xs)
        case .tuple(let xs): return xs
        default: return nil
        }
    }

    /// A set holds each value once (sympy drops structural duplicates).
    static func dedup(_ xs: [MathExpr]) -> [MathExpr] {
        var out: [MathExpr] = []
        for x in xs where !out.contains(where: { structurallyEqual($0, x) }) { out.append(x) }
        return out
    }

    /// Same length, then element by element; set elements in sorted order (numbers by value),
    /// a set compared with a tuple in the order it was written.
    static func deepCompare(_ a: MathExpr, _ xs: [MathExpr], _ b: MathExpr, _ ys: [MathExpr], _ precision: Int) -> Bool {
        guard xs.count == ys.count else { return false }
        var gx = xs, py = ys
        // A gold set orders both sides (the reference's `ordered` on each, a tuple prediction too).
        if case .finiteSet = a { gx = sorted(xs); py = sorted(ys) }
        else if case .finiteSet = b { py = isTuple(a) ? ys : sorted(ys) }
        return zip(gx, py).allSatisfy { equal($0, $1, precision: precision) }
    }

    static func sorted(_ xs: [MathExpr]) -> [MathExpr] {
        func key(_ x: MathExpr) -> (Int, Double, String) {
            var v = x
            if isAssignment(x), let r = x.lastRelation.rhs { v = r }
            if let d = v.value([:]) { return (0, d, "") }
            return (1, 0, MathPrinter.string(v))
        }
        return xs.sorted { key($0) < key($1) }
    }

    /// sympy's `ordered()`, which `And` applies to its arguments: by node count (a Float counts
    /// one half), then by `default_sort_key` — the class name of a relation, then its sides, a
    /// number before a symbol before a sum before a function. Comparing two chains pairs their
    /// relations in this order, so `1 <= |z| <= 1.5` and `1 <= |z| <= 3/2` pair differently, as in
    /// the reference. Sides that are neither numbers nor symbols are ordered by their printed form.
    static func sympyOrdered(_ xs: [MathExpr]) -> [MathExpr] {
        func nodes(_ x: MathExpr) -> Double {
            switch x {
            case .float, .approx: return 0.5
            case .add(let ys), .mul(let ys), .function(_, let ys), .and(let ys), .tuple(let ys), .finiteSet(let ys), .union(let ys):
                return 1 + ys.reduce(0) { $0 + nodes($1) }
            case .pow(let a, let b), .relation(_, let a, let b), .interval(let a, let b, _, _): return 1 + nodes(a) + nodes(b)
            default: return 1
            }
        }
        func side(_ x: MathExpr) -> (Int, Double, String) {
            switch x {
            case .number, .float, .approx: return (1, x.value([:]) ?? 0, "")
            case .symbol(let s): return (2, 0, s)
            case .add: return (3, 0, MathPrinter.string(x))
            case .function(let f, _): return (4, 0, f)
            default: return (5, 0, MathPrinter.string(x))
            }
        }
        let names = ["=": "Equality", "!=": "Unequality", "<": "StrictLessThan", "<=": "LessThan",
                     ">": "StrictGreaterThan", ">=": "GreaterThan"]
        func key(_ x: MathExpr) -> (Double, String, (Int, Double, String), (Int, Double, String)) {
            guard case .relation(let op, let a, let b) = x else { return (nodes(x), MathPrinter.string(x), (9, 0, ""), (9, 0, "")) }
            return (nodes(x), names[op] ?? op, side(a), side(b))
        }
        return xs.sorted { a, b in
            let (x, y) = (key(a), key(b))
            if x.0 != y.0 { return x.0 < y.0 }
            if x.1 != y.1 { return x.1 < y.1 }
            return x.2 != y.2 ? x.2 < y.2 : x.3 < y.3
        }
    }

    // MARK: symbols

    /// `sympy_compare_symbols`: `e` is Euler's number, and a product of symbols equals the symbol
    /// spelled by their concatenation, ignoring case (`\text{odd}` = `o·dd`).
    static func symbolsEqual(_ g: MathExpr, _ p: MathExpr) -> Bool {
        if case .symbol(let s) = g, s.lowercased() == "e", p == .e { return true }
        if case .symbol(let s) = p, s.lowercased() == "e", g == .e { return true }
        if case .symbol(let s) = g, let c = concatenation(p) { return s.lowercased() == c.lowercased() }
        if case .symbol(let s) = p, let c = concatenation(g) { return s.lowercased() == c.lowercased() }
        return g == p
    }

    static func concatenation(_ x: MathExpr) -> String? {
        guard case .mul(let xs) = x else { return nil }
        var out = ""
        for y in xs {
            switch y {
            case .symbol(let s): out += s
            case .e: out += "e"
            default: return nil
            }
        }
        return out
    }

    // MARK: numbers

    /// `sympy_numeric_eq`: with a Float (or Float percent) on one side both sides round to
    /// `precision` decimals; with an exact number, exact equality; else the difference evaluates to 0.
    static func numericEqual(_ a: MathExpr, _ b: MathExpr, _ precision: Int) -> Bool {
        if case .matrix(let ra) = a, case .matrix(let rb) = b {
            guard ra.count == rb.count, zip(ra, rb).allSatisfy({ $0.count == $1.count }) else { return false }
            return zip(ra.joined(), rb.joined()).allSatisfy { numericEqual($0, $1, precision) }
        }
        if atomic(a, float: false) || atomic(b, float: false) {
            if atomic(a, float: true) || atomic(b, float: true) {
                guard let x = a.exact, let y = b.exact else { return false }
                return x.rounded(precision) == y.rounded(precision)
            }
            guard let x = a.exact, let y = b.exact else { return false }
            return x == y
        }
        guard let x = a.value([:]), let y = b.value([:]), x.isFinite, y.isFinite else { return false }
        return abs(x - y) <= 1e-12 * Swift.max(1, abs(x), abs(y))
    }

    /// A Number (or, with `float`, a Float), possibly as a percent `n * 1/100`.
    static func atomic(_ x: MathExpr, float: Bool) -> Bool {
        switch x {
        case .float, .approx: return true
        case .number: return !float
        case .mul(let xs) where xs.count == 2 && xs[1] == MathExpr.hundredth: return atomic(xs[0], float: float)
        default: return false
        }
    }

    /// `simplify(a - b).is_zero`: exact when rational, else the same value at random points.
    static func identical(_ a: MathExpr, _ b: MathExpr) -> Bool {
        if case .matrix(let ra) = a, case .matrix(let rb) = b {
            guard ra.count == rb.count, zip(ra, rb).allSatisfy({ $0.count == $1.count }) else { return false }
            return zip(ra.joined(), rb.joined()).allSatisfy { identical($0, $1) }
        }
        if let x = a.exact, let y = b.exact { return x == y }
        let names = a.symbols.union(b.symbols).sorted()
        var rng = SplitMix64(seed: 0x5eed)
        for _ in 0..<4 {
            var env: [String: Double] = [:]
            for n in names { env[n] = 0.5 + Double(rng.next() % 10_000) / 3_333.0 }
            guard let x = a.value(env), let y = b.value(env), x.isFinite, y.isFinite else { return false }
            if abs(x - y) > 1e-9 * Swift.max(1, abs(x), abs(y)) { return false }
        }
        return true
    }
}
