import Foundation
import Yams

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    /// A keyed container that first rejects keys the type does not declare.
    public func strictContainer<K: CodingKey & CaseIterable>(keyedBy: K.Type) throws -> KeyedDecodingContainer<K> {
        let all = try container(keyedBy: AnyCodingKey.self)
        let known = Set(K.allCases.map(\.stringValue))
        if let bad = all.allKeys.first(where: { !known.contains($0.stringValue) }) {
            let path = (codingPath + [bad]).map(\.stringValue).joined(separator: ".")
            throw EvalError("unknown key", line: (self as? YAMLNodeDecoder)?.keyLine(bad.stringValue), field: path,
                            hint: "known here: " + known.sorted().joined(separator: ", "))
        }
        return try container(keyedBy: K.self)
    }
}

/// YAML files (task files, model profiles, services, suites) into typed values, in time linear in
/// the file: Yams' own decoder looks each key up by a scan of its mapping, so a mapping of n keys
/// decodes in n² (8,000 keys took seconds). Scalars are read by Yams' own constructors, so
/// values mean what they meant before; every error names the line it is on.
public enum StrictYAML {
    public static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String) throws -> T {
        let root: Node
        do {
            root = try Yams.compose(yaml: text, Resolver.basic) ?? Node("")
        } catch let e as YamlError {
            throw EvalError.yaml(e, file: file)
        } catch {
            throw EvalError("\(error)".replacingOccurrences(of: "\n", with: " "), file: file)
        }
        do {
            return try T(from: YAMLNodeDecoder(node: root, codingPath: []))
        } catch {
            throw EvalError.decoding(error, file: file)
        }
    }
}

/// A `Decoder` over a composed YAML node. Mappings are indexed once (the last of duplicate keys
/// wins, as in Yams), merge keys (`<<`) are expanded as Yams expands them.
struct YAMLNodeDecoder: Decoder {
    let node: Node
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var line: Int? { node.mark.map { $0.line } }

    func fail(_ what: String, at path: [CodingKey]? = nil) -> EvalError {
        EvalError(what, line: line, field: Self.path(path ?? codingPath))
    }

    static func path(_ p: [CodingKey]) -> String? {
        p.isEmpty ? nil : p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }

    /// The line of `key` when this node is a mapping that has it.
    func keyLine(_ key: String) -> Int? {
        guard let m = node.mapping else { return nil }
        return m.first { $0.key.string == key }?.key.mark?.line ?? line
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let mapping = node.mapping else { throw fail("expected a mapping, found \(Self.kind(node))") }
        return KeyedDecodingContainer(Keyed<Key>(decoder: self, pairs: Self.flatten(mapping)))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard let sequence = node.sequence else { throw fail("expected a list, found \(Self.kind(node))") }
        return Unkeyed(decoder: self, items: Array(sequence))
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { Single(decoder: self) }

    func child(_ node: Node, _ key: CodingKey) -> YAMLNodeDecoder { YAMLNodeDecoder(node: node, codingPath: codingPath + [key]) }

    static func kind(_ n: Node) -> String {
        switch n {
        case .scalar(let s): return "'\(s.string.prefix(40))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Merge keys first (their pairs are overridden by the mapping's own), as Yams' `flatten`.
    static func flatten(_ m: Node.Mapping) -> [(key: Node, value: Node)] {
        var merged: [(key: Node, value: Node)] = [], own: [(key: Node, value: Node)] = []
        for pair in m {
            guard pair.key.scalar?.style == .plain, pair.key.string == "<<" else { own.append(pair); continue }
            switch pair.value {
            case .mapping(let sub): merged += flatten(sub)
            case .sequence(let seq): for sub in seq.reversed() { if let s = sub.mapping { merged += flatten(s) } }
            default: break
            }
        }
        return merged + own
    }

    func decodeScalar<T: Decodable>(_ type: T.Type) throws -> T {
        if let constructible = type as? ScalarConstructible.Type {
            guard case .scalar(let s) = node else { throw fail("expected \(type), found \(Self.kind(node))") }
            guard let v = constructible.construct(from: s) as? T else { throw fail("expected \(type), found \(Self.kind(node))") }
            return v
        }
        return try T(from: self)
    }

    var isNull: Bool { node.null != nil }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: YAMLNodeDecoder
        let index: [String: Node]
        let allKeys: [Key]

        init(decoder: YAMLNodeDecoder, pairs: [(key: Node, value: Node)]) {
            self.decoder = decoder
            var index: [String: Node] = [:], keys: [Key] = []
            index.reserveCapacity(pairs.count)
            for (k, v) in pairs {
                guard let name = k.string else { continue }
                if index.updateValue(v, forKey: name) == nil, let key = Key(stringValue: name) { keys.append(key) }
            }
            self.index = index
            allKeys = keys
        }

        var codingPath: [CodingKey] { decoder.codingPath }
        func contains(_ key: Key) -> Bool { index[key.stringValue] != nil }

        func child(_ key: Key) throws -> YAMLNodeDecoder {
            guard let n = index[key.stringValue] else { throw decoder.fail("missing key", at: codingPath + [key]) }
            return decoder.child(n, key)
        }

        func decodeNil(forKey key: Key) throws -> Bool { try child(key).isNull }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeScalar(type) }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            try child(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
        func superDecoder() throws -> Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> Decoder { try child(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: YAMLNodeDecoder
        let items: [Node]
        var currentIndex = 0

        init(decoder: YAMLNodeDecoder, items: [Node]) { self.decoder = decoder; self.items = items }

        var codingPath: [CodingKey] { decoder.codingPath }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        mutating func next() throws -> YAMLNodeDecoder {
            guard !isAtEnd else { throw decoder.fail("too few items in the list") }
            defer { currentIndex += 1 }
            return decoder.child(items[currentIndex], AnyCodingKey(intValue: currentIndex)!)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, decoder.child(items[currentIndex], AnyCodingKey(intValue: currentIndex)!).isNull else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeScalar(type) }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: YAMLNodeDecoder
        var codingPath: [CodingKey] { decoder.codingPath }
        func decodeNil() -> Bool { decoder.isNull }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeScalar(type) }
    }
}

extension EvalError {
    /// A YAML syntax error at its line: `file:line: problem`.
    static func yaml(_ e: YamlError, file: String) -> EvalError {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            return EvalError(problem + (context.map { " \($0.text)" } ?? ""), file: file, line: mark.line)
        case let .composer(context, problem, mark, _):
            return EvalError(problem + (context.map { " \($0.text)" } ?? ""), file: file, line: mark.line)
        case let .duplicatedKeysInMapping(duplicates, context):
            // The context's text is the whole file: only its mark is worth showing.
            return EvalError("duplicate key " + duplicates.sorted().map { "'\($0)'" }.joined(separator: ", "),
                             file: file, line: context.mark.line, hint: "each key may appear once in a mapping")
        default:
            return EvalError("\(e)".replacingOccurrences(of: "\n", with: " "), file: file)
        }
    }

    /// A YAML decoding failure as `file:line: field: message` (task files, model profiles, services).
    public static func decoding(_ error: Error, file: String) -> EvalError {
        switch error {
        case var e as EvalError:
            e.file = file
            return e
        case let e as YamlError:
            return yaml(e, file: file)
        case DecodingError.dataCorrupted(let ctx) where ctx.underlyingError is EvalError:
            return decoding(ctx.underlyingError!, file: file)
        case DecodingError.dataCorrupted(let ctx) where ctx.underlyingError is YamlError:
            return decoding(ctx.underlyingError!, file: file)
        case let DecodingError.keyNotFound(key, ctx):
            return EvalError("missing key", file: file, field: (ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))
        case let DecodingError.typeMismatch(type, ctx):
            return EvalError("expected \(type)", file: file, field: ctx.codingPath.map(\.stringValue).joined(separator: "."))
        case let DecodingError.valueNotFound(type, ctx):
            return EvalError("expected \(type), found null", file: file, field: ctx.codingPath.map(\.stringValue).joined(separator: "."))
        case let DecodingError.dataCorrupted(ctx):
            return EvalError(ctx.debugDescription, file: file, field: YAMLNodeDecoder.path(ctx.codingPath))
        default:
            return EvalError("\(error)".replacingOccurrences(of: "\n", with: " "), file: file)
        }
    }
}
