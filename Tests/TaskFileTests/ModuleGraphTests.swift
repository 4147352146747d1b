import Foundation
import Testing

/// Package.swift's tables, the `import` lines of each module and tool, and the module graph in
/// docs/design.md say the same thing: a module links exactly what it imports, and the document
/// that says so stays true.
@Suite struct ModuleGraphTests {
    static let repo = TaskFileTests.repo
    /// Imports of the platform, not of the package.
    static let platform: Set = ["Foundation", "FoundationEssentials", "Glibc", "Dispatch", "Synchronization"]
    /// Every tool's main imports these; Package.swift adds them to each tool.
    static let toolBase: Set = ["CLI", "EvalCore", "ArgumentParser"]

    /// `(name, [dependencies])` rows of one table (`let <table>: … = [ … ]`) of Package.swift, with
    /// its product constants spelled as the modules they are.
    static func table(_ name: String) throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: repo + "/Package.swift", encoding: .utf8)
        let start = try #require(text.range(of: "let \(name): "), "Package.swift has no table \(name)")
        let body = text[start.upperBound...]
        let end = try #require(body.range(of: "\n]\n"))
        let rows = try NSRegularExpression(pattern: #"\("([\w-]+)", \[([^\]]*)\]\)"#)
        let slice = String(body[..<end.lowerBound])
        var out: [String: Set<String>] = [:]
        for m in rows.matches(in: slice, range: NSRange(slice.startIndex..., in: slice)) {
            let ns = slice as NSString
            let deps = ns.substring(with: m.range(at: 2)).split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }.filter { !$0.isEmpty }.map { ["yams": "Yams", "argumentParser": "ArgumentParser"][$0] ?? $0 }
            out[ns.substring(with: m.range(at: 1))] = Set(deps)
        }
        #expect(!out.isEmpty)
        return out
    }

    /// The modules imported by the Swift files of one target's folder.
    static func imports(_ folder: String) throws -> Set<String> {
        let dir = repo + "/" + folder
        var out = Set<String>()
        let files = try #require(FileManager.default.enumerator(atPath: dir)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty, "\(folder) has no Swift files")
        for file in files {
            var inString = false  // inside a multi-line string literal (embedded Python has imports too)
            for line in try String(contentsOfFile: dir + "/" + file, encoding: .utf8).split(separator: "\n") {
                if line.components(separatedBy: "\"\"\"").count % 2 == 0 { inString.toggle(); continue }
                if inString { continue }
                let words = line.split(separator: " ")
                if let i = words.firstIndex(of: "import"), words[..<i].allSatisfy({ $0.hasPrefix("@") || ["public", "internal", "package"].contains($0) }),
                   i + 1 < words.count {
                    out.insert(String(words[i + 1]))
                }
            }
        }
        return out.subtracting(platform)
    }

    @Test func everyModuleDeclaresExactlyWhatItImports() throws {
        let libraries = try Self.table("libraries")
        #expect(libraries.count >= 10)
        for (name, declared) in libraries {
            #expect(try Self.imports("Sources/" + name) == declared, "\(name): Package.swift says \(declared.sorted())")
        }
        let tools = try Self.table("tools")
        #expect(tools.count >= 7)
        // Every tool gets the base (its own library already links EvalCore); its own list is exact.
        for (name, declared) in tools {
            let imported = try Self.imports("Sources/" + name)
            #expect(imported.subtracting(Self.toolBase) == declared, "\(name): imports \(imported.sorted()), Package.swift says \(declared.sorted())")
        }
    }

    /// docs/design.md's "Module graph" table: `| module | imports |`, one row per library and tool.
    @Test func theDesignDocumentsGraphIsPackageSwifts() throws {
        let text = try String(contentsOfFile: Self.repo + "/docs/design.md", encoding: .utf8)
        let section = try #require(text.components(separatedBy: "### Module graph").dropFirst().first, "docs/design.md has no Module graph section")
        var documented: [String: Set<String>] = [:]
        for line in section.split(separator: "\n").prefix(while: { !$0.hasPrefix("#") }) where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            documented[name] = Set(cells.count > 1 ? cells[1].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            }.filter { !$0.isEmpty && $0 != "–" } : [])
        }
        var expected = try Self.table("libraries")
        for (name, deps) in try Self.table("tools") { expected[name] = deps }
        #expect(documented == expected)
    }
}
