/// Where the rows come from: a Hub dataset repository at a revision, and the files of one split in it.
///
/// `files` are patterns relative to the repository root, as a dataset card's `configs: data_files`
/// writes them: `*` matches within one path segment, `{config}` is the config (fetch-task puts a
/// subset there) and `{split}` the split. Every pattern must match at least one file; there is no format preference and no
/// guessing. `members` names, the same way, the members to read inside each `.zip` file.
public struct DatasetSource: Decodable, Sendable {
    public var repo: String
    public var config: String?
    public var split: String
    /// A branch, tag or commit; a task file pins the commit it was verified at where one is known.
    public var revision: String?
    public var files: [String]?
    public var members: [String]?
    /// Needs an accepted licence and `HF_TOKEN` (GPQA).
    public var gated: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case repo, config, split, revision, files, members, gated }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        repo = try c.decode(String.self, forKey: .repo)
        config = try c.decodeIfPresent(String.self, forKey: .config)
        split = try c.decode(String.self, forKey: .split)
        revision = try c.decodeIfPresent(String.self, forKey: .revision)
        files = try c.decodeIfPresent([String].self, forKey: .files)
        members = try c.decodeIfPresent([String].self, forKey: .members)
        gated = try c.decodeIfPresent(Bool.self, forKey: .gated)
        guard HubName.isRepository(repo) else {
            throw EvalError("'\(repo)' is not a Hub repository id", field: "dataset.repo", hint: "owner/name")
        }
        if let revision, !HubName.isRevision(revision) {
            throw EvalError("'\(revision)' is not a revision", field: "dataset.revision", hint: "a branch, tag or 40-hex commit")
        }
        for p in (files ?? []) + (members ?? []) where !HubName.isRelativePath(p) {
            throw EvalError("'\(p)' is not a relative path inside the repository", field: files?.contains(p) == true ? "dataset.files" : "dataset.members")
        }
    }

    /// `patterns` with `{config}` and `{split}` replaced; nil when a pattern needs a config and
    /// there is none.
    public func expand(_ patterns: [String]) -> [String]? {
        var out: [String] = []
        for p in patterns {
            var p = p.replacingOccurrences(of: "{split}", with: split)
            if p.contains("{config}") {
                guard let config else { return nil }
                p = p.replacingOccurrences(of: "{config}", with: config)
            }
            out.append(p)
        }
        return out
    }
}

/// Names that end up in paths of the Hub cache and in URLs: each is checked before use, whoever
/// supplied it (a task file, a flag, or the server).
public enum HubName {
    /// 40 lower-case hex digits.
    public static func isCommit(_ s: String) -> Bool {
        s.utf8.count == 40 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// `owner/name` (or a legacy bare `name`) of letters, digits, `-`, `_`, `.`; no segment `.`/`..` or starting with a dot.
    public static func isRepository(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 96 && !p.hasPrefix(".") && !p.contains("..")
                && p.utf8.allSatisfy { isAlphanumeric($0) || $0 == 45 || $0 == 95 || $0 == 46 }
        }
    }

    /// A branch, tag or commit as git allows them and the cache stores them (`refs/{revision}`):
    /// segments of letters, digits, `-`, `_`, `.`, `+`, `=`; none empty, `.`-led or `..`.
    public static func isRevision(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        return s.utf8.count <= 255 && parts.allSatisfy { p in
            !p.isEmpty && !p.hasPrefix(".") && !p.contains("..") && !p.hasSuffix(".lock")
                && p.utf8.allSatisfy { isAlphanumeric($0) || [45, 95, 46, 43, 61].contains($0) }
        }
    }

    /// A file path inside a repository: relative, no `.`/`..`/empty segment, no control characters
    /// or backslashes. (Spaces and non-ASCII letters occur in real repositories.)
    public static func isRelativePath(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        return !s.isEmpty && s.utf8.count <= 1024 && parts.allSatisfy { p in
            !p.isEmpty && p != "." && p != ".." && p.utf8.allSatisfy { $0 >= 32 && $0 != 127 && $0 != 92 }
        }
    }

    /// A server-supplied ETag, the blob's file name in the cache: a git SHA-1 or an LFS SHA-256.
    public static func isETag(_ s: String) -> Bool {
        (s.utf8.count == 40 || s.utf8.count == 64) && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
}
