import Foundation
import Testing

/// `aggregate --format html` opened in real headless Chromium (Debian's `chromium`): with
/// JavaScript, the DOM after load, after a filter given in the URL fragment, and a screenshot;
/// without JavaScript (the profile's content setting blocks page scripts), everything still shown.
/// The screenshots and the page stay in .build/test-artifacts/ (git-ignored).
@Suite(.serialized) struct ReportTests {
    static let fixtures = Harness.repo.appendingPathComponent("Tests/Fixtures/report").path
    static let artifacts = Harness.repo.appendingPathComponent(".build/test-artifacts").path

    /// The fixture records: 2 models × 2 tasks, scored by our own tools (Tests/Fixtures/report/README.md).
    static func records() throws -> [[String: Any]] {
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtures).filter { $0.hasSuffix(".scored.jsonl") }.sorted()
        return try files.flatMap { try Harness.lines(fixtures + "/" + $0) }
    }

    static func chromium() -> String? {
        let r = try? Harness.sh("command -v chromium")
        guard let r, r.status == 0 else { return nil }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs chromium headless on `url` in a fresh profile; `javascript: false` blocks page scripts
    /// through the profile's content setting (`--blink-settings=scriptEnabled=false` would also
    /// stop --dump-dom and --screenshot, which evaluate in the page).
    static func chromium(_ binary: String, _ args: String, url: String, javascript: Bool = true) throws -> String {
        let profile = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: profile) }
        if !javascript {
            try FileManager.default.createDirectory(atPath: profile + "/Default", withIntermediateDirectories: true)
            try #"{"profile":{"default_content_setting_values":{"javascript":2}}}"#.write(toFile: profile + "/Default/Preferences", atomically: true, encoding: .utf8)
        }
        let r = try Harness.sh("timeout 120 '\(binary)' --headless --disable-gpu --no-sandbox --user-data-dir='\(profile)' \(args) '\(url)'")
        #expect(r.status == 0, "chromium: \(r.stderr.suffix(500))")
        return r.stdout
    }

    /// The opening tags of the sample articles in a dumped DOM.
    static func articles(_ dom: String) -> [String] {
        dom.ranges(of: #/<article [^>]*>/#).map { String(dom[$0]) }
    }

    static func visible(_ dom: String) -> [String] { articles(dom).filter { !$0.contains(" hidden") } }

    static func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    @Test func reportRendersAndFiltersInHeadlessChromium() throws {
        guard let chromium = Self.chromium() else {
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "chromium is absent (apt-get install chromium)")
            return
        }
        let records = try Self.records()
        #expect(records.count == 36)
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let page = Self.artifacts + "/report.html"
        let gen = try Harness.sh("aggregate --format html Tests/Fixtures/report/*.scored.jsonl > '\(page)'")
        try #require(gen.status == 0, "aggregate: \(gen.stderr)")
        let url = URL(fileURLWithPath: page).absoluteString

        // With JavaScript: the leaderboard, the charts, the filter form, every sample shown.
        let dom = try Self.chromium(chromium, "--dump-dom", url: url)
        #expect(Self.count("<tr class=\"run\"", in: dom) == 2)
        #expect(dom.contains("acme/model-a (reasoning)</a></th>") && dom.contains("acme/model-b</a></th>"))
        // Per run: headline per benchmark, mmlu_english by category, status of records.
        #expect(Self.count("<svg class=\"chart", in: dom) == 6)
        #expect(Self.count("<code class=\"copy\">", in: dom) == 2)
        // Differences from the first run: the intervals `aggregate --compare` gives for the same runs.
        let compared = try Harness.sh("aggregate --compare <(cat Tests/Fixtures/report/model-a-*) <(cat Tests/Fixtures/report/model-b-*)")
        let tasks = try #require(try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [String: Any])["tasks"] as? [[String: Any]]
        #expect(tasks?.count == 2)
        for t in tasks ?? [] {
            let interval = String(format: "[%.4f, %.4f]", t["ci_low"] as! Double, t["ci_high"] as! Double)
            #expect(dom.contains("<td>\(t["task"]!)</td><td>extractive_match</td><td class=\"num\">\(t["n"]!)</td>"), "\(t)")
            #expect(dom.contains("<td class=\"num\">\(interval)</td>"), "\(interval)")
        }
        #expect(dom.contains("<form id=\"filters\">"))
        #expect(Self.articles(dom).count == records.count)
        #expect(Self.visible(dom).count == records.count)
        #expect(dom.contains("\(records.count) of \(records.count) samples shown"))

        // A response's markup is text: no element from it, nothing of it ran, only our script.
        #expect(!dom.contains("data-pwned=") && !dom.contains("<img"))
        #expect(dom.contains("&lt;script&gt;document.body.setAttribute('data-pwned','script')&lt;/script&gt;"))
        #expect(Self.count("<script", in: dom) == 1)

        // Filters read from the URL fragment.
        let wrong = records.filter { ($0["scores"] as? [String: Any])?["extractive_match"] as? Double == 0 }.count
        #expect(wrong == 17)
        let wrongDOM = try Self.chromium(chromium, "--dump-dom", url: url + "#filter=wrong")
        #expect(Self.visible(wrongDOM).count == wrong)
        #expect(Self.visible(wrongDOM).allSatisfy { $0.contains("data-grade=\"wrong\"") })
        #expect(Self.articles(wrongDOM).count == records.count)
        let truncated = records.filter { ($0["status"] as? String)?.hasPrefix("truncated_") == true && $0["task"] as? String == "mmlu_english" }.count
        let truncatedDOM = try Self.chromium(chromium, "--dump-dom", url: url + "#filter=truncated&task=mmlu_english")
        #expect(truncated == 1 && Self.visible(truncatedDOM).count == truncated)
        let errorsDOM = try Self.chromium(chromium, "--dump-dom", url: url + "#filter=errors&run=r0")
        #expect(Self.visible(errorsDOM).count == 1 && Self.visible(errorsDOM).allSatisfy { $0.contains("data-status=\"api_error\"") })
        let subsetDOM = try Self.chromium(chromium, "--dump-dom", url: url + "#subset=astronomy")
        #expect(Self.visible(subsetDOM).count == records.filter { $0["subset"] as? String == "astronomy" }.count)
        #expect(Self.visible(subsetDOM).count == 6)

        // Without JavaScript: the same content, nothing hidden, the filter form out of the way.
        let noJS = try Self.chromium(chromium, "--dump-dom", url: url + "#filter=wrong", javascript: false)
        #expect(Self.count("<tr class=\"run\"", in: noJS) == 2)
        #expect(Self.count("<svg class=\"chart", in: noJS) == 6)
        #expect(Self.visible(noJS).count == records.count)
        #expect(noJS.contains("<form id=\"filters\" hidden=\"\">"))
        #expect(!noJS.contains("data-filtered="))

        for (name, js) in [("report.png", true), ("report-nojs.png", false)] {
            let png = Self.artifacts + "/" + name
            try? FileManager.default.removeItem(atPath: png)
            _ = try Self.chromium(chromium, "--screenshot='\(png)' --window-size=1400,3000", url: url, javascript: js)
            let bytes = try #require(FileManager.default.contents(atPath: png))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 20_000, "\(name): \(bytes.count) bytes")
        }
    }
}

/// `aggregate --compare` as a process, on run folders laid out as the Makefile writes them.
@Suite struct CompareToolTests {
    @Test func comparesTwoRunFolders() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for m in ["a", "b"] {
            for t in ["gpqa", "mmlu"] {
                let d = "\(dir)/hosted_vllm/acme/model-\(m)/default/\(t)"
                try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: "\(ReportTests.fixtures)/model-\(m)-\(t).scored.jsonl", toPath: d + "/scored.jsonl")
            }
        }
        let run = "\(dir)/hosted_vllm/acme/model-"
        let json = try Harness.sh("aggregate --compare \(run)a/default \(run)b/default")
        try #require(json.status == 0, "\(json.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let tasks = try #require(doc["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["task"] as? String } == ["gpqa_diamond", "mmlu_english"])
        // mmlu_english: A's api_error record is left out of the pairs; B's mean is over the same 11 ids.
        #expect(tasks[1]["n"] as? Int == 11 && tasks[1]["unpaired_a"] as? Int == 1 && tasks[1]["unpaired_b"] as? Int == 1)
        #expect(tasks[0]["difference"] as? Double == 2.0 / 6 - 4.0 / 6)
        let md = try Harness.sh("aggregate --compare \(run)a/default \(run)b/default --format markdown")
        #expect(md.status == 0 && md.stdout.contains("| gpqa_diamond | extractive_match | 6 | 0.6667 | 0.3333 | -0.3333 |"))
        let bad = try Harness.sh("aggregate --compare \(run)a/default")
        #expect(bad.status == 2 && bad.stderr.contains("--compare takes two runs"))
        let repeated = try Harness.sh("aggregate --compare \(run)a/default/gpqa/scored.jsonl <(cat \(run)b/default/gpqa/scored.jsonl \(run)b/default/gpqa/scored.jsonl)")
        #expect(repeated.status == 1 && repeated.stderr.contains(":7: id: 'gpqa_diamond:0' appears again in run B"), "\(repeated.stderr)")
    }
}
