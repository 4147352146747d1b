import Glibc

/// A morpheme as Janome reports it: its surface and its comma-joined IPADIC part of speech
/// (`part_of_speech`, the first four feature columns, e.g. `名詞,一般,*,*`).
public struct MorphToken: Sendable, Equatable {
    public var surface: String
    public var partOfSpeech: String
    public init(surface: String, partOfSpeech: String) {
        self.surface = surface
        self.partOfSpeech = partOfSpeech
    }
}

/// Janome 0.5.0's `Tokenizer().tokenize(text)` over IPADIC 2.7.0-20070801, token for token: the
/// same lattice (dictionary words found by common-prefix search over at most 50 characters,
/// unknown words from char.def/unk.def — one node per category, grouped or up to LENGTH+1
/// characters), the same Viterbi costs and tie-breaking, and the same chunking of long texts.
public final class JanomeTokenizer: Sendable {
    let dictionary: CompiledDictionary

    /// Loads the compiled dictionary from `cacheDirectory`, building it from the IPADIC sources in
    /// `ipadicDirectory` the first time.
    public init(ipadicDirectory: String, cacheDirectory: String) throws {
        dictionary = try CompiledDictionary.load(sourceDirectory: ipadicDirectory, cacheDirectory: cacheDirectory)
    }

    private static let loaded = Result { try JanomeTokenizer(ipadicDirectory: defaultIPADicDirectory, cacheDirectory: defaultCacheDirectory) }

    /// The tokenizer over Debian's `mecab-ipadic` (`EVALPIPE_IPADIC` names another directory),
    /// loaded once per process; the compiled dictionary is cached in `$EVALPIPE_CACHE`, default
    /// `${XDG_CACHE_HOME:-~/.cache}/evalpipe`.
    public static func shared() throws -> JanomeTokenizer { try loaded.get() }

    public static var defaultIPADicDirectory: String { environment("EVALPIPE_IPADIC") ?? IPADicSource.defaultDirectory }

    public static var defaultCacheDirectory: String {
        if let cache = environment("EVALPIPE_CACHE") { return cache }
        if let xdg = environment("XDG_CACHE_HOME") { return xdg + "/evalpipe" }
        return (environment("HOME") ?? "/tmp") + "/.cache/evalpipe"
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    /// Janome's `Tokenizer().tokenize(text)`: surfaces and parts of speech.
    public func tokenize(_ text: String) -> [MorphToken] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [MorphToken] = []
        // Janome strips the text (Python's `str.strip()`), then tokenizes it chunk by chunk.
        var start = 0, end = scalars.count
        while start < end, isPythonSpace(scalars[start].value) { start += 1 }
        while end > start, isPythonSpace(scalars[end - 1].value) { end -= 1 }
        var lattice = Lattice()
        scalars.withUnsafeBufferPointer { text in
            var processed = start
            while processed < end {
                processed += tokenizeChunk(text, from: processed, to: end, lattice: &lattice, into: &tokens)
            }
        }
        return tokens
    }

    static let maxChunkSize = 1024
    static let chunkSize = 500
    static let maxLookupLength = 50
    static let maxUnknownLength = 1024

    /// One lattice over `text[from...]`, ended where Janome's `__should_split` says; returns how
    /// many characters it consumed.
    private func tokenizeChunk(_ text: UnsafeBufferPointer<Unicode.Scalar>, from base: Int, to end: Int,
                               lattice: inout Lattice, into tokens: inout [MorphToken]) -> Int {
        let d = dictionary
        let remaining = end - base
        let chunk = min(remaining, Self.maxChunkSize)
        lattice.reset(size: chunk, columns: d.matrixColumns)
        @inline(__always) func char(_ i: Int) -> UInt32 { text[base + i].value }
        func shouldSplit(_ pos: Int) -> Bool {
            if pos >= remaining || pos >= Self.maxChunkSize { return true }
            guard pos >= Self.chunkSize else { return false }
            switch char(pos - 1) {
            case 0x3001, 0x3002, 0x2C, 0x2E, 0xFF1F, 0x3F, 0xFF01, 0x21: return true  // 、。,.？?！!
            case 0x0A: return char(pos - 2) == 0x0A || (char(pos - 2) == 0x0D && char(pos - 3) == 0x0A && char(pos - 4) == 0x0D)
            default: return false
            }
        }
        var pos = 0
        while !shouldSplit(pos) {
            // System dictionary: every word that is a prefix of the next (at most 50) characters.
            var matched = false
            var node = 0
            for k in 0..<min(Self.maxLookupLength, chunk - pos) {
                guard let next = d.child(node, char(pos + k)) else { break }
                node = next
                let first = Int(d.nodeEntryStart[node]), last = Int(d.nodeEntryStart[node + 1])
                if first == last { continue }
                matched = true
                for e in first..<last {
                    lattice.add(length: k + 1, left: Int(d.entryLeft[e]), right: Int(d.entryRight[e]), cost: Int(d.entryCost[e]),
                                pos: Int(d.entryPOS[e]), wordID: Int(d.entryID[e]), d)
                }
            }
            // Unknown words: one node per category of this character and unk.def entry.
            let cls = d.charClassOf(char(pos))
            for c in Int(d.classCategoryStart[cls])..<Int(d.classCategoryStart[cls + 1]) {
                let category = Int(d.classCategories[c])
                if matched && d.categoryInfo[3 * category] == 0 { continue }
                let length = d.categoryInfo[3 * category + 1] != 0 ? Self.maxUnknownLength : Int(d.categoryInfo[3 * category + 2])
                let cap = min(chunk, pos + length + 1)
                var q = pos + 1
                while q < cap, d.classAccept[d.charClassOf(char(q))] & (1 << category) != 0 { q += 1 }
                for u in Int(d.categoryUnknownStart[category])..<Int(d.categoryUnknownStart[category + 1]) {
                    lattice.add(length: q - pos, left: Int(d.unknownInfo[4 * u]), right: Int(d.unknownInfo[4 * u + 1]),
                                cost: Int(d.unknownInfo[4 * u + 2]), pos: Int(d.unknownInfo[4 * u + 3]), wordID: -1, d)
                }
            }
            pos += lattice.forward()
        }
        // EOS, then the cheapest path back to BOS.
        lattice.add(length: 0, left: 0, right: 0, cost: 0, pos: -1, wordID: -1, d)
        var path: [Int] = []
        var n = lattice.back[lattice.back.count - 1]
        while n > 0 {
            path.append(n)
            n = lattice.back[n]
        }
        for n in path.reversed() {
            var surface = String.UnicodeScalarView()
            let s = base + lattice.start[n] - 1
            surface.append(contentsOf: text[s..<(s + lattice.length[n])])
            tokens.append(MorphToken(surface: String(surface), partOfSpeech: d.partsOfSpeech[lattice.pos[n]]))
        }
        return pos
    }
}

/// Janome's lattice: positions 1...size+1 (position p is before character p-1); node 0 is BOS,
/// ending at position 1. Nodes ending at a position keep the order they were added in, which
/// decides ties.
struct Lattice {
    var p = 1
    var start: [Int] = [], length: [Int] = [], right: [Int] = [], minCost: [Int] = [], back: [Int] = []
    var wordID: [Int] = [], pos: [Int] = [], nextEnding: [Int] = []
    var endHead: [Int] = [], endTail: [Int] = []
    /// The best predecessor at the current position per left context id (every node starting at a
    /// position sees the same nodes ending there).
    var bestStamp: [Int] = [], bestNode: [Int] = [], bestCost: [Int] = []
    var stamp = 0

    mutating func reset(size: Int, columns: Int) {
        p = 1
        start.removeAll(keepingCapacity: true); length.removeAll(keepingCapacity: true)
        right.removeAll(keepingCapacity: true); minCost.removeAll(keepingCapacity: true)
        back.removeAll(keepingCapacity: true); wordID.removeAll(keepingCapacity: true)
        pos.removeAll(keepingCapacity: true); nextEnding.removeAll(keepingCapacity: true)
        endHead = [Int](repeating: -1, count: size + 3)
        endTail = endHead
        if bestStamp.count != columns {
            bestStamp = [Int](repeating: 0, count: columns)
            bestNode = bestStamp
            bestCost = bestStamp
        }
        stamp += 1
        // BOS: right id 0, cost 0, ending at position 1.
        append(start: 0, length: 1, right: 0, minCost: 0, back: -1, wordID: -1, pos: -1)
    }

    private mutating func append(start s: Int, length l: Int, right r: Int, minCost c: Int, back b: Int, wordID w: Int, pos ps: Int) {
        let n = start.count
        start.append(s); length.append(l); right.append(r); minCost.append(c); back.append(b)
        wordID.append(w); pos.append(ps); nextEnding.append(-1)
        let e = s + l
        if endTail[e] < 0 { endHead[e] = n } else { nextEnding[endTail[e]] = n }
        endTail[e] = n
    }

    /// Janome's `Lattice.add`: the cheapest node ending here, the first one on equal cost unless
    /// both it and a later one are dictionary words and the later has the lower word id.
    mutating func add(length l: Int, left: Int, right r: Int, cost: Int, pos ps: Int, wordID w: Int, _ d: CompiledDictionary) {
        var best: Int, bestTotal: Int
        if bestStamp[left] == stamp {
            best = bestNode[left]
            bestTotal = bestCost[left]
        } else {
            best = -1
            bestTotal = Int.max
            var e = endHead[p]
            while e >= 0 {
                let total = minCost[e] + d.connection(right[e], left)
                if total < bestTotal || (total == bestTotal && wordID[best] >= 0 && wordID[e] >= 0 && wordID[e] < wordID[best]) {
                    best = e
                    bestTotal = total
                }
                e = nextEnding[e]
            }
            bestStamp[left] = stamp
            bestNode[left] = best
            bestCost[left] = bestTotal
        }
        append(start: p, length: l, right: r, minCost: bestTotal + cost, back: best, wordID: w, pos: ps)
    }

    /// Moves to the next position where some node ends; returns the distance.
    mutating func forward() -> Int {
        let old = p
        p += 1
        while endHead[p] < 0 { p += 1 }
        stamp += 1
        return p - old
    }
}
