import Foundation

/// The text BeautifulSoup's `get_text()` finds in the HTML that Python-Markdown 3.8.2 (no
/// extensions) renders from `source`: what the reference counts in the Japanese character ratio.
/// A port of Python-Markdown's block parser (its processors in their order, on blocks split at
/// blank lines), of its inline patterns as far as they change the text (code spans, escapes,
/// links and images, autolinks, line breaks, raw tags, entities, emphasis), and of its
/// prettifier's newlines, of its raw HTML blocks, and of BeautifulSoup's reading (a text between
/// two tags made only of ASCII whitespace becomes one newline or one space, outside `<pre>`;
/// entities decode by its table). Left out: reference-style links (`[text][id]` stays as written).
public enum MarkdownText {
    public static func plainText(_ source: String) -> String {
        // NormalizeWhitespace: line ends, tabs to 4 columns, lines of spaces emptied.
        var text = source.replacingOccurrences(of: "\u{2}", with: "").replacingOccurrences(of: "\u{3}", with: "")
        text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") + "\n\n"
        text = expandTabs(text)
        text = Rx.sub(Rx.spaceLines, text) { _ in "\n" }
        let stash = Inline.Stash()
        text = RawHTML.extract(text, stash)
        let root = Node("div")
        var parser = BlockParser()
        parser.parseChunk(root, text)
        Inline.process(root, stash)
        prettify(root)
        var out = ""
        collect(root, into: &out, top: true)
        // markdown() strips the document it serialized: whitespace before the first tag or after the last.
        return readText(Inline.expand(out, stash).pythonStrip())
    }

    /// Marks a tag in the text (an element's start or end, a raw tag, a comment); `preOpen` and
    /// `preClose` bracket a `<pre>`, whose whitespace BeautifulSoup keeps.
    static let tag = "\u{E002}", preOpen = "\u{E003}", preClose = "\u{E004}"

    /// BeautifulSoup's strings: the texts between tags, each made only of ASCII whitespace
    /// becoming "\n" (when it holds one) or " ", except inside `<pre>`.
    static func readText(_ marked: String) -> String {
        var out = "", run = "", inPre = 0
        func flush() {
            if inPre == 0, !run.isEmpty, run.unicodeScalars.allSatisfy({ [" ", "\n", "\t", "\u{C}", "\r"].contains($0) }) {
                out += run.contains("\n") ? "\n" : " "
            } else {
                out += run
            }
            run = ""
        }
        for c in marked.unicodeScalars {
            switch c {
            case "\u{E002}": flush()
            case "\u{E003}": flush(); inPre += 1
            case "\u{E004}": flush(); inPre -= 1
            default: run.unicodeScalars.append(c)
            }
        }
        flush()
        return out
    }

    /// Python's `str.expandtabs(4)`.
    static func expandTabs(_ s: String) -> String {
        guard s.contains("\t") else { return s }
        var out = String.UnicodeScalarView(), column = 0
        for c in s.unicodeScalars {
            if c == "\t" {
                let n = 4 - column % 4
                out.append(contentsOf: repeatElement(" ", count: n)); column += n
            } else {
                out.append(c)
                column = c == "\n" ? 0 : column + 1
            }
        }
        return String(out)
    }

    // MARK: tree

    final class Node {
        var tag: String
        var text: String?
        var tail: String?
        var children: [Node] = []
        /// Code: no inline processing.
        var atomic = false
        init(_ tag: String, text: String? = nil) { self.tag = tag; self.text = text }
        @discardableResult func append(_ tag: String, text: String? = nil) -> Node {
            let n = Node(tag, text: text); children.append(n); return n
        }
    }

    static let blockTags: Set<String> = ["div", "p", "raw", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "blockquote", "hr"]

    /// PrettifyTreeprocessor: a newline after every block element and before a first block child;
    /// code blocks end in exactly one newline.
    static func prettify(_ e: Node) {
        if blockTags.contains(e.tag) && e.tag != "pre" {
            if (e.text ?? "").isBlank, let first = e.children.first, blockTags.contains(first.tag) { e.text = "\n" }
            for c in e.children where blockTags.contains(c.tag) { prettify(c) }
        }
        if (e.tail ?? "").isBlank { e.tail = "\n" }
        if e.tag == "pre", let code = e.children.first, code.tag == "code", code.children.isEmpty, let t = code.text {
            code.text = t.pythonRStrip() + "\n"
        }
    }

    /// get_text of the serialized tree; markdown() strips the whitespace around the document,
    /// which is the root's leading newline and its last child's tail.
    static func collect(_ e: Node, into out: inout String, top: Bool = false) {
        // A paragraph that is only a raw HTML block is that HTML, without the <p>.
        let marks = !top && e.tag != "raw"
        if marks { out += e.tag == "pre" ? preOpen : tag }
        if !top { out += e.text ?? "" }
        for (i, c) in e.children.enumerated() {
            collect(c, into: &out)
            if !(top && i == e.children.count - 1) { out += c.tail ?? "" }
        }
        if marks { out += e.tag == "pre" ? preClose : tag }
    }

    // MARK: blocks

    struct BlockParser {
        var state: [String] = []
        let tab = 4
        var indent: String { String(repeating: " ", count: tab) }

        mutating func parseChunk(_ parent: Node, _ text: String) { parseBlocks(parent, text.components(separatedBy: "\n\n")) }

        mutating func parseBlocks(_ parent: Node, _ input: [String]) {
            var blocks = input
            while !blocks.isEmpty {
                let b = blocks[0]
                if b.isEmpty || b.hasPrefix("\n") { empty(parent, &blocks) }
                else if b.hasPrefix(indent) && state.last != "detabbed"
                            && (parent.tag == "li" || ["ul", "ol"].contains(parent.children.last?.tag ?? "")) { listIndent(parent, &blocks) }
                else if b.hasPrefix(indent) { codeBlock(parent, &blocks) }
                else if let m = Rx.first(Rx.hashHeader, b) { hashHeader(parent, &blocks, m) }
                else if Rx.matchesAtStart(Rx.setext, b) { setext(parent, &blocks) }
                else if let m = Rx.first(Rx.hr, b) { hr(parent, &blocks, m) }
                else if Rx.matchesAtStart(Rx.olist, b) { list(parent, &blocks, tag: "ol") }
                else if Rx.matchesAtStart(Rx.ulist, b) { list(parent, &blocks, tag: "ul") }
                else if let m = Rx.first(Rx.quote, b) { quote(parent, &blocks, m) }
                else if let m = Rx.first(Rx.reference, b) { reference(parent, &blocks, m) }
                else { paragraph(parent, &blocks) }
            }
        }

        func lastChild(_ n: Node) -> Node? { n.children.last }

        func detab(_ text: String) -> (String, String) {
            let lines = text.components(separatedBy: "\n")
            var out: [String] = []
            for line in lines {
                if line.hasPrefix(indent) { out.append(String(line.dropFirst(tab))) }
                else if line.isBlank { out.append("") }
                else { break }
            }
            return (out.joined(separator: "\n"), lines[out.count...].joined(separator: "\n"))
        }

        func looseDetab(_ text: String, level: Int = 1) -> String {
            let pad = String(repeating: " ", count: tab * level)
            return text.components(separatedBy: "\n").map { $0.hasPrefix(pad) ? String($0.dropFirst(tab * level)) : $0 }.joined(separator: "\n")
        }

        mutating func empty(_ parent: Node, _ blocks: inout [String]) {
            let block = blocks.removeFirst()
            var filler = "\n\n"
            if !block.isEmpty {
                filler = "\n"
                let rest = String(block.dropFirst())
                if !rest.isEmpty { blocks.insert(rest, at: 0) }
            }
            if let s = lastChild(parent), s.tag == "pre", let code = s.children.first, code.tag == "code" {
                code.text = (code.text ?? "") + filler
            }
        }

        mutating func listIndent(_ parent: Node, _ blocks: inout [String]) {
            var block = blocks.removeFirst()
            // get_level
            let leading = block.prefix { $0 == " " }.count
            let indentLevel = leading / tab
            var level = state.last == "list" ? 1 : 0
            var sibling = parent
            while indentLevel > level {
                guard let child = lastChild(sibling), ["ul", "ol", "li"].contains(child.tag) else { break }
                if child.tag != "li" { level += 1 }
                sibling = child
            }
            block = looseDetab(block, level: level)
            state.append("detabbed")
            if parent.tag == "li" {
                if let l = parent.children.last, ["ul", "ol"].contains(l.tag) { parseBlocks(l, [block]) } else { parseBlocks(parent, [block]) }
            } else if sibling.tag == "li" {
                parseBlocks(sibling, [block])
            } else if let li = sibling.children.last, li.tag == "li" {
                if let t = li.text, !t.isEmpty {
                    let p = Node("p", text: t); li.text = ""; li.children.insert(p, at: 0)
                }
                parseChunk(li, block)
            } else {
                parseBlocks(sibling.append("li"), [block])
            }
            state.removeLast()
        }

        mutating func codeBlock(_ parent: Node, _ blocks: inout [String]) {
            let (block, rest) = detab(blocks.removeFirst())
            if let s = lastChild(parent), s.tag == "pre", let code = s.children.first, code.tag == "code" {
                code.text = "\(code.text ?? "")\n\(block.pythonRStrip())\n"
            } else {
                let code = parent.append("pre").append("code", text: block.pythonRStrip() + "\n")
                code.atomic = true
            }
            if !rest.isEmpty { blocks.insert(rest, at: 0) }
        }

        mutating func hashHeader(_ parent: Node, _ blocks: inout [String], _ m: Rx.Match) {
            let block = blocks.removeFirst()
            let before = m.before(block), after = m.after(block)
            if !before.isEmpty { parseBlocks(parent, [before]) }
            parent.append("h\(m.group(1)!.count)", text: m.group(2)!.pythonStrip())
            if !after.isEmpty { blocks.insert(state.last == "looselist" ? looseDetab(after) : after, at: 0) }
        }

        mutating func setext(_ parent: Node, _ blocks: inout [String]) {
            let lines = blocks.removeFirst().components(separatedBy: "\n")
            parent.append(lines[1].hasPrefix("=") ? "h1" : "h2", text: lines[0].pythonStrip())
            if lines.count > 2 { blocks.insert(lines[2...].joined(separator: "\n"), at: 0) }
        }

        mutating func hr(_ parent: Node, _ blocks: inout [String], _ m: Rx.Match) {
            let block = blocks.removeFirst()
            let pre = m.before(block).trimmingSuffix("\n")
            if !pre.isEmpty { parseBlocks(parent, [pre]) }
            parent.append("hr")
            let post = String(m.after(block).drop { $0 == "\n" })
            if !post.isEmpty { blocks.insert(post, at: 0) }
        }

        mutating func list(_ parent: Node, _ blocks: inout [String], tag: String) {
            var items = getItems(blocks.removeFirst())
            let lst: Node
            if let sibling = lastChild(parent), ["ol", "ul"].contains(sibling.tag) {
                lst = sibling
                if let last = lst.children.last {
                    if let t = last.text, !t.isEmpty {
                        let p = Node("p", text: t); last.text = ""; last.children.insert(p, at: 0)
                    }
                    if let lch = last.children.last, let t = lch.tail, !t.isEmpty {
                        last.append("p", text: String(t.drop { $0.isPythonSpace })); lch.tail = ""
                    }
                }
                let li = lst.append("li")
                state.append("looselist")
                parseBlocks(li, [items.removeFirst()])
                state.removeLast()
            } else if ["ol", "ul"].contains(parent.tag) {
                lst = parent
            } else {
                lst = parent.append(tag)
            }
            state.append("list")
            for item in items {
                if item.hasPrefix(indent), let last = lst.children.last { parseBlocks(last, [item]) }
                else { parseBlocks(lst.append("li"), [item]) }
            }
            state.removeLast()
        }

        func getItems(_ block: String) -> [String] {
            var items: [String] = []
            for line in block.components(separatedBy: "\n") {
                if let m = Rx.first(Rx.listChild, line) {
                    items.append(m.group(3)!)
                } else if Rx.matchesAtStart(Rx.listIndent, line) {
                    if let last = items.last, last.hasPrefix(indent) { items[items.count - 1] = last + "\n" + line } else { items.append(line) }
                } else if !items.isEmpty {
                    items[items.count - 1] += "\n" + line
                } else {
                    items.append(line)
                }
            }
            return items
        }

        mutating func quote(_ parent: Node, _ blocks: inout [String], _ m: Rx.Match) {
            var block = blocks.removeFirst()
            let before = m.before(block)
            parseBlocks(parent, [before])
            block = m.after(block, fromStart: true).components(separatedBy: "\n").map { line -> String in
                if line.pythonStrip() == ">" { return "" }
                if let c = Rx.first(Rx.quoteLine, line) { return c.group(2) ?? "" }
                return line
            }.joined(separator: "\n")
            let q: Node
            if let s = lastChild(parent), s.tag == "blockquote" { q = s } else { q = parent.append("blockquote") }
            state.append("blockquote")
            parseChunk(q, block)
            state.removeLast()
        }

        /// A link definition `[id]: url "title"` leaves the document.
        mutating func reference(_ parent: Node, _ blocks: inout [String], _ m: Rx.Match) {
            let block = blocks.removeFirst()
            let after = m.after(block), before = m.before(block)
            if !after.isBlank { blocks.insert(String(after.drop { $0 == "\n" }), at: 0) }
            if !before.isBlank { blocks.insert(before.trimmingSuffix("\n"), at: 0) }
        }

        mutating func paragraph(_ parent: Node, _ blocks: inout [String]) {
            let block = blocks.removeFirst()
            guard !block.isBlank else { return }
            if state.last == "list" {
                if let s = lastChild(parent) {
                    s.tail = s.tail.map { "\($0)\n\(block)" } ?? "\n\(block)"
                } else {
                    parent.text = parent.text.map { $0.isEmpty ? String(block.drop { $0.isPythonSpace }) : "\($0)\n\(block)" }
                        ?? String(block.drop { $0.isPythonSpace })
                }
            } else {
                let text = String(block.drop { $0.isPythonSpace })
                parent.append(RawHTML.isPlaceholder(text.pythonStrip()) ? "raw" : "p", text: text)
            }
        }
    }
}

// MARK: inline

extension MarkdownText {
    /// The inline patterns in Python-Markdown's order, each replacing its matches by a placeholder
    /// that later patterns do not look into; the placeholders hold the text the element shows.
    enum Inline {
        static func process(_ e: MarkdownText.Node, _ stash: Stash) {
            if !e.atomic, e.tag != "raw", let t = e.text { e.text = apply(t, from: 0, stash) }
            for c in e.children {
                process(c, stash)
                if let t = c.tail { c.tail = apply(t, from: 0, stash) }
            }
        }

        /// An element around `inner`, as its text shows with the tags marked.
        static func element(_ inner: String) -> String { MarkdownText.tag + inner + MarkdownText.tag }

        static let open: Unicode.Scalar = "\u{E000}", close: Unicode.Scalar = "\u{E001}"

        final class Stash {
            var items: [String] = []
            func put(_ s: String) -> String {
                items.append(s)
                return "\(Character(open))\(items.count - 1)\(Character(close))"
            }
        }

        static func expand(_ s: String, _ stash: Stash) -> String {
            guard s.unicodeScalars.contains(open) else { return s }
            return Rx.sub(Rx.placeholder, s) { m in expand(stash.items[Int(m.group(1)!)!], stash) }
        }

        /// Patterns from index `first` on (0 backtick … 10 underscore emphasis).
        static func apply(_ text: String, from first: Int, _ stash: Stash) -> String {
            var t = text
            for i in first..<11 { t = pattern(i, t, stash) }
            return t
        }

        /// `__applyPattern` repeated: the first match that its handler takes is replaced and the
        /// search starts over from the beginning (a replacement can make a match to its left, as
        /// `**a*b*c` does); a match the handler refuses (nil) is passed over. The handler may
        /// replace up to a later end (emphasis: the marker's pattern runs past the marker).
        static func loop(_ re: NSRegularExpression, _ t: String, _ handle: (Rx.Match) -> (String, end: Int)?) -> String {
            var data = t
            search: while true {
                let ns = data as NSString
                for r in re.matches(in: data, range: NSRange(location: 0, length: ns.length)) {
                    guard let (rep, end) = handle(Rx.Match(r, ns)) else { continue }
                    data = ns.substring(to: r.range.location) + rep + ns.substring(from: end)
                    continue search
                }
                return data
            }
        }

        static func loop(_ re: NSRegularExpression, _ t: String, _ handle: (Rx.Match) -> String?) -> String {
            loop(re, t) { (m: Rx.Match) -> (String, end: Int)? in handle(m).map { ($0, m.result.range.location + m.result.range.length) } }
        }

        static func pattern(_ i: Int, _ t: String, _ stash: Stash) -> String {
            switch i {
            case 0:
                return loop(Rx.backtick, t) { m in
                    if let code = m.group(3) { return stash.put(element(code.pythonStrip())) }
                    return stash.put(String(repeating: "\\", count: m.group(1)!.count / 2))
                }
            case 1:
                return loop(Rx.escape, t) { m in
                    let c = m.group(1)!
                    return escaped.contains(c) ? stash.put(c) : nil
                }
            case 2: return loop(Rx.link, t) { m in stash.put(element(apply(m.group(1)!, from: 3, stash))) }
            case 3: return loop(Rx.image, t) { _ in stash.put(MarkdownText.tag) }
            case 4: return loop(Rx.autolink, t) { m in stash.put(element(m.group(1)!)) }
            case 5:
                return loop(Rx.automail, t) { m in
                    let mail = m.group(1)!
                    return stash.put(element(mail.hasPrefix("mailto:") ? String(mail.dropFirst(7)) : mail))
                }
            case 6: return loop(Rx.lineBreak, t) { _ in stash.put(MarkdownText.tag + "\n") }
            case 7: return loop(Rx.html, t) { _ in stash.put(MarkdownText.tag) }
            case 8: return loop(Rx.entity, t) { m in stash.put(decodeEntity(m.whole)) }
            case 9:
                let t = loop(Rx.notStrong, t) { m in stash.put(m.whole) }
                return emphasis(t, Rx.asterisk, marker: "*", stash)
            default:
                return emphasis(t, Rx.underscore, marker: "_", stash)
            }
        }

        /// AsteriskProcessor / UnderscoreProcessor: at a marker, the first of their five patterns
        /// that matches there; the contents go through the rest of the patterns.
        static func emphasis(_ t: String, _ items: [NSRegularExpression], marker: Character, _ stash: Stash) -> String {
            guard t.contains(marker) else { return t }
            return loop(marker == "*" ? Rx.star : Rx.underscoreMark, t) { (m: Rx.Match) -> (String, end: Int)? in
                let ns = m.text, at = m.result.range.location
                for (idx, re) in items.enumerated() {
                    guard let hit = re.firstMatch(in: ns as String, options: Rx.at, range: NSRange(location: at, length: ns.length - at)) else { continue }
                    return (stash.put(element(build(Rx.Match(hit, ns), idx: idx, items, marker: marker, stash))), hit.range.location + hit.range.length)
                }
                return nil
            }
        }

        static func build(_ m: Rx.Match, idx: Int, _ items: [NSRegularExpression], marker: Character, _ stash: Stash) -> String {
            func sub(_ s: String) -> String {
                // parse_sub_patterns: the later patterns of this processor, then the inline patterns after it.
                let inner = subPatterns(s, after: idx, items, marker: marker, stash)
                return marker == "*" ? apply(inner, from: 10, stash) : inner
            }
            return sub(m.group(2) ?? "") + (m.group(3).map(sub) ?? "")
        }

        /// `parse_sub_patterns`, including its habit of trying the following patterns at the new
        /// position after a match instead of starting over.
        static func subPatterns(_ data: String, after idx: Int, _ items: [NSRegularExpression], marker: Character, _ stash: Stash) -> String {
            let ns = data as NSString, m16 = String(marker).utf16.first!
            var out = "", pos = 0, offset = 0
            while pos < ns.length {
                var matched = false
                if ns.character(at: pos) == m16 {
                    for (index, re) in items.enumerated() where index > idx && pos < ns.length {
                        guard let m = re.firstMatch(in: data, options: Rx.at, range: NSRange(location: pos, length: ns.length - pos)) else { continue }
                        out += ns.substring(with: NSRange(location: offset, length: m.range.location - offset))
                        out += stash.put(element(build(Rx.Match(m, ns), idx: index, items, marker: marker, stash)))
                        offset = m.range.location + m.range.length
                        pos = offset
                        matched = true
                    }
                }
                if !matched { pos += 1 }
            }
            return out + ns.substring(from: offset)
        }

        static let escaped: Set<String> = ["\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", ">", "#", "+", "-", ".", "!"]

        /// What BeautifulSoup makes of an entity: numeric ones by code point, names by its table;
        /// an unknown name reads `&name` (the semicolon is lost).
        static func decodeEntity(_ e: String) -> String {
            let body = e.dropFirst().dropLast()
            if body.hasPrefix("#") {
                let hex = body.dropFirst().first.map { $0 == "x" || $0 == "X" } ?? false
                let digits = hex ? body.dropFirst(2) : body.dropFirst()
                guard let v = UInt32(digits, radix: hex ? 16 : 10) else { return e }
                // html.unescape's replacements for invalid code points
                if v == 0 || (0xD800...0xDFFF).contains(v) || v > 0x10FFFF { return "\u{FFFD}" }
                return Unicode.Scalar(v).map { String(Character($0)) } ?? e
            }
            return HTMLEntities.table[String(body)] ?? "&" + body
        }

    }
}

// MARK: regular expressions (Python's, on ICU)

enum Rx {
    static func make(_ p: String, _ o: NSRegularExpression.Options = []) -> NSRegularExpression {
        try! NSRegularExpression(pattern: p, options: o.union(.useUnixLineSeparators))
    }
    static let spaceLines = make(#"(?<=\n) +\n"#)
    static let hashHeader = make(#"(?:^|\n)(#{1,6})((?:\\.|[^\\])*?)#*(?:\n|$)"#, [.dotMatchesLineSeparators])
    static let setext = make(#"^.*?\n[=-]+[ ]*(\n|$)"#, [.anchorsMatchLines])
    static let hr = make(#"^[ ]{0,3}(?>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,})[ ]*$"#, [.anchorsMatchLines])
    static let olist = make(#"^[ ]{0,3}\d+\.[ ]+(.*)"#)
    static let ulist = make(#"^[ ]{0,3}[*+-][ ]+(.*)"#)
    static let listChild = make(#"^[ ]{0,3}((\d+\.)|[*+-])[ ]+(.*)"#)
    static let listIndent = make(#"^[ ]{4,7}((\d+\.)|[*+-])[ ]+.*"#)
    static let quote = make(#"(^|\n)[ ]{0,3}>[ ]?(.*)"#)
    static let quoteLine = make(#"^()[ ]{0,3}>[ ]?(.*)"#)
    static let reference = make(#"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*\n?[ ]*([^\s]+)[ ]*(?:\n[ ]*)?((["'])(.*)\4[ ]*|\((.*)\)[ ]*)?$"#, [.anchorsMatchLines])

    static let inline: NSRegularExpression.Options = [.dotMatchesLineSeparators]
    /// Python's `pattern.match(data, pos)`: anchored at `pos`, lookbehinds see the text before it.
    static let at: NSRegularExpression.MatchingOptions = [.anchored, .withTransparentBounds, .withoutAnchoringBounds]
    static let backtick = make(#"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)(.+?)(?<!`)\2(?!`))"#, inline)
    static let escape = make(#"\\(.)"#, inline)
    static let image = make(#"\!\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(?:<[^>]*>|[^)\s]*)(?:\s+"[^"]*"|\s+'[^']*')?\s*\)"#, inline)
    static let link = make(#"(?<!\!)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(?:<[^>]*>|[^)\s]*)(?:\s+"[^"]*"|\s+'[^']*')?\s*\)"#, inline)
    static let autolink = make(#"<((?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>]*)>"#, inline)
    static let automail = make(#"<([^<> !]+@[^@<> ]+)>"#, inline)
    static let lineBreak = make(#"  \n"#, inline)
    static let html = make(#"(<(\/?[a-zA-Z][^<>@ ]*( [^<>]*)?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"#, inline)
    static let entity = make(#"(&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)"#, inline)
    static let notStrong = make(#"((^|(?<=\s))(\*{1,3}|_{1,3})(?=\s|$))"#, inline)
    static let placeholder = make("\u{E000}([0-9]+)\u{E001}")
    static let star = make(#"\*"#), underscoreMark = make("_")
    static let asterisk: [NSRegularExpression] = [
        #"(\*)\1{2}(.+?)\1(.*?)\1{2}"#, #"(\*)\1{2}(.+?)\1{2}(.*?)\1"#, #"(\*)\1(?!\1)([^*]+?)\1(?!\1)(.+?)\1{3}"#,
        #"(\*{2})(.+?)\1"#, #"(\*)([^\*]+)\1"#,
    ].map { make($0, inline) }
    static let underscore: [NSRegularExpression] = [
        #"(_)\1{2}(.+?)\1(.*?)\1{2}"#, #"(_)\1{2}(.+?)\1{2}(.*?)\1"#, #"(?<!\w)(\_)\1(?!\1)(.+?)(?<!\w)\1(?!\1)(.+?)\1{3}(?!\w)"#,
        #"(?<!\w)(_{2})(?!_)(.+?)(?<!_)\1(?!\w)"#, #"(?<!\w)(_)(?!_)(.+?)(?<!_)\1(?!\w)"#,
    ].map { make($0, inline) }

    struct Match {
        let result: NSTextCheckingResult
        let text: NSString
        init(_ r: NSTextCheckingResult, _ t: NSString) { result = r; text = t }
        func group(_ i: Int) -> String? {
            guard i < result.numberOfRanges else { return nil }
            let r = result.range(at: i)
            return r.location == NSNotFound ? nil : text.substring(with: r)
        }
        var whole: String { text.substring(with: result.range) }
        func before(_ s: String) -> String { text.substring(to: result.range.location) }
        /// The text after the match, or from its start.
        func after(_ s: String, fromStart: Bool = false) -> String {
            let from = fromStart ? result.range.location : result.range.location + result.range.length
            return text.substring(from: from)
        }
    }

    static func first(_ re: NSRegularExpression, _ s: String) -> Match? {
        let ns = s as NSString
        return re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)).map { Match($0, ns) }
    }

    static func matchesAtStart(_ re: NSRegularExpression, _ s: String) -> Bool {
        re.firstMatch(in: s, options: [.anchored], range: NSRange(location: 0, length: (s as NSString).length)) != nil
    }

    /// `re.sub` with a function.
    static func sub(_ re: NSRegularExpression, _ s: String, _ f: (Match) -> String) -> String {
        let ns = s as NSString
        var out = "", last = 0
        for r in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: r.range.location - last))
            out += f(Match(r, ns))
            last = r.range.location + r.range.length
        }
        return out + ns.substring(from: last)
    }
}

extension Character {
    /// Python's `str.isspace()` for what Markdown sources hold.
    var isPythonSpace: Bool { unicodeScalars.allSatisfy { $0.properties.isWhitespace } }
}

extension String {
    var isBlank: Bool { allSatisfy(\.isPythonSpace) }
    func pythonStrip() -> String { String(drop { $0.isPythonSpace }).pythonRStrip() }
    func pythonRStrip() -> String {
        var s = Substring(self)
        while let c = s.last, c.isPythonSpace { s.removeLast() }
        return String(s)
    }
    func trimmingSuffix(_ c: Character) -> String {
        var s = Substring(self)
        while s.last == c { s.removeLast() }
        return String(s)
    }
}

// MARK: raw HTML blocks

extension MarkdownText {
    /// HtmlBlockPreprocessor: a block-level tag (or a comment, or `<hr>`) at the start of a line,
    /// up to three spaces in, opens a raw HTML block that runs to its matching end tag; it leaves
    /// the Markdown as a placeholder between blank lines, and BeautifulSoup later reads its text.
    enum RawHTML {
        static let blockLevel: Set<String> = [
            "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption", "figure", "footer",
            "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre",
            "section", "table", "ul", "canvas", "colgroup", "dd", "body", "dt", "group", "html", "iframe", "li", "legend", "math",
            "map", "noscript", "output", "object", "option", "progress", "script", "style", "summary", "tbody", "td", "textarea",
            "tfoot", "th", "thead", "tr", "video", "center",
        ]
        static let startTag = Rx.make(#"<([a-zA-Z][-.a-zA-Z0-9:_]*)[^>]*>"#)
        static let endTag = Rx.make(#"</([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>"#)
        static let anyTag = Rx.make(#"</?([a-zA-Z][-.a-zA-Z0-9:_]*)[^>]*>"#)
        static let blankLines = Rx.make(#"([ ]*\n){2}"#)
        static let placeholder = Rx.make("^\u{E000}[0-9]+\u{E001}$")

        static func isPlaceholder(_ s: String) -> Bool { Rx.matchesAtStart(placeholder, s) }

        /// What BeautifulSoup reads of raw HTML: its tags and comments are boundaries, its entities decode.
        static func text(_ html: String) -> String {
            let marked = Rx.sub(Rx.html, html) { _ in MarkdownText.tag }
            return Rx.sub(Rx.entity, marked) { m in Inline.decodeEntity(m.whole) }
        }

        static func extract(_ source: String, _ stash: Inline.Stash) -> String {
            guard source.contains("<") else { return source }
            let ns = source as NSString, n = ns.length
            // `cache`: raw pieces met right after a raw block on its line; Python-Markdown keeps them
            // for the next raw block, or for the end of the document.
            var out = "", i = 0, intail = false, cache = ""
            func atLineStart(_ p: Int) -> Bool {
                var k = p, spaces = 0
                while k > 0 {
                    let c = ns.character(at: k - 1)
                    if c == 10 { break }
                    guard c == 32 || c == 9 else { return false }
                    spaces += 1; k -= 1
                }
                return spaces <= 3
            }
            func followedByBlankLine(_ p: Int) -> Bool {
                blankLines.firstMatch(in: source, options: [.anchored], range: NSRange(location: p, length: n - p)) != nil
            }
            func data(_ d: String) {
                if intail && d.contains("\n") { intail = false }
                out += d
            }
            /// handle_empty_tag for a block-level one (a comment, `<hr>`).
            func emptyBlock(_ raw: String, end: Int) {
                var raw = raw
                if followedByBlankLine(end) { raw += "\n" } else { intail = true }
                if out.hasSuffix("\n") && !out.hasSuffix("\n\n") { out += "\n" }
                out += stash.put(text(raw)) + "\n\n"
            }
            while i < n {
                let lt = ns.range(of: "<", options: [], range: NSRange(location: i, length: n - i)).location
                if lt == NSNotFound { data(ns.substring(from: i)); break }
                if lt > i { data(ns.substring(with: NSRange(location: i, length: lt - i))) }
                i = lt
                let lineStart = atLineStart(lt)
                if ns.substring(from: lt).hasPrefix("<!--") {
                    let close = ns.range(of: "-->", options: [], range: NSRange(location: lt + 4, length: n - lt - 4))
                    guard close.location != NSNotFound else { data("<"); i += 1; continue }
                    let end = close.location + 3, comment = ns.substring(with: NSRange(location: lt, length: end - lt))
                    if intail { cache += comment } else if lineStart { emptyBlock(comment, end: end) } else { out += comment }
                    i = end
                    continue
                }
                guard let m = startTag.firstMatch(in: source, options: [.anchored], range: NSRange(location: lt, length: n - lt)) else {
                    if let e = endTag.firstMatch(in: source, options: [.anchored], range: NSRange(location: lt, length: n - lt)) {
                        out += ns.substring(with: e.range); i = e.range.location + e.range.length
                    } else { data("<"); i += 1 }
                    continue
                }
                let name = ns.substring(with: m.range(at: 1)).lowercased()
                let tagEnd = m.range.location + m.range.length
                if name == "hr" {
                    let t = ns.substring(with: m.range)
                    if intail { cache += t } else if lineStart { emptyBlock(t, end: tagEnd) } else { out += t }
                    i = tagEnd
                    continue
                }
                guard blockLevel.contains(name) && (intail || lineStart) else { out += ns.substring(with: m.range); i = tagEnd; continue }
                // A raw block: to the end tag that empties the stack of open tags.
                out += "\n"
                var stack = [name], k = tagEnd, closed: Int?
                while let t = anyTag.firstMatch(in: source, range: NSRange(location: k, length: n - k)) {
                    let tname = ns.substring(with: t.range(at: 1)).lowercased()
                    k = t.range.location + t.range.length
                    if ns.character(at: t.range.location + 1) == 47 {  // '/'
                        if let at = stack.lastIndex(of: tname) { stack.removeSubrange(at...) }
                        if stack.isEmpty { closed = k; break }
                    } else if tname != "hr" {
                        stack.append(tname)
                    }
                }
                guard let end = closed else {
                    out += stash.put(text(cache + ns.substring(from: lt)))
                    return out
                }
                var raw = cache + ns.substring(with: NSRange(location: lt, length: end - lt))
                cache = ""
                if followedByBlankLine(end) { raw += "\n"; intail = false } else { intail = true }
                out += stash.put(text(raw)) + "\n\n"
                i = end
            }
            if !cache.isEmpty { out += stash.put(text(cache)) }
            return out
        }
    }
}
