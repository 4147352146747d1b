import EvalCore
import Foundation
@testable import Prompting
import XCTest

/// The task files' prompts against what the reference's prompt functions return for the same
/// rows (expected strings printed by running them, swallow-evaluation-instruct 3520211).
final class TaskPromptTests: XCTestCase {
    static let tasks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../tasks").standardized.path

    func render(_ task: String, _ rowJSON: String, seed: Int = 0) throws -> (String, JSONObject) {
        let prompt = try TaskPrompt(task: TaskCatalog.parse(path: "\(Self.tasks)/\(task).yaml"))
        let row = try JSON.decode(Data(rowJSON.utf8)).object!
        return try prompt.render(row: row, index: 0, seedOverride: seed)
    }

    func testHellaSwagCapitalizesAsPythonAndDropsMarkers() throws {
        let (text, target) = try render("hellaswag", #"""
            {"activity_label": "Cooking", "ctx_a": "A chef slices onions.", "ctx_b": "then A man in Tokyo [step] sits.",
             "endings": ["[title] Stir. [substeps] Wait.", "He [step] leaves.", "Eat [title]", "Nothing."], "label": "2"}
            """#)
        XCTAssertEqual(text, "Given the following incomplete context and four possible completions (A, B, C and D), select the best completion. The last line of your response should be of the following format: 'Answer: $LETTER' (without quotes) where LETTER is one of ABCD. Think step by step before answering.\n\nIncomplete context: Cooking: A chef slices onions. Then a man in tokyo [step] sits.\n\nA:  Stir.  Wait.\nB: He  leaves.\nC: Eat \nD: Nothing.")
        XCTAssertEqual(target["golds"], ["C"])
        XCTAssertEqual(target["gold_index"], 2)
        XCTAssertEqual(HellaSwagPrompt.capitalize("ǆemal ǅ"), "ǅemal ǆ")  // title case, not upper case
        XCTAssertEqual(HellaSwagPrompt.capitalize(""), "")
    }

    func testHellaSwagRejectsBadRows() throws {
        XCTAssertThrowsError(try render("hellaswag", #"{"activity_label": "a", "ctx_a": "b", "ctx_b": "c", "endings": ["x"], "label": 0}"#)) { XCTAssertTrue("\($0)".contains("endings"), "\($0)") }
        XCTAssertThrowsError(try render("hellaswag", #"{"activity_label": "a", "ctx_a": "b", "ctx_b": "c", "endings": ["w", "x", "y", "z"], "label": "4"}"#)) { XCTAssertTrue("\($0)".contains("label"), "\($0)") }
    }

    /// A null option is dropped and the letters stop early, as the reference's loop does.
    func testMMLUProXDropsNullOptions() throws {
        let (text, target) = try render("mmlu_prox_english", #"""
            {"question": "Q?", "answer_index": 8, "option_0": "o0", "option_1": "o1", "option_2": "o2", "option_3": "o3",
             "option_4": "o4", "option_5": "o5", "option_6": "o6", "option_7": "o7", "option_8": "o8", "option_9": null}
            """#)
        XCTAssertEqual(text, "Please answer the following multiple-choice question.\nAt the end of your response, write your answer in the format: Answer: $choice (without quotation marks), selecting one option from A, B, C, D, E, F, G, H, I. Think step by step before giving your final answer.\n\nQ?\n\nA) o0\nB) o1\nC) o2\nD) o3\nE) o4\nF) o5\nG) o6\nH) o7\nI) o8")
        XCTAssertEqual(target["golds"], ["I"])
        XCTAssertEqual(target["n_choices"], 9)
    }

    func testMMLUProXJapanese() throws {
        let (text, _) = try render("mmlu_prox_japanese", #"""
            {"question": "2 kg の物体を 0.5 m 持ち上げるとき、重力に逆らってする仕事はいくらか。", "answer_index": 0,
             "option_0": "1.2 J", "option_1": "3.4 J", "option_2": "5.6 J", "option_3": "7.8 J", "option_4": "9.0 J",
             "option_5": "11.2 J", "option_6": "13.4 J", "option_7": "15.6 J", "option_8": "17.8 J", "option_9": "19.0 J"}
            """#)
        XCTAssertEqual(text, "次の選択問題に答えてください。出力の最後の行には「回答: $選択肢」（鉤括弧は書かない）という形でA, B, C, D, E, F, G, H, I, Jから1つ選んで答えてください。ステップバイステップで考えてから回答してください。\n\n2 kg の物体を 0.5 m 持ち上げるとき、重力に逆らってする仕事はいくらか。\n\nA) 1.2 J\nB) 3.4 J\nC) 5.6 J\nD) 7.8 J\nE) 9.0 J\nF) 11.2 J\nG) 13.4 J\nH) 15.6 J\nI) 17.8 J\nJ) 19.0 J")
    }

    func testJEMHopQATemplatesKeepTheLiteralBraces() throws {
        let (cot, target) = try render("jemhopqa_cot", #"{"question": "東京タワーと通天閣はどちらが高いですか？", "answer": "東京タワー"}"#)
        XCTAssertEqual(cot, "以下の問題に回答してください。二択問題の場合は 'YES' または 'NO' で答えてください。二択ではない問題は正しい文字列を答えてください。\n出力の最後の行は、次の形式にしてください。\n\n回答: $\\boxed{ANSWER}$\n\n`ANSWER` には、問題の答えが入ります。\n\nステップバイステップで考えてから回答してください。\n\n問題: 東京タワーと通天閣はどちらが高いですか？")
        XCTAssertEqual(target["golds"], ["東京タワー"])
        let (plain, _) = try render("jemhopqa", #"{"question": "Q", "answer": "A"}"#)
        XCTAssertTrue(plain.hasSuffix("`ANSWER` には、問題の答えが入ります。\n\n問題: Q"), plain)
    }

    /// JMMLU's gold is a letter column; GPQA-ja inserts the correct answer at the seeded position.
    func testJMMLUAndGPQAJapanese() throws {
        let (jmmlu, t1) = try render("swallow_jmmlu", #"{"question": "q", "A": "a", "B": "b", "C": "c", "D": "d", "answer": "D"}"#)
        XCTAssertTrue(jmmlu.hasSuffix("\n\nq\n\nA) a\nB) b\nC) c\nD) d"), jmmlu)
        XCTAssertEqual(t1["gold_index"], 3)
        let (_, t2) = try render("swallow_gpqa_ja", #"{"Question": "q", "Correct Answer": "c", "Incorrect Answer 1": "x", "Incorrect Answer 2": "y", "Incorrect Answer 3": "z"}"#, seed: 1)
        XCTAssertEqual(t2["gold_index"], 1)  // random.seed(1); random.randint(0, 3) == 1
    }
}
