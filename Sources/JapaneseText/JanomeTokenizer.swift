import EvalCore
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
        let dictionary = try CompiledDictionary.load(sourceDirectory: ipadicDirectory, cacheDirectory: cacheDirectory)
        self.dictionary = dictionary
        lattices = ReusePool { [columns = dictionary.matrixColumns] in Lattice(columns: columns) }
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
        var tokens: [MorphToken] = []
        forEachToken(text) { surface, pos in
            tokens.append(MorphToken(surface: String(decoding: surface, as: UTF8.self), partOfSpeech: dictionary.partsOfSpeech[pos]))
        }
        return tokens
    }

    /// Janome's `Tokenizer(wakati=True).tokenize(text)` joined with single spaces.
    public func wakati(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 2)
        forEachToken(text) { surface, _ in
            if !out.isEmpty { out.append(0x20) }
            out.append(contentsOf: surface)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The part of speech `forEachToken` reported, as UTF-8 (valid as long as the tokenizer).
    public func partOfSpeechUTF8(_ id: Int) -> UnsafeBufferPointer<UInt8> {
        let d = dictionary
        return UnsafeBufferPointer(rebasing: d.posBytes[Int(d.posOffsets[id])..<Int(d.posOffsets[id + 1])])
    }

    /// Janome's tokens of `text`, in order: each surface as its UTF-8 (valid during the call), and
    /// its part of speech as an id for `partOfSpeechUTF8` (no strings made: what ja-tokenize writes).
    public func forEachToken(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        var text = text
        text.withUTF8 { analyze($0, body) }
    }

    /// `forEachToken` over valid UTF-8 (a String's).
    private func analyze(_ utf8: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        // Code points and the byte offset of each (one more: the end).
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: utf8.count) { scalars in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: utf8.count + 1) { offsets in
                var n = 0, i = 0
                while i < utf8.count {
                    let b = UInt32(utf8[i])
                    offsets[n] = Int32(truncatingIfNeeded: i)
                    if b < 0x80 {
                        scalars[n] = b
                        i += 1
                    } else if b < 0xE0 {
                        scalars[n] = (b & 0x1F) << 6 | UInt32(utf8[i + 1] & 0x3F)
                        i += 2
                    } else if b < 0xF0 {
                        scalars[n] = (b & 0x0F) << 12 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F)
                        i += 3
                    } else {
                        scalars[n] = (b & 0x07) << 18 | UInt32(utf8[i + 1] & 0x3F) << 12 | UInt32(utf8[i + 2] & 0x3F) << 6 | UInt32(utf8[i + 3] & 0x3F)
                        i += 4
                    }
                    n += 1
                }
                offsets[n] = Int32(truncatingIfNeeded: utf8.count)
                // Janome strips the text (Python's `str.strip()`), then tokenizes it chunk by chunk.
                var start = 0, end = n
                while start < end, isPythonSpace(scalars[start]) { start += 1 }
                while end > start, isPythonSpace(scalars[end - 1]) { end -= 1 }
                guard start < end else { return }
                let lattice = lattices.take()
                let text = UnsafeBufferPointer(start: scalars.baseAddress, count: n)
                var processed = start
                while processed < end {
                    processed += tokenizeChunk(text, from: processed, to: end, lattice: lattice) { first, count, pos in
                        body(UnsafeBufferPointer(rebasing: utf8[Int(offsets[first])..<Int(offsets[first + count])]), pos)
                    }
                }
                lattices.give(lattice)
            }
        }
    }

    /// Lattices kept for reuse: a fresh one costs a few tables of the matrix's width, as much as
    /// analysing a short sentence.
    private let lattices: ReusePool<Lattice>

    static let maxChunkSize = 1024
    static let chunkSize = 500
    static let maxLookupLength = 50
    static let maxUnknownLength = 1024

    /// One lattice over `text[from...]`, ended where Janome's `__should_split` says; reports the
    /// cheapest path's tokens (first code point, length, part of speech) and returns how many
    /// characters it consumed.
    private func tokenizeChunk(_ text: UnsafeBufferPointer<UInt32>, from base: Int, to end: Int, lattice: Lattice,
                               _ emit: (Int, Int, Int) -> Void) -> Int {
        let d = dictionary
        let remaining = end - base
        let chunk = min(remaining, Self.maxChunkSize)
        lattice.reset(size: chunk)
        @inline(__always) func char(_ i: Int) -> UInt32 { text[base + i] }
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
                let words = d.entryRange(node)
                if words.isEmpty { continue }
                matched = true
                for e in words {
                    let entry = d.entries[e]
                    lattice.add(length: k + 1, left: Int(entry.left), right: Int(entry.right), cost: Int(entry.cost),
                                pos: Int(entry.pos), wordID: Int(entry.id), d)
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
        lattice.path.removeAll(keepingCapacity: true)
        var n = Int(lattice.nodes[lattice.nodeCount - 1].back)
        while n > 0 {
            lattice.path.append(Int32(n))
            n = Int(lattice.nodes[n].back)
        }
        for n in lattice.path.reversed() {
            let node = lattice.nodes[Int(n)]
            emit(base + Int(node.start) - 1, Int(node.length), Int(node.pos))
        }
        return pos
    }
}

/// Janome's lattice: positions 1...size+1 (position p is before character p-1); node 0 is BOS,
/// ending at position 1. Nodes ending at a position keep the order they were added in, which
/// decides ties. Its tables are raw memory, grown by doubling and reused from text to text: as
/// arrays, their uniqueness and bounds checks on every node added were a tenth of the analysis.
final class Lattice {
    struct Node {
        var start: Int32, length: Int32, right: Int32, back: Int32
        var minCost: Int, wordID: Int32, pos: Int32, nextEnding: Int32
    }
    private(set) var p = 1
    private(set) var nodes: UnsafeMutablePointer<Node>
    private(set) var nodeCount = 0
    private var nodeCapacity = 512
    /// Per position, the first and last node ending there (-1: none), linked by `nextEnding`.
    private var endHead: UnsafeMutablePointer<Int32>, endTail: UnsafeMutablePointer<Int32>
    private var positions = 0, positionCapacity = 128
    /// The best predecessor at the current position per left context id (every node starting at a
    /// position sees the same nodes ending there), valid where the stamp is the position's.
    private let bestStamp: UnsafeMutablePointer<Int>, bestNode: UnsafeMutablePointer<Int32>, bestCost: UnsafeMutablePointer<Int>
    private let columns: Int
    private var stamp = 0
    var path: [Int32] = []

    init(columns: Int) {
        self.columns = columns
        bestStamp = .allocate(capacity: columns)
        bestStamp.initialize(repeating: 0, count: columns)
        bestNode = .allocate(capacity: columns)
        bestNode.initialize(repeating: 0, count: columns)
        bestCost = .allocate(capacity: columns)
        bestCost.initialize(repeating: 0, count: columns)
        nodes = .allocate(capacity: nodeCapacity)
        endHead = .allocate(capacity: positionCapacity)
        endTail = .allocate(capacity: positionCapacity)
    }

    deinit {
        bestStamp.deallocate()
        bestNode.deallocate()
        bestCost.deallocate()
        endHead.deallocate()
        endTail.deallocate()
        nodes.deallocate()
    }

    func reset(size: Int) {
        p = 1
        nodeCount = 0
        positions = size + 3
        if positions > positionCapacity {
            while positionCapacity < positions { positionCapacity *= 2 }
            endHead.deallocate()
            endTail.deallocate()
            endHead = .allocate(capacity: positionCapacity)
            endTail = .allocate(capacity: positionCapacity)
        }
        endHead.initialize(repeating: -1, count: positions)
        endTail.initialize(repeating: -1, count: positions)
        stamp += 1
        // BOS: right id 0, cost 0, ending at position 1.
        append(start: 0, length: 1, right: 0, minCost: 0, back: -1, wordID: -1, pos: -1)
    }

    @inline(__always)
    private func append(start s: Int, length l: Int, right r: Int, minCost c: Int, back b: Int, wordID w: Int, pos ps: Int) {
        let e = s + l
        precondition(e < positions, "Janome lattice: a node ends past the chunk")
        if nodeCount == nodeCapacity {
            let grown = UnsafeMutablePointer<Node>.allocate(capacity: 2 * nodeCapacity)
            grown.moveInitialize(from: nodes, count: nodeCount)
            nodes.deallocate()
            nodes = grown
            nodeCapacity *= 2
        }
        let n = Int32(truncatingIfNeeded: nodeCount)
        (nodes + nodeCount).initialize(to: Node(start: Int32(truncatingIfNeeded: s), length: Int32(truncatingIfNeeded: l),
                                                right: Int32(truncatingIfNeeded: r), back: Int32(truncatingIfNeeded: b), minCost: c,
                                                wordID: Int32(truncatingIfNeeded: w), pos: Int32(truncatingIfNeeded: ps), nextEnding: -1))
        nodeCount += 1
        if endTail[e] < 0 { endHead[e] = n } else { nodes[Int(endTail[e])].nextEnding = n }
        endTail[e] = n
    }

    /// Janome's `Lattice.add`: the cheapest node ending here, the first one on equal cost unless
    /// both it and a later one are dictionary words and the later has the lower word id.
    @inline(__always)
    func add(length l: Int, left: Int, right r: Int, cost: Int, pos ps: Int, wordID w: Int, _ d: CompiledDictionary) {
        precondition(left < columns, "Janome lattice: left id out of range")
        var best: Int, bestTotal: Int
        if bestStamp[left] == stamp {
            best = Int(bestNode[left])
            bestTotal = bestCost[left]
        } else {
            best = -1
            bestTotal = Int.max
            let row = d.matrix.baseAddress! + left &* d.matrixRows
            var e = Int(endHead[p])
            while e >= 0 {
                let node = nodes[e]
                let total = node.minCost + Int(row[Int(node.right)])
                if total < bestTotal || (total == bestTotal && nodes[best].wordID >= 0 && node.wordID >= 0 && node.wordID < nodes[best].wordID) {
                    best = e
                    bestTotal = total
                }
                e = Int(node.nextEnding)
            }
            bestStamp[left] = stamp
            bestNode[left] = Int32(truncatingIfNeeded: best)
            bestCost[left] = bestTotal
        }
        append(start: p, length: l, right: r, minCost: bestTotal + cost, back: best, wordID: w, pos: ps)
    }

    /// Moves to the next position where some node ends; returns the distance.
    func forward() -> Int {
        let old = p
        p += 1
        while p < positions && endHead[p] < 0 { p += 1 }
        precondition(p < positions, "Janome lattice: no node ends after the current position")
        stamp += 1
        return p - old
    }
}
