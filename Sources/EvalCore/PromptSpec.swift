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
    /// The template used instead when this row field is missing, null or empty (LiveCodeBench:
    /// problems without starter code get another sentence and a placeholder).
    public var whenEmpty: WhenEmpty?

    public struct WhenEmpty: Decodable, Sendable {
        public var field: String
        public var template: String
        enum CodingKeys: String, CodingKey, CaseIterable { case field, template }
        public init(from d: Decoder) throws {
            let c = try d.strictContainer(keyedBy: CodingKeys.self)
            field = try c.decode(String.self, forKey: .field)
            template = try c.decode(String.self, forKey: .template)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, source, template, question, choices, gold, correct, incorrect
        case choiceFields = "choice_fields", shuffleSeed = "shuffle_seed", whenEmpty = "when_empty"
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
        whenEmpty = try c.decodeIfPresent(WhenEmpty.self, forKey: .whenEmpty)
    }
}
