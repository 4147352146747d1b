/// The contents of every fenced code block of a Markdown text, in document order, exactly as
/// markdown-it-py 4.0.0's `MarkdownIt()` (CommonMark preset) gives the `content` of its `fence`
/// tokens — the reference's code extraction. A port of markdown-it's block rules that decide
/// where fences are: indented code, fences, block quotes, thematic breaks, lists, link reference
/// definitions, HTML blocks, ATX and setext headings and paragraphs. Indexing is by Unicode
/// scalar, as Python indexes `str`.
public enum CodeFences {
    public static func contents(of text: String) -> [String] {
        var src: [Unicode.Scalar] = []
        src.reserveCapacity(text.unicodeScalars.count)
        // markdown-it's normalize: CRLF and CR become LF, NUL becomes U+FFFD.
        var it = text.unicodeScalars.makeIterator()
        var pending = it.next()
        while let c = pending {
            pending = it.next()
            if c == "\r" {
                src.append("\n")
                if pending == "\n" { pending = it.next() }
            } else if c == "\0" {
                src.append("\u{FFFD}")
            } else {
                src.append(c)
            }
        }
        guard !src.isEmpty else { return [] }
        var state = BlockState(src)
        state.tokenize(0, state.lineMax)
        return state.fences.map { String(String.UnicodeScalarView($0)) }
    }
}

private func isSpace(_ c: Unicode.Scalar?) -> Bool { c == " " || c == "\t" }

/// Python's `\s` on str.
private func isPyWhitespace(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
    default: return false
    }
}

private enum Parent { case root, paragraph, list, blockquote, reference }
private enum Rule { case code, fence, blockquote, hr, list, reference, html, heading, lheading, paragraph }

private let blockNames: Set<String> = Set("""
    address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt \
    fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link \
    main menu menuitem nav noframes ol optgroup option p param search section summary table tbody td tfoot th thead \
    title tr track ul
    """.split(separator: " ").map(String.init))

private struct BlockState {
    let src: [Unicode.Scalar]
    var bMarks: [Int] = [], eMarks: [Int] = [], tShift: [Int] = [], sCount: [Int] = [], bsCount: [Int] = []
    var blkIndent = 0
    var line = 0
    var lineMax = 0
    var tight = false
    var listIndent = -1
    var parentType = Parent.root
    var level = 0
    var fences: [[Unicode.Scalar]] = []

    static let rules: [Rule] = [.code, .fence, .blockquote, .hr, .list, .reference, .html, .heading, .lheading, .paragraph]
    /// What ends a paragraph, and also a reference definition's continuation lines.
    static let paragraphTerminators: [Rule] = [.fence, .blockquote, .hr, .list, .html, .heading]
    static let listTerminators: [Rule] = [.fence, .blockquote, .hr]
    static let blockquoteTerminators: [Rule] = [.fence, .blockquote, .hr, .list, .html, .heading]

    init(_ src: [Unicode.Scalar]) {
        self.src = src
        var indentFound = false
        var start = 0, indent = 0, offset = 0
        let length = src.count
        for (p, ch) in src.enumerated() {
            var pos = p
            if !indentFound {
                if isSpace(ch) {
                    indent += 1
                    offset += ch == "\t" ? 4 - offset % 4 : 1
                    continue
                } else {
                    indentFound = true
                }
            }
            if ch == "\n" || pos == length - 1 {
                if ch != "\n" { pos += 1 }
                bMarks.append(start); eMarks.append(pos); tShift.append(indent); sCount.append(offset); bsCount.append(0)
                indentFound = false
                indent = 0; offset = 0
                start = pos + 1
            }
        }
        bMarks.append(length); eMarks.append(length); tShift.append(0); sCount.append(0); bsCount.append(0)
        lineMax = bMarks.count - 1
    }

    func ch(_ pos: Int) -> Unicode.Scalar? { pos >= 0 && pos < src.count ? src[pos] : nil }
    func isEmpty(_ l: Int) -> Bool { bMarks[l] + tShift[l] >= eMarks[l] }
    func isCodeBlock(_ l: Int) -> Bool { sCount[l] - blkIndent >= 4 }

    func skipEmptyLines(_ from: Int) -> Int {
        var l = from
        while l < lineMax, bMarks[l] + tShift[l] >= eMarks[l] { l += 1 }
        return l
    }
    func skipSpaces(_ p: Int) -> Int { spacesEnd(src, p) }
    func skipChars(_ p: Int, _ c: Unicode.Scalar) -> Int { var p = p; while ch(p) == c { p += 1 }; return p }
    func skipSpacesBack(_ p: Int, _ min: Int) -> Int {
        var p = p
        if p <= min { return p }
        while p > min { p -= 1; if !isSpace(src[p]) { return p + 1 } }
        return p
    }

    func getLines(_ begin: Int, _ end: Int, _ indent: Int, _ keepLastLF: Bool) -> [Unicode.Scalar] {
        guard begin < end else { return [] }
        var out: [Unicode.Scalar] = []
        for l in begin..<end {
            var lineIndent = 0
            let lineStart = bMarks[l]
            var first = lineStart
            let last = min(l + 1 < end || keepLastLF ? eMarks[l] + 1 : eMarks[l], src.count)
            while first < last, lineIndent < indent {
                let c = src[first]
                if isSpace(c) {
                    lineIndent += c == "\t" ? 4 - (lineIndent + bsCount[l]) % 4 : 1
                } else if first - lineStart < tShift[l] {
                    lineIndent += 1
                } else {
                    break
                }
                first += 1
            }
            if lineIndent > indent { out += Array(repeating: " ", count: lineIndent - indent) }
            if first < last { out += src[first..<last] }
        }
        return out
    }

    mutating func tokenize(_ startLine: Int, _ endLine: Int) {
        var l = startLine
        var hasEmptyLines = false
        while l < endLine {
            l = skipEmptyLines(l)
            line = l
            if l >= endLine { break }
            if sCount[l] < blkIndent { break }
            if level >= 20 { line = endLine; break }   // the preset's maxNesting
            for r in Self.rules where apply(r, l, endLine, false) { break }
            tight = !hasEmptyLines
            l = line
            if l - 1 < endLine, isEmpty(l - 1) { hasEmptyLines = true }
            if l < endLine, isEmpty(l) {
                hasEmptyLines = true
                l += 1
                line = l
            }
        }
    }

    mutating func apply(_ r: Rule, _ start: Int, _ end: Int, _ silent: Bool) -> Bool {
        switch r {
        case .code: return code(start, end)
        case .fence: return fence(start, end, silent)
        case .blockquote: return blockquote(start, end, silent)
        case .hr: return hr(start, silent)
        case .list: return list(start, end, silent)
        case .reference: return reference(start)
        case .html: return html(start, end, silent)
        case .heading: return heading(start, silent)
        case .lheading: return lheading(start, end)
        case .paragraph: return paragraph(start)
        }
    }

    mutating func terminates(_ rules: [Rule], _ l: Int, _ end: Int) -> Bool {
        for r in rules where apply(r, l, end, true) { return true }
        return false
    }

    mutating func code(_ start: Int, _ end: Int) -> Bool {
        guard isCodeBlock(start) else { return false }
        var next = start + 1, last = start + 1
        while next < end {
            if isEmpty(next) { next += 1; continue }
            if isCodeBlock(next) { next += 1; last = next; continue }
            break
        }
        line = last
        return true
    }

    mutating func fence(_ start: Int, _ end: Int, _ silent: Bool) -> Bool {
        var pos = bMarks[start] + tShift[start]
        var max = eMarks[start]
        if isCodeBlock(start) || pos + 3 > max { return false }
        let marker = src[pos]
        guard marker == "~" || marker == "`" else { return false }
        var mem = pos
        pos = skipChars(pos, marker)
        let len = pos - mem
        if len < 3 { return false }
        if marker == "`", src[pos..<max].contains("`") { return false }
        if silent { return true }
        var next = start
        var haveEnd = false
        while true {
            next += 1
            if next >= end { break }
            pos = bMarks[next] + tShift[next]
            mem = pos
            max = eMarks[next]
            if pos < max, sCount[next] < blkIndent { break }
            guard let c = ch(pos) else { break }
            if c != marker { continue }
            if isCodeBlock(next) { continue }
            pos = skipChars(pos, marker)
            if pos - mem < len { continue }
            pos = skipSpaces(pos)
            if pos < max { continue }
            haveEnd = true
            break
        }
        line = next + (haveEnd ? 1 : 0)
        fences.append(getLines(start + 1, next, sCount[start], true))
        return true
    }

    mutating func hr(_ start: Int, _ silent: Bool) -> Bool {
        var pos = bMarks[start] + tShift[start]
        let max = eMarks[start]
        if isCodeBlock(start) { return false }
        guard let marker = ch(pos), marker == "*" || marker == "-" || marker == "_" else { return false }
        pos += 1
        var cnt = 1
        while pos < max {
            let c = src[pos]
            pos += 1
            if c != marker && !isSpace(c) { return false }
            if c == marker { cnt += 1 }
        }
        if cnt < 3 { return false }
        if !silent { line = start + 1 }
        return true
    }

    mutating func heading(_ start: Int, _ silent: Bool) -> Bool {
        var pos = bMarks[start] + tShift[start]
        let max = eMarks[start]
        if isCodeBlock(start) { return false }
        guard ch(pos) == "#", pos < max else { return false }
        var lvl = 1
        pos += 1
        while ch(pos) == "#", pos < max, lvl <= 6 { lvl += 1; pos += 1 }
        if lvl > 6 || (pos < max && !isSpace(ch(pos))) { return false }
        if !silent { line = start + 1 }
        return true
    }

    mutating func lheading(_ start: Int, _ end: Int) -> Bool {
        if isCodeBlock(start) { return false }
        var next = start + 1
        var found = false
        let old = parentType
        parentType = .paragraph
        while next < end, !isEmpty(next) {
            if sCount[next] - blkIndent > 3 { next += 1; continue }
            if sCount[next] >= blkIndent {
                var pos = bMarks[next] + tShift[next]
                let max = eMarks[next]
                if pos < max, let m = ch(pos), m == "-" || m == "=" {
                    pos = skipSpaces(skipChars(pos, m))
                    if pos >= max { found = true; break }
                }
            }
            if sCount[next] < 0 { next += 1; continue }
            if terminates(Self.paragraphTerminators, next, end) { break }
            next += 1
        }
        guard found else { parentType = old; return false }
        line = next + 1
        parentType = old
        return true
    }

    mutating func paragraph(_ start: Int) -> Bool {
        var next = start + 1
        let end = lineMax
        let old = parentType
        parentType = .paragraph
        while next < end {
            if isEmpty(next) { break }
            if sCount[next] - blkIndent > 3 { next += 1; continue }
            if sCount[next] < 0 { next += 1; continue }
            if terminates(Self.paragraphTerminators, next, end) { break }
            next += 1
        }
        line = next
        parentType = old
        return true
    }

    // MARK: link reference definitions

    /// `[label]: destination "title"`, possibly over several lines. It makes no token, but the
    /// lines it takes are not a paragraph: the next line starts a block of its own. Reference
    /// definitions interrupt nothing, so this never runs silently.
    mutating func reference(_ start: Int) -> Bool {
        var pos = bMarks[start] + tShift[start]
        var nextLine = start + 1
        if isCodeBlock(start) || ch(pos) != "[" { return false }
        var s = Array(src[pos..<Swift.min(eMarks[start] + 1, src.count)])
        func append(_ next: ArraySlice<Unicode.Scalar>) { s += next; nextLine += 1 }

        var labelEnd: Int?
        pos = 1
        while pos < s.count {
            let c = s[pos]
            if c == "[" { return false }
            if c == "]" { labelEnd = pos; break }
            if c == "\n" {
                if let l = referenceLine(nextLine) { append(l) }
            } else if c == "\\" {
                pos += 1
                if pos < s.count, s[pos] == "\n", let l = referenceLine(nextLine) { append(l) }
            }
            pos += 1
        }
        guard let labelEnd, labelEnd + 1 < s.count, s[labelEnd + 1] == ":" else { return false }

        // Spaces, tabs and line breaks around the destination; at a line break the next line is
        // pulled in if it may continue the definition.
        func skipWhitespace(_ from: Int) -> Int {
            var p = from
            while p < s.count {
                if s[p] == "\n" {
                    if let l = referenceLine(nextLine) { append(l) }
                } else if !isSpace(s[p]) {
                    break
                }
                p += 1
            }
            return p
        }
        pos = skipWhitespace(labelEnd + 2)
        guard let dest = linkDestination(s, pos), linkAllowed(s[dest.content]) else { return false }
        pos = dest.end
        let destEndPos = pos, destEndLineNo = nextLine
        let beforeTitle = pos
        pos = skipWhitespace(pos)
        var title = linkTitle(s, pos, nil)
        while title.canContinue {
            guard let l = referenceLine(nextLine) else { break }
            pos = s.count
            append(l)
            title = linkTitle(s, pos, title)
        }
        var hasTitle = false
        if pos < s.count, beforeTitle != pos, title.ok {
            hasTitle = !title.empty
            pos = title.end
        } else {
            pos = destEndPos
            nextLine = destEndLineNo
        }
        pos = spacesEnd(s, pos)
        if pos < s.count, s[pos] != "\n", hasTitle {
            // Text after the title: still a definition without the title, if the line ends there.
            pos = spacesEnd(s, destEndPos)
            nextLine = destEndLineNo
        }
        if pos < s.count, s[pos] != "\n" { return false }
        // The label, trimmed and case-folded, must not be empty.
        if s[1..<labelEnd].allSatisfy(isPyWhitespace) { return false }
        line = nextLine
        return true
    }

    /// The next line of a reference definition (from its first non-space, with its newline), or
    /// nil where the definition must end: the end, an empty line, or a block that interrupts a
    /// paragraph. Lazy lines (indented as code, or continuing a block quote) always continue.
    mutating func referenceLine(_ l: Int) -> ArraySlice<Unicode.Scalar>? {
        if l >= lineMax || isEmpty(l) { return nil }
        if !isCodeBlock(l) && sCount[l] >= 0 {
            let old = parentType
            parentType = .reference
            let ends = terminates(Self.paragraphTerminators, l, lineMax)
            parentType = old
            if ends { return nil }
        }
        return src[(bMarks[l] + tShift[l])..<Swift.min(eMarks[l] + 1, src.count)]
    }

    // MARK: HTML blocks

    /// Which of CommonMark's seven HTML block kinds `text` opens (1-based), or nil.
    func htmlKind(_ t: ArraySlice<Unicode.Scalar>) -> Int? {
        let s = Array(t)
        func lower(_ from: Int, _ n: Int) -> String? {
            guard from + n <= s.count else { return nil }
            return String(String.UnicodeScalarView(s[from..<(from + n)])).lowercased()
        }
        guard s.first == "<" else { return nil }
        for name in ["script", "pre", "style", "textarea"] {
            if lower(1, name.count) == name {
                let after = 1 + name.count
                if after == s.count || isPyWhitespace(s[after]) || s[after] == ">" { return 1 }
            }
        }
        if s.starts(with: Array("<!--".unicodeScalars)) { return 2 }
        if s.count > 1, s[1] == "?" { return 3 }
        if s.count > 2, s[1] == "!", ("A"..."Z").contains(s[2]) { return 4 }
        if s.starts(with: Array("<![CDATA[".unicodeScalars)) { return 5 }
        // Kind 6: a block tag name, open or close.
        var p = 1
        if p < s.count, s[p] == "/" { p += 1 }
        var q = p
        while q < s.count, s[q].isASCII, s[q].properties.isAlphabetic || ("0"..."9").contains(s[q]) { q += 1 }
        if q > p, let name = lower(p, q - p), blockNames.contains(name) {
            if q == s.count || isPyWhitespace(s[q]) || s[q] == ">" || (s[q] == "/" && q + 1 < s.count && s[q + 1] == ">") {
                return 6
            }
        }
        return isCompleteTagLine(s) ? 7 : nil
    }

    /// Kind 7: one complete open or closing tag, then only whitespace.
    func isCompleteTagLine(_ s: [Unicode.Scalar]) -> Bool {
        func alpha(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
        func digit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        var p = 1
        func at(_ i: Int) -> Unicode.Scalar? { i < s.count ? s[i] : nil }
        func ws() -> Int { var n = 0; while let c = at(p), isPyWhitespace(c) { p += 1; n += 1 }; return n }
        func tagName() -> Bool {
            guard let c = at(p), alpha(c) else { return false }
            p += 1
            while let c = at(p), alpha(c) || digit(c) || c == "-" { p += 1 }
            return true
        }
        if at(p) == "/" {
            p += 1
            guard tagName() else { return false }
            _ = ws()
            guard at(p) == ">" else { return false }
            p += 1
        } else {
            guard tagName() else { return false }
            while true {
                let save = p
                guard ws() > 0, let c = at(p), alpha(c) || c == "_" || c == ":" else { p = save; break }
                p += 1
                while let c = at(p), alpha(c) || digit(c) || c == ":" || c == "." || c == "_" || c == "-" { p += 1 }
                let afterName = p
                _ = ws()
                if at(p) == "=" {
                    p += 1
                    _ = ws()
                    guard let q = at(p) else { p = afterName; continue }
                    if q == "'" || q == "\"" {
                        guard let close = s[(p + 1)...].firstIndex(of: q) else { p = afterName; continue }
                        p = close + 1
                    } else {
                        let start = p
                        while let c = at(p), !(c == "\"" || c == "'" || c == "=" || c == "<" || c == ">" || c == "`" || c.value <= 0x20) { p += 1 }
                        if p == start { p = afterName; continue }
                    }
                } else {
                    p = afterName
                }
            }
            _ = ws()
            if at(p) == "/" { p += 1 }
            guard at(p) == ">" else { return false }
            p += 1
        }
        while let c = at(p) { if !isPyWhitespace(c) { return false }; p += 1 }
        return true
    }

    func htmlEnds(_ kind: Int, _ t: ArraySlice<Unicode.Scalar>) -> Bool {
        let s = String(String.UnicodeScalarView(t))
        switch kind {
        case 1:
            let l = s.lowercased()
            return ["</script>", "</pre>", "</style>", "</textarea>"].contains { l.contains($0) }
        case 2: return s.contains("-->")
        case 3: return s.contains("?>")
        case 4: return s.contains(">")
        case 5: return s.contains("]]>")
        default: return t.isEmpty
        }
    }

    mutating func html(_ start: Int, _ end: Int, _ silent: Bool) -> Bool {
        let pos = bMarks[start] + tShift[start]
        let max = eMarks[start]
        if isCodeBlock(start) || ch(pos) != "<" { return false }
        guard let kind = htmlKind(src[pos..<max]) else { return false }
        if silent { return kind != 7 }
        var next = start + 1
        if !htmlEnds(kind, src[pos..<max]) {
            while next < end {
                if sCount[next] < blkIndent { break }
                let p = bMarks[next] + tShift[next]
                let t = src[p..<Swift.max(p, eMarks[next])]
                if htmlEnds(kind, t) {
                    if !t.isEmpty { next += 1 }
                    break
                }
                next += 1
            }
        }
        line = next
        return true
    }

    // MARK: containers

    mutating func blockquote(_ start: Int, _ end: Int, _ silent: Bool) -> Bool {
        let oldLineMax = lineMax
        var pos = bMarks[start] + tShift[start]
        var max = eMarks[start]
        if isCodeBlock(start) || ch(pos) != ">" { return false }
        pos += 1
        if silent { return true }
        var oldBMarks: [Int] = [], oldBSCount: [Int] = [], oldSCount: [Int] = [], oldTShift: [Int] = []
        var lastLineEmpty = false

        // Consumes the `>` marker of line `l` (pos just after it) and records the old values.
        func enter(_ l: Int, _ pos0: Int, _ max: Int) {
            var pos = pos0
            var initial = sCount[l] + 1, offset = initial
            var adjustTab = false, spaceAfterMarker = false
            let second = ch(pos)
            if second == " " {
                pos += 1; initial += 1; offset += 1; spaceAfterMarker = true
            } else if second == "\t" {
                spaceAfterMarker = true
                if (bsCount[l] + offset) % 4 == 3 { pos += 1; initial += 1; offset += 1 } else { adjustTab = true }
            }
            oldBMarks.append(bMarks[l])
            bMarks[l] = pos
            while pos < max {
                let c = src[pos]
                if isSpace(c) {
                    offset += c == "\t" ? 4 - (offset + bsCount[l] + (adjustTab ? 1 : 0)) % 4 : 1
                } else { break }
                pos += 1
            }
            lastLineEmpty = pos >= max
            oldBSCount.append(bsCount[l])
            bsCount[l] = sCount[l] + 1 + (spaceAfterMarker ? 1 : 0)
            oldSCount.append(sCount[l])
            sCount[l] = offset - initial
            oldTShift.append(tShift[l])
            tShift[l] = pos - bMarks[l]
        }
        enter(start, pos, max)
        let oldParent = parentType
        parentType = .blockquote
        var next = start + 1
        while next < end {
            let isOutdented = sCount[next] < blkIndent
            pos = bMarks[next] + tShift[next]
            max = eMarks[next]
            if pos >= max { break }
            if src[pos] == ">" && !isOutdented {
                enter(next, pos + 1, max)
                next += 1
                continue
            }
            if lastLineEmpty { break }
            if terminates(Self.blockquoteTerminators, next, end) {
                lineMax = next
                if blkIndent != 0 {
                    oldBMarks.append(bMarks[next]); oldBSCount.append(bsCount[next])
                    oldTShift.append(tShift[next]); oldSCount.append(sCount[next])
                    sCount[next] -= blkIndent
                }
                break
            }
            oldBMarks.append(bMarks[next]); oldBSCount.append(bsCount[next])
            oldTShift.append(tShift[next]); oldSCount.append(sCount[next])
            sCount[next] = -1
            next += 1
        }
        let oldIndent = blkIndent
        blkIndent = 0
        level += 1
        tokenize(start, next)
        level -= 1
        lineMax = oldLineMax
        parentType = oldParent
        for i in oldTShift.indices {
            bMarks[i + start] = oldBMarks[i]
            tShift[i + start] = oldTShift[i]
            sCount[i + start] = oldSCount[i]
            bsCount[i + start] = oldBSCount[i]
        }
        blkIndent = oldIndent
        return true
    }

    func skipBulletMarker(_ l: Int) -> Int {
        var pos = bMarks[l] + tShift[l]
        let max = eMarks[l]
        guard let m = ch(pos), m == "*" || m == "-" || m == "+" else { return -1 }
        pos += 1
        if pos < max, !isSpace(src[pos]) { return -1 }
        return pos
    }

    func skipOrderedMarker(_ l: Int) -> Int {
        let start = bMarks[l] + tShift[l]
        var pos = start
        let max = eMarks[l]
        if pos + 1 >= max { return -1 }
        guard ("0"..."9").contains(src[pos]) else { return -1 }
        pos += 1
        while true {
            if pos >= max { return -1 }
            let c = src[pos]
            pos += 1
            if ("0"..."9").contains(c) {
                if pos - start >= 10 { return -1 }
                continue
            }
            if c == ")" || c == "." { break }
            return -1
        }
        if pos < max, !isSpace(src[pos]) { return -1 }
        return pos
    }

    mutating func list(_ startLine: Int, _ end: Int, _ silent: Bool) -> Bool {
        var start = startLine
        if isCodeBlock(start) { return false }
        if listIndent >= 0, sCount[start] - listIndent >= 4, sCount[start] < blkIndent { return false }
        let terminatingParagraph = silent && parentType == .paragraph && sCount[start] >= blkIndent
        var posAfterMarker = skipOrderedMarker(start)
        let ordered: Bool
        if posAfterMarker >= 0 {
            ordered = true
            let s = bMarks[start] + tShift[start]
            let digits = String(String.UnicodeScalarView(src[s..<(posAfterMarker - 1)]))
            if terminatingParagraph && Int(digits) != 1 { return false }
        } else {
            posAfterMarker = skipBulletMarker(start)
            guard posAfterMarker >= 0 else { return false }
            ordered = false
        }
        if terminatingParagraph && skipSpaces(posAfterMarker) >= eMarks[start] { return false }
        let markerChar = src[posAfterMarker - 1]
        if silent { return true }
        var next = start
        let oldParent = parentType
        parentType = .list
        level += 1
        while next < end {
            var pos = posAfterMarker
            let max = eMarks[next]
            let initial = sCount[next] + posAfterMarker - (bMarks[start] + tShift[start])
            var offset = initial
            while pos < max {
                let c = src[pos]
                if c == "\t" { offset += 4 - (offset + bsCount[next]) % 4 } else if c == " " { offset += 1 } else { break }
                pos += 1
            }
            let contentStart = pos
            var indentAfterMarker = contentStart >= max ? 1 : offset - initial
            if indentAfterMarker > 4 { indentAfterMarker = 1 }
            let indent = initial + indentAfterMarker
            let oldTight = tight
            let oldTShift = tShift[start], oldSCount = sCount[start]
            let oldListIndent = listIndent
            listIndent = blkIndent
            blkIndent = indent
            tight = true
            tShift[start] = contentStart - bMarks[start]
            sCount[start] = offset
            if contentStart >= max, isEmpty(start + 1) {
                line = Swift.min(line + 2, end)
            } else {
                level += 1
                tokenize(start, end)
                level -= 1
            }
            blkIndent = listIndent
            listIndent = oldListIndent
            tShift[start] = oldTShift
            sCount[start] = oldSCount
            tight = oldTight
            next = line
            start = line
            if next >= end { break }
            if sCount[next] < blkIndent { break }
            if isCodeBlock(start) { break }
            if terminates(Self.listTerminators, next, end) { break }
            if ordered {
                posAfterMarker = skipOrderedMarker(next)
                if posAfterMarker < 0 { break }
            } else {
                posAfterMarker = skipBulletMarker(next)
                if posAfterMarker < 0 { break }
            }
            if markerChar != src[posAfterMarker - 1] { break }
        }
        level -= 1
        line = next
        parentType = oldParent
        return true
    }
}

// MARK: link destinations and titles, as markdown-it's helpers parse them

/// The position after the spaces and tabs from `p`.
private func spacesEnd(_ s: [Unicode.Scalar], _ p: Int) -> Int {
    var p = p
    while p < s.count, isSpace(s[p]) { p += 1 }
    return p
}

/// `<…>` or a run without spaces or control characters and with balanced parentheses (at most
/// 32 deep): the end position and the raw content, or nil.
private func linkDestination(_ s: [Unicode.Scalar], _ start: Int) -> (end: Int, content: Range<Int>)? {
    var pos = start
    if pos < s.count, s[pos] == "<" {
        pos += 1
        while pos < s.count {
            let c = s[pos]
            if c == "\n" || c == "<" { return nil }
            if c == ">" { return (pos + 1, (start + 1)..<pos) }
            if c == "\\", pos + 1 < s.count { pos += 2; continue }
            pos += 1
        }
        return nil
    }
    var level = 0
    while pos < s.count {
        let c = s[pos]
        if c == " " || c.value < 0x20 || c.value == 0x7F { break }
        if c == "\\", pos + 1 < s.count {
            if s[pos + 1] == " " { break }
            pos += 2
            continue
        }
        if c == "(" {
            level += 1
            if level > 32 { return nil }
        }
        if c == ")" {
            if level == 0 { break }
            level -= 1
        }
        pos += 1
    }
    if pos == start || level != 0 { return nil }
    return (pos, start..<pos)
}

/// A link title's parse state: `"…"`, `'…'` or `(…)`, which in a reference definition may go on
/// over the next lines (`canContinue`). Only whether its text is empty matters here.
private struct LinkTitle {
    var ok = false, canContinue = false, empty = true
    var end = 0
    var marker: Unicode.Scalar = "\0"
}

private func linkTitle(_ s: [Unicode.Scalar], _ from: Int, _ previous: LinkTitle?) -> LinkTitle {
    var start = from, pos = from
    var t = LinkTitle()
    if let previous {
        t.empty = previous.empty
        t.marker = previous.marker
    } else {
        guard pos < s.count else { return t }
        let m = s[pos]
        guard m == "\"" || m == "'" || m == "(" else { return t }
        start += 1
        pos += 1
        t.marker = m == "(" ? ")" : m
    }
    while pos < s.count {
        let c = s[pos]
        if c == t.marker {
            t.end = pos + 1
            t.empty = t.empty && pos == start
            t.ok = true
            return t
        }
        if c == "(" && t.marker == ")" { return LinkTitle() }
        if c == "\\", pos + 1 < s.count { pos += 1 }
        pos += 1
    }
    t.canContinue = true
    t.empty = t.empty && pos == start
    return t
}

/// markdown-it's validateLink after normalizeLink and unescapeAll: no `javascript:`, `vbscript:`,
/// `file:` or `data:` (except `data:image/gif|png|jpeg|webp;`) once the destination is unescaped
/// and trimmed. URL normalization only percent-encodes characters that would end those prefixes
/// anyway, so the check reads the unescaped text (checked against markdown-it-py on 300,000
/// generated destinations).
private func linkAllowed(_ raw: ArraySlice<Unicode.Scalar>) -> Bool {
    var text = unescapedForLinkCheck(raw)[...]
    while let c = text.first, isPyWhitespace(c) { text.removeFirst() }
    let lower = String(String.UnicodeScalarView(text.prefix(32).map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32)! : $0 }))
    guard ["vbscript:", "javascript:", "file:", "data:"].contains(where: lower.hasPrefix) else { return true }
    return ["gif", "png", "jpeg", "webp"].contains { lower.hasPrefix("data:image/\($0);") }
}

/// Named entities whose value can take part in that check (letters, `:`, `/`, `;`, white space).
/// Every other entity decodes to a character that ends a prefix match, as an undecoded `&` does,
/// so it is left as it is.
private let linkCheckEntities: [String: String] = [
    "colon": ":", "sol": "/", "semi": ";", "fjlig": "fj", "Tab": "\t", "NewLine": "\n", "nbsp": "\u{A0}",
    "NonBreakingSpace": "\u{A0}", "ensp": "\u{2002}", "emsp": "\u{2003}", "emsp13": "\u{2004}",
    "emsp14": "\u{2005}", "numsp": "\u{2007}", "puncsp": "\u{2008}", "thinsp": "\u{2009}",
    "ThinSpace": "\u{2009}", "hairsp": "\u{200A}", "VeryThinSpace": "\u{200A}", "MediumSpace": "\u{205F}",
    "ThickSpace": "\u{205F}\u{200A}",
]

private let asciiPunctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)

/// unescapeAll for the link check: backslash escapes of ASCII punctuation, numeric character
/// references (valid code points only) and the entities above.
private func unescapedForLinkCheck(_ raw: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
    let s = Array(raw)
    var out: [Unicode.Scalar] = []
    var i = 0
    func alnum(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) }
    while i < s.count {
        let c = s[i]
        if c == "\\", i + 1 < s.count, asciiPunctuation.contains(s[i + 1]) {
            out.append(s[i + 1])
            i += 2
            continue
        }
        if c == "&", i + 1 < s.count, s[i + 1] == "#" || (s[i + 1].isASCII && s[i + 1].properties.isAlphabetic) {
            var j = i + 2
            while j < s.count, j - (i + 1) < 32, alnum(s[j]) { j += 1 }
            if j < s.count, s[j] == ";", j - (i + 1) >= 2 {
                let name = String(String.UnicodeScalarView(s[(i + 1)..<j]))
                if let v = linkCheckEntities[name] ?? numericReference(name) {
                    out += v.unicodeScalars
                    i = j + 1
                    continue
                }
            }
        }
        out.append(c)
        i += 1
    }
    return out
}

/// `#123` or `#x1F` (1 to 8 digits) naming a code point HTML allows, as a string.
private func numericReference(_ name: String) -> String? {
    var digits = name.dropFirst()
    var radix = 10
    if digits.first == "x" || digits.first == "X" { digits = digits.dropFirst(); radix = 16 }
    guard name.first == "#", (1...8).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isHexDigit && (radix == 16 || $0.isNumber) }),
          let c = UInt32(digits, radix: radix) else { return nil }
    let invalid = (0xD800...0xDFFF).contains(c) || (0xFDD0...0xFDEF).contains(c) || c & 0xFFFF >= 0xFFFE
        || c <= 0x08 || c == 0x0B || (0x0E...0x1F).contains(c) || (0x7F...0x9F).contains(c) || c > 0x10FFFF
    guard !invalid, let scalar = Unicode.Scalar(c) else { return nil }
    return String(Character(scalar))
}
