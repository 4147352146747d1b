import EvalCore
import Glibc

/// IPADIC compiled into one file that is memory-mapped read-only: a trie over code points (nodes
/// numbered breadth-first, so a node's children are consecutive records sorted by code point and
/// one record holds all a lookup step reads; the root's children also in a table indexed by BMP
/// code point), the words of each trie node, the connection matrix, and char.def/unk.def as lookup
/// tables. Built once from the source files and cached under a name
/// derived from their names, sizes and modification times (cheap to compute at every start, where
/// hashing the 50 MB of sources was not), so a changed dictionary gets a new file.
///
/// Layout: a header (magic, format version, source signature, section table) and 8-byte-aligned
/// sections of little-endian arrays, listed in `Section`.
final class CompiledDictionary: @unchecked Sendable {  // immutable after init
    static let magic: [UInt8] = Array("EPJANOME".utf8)
    static let formatVersion: UInt32 = 3

    enum Section: Int, CaseIterable {
        case meta, matrix, rootChildren, nodes, entries
        case posOffsets, posBytes, charClass, classCategoryStart, classCategories, classAccept
        case categoryInfo, categoryUnknownStart, unknownInfo
    }

    enum Meta: Int, CaseIterable {
        case matrixRows, matrixColumns, nodeCount, entryCount, posCount, categoryCount, classCount, defaultClass, unknownCount
    }

    /// The file the buffers below point into.
    private let file: MappedFile
    let matrixRows: Int
    let matrixColumns: Int
    /// Transposed, `[left * rows + right]`: the cost of each node ending at a position followed by
    /// one left id is then read from one row.
    let matrix: UnsafeBufferPointer<Int16>
    /// The root's child per BMP code point (0: none).
    let rootChildren: UnsafeBufferPointer<UInt32>
    /// The trie's nodes and one sentinel after them.
    let nodes: UnsafeBufferPointer<Node>
    let entries: UnsafeBufferPointer<Entry>
    let charClass: UnsafeBufferPointer<UInt8>
    let defaultClass: Int
    let classCategoryStart: UnsafeBufferPointer<UInt16>
    let classCategories: UnsafeBufferPointer<UInt8>
    let classAccept: UnsafeBufferPointer<UInt32>
    let categoryInfo: UnsafeBufferPointer<Int32>
    let categoryUnknownStart: UnsafeBufferPointer<UInt16>
    let unknownInfo: UnsafeBufferPointer<Int32>
    /// The parts of speech, decoded once, and their UTF-8 in the mapping.
    let partsOfSpeech: [String]
    let posOffsets: UnsafeBufferPointer<UInt32>
    let posBytes: UnsafeBufferPointer<UInt8>

    /// A trie node: the code point leading to it, where its children start (they end where the
    /// next node's start) and where its words start (likewise).
    struct Node {
        var scalar: UInt32
        var firstChild: UInt32
        var firstEntry: UInt32
        var unused: UInt32 = 0
    }

    /// A dictionary word, all it needs in one place (one cache line).
    struct Entry {
        var left: UInt16
        var right: UInt16
        var cost: Int16
        var pos: UInt16
        var id: UInt32
    }

    // MARK: lookups

    /// The trie node reached from `node` by `scalar`, or nil.
    @inline(__always)
    func child(_ node: Int, _ scalar: UInt32) -> Int? {
        if node == 0 && scalar < 0x10000 {
            let c = rootChildren[Int(scalar)]
            return c == 0 ? nil : Int(c)
        }
        var lo = Int(nodes[node].firstChild), hi = Int(nodes[node + 1].firstChild)
        while hi - lo > 8 {
            let mid = (lo + hi) / 2
            if nodes[mid].scalar <= scalar { lo = mid } else { hi = mid }
        }
        while lo < hi {
            if nodes[lo].scalar == scalar { return lo }
            lo += 1
        }
        return nil
    }

    /// The words ending at `node`, as indices into `entries`.
    @inline(__always)
    func entryRange(_ node: Int) -> Range<Int> {
        Int(nodes[node].firstEntry)..<Int(nodes[node + 1].firstEntry)
    }

    @inline(__always)
    func charClassOf(_ scalar: UInt32) -> Int {
        scalar < charClass.count ? Int(charClass[Int(scalar)]) : defaultClass
    }


    // MARK: loading

    /// The compiled dictionary for the IPADIC in `sourceDirectory`, built into `cacheDirectory` the
    /// first time.
    static func load(sourceDirectory: String, cacheDirectory: String) throws -> CompiledDictionary {
        var missing: [String] = []
        for path in IPADicSource.files(in: sourceDirectory) where access(path, R_OK) != 0 { missing.append(path) }
        if !missing.isEmpty {
            throw JapaneseTextError("IPADIC not found: cannot read \(missing.count == 1 ? missing[0] : "\(missing[0]) and \(missing.count - 1) more file(s)") (install the Debian package mecab-ipadic, or set EVALPIPE_IPADIC to its directory)")
        }
        let signature = try sourceSignature(sourceDirectory)
        let path = cacheDirectory + "/ipadic-janome-v\(formatVersion)-" + hex(signature) + ".dic"
        if let dictionary = try? CompiledDictionary(path: path, signature: signature) { return dictionary }
        let bytes = try compile(IPADicSource(directory: sourceDirectory), signature: signature)
        do { try MappedFile.writeAtomically(bytes, to: path) } catch let error as EvalError { throw JapaneseTextError(error.message) }
        return try CompiledDictionary(path: path, signature: signature)
    }

    init(path: String, signature: UInt64) throws {
        do { file = try MappedFile(path) } catch let error as EvalError { throw JapaneseTextError(error.message) }
        let raw = UnsafeRawBufferPointer(file.bytes), size = raw.count
        let sectionCount = Section.allCases.count
        guard size >= 24 + 16 * sectionCount, Array(raw[0..<8]) == Self.magic, raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self) == Self.formatVersion,
              raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self) == UInt32(sectionCount),
              raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) == signature
        else {
            throw JapaneseTextError("\(path): not a compiled dictionary of this version and these sources")
        }
        var sections: [UnsafeRawBufferPointer] = []
        for i in 0..<sectionCount {
            let offset = Int(raw.loadUnaligned(fromByteOffset: 24 + 16 * i, as: UInt64.self))
            let count = Int(raw.loadUnaligned(fromByteOffset: 32 + 16 * i, as: UInt64.self))
            guard offset % 8 == 0, offset <= size, count <= size - offset else { throw JapaneseTextError("\(path): truncated") }
            sections.append(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]))
        }
        func array<T>(_ section: Section, _: T.Type) -> UnsafeBufferPointer<T> {
            let s = sections[section.rawValue]
            return UnsafeBufferPointer(start: s.baseAddress?.assumingMemoryBound(to: T.self), count: s.count / MemoryLayout<T>.stride)
        }
        let meta = array(.meta, UInt32.self)
        guard meta.count == Meta.allCases.count else { throw JapaneseTextError("\(path): bad header") }
        func m(_ key: Meta) -> Int { Int(meta[key.rawValue]) }
        matrixRows = m(.matrixRows)
        matrixColumns = m(.matrixColumns)
        matrix = array(.matrix, Int16.self)
        rootChildren = array(.rootChildren, UInt32.self)
        nodes = array(.nodes, Node.self)
        entries = array(.entries, Entry.self)
        charClass = array(.charClass, UInt8.self)
        defaultClass = m(.defaultClass)
        classCategoryStart = array(.classCategoryStart, UInt16.self)
        classCategories = array(.classCategories, UInt8.self)
        classAccept = array(.classAccept, UInt32.self)
        categoryInfo = array(.categoryInfo, Int32.self)
        categoryUnknownStart = array(.categoryUnknownStart, UInt16.self)
        unknownInfo = array(.unknownInfo, Int32.self)
        let posOffsets = array(.posOffsets, UInt32.self), posBytes = array(.posBytes, UInt8.self)
        self.posOffsets = posOffsets
        self.posBytes = posBytes
        guard matrix.count == matrixRows * matrixColumns, rootChildren.count == 0x10000,
              nodes.count == m(.nodeCount) + 1, entries.count == m(.entryCount),
              MemoryLayout<Node>.stride == 16, sections[Section.nodes.rawValue].count == 16 * nodes.count,
              MemoryLayout<Entry>.stride == 12, sections[Section.entries.rawValue].count == 12 * entries.count,
              posOffsets.count == m(.posCount) + 1, classCategoryStart.count == m(.classCount) + 1, classAccept.count == m(.classCount),
              categoryInfo.count == 3 * m(.categoryCount), categoryUnknownStart.count == m(.categoryCount) + 1,
              unknownInfo.count == 4 * m(.unknownCount), defaultClass < m(.classCount)
        else { throw JapaneseTextError("\(path): inconsistent sections") }
        partsOfSpeech = (0..<m(.posCount)).map { i in
            String(decoding: posBytes[Int(posOffsets[i])..<Int(posOffsets[i + 1])], as: UTF8.self)
        }
    }

    // MARK: building

    static func compile(_ source: IPADicSource, signature: UInt64) throws -> [UInt8] {
        var posIDs: [String: Int] = [:], posList: [String] = []
        func posID(_ pos: String) -> Int {
            if let id = posIDs[pos] { return id }
            posIDs[pos] = posList.count
            posList.append(pos)
            return posList.count - 1
        }
        guard source.words.count < Int(UInt32.max), source.matrixSize.rows <= 1 << 16, source.matrixSize.columns <= 1 << 16
        else { throw JapaneseTextError("IPADIC is too large for this dictionary format") }
        let ids = source.words.flatMap { [$0.leftID, $0.rightID] } + source.unknowns.flatMap { [$0.leftID, $0.rightID] }
        guard ids.allSatisfy({ (0..<min(source.matrixSize.rows, source.matrixSize.columns)).contains($0) }) else {
            throw JapaneseTextError("IPADIC: a context id lies outside matrix.def")
        }

        // The trie: node 0 is the root; `transitions` maps (parent, scalar) to the child, in
        // the order words were added.
        var transitions: [UInt64: UInt32] = [:]
        var nodeCount = 1
        var wordNode = [Int](repeating: 0, count: source.words.count)
        for (id, word) in source.words.enumerated() {
            var node = 0
            for scalar in word.surface {
                let key = UInt64(node) | UInt64(scalar.value) << 21
                if let next = transitions[key] { node = Int(next); continue }
                guard nodeCount < 1 << 21 else { throw JapaneseTextError("IPADIC has too many distinct prefixes for this dictionary format") }
                transitions[key] = UInt32(nodeCount)
                node = nodeCount
                nodeCount += 1
            }
            wordNode[id] = node
        }
        // Renumbered breadth-first, children by code point: each node's children get consecutive
        // numbers (and the same sources compile to the same bytes on every run and machine).
        var children = [[(scalar: UInt32, child: Int)]](repeating: [], count: nodeCount)
        for (key, child) in transitions { children[Int(key & ((1 << 21) - 1))].append((UInt32(key >> 21), Int(child))) }
        var renumbered = [Int](repeating: 0, count: nodeCount), queue = [0], head = 0
        var nodes = [Node](repeating: Node(scalar: 0, firstChild: 0, firstEntry: 0), count: nodeCount + 1)
        var rootChildren = [UInt32](repeating: 0, count: 0x10000)
        while head < queue.count {
            let node = queue[head]
            nodes[head].firstChild = UInt32(queue.count)
            for (scalar, child) in children[node].sorted(by: { $0.scalar < $1.scalar }) {
                renumbered[child] = queue.count
                nodes[queue.count].scalar = scalar
                if head == 0 && scalar < 0x10000 { rootChildren[Int(scalar)] = UInt32(queue.count) }
                queue.append(child)
            }
            head += 1
        }
        nodes[nodeCount].firstChild = UInt32(nodeCount)
        wordNode = wordNode.map { renumbered[$0] }
        // Words grouped by node (a counting sort keeps each node's words in id order).
        var nodeEntryStart = [UInt32](repeating: 0, count: nodeCount + 1)
        for node in wordNode { nodeEntryStart[node + 1] += 1 }
        for i in 0..<nodeCount { nodeEntryStart[i + 1] += nodeEntryStart[i] }
        for i in 0...nodeCount { nodes[i].firstEntry = nodeEntryStart[i] }
        var fill = nodeEntryStart
        var order = [Int](repeating: 0, count: source.words.count)
        for (id, node) in wordNode.enumerated() {
            order[Int(fill[node])] = id
            fill[node] += 1
        }
        var entries: [Entry] = []
        entries.reserveCapacity(order.count)
        for id in order {
            let w = source.words[id]
            guard let c = Int16(exactly: w.cost) else { throw JapaneseTextError("IPADIC: word cost \(w.cost) out of range") }
            entries.append(Entry(left: UInt16(w.leftID), right: UInt16(w.rightID), cost: c, pos: UInt16(posID(w.partOfSpeech)), id: UInt32(id)))
        }
        let rows = source.matrixSize.rows, columns = source.matrixSize.columns
        var transposed = [Int16](repeating: 0, count: rows * columns)
        for r in 0..<rows { for l in 0..<columns { transposed[l * rows + r] = source.matrix[r * columns + l] } }

        // char.def: each code point's categories in Janome's order (a category first named by an
        // earlier range keeps its place; the last range naming it sets its compatible categories).
        let tableSize = Int(source.ranges.map(\.to).max() ?? 0) + 1
        guard tableSize <= 0x110000, source.categories.count <= 32 else { throw JapaneseTextError("char.def: too many categories or code points") }
        var perPoint = [[(category: Int, compatible: [Int])]](repeating: [], count: tableSize)
        for range in source.ranges where range.from <= range.to {
            for c in Int(range.from)...Int(range.to) {
                if let k = perPoint[c].firstIndex(where: { $0.category == range.category }) {
                    perPoint[c][k].compatible = range.compatible
                } else {
                    perPoint[c].append((range.category, range.compatible))
                }
            }
        }
        let defaultCategory = source.categories.firstIndex { $0.name == "DEFAULT" }!
        var classIDs: [[Int]: Int] = [:], classes: [[(category: Int, compatible: [Int])]] = []
        func classID(_ list: [(category: Int, compatible: [Int])]) -> Int {
            let list = list.isEmpty ? [(defaultCategory, [])] : list
            let key = list.flatMap { [$0.category, -1] + $0.compatible }
            if let id = classIDs[key] { return id }
            classIDs[key] = classes.count
            classes.append(list)
            return classes.count - 1
        }
        let defaultClass = classID([])
        let charClass = perPoint.map { classID($0) }
        guard classes.count <= 256 else { throw JapaneseTextError("char.def: too many distinct category sets") }
        var classCategoryStart: [UInt16] = [0], classCategories: [UInt8] = [], classAccept: [UInt32] = []
        for list in classes {
            classCategories += list.map { UInt8($0.category) }
            classCategoryStart.append(UInt16(classCategories.count))
            classAccept.append(list.reduce(0) { mask, e in e.compatible.reduce(mask | 1 << e.category) { $0 | 1 << $1 } })
        }
        var categoryInfo: [Int32] = [], categoryUnknownStart: [UInt16] = [0], unknownInfo: [Int32] = []
        for (id, category) in source.categories.enumerated() {
            categoryInfo += [category.invoke ? 1 : 0, category.group ? 1 : 0, Int32(clamping: category.length)]
            for u in source.unknowns where u.category == id {
                unknownInfo += [Int32(u.leftID), Int32(u.rightID), Int32(clamping: u.cost), Int32(posID(u.partOfSpeech))]
            }
            categoryUnknownStart.append(UInt16(unknownInfo.count / 4))
        }
        var posOffsets: [UInt32] = [0], posBytes: [UInt8] = []
        for p in posList {
            posBytes += Array(p.utf8)
            posOffsets.append(UInt32(posBytes.count))
        }
        var meta = [UInt32](repeating: 0, count: Meta.allCases.count)
        meta[Meta.matrixRows.rawValue] = UInt32(source.matrixSize.rows)
        meta[Meta.matrixColumns.rawValue] = UInt32(source.matrixSize.columns)
        meta[Meta.nodeCount.rawValue] = UInt32(nodeCount)
        meta[Meta.entryCount.rawValue] = UInt32(source.words.count)
        meta[Meta.posCount.rawValue] = UInt32(posList.count)
        meta[Meta.categoryCount.rawValue] = UInt32(source.categories.count)
        meta[Meta.classCount.rawValue] = UInt32(classes.count)
        meta[Meta.defaultClass.rawValue] = UInt32(defaultClass)
        meta[Meta.unknownCount.rawValue] = UInt32(unknownInfo.count / 4)

        var payload: [[UInt8]] = Array(repeating: [], count: Section.allCases.count)
        func put<T>(_ section: Section, _ values: [T]) { payload[section.rawValue] = values.withUnsafeBytes { Array($0) } }
        put(.meta, meta); put(.matrix, transposed); put(.rootChildren, rootChildren); put(.nodes, nodes)
        put(.entries, entries)
        put(.posOffsets, posOffsets); put(.posBytes, posBytes); put(.charClass, charClass.map { UInt8($0) })
        put(.classCategoryStart, classCategoryStart); put(.classCategories, classCategories); put(.classAccept, classAccept)
        put(.categoryInfo, categoryInfo); put(.categoryUnknownStart, categoryUnknownStart); put(.unknownInfo, unknownInfo)

        var out = magic
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        append(formatVersion); append(UInt32(Section.allCases.count)); append(signature)
        var offset = (out.count + 16 * payload.count + 7) & ~7
        for p in payload {
            append(UInt64(offset)); append(UInt64(p.count))
            offset = (offset + p.count + 7) & ~7
        }
        for p in payload {
            out += [UInt8](repeating: 0, count: ((out.count + 7) & ~7) - out.count)
            out += p
        }
        return out
    }

    /// A signature of the source files' names, sizes and modification times (not of their bytes:
    /// reading 50 MB at every start cost more than scoring a thousand segments). A reinstalled or
    /// edited dictionary gets a new modification time, hence a new compiled file.
    static func sourceSignature(_ directory: String) throws -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        func mix(_ w: UInt64) {
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 31
        }
        for path in IPADicSource.files(in: directory) {
            for b in path.split(separator: "/").last!.utf8 { mix(UInt64(b)) }  // the file's name, not where it lives
            var info = stat()
            guard stat(path, &info) == 0 else { throw JapaneseTextError("\(path): \(String(cString: strerror(errno)))") }
            mix(UInt64(truncatingIfNeeded: info.st_size))
            mix(UInt64(truncatingIfNeeded: info.st_mtim.tv_sec))
            mix(UInt64(truncatingIfNeeded: info.st_mtim.tv_nsec))
        }
        return h
    }

    private static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
