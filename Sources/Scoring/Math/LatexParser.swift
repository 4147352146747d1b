import Foundation

/// Normalized LaTeX → `MathExpr`, following latex2sympy2_extended 1.0.6's grammar and conversion
/// rules for what benchmark answers contain: numbers (comma-grouped, decimals, percent), `\frac`,
/// `\sqrt`, powers, implicit products (a letter is a symbol, `e` is Euler's number, `d<letter>` one
/// symbol), mixed numbers (`2\frac12`), `\pi`, `\infty`, degrees (dropped), `\text{}` symbols,
/// relations (chains become an `and`), `\pm`, lists and sets, intervals, tuples, matrices, `\cup`,
/// undefined functions (`f(x)`).
/// Anything else is a parse failure, which the extraction treats as the reference treats an ANTLR
/// error. Linear in the input: no answer can hang it.
struct LatexParser {
    enum Token: Hashable {
        case number(String), letter(String), command(String), op(String), text(String)
    }
    struct Failure: Error {}

    private var toks: [Token]
    private var i = 0
    /// Inside `|…|` a `|` closes the absolute value rather than starting a factor.
    private var absDepth = 0

    /// The reference reads `1,234` (only digit groups) as one number, not a set.
    private static let commaNumber = try! PythonRegex(#"^\s*-?\d{1,3}(,\d{3})+(\.\d+)?\s*$"#)

    /// Longer answers are not parsed (a parse failure): no benchmark answer comes near it, and it
    /// bounds the work one degenerate answer can cause.
    static let maxLength = 4000

    static func parse(_ latex: String) -> MathExpr? {
        guard latex.utf16.count <= maxLength else { return nil }
        if commaNumber.firstMatch(latex) != nil {
            return Rational.decimal(latex.filter { $0 != "," && !$0.isWhitespace }).map { $0.isInteger ? .number($0) : .float($0) }
        }
        guard let toks = try? tokenize(latex), !toks.isEmpty else { return nil }
        var p = LatexParser(toks: toks)
        guard let v = try? p.top(), p.i == p.toks.count else { return nil }
        return v
    }

    // MARK: tokens

    static func tokenize(_ s: String) throws -> [Token] {
        let u = Array(s.unicodeScalars)
        var out: [Token] = []
        var k = 0
        func isLetter(_ c: Unicode.Scalar) -> Bool { c.isASCII && c.properties.isAlphabetic }
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        while k < u.count {
            let c = u[k]
            if c.isPythonSpace { k += 1; continue }
            if isDigit(c) || (c == "." && k + 1 < u.count && isDigit(u[k + 1])) {
                var j = k
                while j < u.count, isDigit(u[j]) { j += 1 }
                if j + 1 < u.count, u[j] == ".", isDigit(u[j + 1]) {
                    j += 1
                    while j < u.count, isDigit(u[j]) { j += 1 }
                }
                out.append(.number(String(String.UnicodeScalarView(u[k..<j]))))
                k = j
            } else if isLetter(c) {
                // `d` followed by a letter is one differential symbol in the reference's lexer.
                if c == "d", k + 1 < u.count, isLetter(u[k + 1]) {
                    out.append(.letter("d" + String(u[k + 1]))); k += 2
                } else { out.append(.letter(String(c))); k += 1 }
            } else if c == "\\" {
                var j = k + 1
                while j < u.count, isLetter(u[j]) { j += 1 }
                if j == k + 1 { j = Swift.min(k + 2, u.count) }
                var name = String(String.UnicodeScalarView(u[(k + 1)..<j]))
                if !Self.wholeCommands.contains(name),
                   let p = name.indices.reversed().map({ String(name[..<$0]) }).first(where: Self.referenceCommands.contains) {
                    // The reference's lexer takes the longest command token that matches: `\quadx` is
                    // `\quad` then `x`, `\pix` is pi times x.
                    name = p; j = k + 1 + p.unicodeScalars.count
                }
                k = j
                if ["text", "mbox", "textbf", "mathrm", "operatorname"].contains(name) {
                    // `\text{...}` is one symbol; parentheses and spaces inside are dropped.
                    while k < u.count, u[k].isPythonSpace { k += 1 }
                    guard k < u.count, u[k] == "{" else { throw Failure() }
                    var depth = 0, j = k
                    repeat {
                        if u[j] == "{" { depth += 1 } else if u[j] == "}" { depth -= 1 }
                        j += 1
                    } while j < u.count && depth > 0
                    guard depth == 0 else { throw Failure() }
                    let inner = String(String.UnicodeScalarView(u[(k + 1)..<(j - 1)]))
                    out.append(.text(inner.filter { $0 != " " && $0 != "(" && $0 != ")" }))
                    k = j
                } else if [",", ";", ":", " ", "!", "quad", "qquad", "left", "right", "big", "Big", "bigg", "Bigg"].contains(name) {
                    continue
                } else if name == "(" || name == ")" {
                    // What `\\left(` leaves after normalization; the reference's lexer reads it as a parenthesis.
                    out.append(.op(name))
                } else {
                    out.append(.command(name))
                }
            } else if let t = unicodeTokens[c] {
                out.append(t); k += 1
            } else if "+-*/^_()[]{}|=<>!,;:&'".unicodeScalars.contains(c) {
                // Two-character relations are single tokens (the reference's lexer takes the longest
                // match), so `x != 3` is `x \neq 3`, not `x! = 3`.
                if c == "<" || c == ">" || c == "!", k + 1 < u.count, u[k + 1] == "=" {
                    out.append(.command(c == "<" ? "le" : c == ">" ? "ge" : "neq")); k += 2; continue
                }
                out.append(.op(String(c))); k += 1
            } else if c == "%" {
                out.append(.command("%")); k += 1
            } else {
                throw Failure()
            }
        }
        return out
    }

    /// The reference lexer's command tokens (found by running its lexer on each name) and the
    /// spacing commands it skips.
    static let referenceCommands: Set<String> = Set(("Delta Gamma Im Lambda Omega Phi Pi Psi Re Rightarrow Sigma Theta Upsilon Xi "
        + "alpha angle approx arccos arccosh arccot arccsc arcosh arcsec arcsin arcsinh arctan arctanh arsinh artanh beta binom "
        + "boxed cap cdot ceil cfrac chi choose cos cosh cot csc cup delta det dfrac div ell emptyset epsilon equiv eta exp floor "
        + "frac gamma gcd ge geq geqslant gt hbar in infty int iota kappa lambda langle lbrace lbrack lceil lcm le leq leqslant "
        + "lfloor lgroup lim llcorner ln log lrcorner lt lvert mathit max min mod mp mu nabla ne neq notin nu omega omicron "
        + "operatorname partial phantom phi pi pm prime prod psi rangle rbrace rbrack rceil rfloor rgroup rho rightarrow rvert "
        + "sec setminus sigma sin sinh sqrt square subseteq sum supseteq tan tanh tau tfrac theta times to triangle ulcorner "
        + "upsilon urcorner varepsilon varnothing varphi varpi varrho varsigma vartheta vert wp xi zeta "
        + "quad qquad negmedspace negthickspace").split(separator: " ").map(String.init))
    /// Names read whole even when a shorter command begins them: those, and what the reference's
    /// normalization handles before lexing (`\text{…}`, `\left`, `\big`…).
    static let wholeCommands = referenceCommands.union(["text", "mbox", "textbf", "mathrm", "left", "right", "big", "Big", "bigg", "Bigg"])

    /// The Unicode characters the reference's lexer reads as the token of an ASCII operator, a
    /// command or a Greek letter (its literals, e.g. `−` is SUB, `≤` LTE, `α` the symbol alpha);
    /// any other non-ASCII character is a lexer error.
    static let unicodeTokens: [Unicode.Scalar: Token] = {
        var m: [Unicode.Scalar: Token] = [:]
        func put(_ chars: String, _ t: Token) { for c in chars.unicodeScalars { m[c] = t } }
        put("−∸", .op("-")); put("∔⊕⊞", .op("+")); put("×∗∘∙⊗⊠⊡⋄⋅⋆⋈⋉⋊", .op("*")); put("÷∕", .op("/"))
        put("≎≏≐≑≒≓≔≕≖≗≟≡≣", .op("=")); put("≃≅≈≊≋", .command("approx"))
        put("≪≺⋖", .op("<")); put("≫≻⋗", .op(">")); put("≤≦≲≾", .command("le")); put("≥≧≳≿", .command("ge"))
        put("≠≁≄≇≉≢", .command("neq")); put("±∓", .command("pm")); put("∪", .command("cup")); put("∅", .command("emptyset"))
        put("π", .command("pi"))
        let greek = ["Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
                     "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "α": "alpha", "β": "beta", "γ": "gamma",
                     "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa",
                     "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "ρ": "rho", "ς": "varsigma",
                     "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
                     "ϑ": "vartheta", "ϕ": "varphi", "ϖ": "varpi", "ϱ": "varrho", "ϵ": "varepsilon"]
        for (c, name) in greek { m[c.unicodeScalars.first!] = .command(name) }
        return m
    }()

    // MARK: grammar

    private var peek: Token? { i < toks.count ? toks[i] : nil }
    private mutating func take(_ t: Token) -> Bool {
        if peek == t { i += 1; return true }
        return false
    }
    private mutating func expect(_ t: Token) throws { guard take(t) else { throw Failure() } }

    /// `math`: `;`-separated groups of `,`-separated elements, or a single element.
    private mutating func top() throws -> MathExpr {
        var groups: [[MathExpr]] = [try commaElements()]
        while take(.op(";")) { groups.append(try commaElements()) }
        return Self.setOrTuple(groups)
    }

    /// latex2sympy2_extended `convert_elements_to_set_or_tuple`.
    static func setOrTuple(_ groups: [[MathExpr]]) -> MathExpr {
        if groups.count == 1 { return groups[0].count == 1 ? groups[0][0] : .finiteSet(groups[0]) }
        if groups.allSatisfy({ $0.count == 1 }) { return .finiteSet(groups.map { $0[0] }) }
        return .finiteSet(groups.map { .tuple($0) })
    }

    private mutating func commaElements() throws -> [MathExpr] {
        var out = try element()
        while take(.op(",")) { out += try element() }
        return out
    }

    /// An element; `a \pm b` is two.
    private mutating func element() throws -> [MathExpr] {
        let a = try relation()
        if take(.command("pm")) {
            let b = try additive()
            return [.add([a, b]), .add([a, MathExpr.negate(b)])]
        }
        return [a]
    }

    private static let relOps: [Token: String] = [
        .op("="): "=", .op("<"): "<", .op(">"): ">", .command("le"): "<=", .command("leq"): "<=",
        .command("leqslant"): "<=", .command("ge"): ">=", .command("geq"): ">=", .command("geqslant"): ">=",
        .command("lt"): "<", .command("gt"): ">", .command("neq"): "!=", .command("ne"): "!=",
    ]

    /// Relations associate to the left, as the reference's `convert_relation`: a relation after a
    /// relation chains into an `and` from the previous right side; `a \approx b` is `b` when `a`
    /// holds only symbols, else `a` (a whole chain before it included).
    private mutating func relation() throws -> MathExpr {
        var lhs = try setExpr()
        while let t = peek {
            let op: String
            if t == .command("approx") {
                i += 1
                let r = try setExpr()
                lhs = lhs.isOnlySymbols ? r : lhs
                continue
            } else if t == .command("in") {
                op = "="
            } else if let o = Self.relOps[t] {
                op = o
            } else { break }
            i += 1
            let r = try setExpr()
            // The reference's set relation: `(a, b) = …` has a tuple of symbols on the left, which
            // alone would read as the interval (a, b).
            if op == "=", case .interval(.symbol(let a), .symbol(let b), true, true) = lhs { lhs = .tuple([.symbol(a), .symbol(b)]) }
            switch lhs {
            case .and(let xs): lhs = .and(xs + [.relation(op, xs.last!.rhs!, r)])
            case .relation(_, _, let prev): lhs = .and([lhs, .relation(op, prev, r)])
            default: lhs = .relation(op, lhs, r)
            }
        }
        if case .and(let xs) = lhs { return .and(MathEquivalence.sympyOrdered(xs)) }
        return lhs
    }

    /// `\cup` binds loosest inside an element.
    private mutating func setExpr() throws -> MathExpr {
        var parts = [try additive()]
        while take(.command("cup")) { parts.append(try additive()) }
        return parts.count == 1 ? parts[0] : .union(parts.map { if case .tuple(let xs) = $0 { return .finiteSet(xs) }; return $0 })
    }

    private mutating func additive() throws -> MathExpr {
        var terms = [try multiplicative()]
        while true {
            if take(.op("+")) { terms.append(try multiplicative()) }
            else if take(.op("-")) {
                let x = try multiplicative()
                terms.append(x.isMatrix ? try Self.matrixProduct(.number(Rational(-1)), x) : MathExpr.negate(x))
            }
            else { break }
        }
        if terms.count == 1 { return terms[0] }
        if terms.contains(where: \.isMatrix) { return try Self.matrixSum(terms) }
        return .add(terms)
    }

    /// A sum with a matrix term is the element-wise sum (as sympy's `MatAdd(...).doit()`); a
    /// scalar term or mismatched shapes is the reference's TypeError/ShapeError, a parse failure.
    static func matrixSum(_ terms: [MathExpr]) throws -> MathExpr {
        var rows: [[[MathExpr]]] = []
        for t in terms {
            guard case .matrix(let r) = t else { throw Failure() }
            rows.append(r)
        }
        guard rows.allSatisfy({ $0.count == rows[0].count && zip($0, rows[0]).allSatisfy { $0.count == $1.count } }) else {
            throw Failure()
        }
        return .matrix(rows[0].indices.map { i in rows[0][i].indices.map { j in .add(rows.map { $0[i][j] }) } })
    }

    /// Scalar times matrix element-wise, matrix times matrix the matrix product.
    static func matrixProduct(_ a: MathExpr, _ b: MathExpr) throws -> MathExpr {
        switch (a, b) {
        case (.matrix(let x), .matrix(let y)):
            guard let inner = x.first?.count, inner == y.count, let w = y.first?.count else { throw Failure() }
            return .matrix(x.map { row in (0..<w).map { j in .add((0..<inner).map { k in .mul([row[k], y[k][j]]) }) } })
        case (.matrix(let x), let s): return .matrix(x.map { $0.map { .mul([$0, s]) } })
        case (let s, .matrix(let y)): return .matrix(y.map { $0.map { .mul([s, $0]) } })
        default: return mul(a, b)
        }
    }

    /// `vmatrix` and `\\det`: the determinant, by cofactors along the first row.
    static func determinant(_ m: [[MathExpr]]) throws -> MathExpr {
        guard m.count == m.first?.count else { throw Failure() }
        if m.count == 1 { return m[0][0] }
        return .add(try m[0].indices.map { j in
            let minor = m.dropFirst().map { row in Array(row[..<j] + row[(j + 1)...]) }
            let term = MathExpr.mul([m[0][j], try determinant(minor)])
            return j % 2 == 0 ? term : MathExpr.negate(term)
        })
    }

    private mutating func multiplicative() throws -> MathExpr {
        var lhs = try unary()
        while let t = peek {
            if t == .op("*") || t == .command("cdot") || t == .command("times") {
                i += 1
                lhs = try Self.matrixProduct(lhs, try unary())
            } else if t == .op("/") || t == .command("div") || t == .op(":") {
                i += 1
                let d = try unary()
                if lhs.isMatrix || d.isMatrix { throw Failure() }
                lhs = Self.divide(lhs, d)
            } else { break }
        }
        return lhs
    }

    static func mul(_ a: MathExpr, _ b: MathExpr) -> MathExpr {
        var xs: [MathExpr] = []
        for x in [a, b] { if case .mul(let ys) = x { xs += ys } else { xs.append(x) } }
        return .mul(xs)
    }

    /// Two integers make a Rational; anything else `a * b^-1`.
    static func divide(_ a: MathExpr, _ b: MathExpr) -> MathExpr {
        if case .number(let x) = a, case .number(let y) = b, x.isInteger, y.isInteger, let r = Rational(x.num, y.num) {
            return .number(r)
        }
        return .mul([a, .pow(b, .number(Rational(-1)))])
    }

    private mutating func unary() throws -> MathExpr {
        if take(.op("+")) { return try unary() }
        if take(.op("-")) {
            let x = try unary()
            return x.isMatrix ? try Self.matrixProduct(.number(Rational(-1)), x) : MathExpr.negate(x)
        }
        var items = [try postfix()]
        while let t = peek, startsFactor(t) { items.append(try postfix()) }
        // Right to left, as the reference multiplies `a (b (c …))`; an integer before a positive
        // fraction is a mixed number.
        var acc = items.removeLast()
        while let x = items.popLast() {
            if case .number(let n) = x, n.isInteger, case .number(let f) = acc, f.num > 0,
               let v = (n.num < 0 ? (Rational(n.num * f.den - f.num, f.den)) : Rational(n.num * f.den + f.num, f.den)) {
                acc = .number(v)
            } else { acc = try Self.matrixProduct(x, acc) }
        }
        return acc
    }

    /// Atoms multiplied by juxtaposition, up to an operator or a function command.
    private mutating func implicitProduct() throws -> MathExpr {
        var items = [try postfix()]
        while let t = peek, startsFactor(t) {
            if case .command(let c) = t, Self.functions.contains(c) { break }
            items.append(try postfix())
        }
        return items.count == 1 ? items[0] : .mul(items)
    }

    private func startsFactor(_ t: Token) -> Bool { Self.startsAtom(t) && !(absDepth > 0 && t == .op("|")) }

    private static func startsAtom(_ t: Token) -> Bool {
        switch t {
        case .number, .letter, .text: return true
        case .op(let o): return o == "(" || o == "{" || o == "[" || o == "|"
        case .command(let c):
            return !["cdot", "times", "div", "pm", "approx", "in", "cup", "le", "leq", "ge", "geq", "lt", "gt", "neq", "ne",
                     "leqslant", "geqslant", "end", "}", "%", "circ", "\\"].contains(c)
        }
    }

    /// `exp` with `^`, then `!` and `^\circ` (degrees are dropped: convert_degrees=False).
    private mutating func postfix() throws -> MathExpr {
        var base = try primary()
        while true {
            if take(.op("^")) {
                if take(.command("circ")) { continue }
                if peek == .op("{"), i + 2 < toks.count, toks[i + 1] == .command("circ"), toks[i + 2] == .op("}") {
                    i += 3; continue
                }
                if case .matrix(let rows) = base {
                    // `^T` (or `^{T}`) transposes; other powers of a matrix are not supported.
                    let braced = take(.op("{"))
                    guard take(.letter("T")), !braced || take(.op("}")) else { throw Failure() }
                    base = .matrix(rows[0].indices.map { j in rows.map { $0[j] } })
                    continue
                }
                base = .pow(base, try exponentAtom())
            } else if take(.op("!")) {
                base = .function("factorial", [base])
            } else if take(.op("'")) {
                throw Failure()
            } else { break }
        }
        return base
    }

    private mutating func exponentAtom() throws -> MathExpr {
        if take(.op("{")) { let e = try relation(); try expect(.op("}")); return e }
        if case .number(let n)? = peek {
            // A bare exponent is one character: `2^10` is `2^1 · 0`.
            i += 1
            let first = String(n.prefix(1))
            if n.count > 1 { toks.insert(.number(String(n.dropFirst())), at: i) }
            return .number(Rational(Int(first)!))
        }
        return try primary()
    }

    private mutating func braced() throws -> MathExpr {
        try expect(.op("{"))
        let e = try relation()
        try expect(.op("}"))
        return e
    }

    private mutating func primary() throws -> MathExpr {
        guard let t = peek else { throw Failure() }
        i += 1
        switch t {
        case .number(let n):
            try skipSubscript()
            guard let r = Rational.decimal(n) else { return .approx(Double(n) ?? .nan) }
            let v: MathExpr = n.includes(".") ? .float(r) : .number(r)
            if take(.command("%")) { return .percent(v) }
            return v
        case .letter(let l):
            let start = i - 1
            let name = l + (try subscriptText())
            if l == "e" && name == "e" { return .e }
            if l == "I" && name == "I" { return .imaginary }
            if l.count == 1, l != "e", let call = try application(toks[start..<i].map(Self.spell).joined()) { return call }
            return .symbol(name)
        case .text(let s):
            guard !s.isEmpty else { throw Failure() }
            return .symbol(s)
        case .op("("), .op("["):
            return try bracketed(open: t)
        case .op("{"):
            let groups = try bracedElements(close: .op("}"))
            return groups.count == 1 && groups[0].count == 1 ? groups[0][0] : .finiteSet(groups.flatMap { $0 })
        case .op("|"):
            absDepth += 1
            let e = try additive()
            absDepth -= 1
            try expect(.op("|"))
            return .function("abs", [e])
        case .command(let c):
            return try command(c)
        default:
            throw Failure()
        }
    }

    /// The reference's undefined function: a letter or Greek letter (with its subscript, the name
    /// as written) applied to one atom or to a comma-separated list, `f(x)`, `g_{1}(2)`, `h(x, y+1)`,
    /// `\phi(n)`, a power between them raising the value (`f^2(x)` = f(x)²); any other parenthesis
    /// after it is a product, `a(x+1)`, `f(-1)`.
    /// Decided on the tokens before parsing, so nothing is parsed twice (nested calls would
    /// otherwise backtrack exponentially).
    private mutating func application(_ name: String) throws -> MathExpr? {
        var k = i
        if k < toks.count, toks[k] == .op("^") {
            k += 1
            guard k < toks.count else { return nil }
            if toks[k] == .op("{") {
                guard let close = Self.closing(toks, from: k) else { return nil }
                k = close + 1
            } else {
                // A bare exponent is one character (see `exponentAtom`): `f^23(x)` is no call.
                if case .number(let n) = toks[k], n.count > 1 { return nil }
                k += 1
            }
        }
        guard k < toks.count, toks[k] == .op("("), let close = Self.closing(toks, from: k) else { return nil }
        let inner = toks[(k + 1)..<close]
        guard Self.isAtom(inner) || Self.hasTopLevelComma(inner) else { return nil }
        var power: MathExpr?
        if take(.op("^")) { power = try exponentAtom() }
        try expect(.op("("))
        let args = try commaElements()
        try expect(.op(")"))
        let call = MathExpr.function(name, args)
        return power.map { .pow(call, $0) } ?? call
    }

    /// The index of the bracket closing the one at `open`, any bracket kind counted (`[0, 1)` inside).
    private static func closing(_ ts: [Token], from open: Int) -> Int? {
        var depth = 0
        for k in open..<ts.count {
            switch ts[k] {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"):
                depth -= 1
                if depth == 0 { return k }
            default: break
            }
        }
        return nil
    }

    private static func hasTopLevelComma(_ ts: ArraySlice<Token>) -> Bool {
        var depth = 0
        for t in ts {
            switch t {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"): depth -= 1
            case .op(","): if depth == 0 { return true }
            default: break
            }
        }
        return false
    }

    /// One atom of the reference's grammar: a number, a letter other than e (with a subscript), a
    /// Greek letter, `\infty`.
    private static func isAtom(_ ts: ArraySlice<Token>) -> Bool {
        guard let first = ts.first else { return false }
        switch first {
        case .number: return ts.count == 1
        case .command(let c): return ts.count == 1 && (symbolCommands.contains(c) || c == "pi" || c == "infty")
        case .letter(let l) where l != "e":
            if ts.count == 1 { return true }
            let rest = ts.dropFirst()
            guard rest.first == .op("_") else { return false }
            return rest.count == 2 || rest.dropFirst().first == .op("{") && rest.last == .op("}")
        default: return false
        }
    }

    private mutating func skipSubscript() throws {
        if take(.op("_")) { if peek == .op("{") { _ = try braced() } else { i += 1 } }
    }

    /// A symbol's subscript as the reference names it: `x_1`, `x_{12}`.
    private mutating func subscriptText() throws -> String {
        guard take(.op("_")) else { return "" }
        var parts: [String] = []
        if take(.op("{")) {
            var depth = 1
            while let t = peek, depth > 0 {
                i += 1
                if t == .op("{") { depth += 1 } else if t == .op("}") { depth -= 1; if depth == 0 { break } }
                parts.append(Self.spell(t))
            }
        } else if let t = peek { i += 1; parts.append(Self.spell(t)) }
        let s = parts.joined()
        return s.count > 1 ? "_{\(s)}" : "_" + s
    }

    private static func spell(_ t: Token) -> String {
        switch t {
        case .number(let s), .letter(let s), .op(let s), .text(let s): return s
        case .command(let c): return "\\" + c
        }
    }

    /// `(` or `[` … `)` or `]`: a group, an interval (two elements), or a tuple.
    private mutating func bracketed(open: Token) throws -> MathExpr {
        var groups: [[MathExpr]] = [try commaElements()]
        while take(.op(";")) { groups.append(try commaElements()) }
        let closeParen = take(.op(")"))
        if !closeParen { try expect(.op("]")) }
        let elements = groups.flatMap { $0 }
        if elements.count == 1 {
            guard open == .op("(") && closeParen || open == .op("[") && !closeParen else {
                throw Failure()
            }
            return elements[0]
        }
        if elements.count == 2 && groups.count == 1 {
            let lo = elements[0], hi = elements[1]
            let leftOpen = open == .op("("), rightOpen = closeParen
            // An empty interval is a tuple in the reference.
            if let a = lo.value([:]), let b = hi.value([:]),
               (leftOpen && rightOpen && b <= a) || (!leftOpen && !rightOpen && b < a) {
                return .tuple([lo, hi])
            }
            if lo.symbols.isEmpty && hi.symbols.isEmpty || open == .op("[") || closeParen == false {
                return .interval(lo, hi, leftOpen: leftOpen || lo == .negInfinity, rightOpen: rightOpen || hi == .infinity)
            }
            return .interval(lo, hi, leftOpen: leftOpen, rightOpen: rightOpen)
        }
        guard open == .op("(") && closeParen else { throw Failure() }
        return .tuple(elements)
    }

    private mutating func bracedElements(close: Token) throws -> [[MathExpr]] {
        if take(close) { return [] }
        var groups: [[MathExpr]] = [try commaElements()]
        while take(.op(";")) { groups.append(try commaElements()) }
        try expect(close)
        return groups
    }

    /// Commands that are plain symbols (`\\varnothing` too: the reference has no empty-set meaning for it).
    private static let symbolCommands: Set<String> = [
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
        "omicron", "varsigma", "varpi", "varrho", "Pi", "Upsilon", "varnothing",
    ]
    /// The reference's function commands; `\\f^{-1}` of a trigonometric one is its inverse.
    private static let functions: Set<String> = ["sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan",
        "arcsec", "arccsc", "arccot", "sinh", "cosh", "tanh", "log", "ln", "exp"]
    private static let trigonometric: Set<String> = ["sin", "cos", "tan", "sec", "csc", "cot"]

    private mutating func command(_ c: String) throws -> MathExpr {
        switch c {
        case "frac", "dfrac", "tfrac", "cfrac":
            let a = try braced(), b = try braced()
            return Self.divide(a, b)
        case "sqrt":
            if take(.op("[")) {
                let n = try additive()
                try expect(.op("]"))
                return .pow(try braced(), .pow(n, .number(Rational(-1))))
            }
            return .function("sqrt", [try braced()])
        case "pi": return try application("\\pi") ?? .pi
        case "infty": return .infinity
        case "emptyset": return .emptySet
        case "{":
            let groups = try bracedElements(close: .command("}"))
            return groups.isEmpty ? .emptySet : .finiteSet(groups.flatMap { $0 })
        case "begin": return try matrix()
        case "det":
            guard peek == .command("begin"), case .matrix(let rows) = try primary() else { throw Failure() }
            return try Self.determinant(rows)
        case "binom":
            let n = try braced(), k = try braced()
            return .function("binom", [n, k])
        case "%": throw Failure()
        default:
            if Self.symbolCommands.contains(c) {
                let start = i - 1
                let name = c + (try subscriptText())
                return try application(toks[start..<i].map(Self.spell).joined()) ?? .symbol(name)
            }
            if Self.functions.contains(c) {
                var base: MathExpr?
                if c == "log", take(.op("_")) { base = peek == .op("{") ? try braced() : try primary() }
                var name = c.hasPrefix("arc") ? "a" + c.dropFirst(3) : c, power: MathExpr?
                if take(.op("^")) {
                    let e = try exponentAtom()
                    if e == .number(Rational(-1)), Self.trigonometric.contains(c) { name = "a" + c } else { power = e }
                }
                // `\\sin(x)`, `\\sin{x}`, or without parentheses the product that follows: `\\sin 2x` is sin(2x).
                let arg = peek == .op("(") || peek == .op("{") ? try primary() : try implicitProduct()
                // `\\log` without a base is base 10 in the reference; `\\ln` is natural.
                let f = MathExpr.function(name, c == "log" ? [arg, base ?? .number(Rational(10))] : [arg])
                return power.map { .pow(f, $0) } ?? f
            }
            throw Failure()
        }
    }

    private mutating func matrix() throws -> MathExpr {
        try expect(.op("{"))
        guard case .letter? = peek else { throw Failure() }
        var env = ""
        while case .letter(let l)? = peek { env += l; i += 1 }
        try expect(.op("}"))
        // The reference's lexer knows these environments; `vmatrix` is a determinant.
        guard ["matrix", "pmatrix", "bmatrix", "vmatrix", "array"].contains(env) else { throw Failure() }
        if env == "array" {
            // The column specification, `{cc}` or `{c|c}`.
            try expect(.op("{"))
            while let t = peek, t != .op("}") { guard case .letter = t, t != .op("|") else { throw Failure() }; i += 1 }
            try expect(.op("}"))
        }
        // Rows of `&`-separated cells, rows ended by `\\\\` (a last one may close the matrix).
        var rows: [[MathExpr]] = [[try additive()]]
        while true {
            if take(.op("&")) { rows[rows.count - 1].append(try additive()); continue }
            if take(.command("\\")) {
                if peek == .command("end") { break }
                rows.append([try additive()]); continue
            }
            break
        }
        try expect(.command("end"))
        try expect(.op("{"))
        var closing = ""
        while case .letter(let l)? = peek { closing += l; i += 1 }
        try expect(.op("}"))
        guard closing == env, rows.allSatisfy({ $0.count == rows[0].count }) else { throw Failure() }
        return env == "vmatrix" ? try Self.determinant(rows) : .matrix(rows)
    }
}

extension MathExpr {
    static let negInfinity = MathExpr.mul([.number(Rational(-1)), .infinity])
}
