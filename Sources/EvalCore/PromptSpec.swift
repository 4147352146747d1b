/// How a row becomes a prompt: a registered builder (`kind`) fills template variables, then
/// `template` is formatted with them (Python `str.format` rules: `{name}`, `{{` and `}}`).
/// Every other key of `prompt:` belongs to the builder, which reads and checks its own.
public struct PromptSpec: Decodable, Sendable {
    public var kind: String
    /// Where the template text was copied from, verbatim.
    public var source: String
    public var template: String
    /// The builder's keys (`question`, `choices`, …), as read from the task file.
    public var fields: JSONObject

    static let common: Set<String> = ["kind", "source", "template"]

    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: AnyCodingKey.self)
        func required(_ key: String) throws -> String { try c.decode(String.self, forKey: AnyCodingKey(stringValue: key)) }
        kind = try required("kind")
        source = try required("source")
        template = try required("template")
        fields = [:]
        for key in c.allKeys where !Self.common.contains(key.stringValue) {
            fields[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
        }
    }

    /// The builder's keys, for the builder of `kind` to read.
    public var builderFields: PromptFields { PromptFields(kind: kind, fields: fields) }
}

/// A builder's own keys of `prompt:`. The builder reads what it needs, then `finish()` rejects
/// every key it did not read, so a typo in a task file is an error naming `prompt.<key>`.
public struct PromptFields {
    let kind: String
    let fields: JSONObject
    private var read: Set<String> = []

    init(kind: String, fields: JSONObject) { self.kind = kind; self.fields = fields }

    public mutating func string(_ key: String) throws -> String? {
        read.insert(key)
        guard let v = fields[key] else { return nil }
        guard let s = v.string else { throw EvalError("expected a string", field: "prompt.\(key)") }
        return s
    }

    public mutating func require(_ key: String) throws -> String {
        guard let s = try string(key) else { throw EvalError("\(kind) needs this key", field: "prompt.\(key)") }
        return s
    }

    public mutating func strings(_ key: String) throws -> [String]? {
        read.insert(key)
        guard let v = fields[key] else { return nil }
        guard let a = v.array, let s = Optional(a.compactMap(\.string)), s.count == a.count else {
            throw EvalError("expected a list of strings", field: "prompt.\(key)")
        }
        return s
    }

    /// An integer; YAML scalars arrive as text, so a decimal string is read as one.
    public mutating func int(_ key: String) throws -> Int? {
        read.insert(key)
        guard let v = fields[key] else { return nil }
        guard let i = v.int ?? v.string.flatMap({ Int($0) }) else { throw EvalError("expected an integer", field: "prompt.\(key)") }
        return i
    }

    /// A map of numbers (`category: 0.7`); YAML scalars arrive as text, so decimal strings are read as numbers.
    public mutating func numbers(_ key: String) throws -> [String: Double]? {
        read.insert(key)
        guard let v = fields[key] else { return nil }
        guard let o = v.object else { throw EvalError("expected a map of numbers", field: "prompt.\(key)") }
        var out: [String: Double] = [:]
        for (k, x) in o {
            guard let d = x.double ?? x.string.flatMap({ Double($0) }) else { throw EvalError("expected a number", field: "prompt.\(key).\(k)") }
            out[k] = d
        }
        return out
    }

    public func finish() throws {
        if let extra = fields.keys.sorted().first(where: { !read.contains($0) }) {
            let known = (PromptSpec.common.union(read)).sorted().joined(separator: ", ")
            throw EvalError("not used by kind \(kind)", field: "prompt.\(extra)", hint: "known here: \(known)")
        }
    }
}
