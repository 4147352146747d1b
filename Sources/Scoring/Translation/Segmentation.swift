import JapaneseText
import Nagisa

/// Japanese word segmentation before BLEU's 13a tokenization: the tokens re-joined with single
/// spaces, as the reference's `JapaneseTextSegmenter` + `" ".join` hand them to sacreBLEU
/// (whitespace tokens kept; they vanish in BLEU's whitespace split).
enum JapaneseSegmentation {
    /// Janome 0.5.0's `Tokenizer(wakati=True).tokenize` (the JapaneseText module, over Debian's IPADIC).
    static func janome(_ texts: [String]) throws -> [String] {
        let tokenizer = try JanomeTokenizer.shared()
        return texts.map(tokenizer.wakati)
    }
    /// nagisa 0.2.11's `Tagger().wakati` (the Nagisa module; its model comes from bin/nagisa-setup).
    static func nagisa(_ texts: [String]) throws -> [String] {
        try NagisaTagger.shared().wakati(texts).map { $0.joined(separator: " ") }
    }
}
