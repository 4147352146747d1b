/// How a row becomes a prompt: a registered builder (`kind`) fills template variables, then
/// `template` is formatted with them (Python `str.format` rules: `{name}`, `{{` and `}}`).
public struct PromptSpec: Decodable, Sendable {
    public var kind: String
    /// Where the template text was copied from, verbatim.
    public var source: String
    public var template: String
    /// multiple_choice: the question field.
    public var question: String?
    /// multiple_choice: a field holding the list of choices.
    public var choices: String?
    /// multiple_choice: fields holding one choice each (null ones are dropped).
    public var choiceFields: [String]?
    /// multiple_choice: field with the gold index (int) or letter.
    public var gold: String?
    /// multiple_choice (GPQA): the correct answer's field, inserted at a random position among `incorrect`.
    public var correct: String?
    public var incorrect: [String]?
    /// Seed of that position draw; each record draws from its own generator (see Prompting).
    public var shuffleSeed: Int?
    /// multi_turn: the field holding the user turns (the first is `{Question}`, the rest followups).
    public var turns: String?
    /// multi_turn: the field naming the row's category.
    public var category: String?
    /// multi_turn: the field holding the reference answers (`[{"turns": [...]}]`), for the judge.
    public var references: String?
    /// multi_turn: sampling temperature per category, over every other setting (unknown ones: 0).
    public var categoryTemperature: [String: Double]?
    /// multi_turn: each turn's answer is cut to its first this many characters (code points).
    public var maxAnswerChars: Int?
    /// multi_turn: `first_draw` continues every draw from draw 0's first answer (the reference),
    /// `own_draw` continues each draw from its own.
    public var turnContext: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, source, template, question, choices, gold, correct, incorrect
        case choiceFields = "choice_fields", shuffleSeed = "shuffle_seed"
        case turns, category, references
        case categoryTemperature = "category_temperature", maxAnswerChars = "max_answer_chars", turnContext = "turn_context"
    }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        source = try c.decode(String.self, forKey: .source)
        template = try c.decode(String.self, forKey: .template)
        question = try c.decodeIfPresent(String.self, forKey: .question)
        choices = try c.decodeIfPresent(String.self, forKey: .choices)
        choiceFields = try c.decodeIfPresent([String].self, forKey: .choiceFields)
        gold = try c.decodeIfPresent(String.self, forKey: .gold)
        correct = try c.decodeIfPresent(String.self, forKey: .correct)
        incorrect = try c.decodeIfPresent([String].self, forKey: .incorrect)
        shuffleSeed = try c.decodeIfPresent(Int.self, forKey: .shuffleSeed)
        turns = try c.decodeIfPresent(String.self, forKey: .turns)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        references = try c.decodeIfPresent(String.self, forKey: .references)
        categoryTemperature = try c.decodeIfPresent([String: Double].self, forKey: .categoryTemperature)
        maxAnswerChars = try c.decodeIfPresent(Int.self, forKey: .maxAnswerChars)
        turnContext = try c.decodeIfPresent(String.self, forKey: .turnContext)
    }
}
