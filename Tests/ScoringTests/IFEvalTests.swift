import EvalCore
import Foundation
@testable import Scoring
import Testing

/// The M-IFEval-Ja checkers on rules the golden cases touch lightly, and their errors.
@Suite struct IFEvalTests {
    func check(_ id: String, _ kwargs: JSONObject = [:], _ answer: String, loose: Bool = false) throws -> Bool {
        let target: JSONObject = ["instruction_id_list": [.string(id)], "kwargs": [.object(kwargs)]]
        let r = try InstructionFollowing.evaluate(target, answer: answer)
        return (loose ? r.loose : r.strict)[0]
    }

    @Test func unknownInstructionIdIsAnErrorNamingIt() throws {
        let target: JSONObject = ["instruction_id_list": ["ja:letters:kanji", "ja:keywords:key_sentences"],
                                  "kwargs": [["kanji_limit": 3, "relation": "未満"], [:]]]
        #expect {
            _ = try InstructionFollowing.evaluate(target, answer: "x")
        } throws: { e in
            let d = String(describing: e)
            return d.contains("target.instruction_id_list[1]") && d.contains("unknown instruction id 'ja:keywords:key_sentences'")
        }
        #expect(Instructions.all.count == 33)
    }

    /// Where the reference would draw a random default, we refuse, naming the parameter.
    @Test func parametersTheReferenceWouldRandomizeAreErrors() throws {
        for (id, kwargs, field) in [
            ("ja:length_constraints:number_sentences", ["relation": "以上"] as JSONObject, "num_sentences"),
            ("ja:length_constraints:number_sentences", ["num_sentences": -1, "relation": "以上"], "num_sentences"),
            ("ja:keywords:existence", ["keywords": []], "keywords"),
            ("ja:keywords:letter_frequency", ["letter": "ア", "let_frequency": 2, "let_relation": "以上"], "letter"),
            ("ja:length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 3, "first_word": "a"], "nth_paragraph"),
            ("ja:startend:end_checker", ["end_phrase": .null], "end_phrase"),
        ] {
            #expect(throws: EvalError.self) { _ = try check(id, kwargs, "x") }
            do { _ = try check(id, kwargs, "x") } catch let e as EvalError { #expect(e.field == "target.kwargs[0].\(field)", "\(id)") }
        }
        #expect { _ = try check("ja:letters:kanji", ["kanji_limit": 3, "relation": "より多い"], "x") } throws: {
            String(describing: $0).contains("unknown relation")
        }
        #expect { _ = try check("ja:language:response_language", ["language": "zh-cn"], "x") } throws: {
            String(describing: $0).contains("unknown language code")
        }
    }

    @Test func blankAnswersFollowNothing() throws {
        #expect(try check("ja:punctuation:no_comma", [:], " \n") == false)
        #expect(try check("ja:punctuation:no_comma", [:], "", loose: true) == false)
        #expect(try check("ja:punctuation:no_comma", [:], "はい") == true)
    }

    @Test func looseVariantsAreTheReferencesEight() throws {
        #expect(InstructionFollowing.looseVariants("**a**\nb\n*c*") == ["**a**\nb\n*c*", "a\nb\nc", "b\n*c*", "**a**\nb", "b", "b\nc", "a\nb", "b"])
        #expect(InstructionFollowing.looseVariants("one") == ["one", "one", "", "", "", "", "", ""])
        // The loose check finds the title once the bold first line is gone.
        #expect(try check("ja:startend:quotation", [:], "**答え**\n「はい」") == false)
        #expect(try check("ja:startend:quotation", [:], "**答え**\n「はい」", loose: true) == true)
    }

    /// The four metrics share one evaluation per record: a record that differs from the previous
    /// one only in code points Swift's String equality ignores is still evaluated anew.
    @Test func sharedEvaluationIsPerRecord() throws {
        let target: JSONObject = ["instruction_id_list": ["ja:length_constraints:number_letters", "ja:punctuation:no_comma"],
                                  "kwargs": [["num_letters": 3, "relation": "未満"], [:]]]
        let decomposed = try InstructionFollowing.evaluations(target, answers: ["e\u{301}e"])
        let composed = try InstructionFollowing.evaluations(target, answers: ["\u{E9}e"])
        #expect(decomposed[0].strict == [false, true] && composed[0].strict == [true, true])
        let again = try InstructionFollowing.evaluations(target, answers: ["\u{E9}e", "a、"])
        #expect(again.map(\.strict) == [[true, true], [true, false]])
        #expect(again.map(\.loose) == [[true, true], [true, false]])
    }

    @Test func pythonJSONLoads() throws {
        for (text, ok) in [("{\"a\": [1, 2.5e-3, null, true]}", true), ("NaN", true), ("[-Infinity]", true), ("01", false),
                           ("{\"a\": 1,}", false), ("\"tab\there\"", false), ("\"\\ud800\"", true), ("1.", false),
                           ("\u{FEFF}{}", false), (" {} \n", true), ("{} x", false), ("-", false), ("1e", false)] {
            #expect(PythonJSON.loads(Array(text.unicodeScalars)) == ok, "\(text.debugDescription)")
        }
        #expect(try check("ja:detectable_format:json_format", [:], "```json\n{\"答え\": \"はい\"}\n```") == true)
        #expect(try check("ja:detectable_format:json_format", [:], "```\n[1, 2]\n```") == true)
    }

    /// Rules from the reference's code that are easy to get wrong.
    @Test func referenceQuirks() throws {
        // Paragraphs are counted without the empty ones, but the n-th is taken from the list with
        // them: here two paragraphs, and the second is the empty one.
        #expect(try check("ja:length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 2, "first_word": "次"],
                          "一つめ\n\n\n\n「次に") == false)
        #expect(try check("ja:length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 2, "first_word": "次"],
                          "一つめ\n\n「『次に") == true)
        // Code points, not Swift characters: \r\n\n still holds a paragraph break.
        #expect(try check("ja:length_constraints:nth_paragraph_first_word", ["num_paragraphs": 2, "nth_paragraph": 2, "first_word": "b"],
                          "a\r\n\nb") == true)
        // Python's `in` on code points: é and e + U+0301 differ.
        #expect(try check("ja:detectable_format:constrained_response", [:], "はい、そうです。") == true)
        #expect(try check("ja:letters:katakana_only", [:], "カタカナ・ー！123") == true)
        #expect(try check("ja:letters:katakana_only", [:], "ヴァイオリン") == false)
        #expect(try check("ja:letters:no_katakana", [:], "ー・ひらがな") == true)
        #expect(try check("ja:letters:kansuuji", [:], "三つ") == true)
        #expect(try check("ja:letters:kansuuji", [:], "３つ") == false)
        #expect(try check("ja:letters:furigana", [:], "漢字（かんじ）と東京（とうきょう）") == true)
        #expect(try check("ja:letters:furigana", [:], "漢字（カンジ）") == false)
        #expect(try check("ja:startend:sentence_unified_end", ["ending": "です"], "本です。猫です。\n") == false)
        #expect(try check("ja:startend:sentence_unified_end", ["ending": "です"], "本です。「猫だ。」犬です。") == true)
        #expect(try check("ja:detectable_format:number_bullet_lists", ["num_bullets": 2], "・a\n・\nb") == true)
        #expect(try check("ja:detectable_format:multiple_sections", ["section_spliter": "章", "num_sections": 2], "第1章\na\n第２章\nb") == true)
        #expect(try check("ja:detectable_content:postscript", ["postscript_marker": "P.S."], "本文\np.s. 以上") == true)
        #expect(try check("ja:detectable_content:postscript", ["postscript_marker": "P.P.S."], "本文\nP.P.S 以上") == false)
        #expect(try check("ja:combination:two_responses", [:], "a\n******\nb") == true)
        #expect(try check("ja:combination:two_responses", [:], "a\n******\n\n******\nb") == false)
        #expect(try check("ja:startend:end_checker", ["end_phrase": "以上です」"], "「答え。以上です』") == true)
        #expect(try check("ja:keywords:letter_frequency", ["letter": "あ", "let_frequency": 3, "let_relation": "以上"], "あアあ") == true)
        #expect(try check("ja:length_constraints:number_letters", ["num_letters": 3, "relation": "未満"], "e\u{301}e") == false)
    }
}
