import ArgumentParser
import CLI
import EvalCore
import JapaneseText

struct JaTokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ja-tokenize",
        abstract: "Splits Japanese text into morphemes exactly as Janome 0.5.0 does (IPADIC).",
        discussion: """
            Each input line becomes its tokens, one a line as `surface<TAB>part of speech`, then EOS \
            (MeCab's layout); with --wakati, the surfaces separated by spaces. The dictionary is \
            Debian's mecab-ipadic, compiled on first use into ${XDG_CACHE_HOME:-~/.cache}/evalpipe; \
            --build-dictionary only does that.

              echo 'すもももももももものうち' | ja-tokenize --wakati
            """,
        version: Evalpipe.version)

    @Flag(help: "Print only the surfaces, separated by spaces, one input line a line.")
    var wakati = false

    @Flag(help: "Compile and cache the dictionary, print its source directory, and exit.")
    var buildDictionary = false

    func run() throws {
        let tokenizer = try JanomeTokenizer.shared()
        if buildDictionary {
            print(JanomeTokenizer.defaultIPADicDirectory)
            return
        }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 17)
        let wakati = self.wakati  // read once: the property wrapper's getter is slow in a loop
        while let line = readLine(strippingNewline: true) {
            // Bytes straight from the analyzer into the output: no token strings.
            var first = true
            tokenizer.forEachToken(line) { surface, pos in
                if wakati {
                    if !first { out.append(0x20) }
                    first = false
                    out.append(contentsOf: surface)
                } else {
                    out.append(contentsOf: surface)
                    out.append(0x09)
                    out.append(contentsOf: tokenizer.partOfSpeechUTF8(pos))
                    out.append(0x0A)
                }
            }
            if wakati { out.append(0x0A) } else { out.append(contentsOf: "EOS\n".utf8) }
            if out.count >= 1 << 16 { try flush(&out) }
        }
        try flush(&out)
    }

    private func flush(_ out: inout [UInt8]) throws {
        try StandardStream.write(1, &out)
        out.removeAll(keepingCapacity: true)
    }

    static func main() { Self.runMain() }
}

JaTokenize.main()
