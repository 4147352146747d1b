import Aggregation
import EvalCore
import Foundation
import Prompting
import Reasoning
@testable import Scoring
import Testing

/// The visible WMT20 golden corpora (the reference's corpus BLEU, Tests/Fixtures/golden/translation.jsonl)
/// through the task files' prompt builder and scoring, the reasoning parser each case names, and
/// aggregate's corpus BLEU reducer: references, extracted translations, the segmented strings
/// handed to sacreBLEU, and the corpus values.
@Suite("WMT20 golden corpora")
struct TranslationGoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures").standardized
    static let tasks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../tasks").standardized.path
    static let taskFiles = ["wmt20:en-ja": "wmt20_en_ja", "wmt20:ja-en": "wmt20_ja_en"]

    struct Case { var id: String, task: String, fields: JSONObject }

    static func cases() throws -> [Case] {
        var out: [Case] = []
        let reader = RecordReader(paths: [fixtures.appendingPathComponent("golden/translation.jsonl").path])
        while let rec = try reader.nextRecord() {
            out.append(Case(id: rec.fields["id"]!.string!, task: rec.fields["task"]!.string!, fields: rec.fields))
        }
        return out
    }

    @Test func visibleCorpora() throws {
        let cases = try Self.cases()
        #expect(cases.count == 12)
        #expect(cases.filter { $0.task == "wmt20:en-ja" }.count == 6)
        for c in cases { try check(c) }
    }

    func check(_ c: Case) throws {
        let task = try TaskCatalog.parse(path: "\(Self.tasks)/\(Self.taskFiles[c.task]!).yaml")
        let prompt = try TaskPrompt(task: task)
        let scorer = try Scorer(task: task)
        let parser = try ReasoningParser.named(c.fields["options"]?["reasoning_parser"]?.string ?? "none")
        let reference = c.fields["reference"]!
        let items = reference["items"]!.array!
        let corpus = c.fields["corpus"]!.array!
        try #require(items.count == corpus.count)
        var reducers: [String: CorpusBLEU] = [:]
        for (k, (entry, item)) in zip(corpus, items).enumerated() {
            let (text, target) = try prompt.render(row: entry["sample"]!.object!, index: k, seedOverride: nil)
            #expect(!text.isEmpty)
            #expect(target["golds"] == item["golds"], "\(c.id)[\(k)] reference")
            let answers = entry["responses"]!.array!.map { ["answer": .string(parser.split($0.string!).answer)] as JSONValue }
            var record: JSONObject = ["target": .object(target), "responses": .array(answers)]
            try scorer.score(&record)
            let extracted = record["responses"]!.array!.flatMap { $0["extracted"]!.array! }
            #expect((extracted.isEmpty ? [""] : extracted) == item["extracted_predictions"]!.array!, "\(c.id)[\(k)] extraction")
            for (metric, _) in reference["metrics"]!.object! {
                let reducer = reducers[metric] ?? CorpusBLEU()
                reducers[metric] = reducer
                try reducer.add(record["scores"]![metric]!.object!)
                let prepared = item["prepared_\(metric)"]!
                if c.task == "wmt20:en-ja" {
                    let segment = metric == "bleu" ? JapaneseSegmentation.janome : JapaneseSegmentation.nagisa
                    let hyp = extracted.first?.string ?? ""
                    let segmented = try segment([target["golds"]!.array![0].string!, hyp])
                    #expect(segmented[0] == prepared["golds"]!.array![0].string!, "\(c.id)[\(k)] \(metric) reference segmentation")
                    #expect(segmented[1] == prepared["preds"]!.array![0].string!, "\(c.id)[\(k)] \(metric) translation segmentation")
                }
            }
        }
        for (metric, want) in reference["metrics"]!.object! {
            let got = reducers[metric]!.summary
            #expect(got.n == corpus.count)
            #expect(got.mean == want.double!, "\(c.id) \(metric): ours \(got.mean), reference \(want.double!)")
        }
    }
}
