import EvalCore
import Foundation

/// nagisa 0.2.11's `Tagger().wakati(text)` (nagisa/tagger.py, nagisa_utils.pyx, model.py), ported:
/// the text is `rstrip()`ed, NFKC-normalized, `İ` → `I`, spaces → U+3000; features come from its
/// Python `lower()`; a BiLSTM scores the four BMES tags per character and nagisa's Viterbi picks
/// the path; the words are cut from the normalized (not lowered) text. The network runs in float32,
/// as DyNet does (its sums in our own order, its activations DyNet's formulas), and the Viterbi
/// search in float64 on those scores, as numpy does; the result equals nagisa's on every string we
/// compared (Tests/TranslationTests; also 107,077 texts offline, as did the double-precision port
/// before it).
public final class NagisaTagger: Sendable {
    let model: NagisaModel
    private let scratches: ReusePool<TaggerScratch>

    public init(directory: String) throws {
        let model = try NagisaModel(directory: directory)
        self.model = model
        scratches = ReusePool { TaggerScratch(model) }
    }

    /// Where bin/nagisa-setup puts the model: `NAGISA_DATA`, else the evalpipe cache.
    public static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let d = env["NAGISA_DATA"], !d.isEmpty { return d }
        let cache = env["EVALPIPE_CACHE"] ?? ((env["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")) + "/evalpipe")
        return cache + "/" + NagisaModel.formatVersion
    }

    private nonisolated(unsafe) static var sharedTagger: Result<NagisaTagger, Error>?
    private static let sharedLock = NSLock()

    /// One tagger per process, loaded on first use (about 0.05 s).
    public static func shared() throws -> NagisaTagger {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if sharedTagger == nil { sharedTagger = Result { try NagisaTagger(directory: defaultDirectory) } }
        return try sharedTagger!.get()
    }

    public func wakati(_ input: String) -> [String] { wakati([input])[0] }

    /// `wakati` of each text; texts given together share the network's passes (two at a time).
    public func wakati(_ inputs: [String]) -> [[String]] {
        let texts = inputs.map(Self.preprocess)
        let running = texts.indices.filter { !texts[$0].isEmpty }
        let scratch = scratches.take()
        let tags = scratch.tags(running.map { Self.pythonLower(texts[$0]) })
        scratches.give(scratch)
        var out = [[String]](repeating: [], count: texts.count)
        for (i, tags) in zip(running, tags) { out[i] = Self.words(texts[i], tags) }
        return out
    }

    /// segmenter_for_bmes: S (3) is a word by itself (an open word stays open), E (2) ends the
    /// open word, anything else extends it; a word still open at the end is dropped, as in nagisa.
    private static func words(_ text: [Unicode.Scalar], _ tags: [Int]) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for (c, tag) in zip(text, tags) {
            if tag == 3 { words.append(String(String.UnicodeScalarView([c]))); continue }
            current.append(c)
            if tag == 2 { words.append(String(current)); current = String.UnicodeScalarView() }
        }
        return words
    }

    // MARK: text

    /// `nagisa_utils.preprocess`, as code points.
    static func preprocess(_ s: String) -> [Unicode.Scalar] {
        return s.pythonRStripped.nfkc.unicodeScalars.map { c in
            c == "\u{130}" ? "I" : c == " " ? "\u{3000}" : c
        }
    }

    /// Python's `str.lower()`: full lowercase mappings, and capital sigma as final sigma when a cased
    /// letter precedes it and none follows (case-ignorable characters skipped both ways).
    static func pythonLower(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        for (i, c) in s.enumerated() {
            if c == "\u{3A3}" {
                var j = i - 1
                while j >= 0 && s[j].properties.isCaseIgnorable { j -= 1 }
                var final = j >= 0 && s[j].properties.isCased
                if final {
                    var k = i + 1
                    while k < s.count && s[k].properties.isCaseIgnorable { k += 1 }
                    final = k == s.count || !s[k].properties.isCased
                }
                out.append(final ? "\u{3C2}" : "\u{3C3}")
            } else if c.isASCII {
                out.append(c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(c.value + 32)! : c)
            } else {
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// `get_chartype`: hiragana 0, katakana 1, kanji 2, then by the character's NFKC form: a Latin
    /// letter in it 3, an ASCII digit 4; else 5. The window pads with 6.
    static func charType(_ c: Unicode.Scalar) -> Int {
        switch c.value {
        case 0x3040...0x309F: return 0
        case 0x30A1...0x30FA: return 1
        case 0x4E00...0x9FA5: return 2
        default:
            let n = c.isASCII ? [c] : Array(String(String.UnicodeScalarView([c])).nfkc.unicodeScalars)
            if n.contains(where: { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }) { return 3 }
            if n.contains(where: { ("0"..."9").contains($0) }) { return 4 }
            return 5
        }
    }
}
