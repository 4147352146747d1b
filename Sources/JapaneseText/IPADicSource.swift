import Glibc

/// IPADIC's source files (Debian's `mecab-ipadic`, EUC-JP) read the way Janome 0.5.0's dictionary
/// builder reads them, so that word ids, costs and character categories come out as in the
/// dictionary Janome ships.
struct IPADicSource {
    /// The word files in the order Janome's build globbed them on its builder's file system. A
    /// word's id is its line number in this concatenation, and Janome breaks ties between equally
    /// cheap dictionary words by the lower id, so the order is part of the tokenizer's behaviour
    /// (recovered from Janome's bundled entries, which equal these files line for line).
    static let wordFiles = [
        "Adnominal.csv", "Noun.place.csv", "Noun.name.csv", "Noun.proper.csv", "Suffix.csv",
        "Conjunction.csv", "Noun.others.csv", "Noun.nai.csv", "Noun.org.csv", "Noun.verbal.csv",
        "Postp-col.csv", "Adj.csv", "Others.csv", "Noun.adjv.csv", "Verb.csv", "Adverb.csv",
        "Filler.csv", "Symbol.csv", "Noun.demonst.csv", "Auxil.csv", "Prefix.csv",
        "Noun.adverbal.csv", "Postp.csv", "Interjection.csv", "Noun.csv", "Noun.number.csv",
    ]
    static let otherFiles = ["matrix.def", "char.def", "unk.def"]
    static let defaultDirectory = "/usr/share/mecab/dic/ipadic"

    struct Word {
        var surface: [Unicode.Scalar]
        var leftID: Int
        var rightID: Int
        var cost: Int
        /// The first four feature columns joined by commas, Janome's `part_of_speech`.
        var partOfSpeech: String
    }

    struct Category {
        var name: String
        var invoke: Bool
        var group: Bool
        var length: Int
    }

    struct CharRange {
        var from: UInt32
        var to: UInt32
        var category: Int
        var compatible: [Int]
    }

    struct UnknownWord {
        var category: Int
        var leftID: Int
        var rightID: Int
        var cost: Int
        var partOfSpeech: String
    }

    var words: [Word] = []
    var matrixSize: (rows: Int, columns: Int) = (0, 0)
    /// The cost of a word with right id `r` followed by one with left id `l` is
    /// `matrix[r * matrixSize.columns + l]` (matrix.def's `r l cost` lines).
    var matrix: [Int16] = []
    var categories: [Category] = []
    var ranges: [CharRange] = []
    var unknowns: [UnknownWord] = []

    /// Every file the compiled dictionary depends on, in a fixed order (for its signature).
    static func files(in directory: String) -> [String] {
        (wordFiles + otherFiles).map { directory + "/" + $0 }
    }

    init(directory: String) throws {
        for name in Self.wordFiles {
            try Self.forEachLine(try Self.readEUCJP(directory + "/" + name)) { line, number in
                let fields = Self.fields(line)
                guard fields.count == 13, let left = Int(fields[1]), let right = Int(fields[2]),
                      let cost = Int(fields[3]), !fields[0].isEmpty
                else { throw JapaneseTextError("\(directory)/\(name):\(number): not an IPADIC entry (13 comma-separated fields)") }
                words.append(Word(surface: Array(fields[0].unicodeScalars), leftID: left, rightID: right, cost: cost,
                                  partOfSpeech: fields[4...7].joined(separator: ",")))
            }
        }
        try readMatrix(directory + "/matrix.def")
        try readCharDef(directory + "/char.def")
        try readUnkDef(directory + "/unk.def")
    }

    private mutating func readMatrix(_ path: String) throws {
        var first = true
        try Self.forEachLine(try Self.readEUCJP(path)) { line, number in
            let cols = line.split(separator: " ").compactMap { Int($0) }
            if first {
                guard cols.count == 2, cols[0] > 0, cols[1] > 0 else { throw JapaneseTextError("\(path):1: expected the matrix sizes") }
                matrixSize = (cols[0], cols[1])
                matrix = Array(repeating: 0, count: cols[0] * cols[1])
                first = false
                return
            }
            guard cols.count == 3, (0..<matrixSize.rows).contains(cols[0]), (0..<matrixSize.columns).contains(cols[1]),
                  let cost = Int16(exactly: cols[2])
            else { throw JapaneseTextError("\(path):\(number): expected `right-id left-id cost` within the matrix") }
            matrix[cols[0] * matrixSize.columns + cols[1]] = cost
        }
    }

    /// char.def as Janome's builder reads it: category lines `NAME INVOKE GROUP LENGTH`, range
    /// lines `0xFROM[..0xTO] CATEGORY [COMPATIBLE…] [# comment]`.
    private mutating func readCharDef(_ path: String) throws {
        var byName: [String: Int] = [:]
        try Self.forEachLine(try Self.readEUCJP(path)) { raw, number in
            let line = String(Self.pythonStrip(raw).map { $0 == "\t" ? " " : $0 })
            if line.hasPrefix("#") { return }
            let cols = line.split(separator: " ").map(String.init)
            if line.hasPrefix("0x") {
                guard cols.count >= 2 else { return }
                let bounds = cols[0].split(separator: ".", omittingEmptySubsequences: true)
                guard let from = Self.hex(bounds[0]), let to = bounds.count == 2 ? Self.hex(bounds[1]) : from,
                      let category = byName[cols[1]]
                else { throw JapaneseTextError("\(path):\(number): bad code point range or unknown category") }
                var compatible: [Int] = []
                for name in cols.dropFirst(2) {
                    if name.hasPrefix("#") { break }
                    guard let id = byName[name] else { throw JapaneseTextError("\(path):\(number): unknown category \(name)") }
                    compatible.append(id)
                }
                ranges.append(CharRange(from: from, to: to, category: category, compatible: compatible))
            } else if cols.count >= 4 {
                guard let length = Int(cols[3]) else { throw JapaneseTextError("\(path):\(number): bad length") }
                let category = Category(name: cols[0], invoke: cols[1] == "1", group: cols[2] == "1", length: length)
                if let id = byName[cols[0]] { categories[id] = category } else {
                    byName[cols[0]] = categories.count
                    categories.append(category)
                }
            }
        }
        guard byName["DEFAULT"] != nil else { throw JapaneseTextError("\(path): no DEFAULT category") }
    }

    private mutating func readUnkDef(_ path: String) throws {
        let byName = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1.name, $0) })
        try Self.forEachLine(try Self.readEUCJP(path)) { raw, number in
            let fields = Self.fields(Substring(Self.pythonStrip(raw)))
            guard fields.count == 11, let category = byName[String(fields[0])], let left = Int(fields[1]),
                  let right = Int(fields[2]), let cost = Int(fields[3])
            else { throw JapaneseTextError("\(path):\(number): not an unk.def entry of a char.def category") }
            unknowns.append(UnknownWord(category: category, leftID: left, rightID: right, cost: cost,
                                        partOfSpeech: fields[4...7].joined(separator: ",")))
        }
    }

    private static func hex(_ text: Substring) -> UInt32? {
        text.hasPrefix("0x") ? UInt32(text.dropFirst(2), radix: 16) : nil
    }

    /// Python's `str.strip()`: the characters `str.isspace` accepts, from both ends.
    static func pythonStrip(_ line: Substring) -> String {
        let scalars = line.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0.value) }) else { return "" }
        let last = scalars.lastIndex(where: { !isPythonSpace($0.value) })!
        return String(scalars[first...last])
    }

    /// Lines as Python's text mode yields them (`\n`, `\r\n` and `\r` end a line), with trailing
    /// whitespace removed as Janome's `line.rstrip()` does, numbered from 1.
    private static func forEachLine(_ text: String, _ body: (Substring, Int) throws -> Void) throws {
        let scalars = text.unicodeScalars
        var number = 0
        var start = scalars.startIndex
        while start < scalars.endIndex {
            var end = start
            while end < scalars.endIndex, scalars[end] != "\n", scalars[end] != "\r" { end = scalars.index(after: end) }
            var next = end
            if next < scalars.endIndex {
                let wasCR = scalars[next] == "\r"
                next = scalars.index(after: next)
                if wasCR, next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
            }
            var trimmed = end
            while trimmed > start, isPythonSpace(scalars[scalars.index(before: trimmed)].value) { trimmed = scalars.index(before: trimmed) }
            number += 1
            try body(Substring(scalars[start..<trimmed]), number)
            start = next
        }
    }

    /// Python's `str.split(",")`: on code points, keeping empty fields.
    static func fields(_ line: Substring) -> [Substring] {
        line.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// A whole file converted from EUC-JP with the C library's iconv, whose table agrees with
    /// Python's `euc-jp` codec on every byte of IPADIC (checked when this was written).
    static func readEUCJP(_ path: String) throws -> String {
        String(decoding: try utf8FromEUCJP(path), as: UTF8.self)
    }

    static func utf8FromEUCJP(_ path: String) throws -> [UInt8] {
        let bytes = try readFile(path)
        let cd = iconv_open("UTF-8", "EUC-JP")
        guard cd != iconv_t(bitPattern: -1) else { throw JapaneseTextError("iconv cannot convert EUC-JP") }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        var inLeft = bytes.count, outLeft = output.count
        let converted = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: input.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress)?.assumingMemoryBound(to: CChar.self)
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            }
        }
        guard converted != -1, inLeft == 0 else { throw JapaneseTextError("\(path): not valid EUC-JP") }
        output.removeLast(outLeft)
        return output
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw JapaneseTextError("\(path): \(String(cString: strerror(errno))) (install the Debian package mecab-ipadic)")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        guard ferror(file) == 0 else { throw JapaneseTextError("\(path): read error") }
        return bytes
    }
}

/// Python's `str.isspace()` (Unicode White_Space minus a few, plus the ASCII separators 0x1C-0x1F),
/// which Janome's `text.strip()` and the builder's `line.strip()` use.
@inline(__always)
func isPythonSpace(_ c: UInt32) -> Bool {
    switch c {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
    default: false
    }
}

public struct JapaneseTextError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
