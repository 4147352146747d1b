import EvalCore
import Foundation

/// `aggregate --format html`: one self-contained page (inline CSS and SVG, no network) with the
/// leaderboard of every run, per-run charts and tables, and the sample browser. Every text from
/// records is escaped: responses are untrusted. A Content-Security-Policy allows only the page's
/// own filter script (by its hash), so even an escaping mistake could not run or fetch anything.
/// Everything is visible with JavaScript off; the script only filters the samples.
struct HTMLReport {
    let catalog: TaskCatalog
    let samples: SampleBrowser?
    let comparison: Comparison?
    let baseline: String?

    func render(_ report: Report) throws -> String {
        let runs = report.runs
        if let baseline, !runs.contains(where: { $0.label == baseline }) {
            throw EvalError("no run '\(baseline)' in the input", field: "--baseline", hint: "runs: " + runs.map(\.label).joined(separator: ", "))
        }
        let swallow = SwallowFormat(catalog: catalog)
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '\(Self.scriptHash)'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>evalpipe report</title>
        <style>\(Self.css)</style>
        </head><body>
        <h1>evalpipe report</h1>
        <p>\(runs.count) run\(runs.count == 1 ? "" : "s"), \(report.results.reduce(0) { $0 + $1.records }) records.
        Intervals are 95 % (mean ± 1.96 standard errors); coverage is scored / records.</p>
        <nav><a href="#leaderboard">Leaderboard</a>\(comparison != nil && runs.count > 1 ? " · <a href=\"#differences\">Differences</a>" : "")\(runs.indices.map { " · <a href=\"#run\($0)\">\(esc(runs[$0].label))</a>" }.joined())\(samples == nil ? "" : " · <a href=\"#samples\">Samples</a>")</nav>

        """
        out += leaderboard(report, runs, swallow)
        if let comparison, runs.count > 1 { out += differences(comparison, runs) }
        for (i, run) in runs.enumerated() { out += runSection(i, run, report.results(of: run)) }
        if let samples { out += sampleSection(samples, runs) }
        out += "<script>\(Self.script)</script>\n</body></html>\n"
        return out
    }

    // MARK: leaderboard

    private func leaderboard(_ report: Report, _ runs: [Run], _ swallow: SwallowFormat) -> String {
        let tasks = Array(Set(report.results.map(\.task))).sorted()
        var out = "<section id=\"leaderboard\"><h2>Leaderboard</h2>\n<div class=\"scroll\"><table class=\"board\"><thead><tr><th>run</th>"
        for t in tasks { out += "<th>\(esc(report.results.first { $0.task == t }?.headline?.name ?? t))</th>" }
        out += "</tr></thead><tbody>\n"
        for (i, run) in runs.enumerated() {
            let rows = report.results(of: run)
            out += "<tr class=\"run\" data-run=\"r\(i)\"><th><a href=\"#run\(i)\">\(esc(run.label))</a></th>"
            for t in tasks {
                guard let r = rows.first(where: { $0.task == t }), let (_, m) = Self.headline(r) else { out += "<td class=\"none\">–</td>"; continue }
                let ci = m.stderr.map { 1.96 * $0 }
                out += "<td class=\"num\" title=\"\(esc(ci.map { "95 % CI [\(f4(m.mean - $0)), \(f4(m.mean + $0))], " } ?? ""))\(r.scored)/\(r.records) scored\">"
                out += "<b>\(f4(m.mean))</b><br><small>\(ci.map { "± " + f4($0) } ?? "no stderr") · \(pct(r.coverage))</small></td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table></div>\n<h3>Swallow <code>overall</code> (click to select, then copy)</h3>\n<table class=\"overall\">"
        for run in runs {
            out += "<tr><th>\(esc(run.label))</th><td><code class=\"copy\">\(esc(swallow.overall(report.results(of: run))))</code></td></tr>\n"
        }
        return out + "</table></section>\n"
    }

    /// Each other run against the baseline: `Comparison`'s paired bootstrap per task.
    private func differences(_ comparison: Comparison, _ runs: [Run]) -> String {
        let base = baseline ?? runs[0].label
        var out = "<section id=\"differences\"><h2>Differences from \(esc(base))</h2>\n"
        out += "<p>Run minus \(esc(base)) over the sample ids both scored; paired bootstrap 95 % interval "
        out += "(\(comparison.resamples) resamples, seed \(comparison.seed), <code>--resamples</code>, <code>--seed</code>; "
        out += "<code>--baseline</code> picks the run compared with). <b>*</b>: the interval excludes 0.</p>\n"
        out += "<table class=\"diff\"><thead><tr><th>run</th><th>task</th><th>metric</th><th>n</th><th>\(esc(base))</th><th>run</th><th>difference</th><th>95 % interval</th><th></th></tr></thead><tbody>\n"
        for run in runs where run.label != base {
            let r = comparison.result(base, run.label)
            for t in r.tasks {
                out += "<tr class=\"\(t.significant ? "sig" : "")\"><th>\(esc(run.label))</th><td>\(esc(t.task))</td><td>\(esc(t.metric))</td><td class=\"num\">\(t.n)</td>"
                out += "<td class=\"num\">\(f4(t.meanA))</td><td class=\"num\">\(f4(t.meanB))</td><td class=\"num\">\(t.difference >= 0 ? "+" : "")\(f4(t.difference))</td>"
                out += "<td class=\"num\">[\(f4(t.low)), \(f4(t.high))]</td><td>\(t.significant ? "*" : "")</td></tr>\n"
            }
            if !r.notResampled.isEmpty {
                out += "<tr><th>\(esc(run.label))</th><td colspan=\"8\">not compared (a corpus statistic): \(esc(r.notResampled.joined(separator: ", ")))</td></tr>\n"
            }
        }
        return out + "</tbody></table></section>\n"
    }

    /// The headline metric (or, without a task file, the first metric) and its summary.
    static func headline(_ r: TaskResult) -> (String, MetricSummary)? {
        guard let name = r.headline?.metric ?? r.metrics.keys.sorted().first, let m = r.metrics[name] else { return nil }
        return (name, m)
    }

    // MARK: one run

    private func runSection(_ i: Int, _ run: Run, _ rows: [TaskResult]) -> String {
        var out = "<section id=\"run\(i)\" class=\"runsec\"><h2>\(esc(run.label))</h2>\n<h3>Headline per benchmark</h3>\n"
        let bars = rows.compactMap { r in Self.headline(r).map { Bar(label: r.headline?.name ?? r.task, value: $0.1.mean, ci: $0.1.stderr.map { 1.96 * $0 }, note: "\(r.scored)/\(r.records)") } }
        out += Self.barChart(bars, title: "headline per benchmark, \(run.label)")
        for r in rows {
            let cats = categoryBars(r)
            guard !cats.isEmpty else { continue }
            out += "<h3>\(esc(r.task)): \(esc(Self.headline(r)?.0 ?? "")) by \(catalogTask(r.task)?.categories == nil ? "subset" : "category")</h3>\n"
            out += Self.barChart(cats, title: "\(r.task) by category, \(run.label)")
        }
        out += "<h3>Status of records</h3>\n" + statusChart(rows) + statusTable(rows)
        out += "<h3>Tokens and request time</h3>\n" + usageTable(rows)
        return out + "</section>\n"
    }

    private func catalogTask(_ name: String) -> TaskSpec? { try? catalog.resolve(name).task }

    /// The headline metric per category of the task file (sample-weighted over its subsets, as the
    /// Swallow keys are), or per subset when the task declares no categories.
    private func categoryBars(_ r: TaskResult) -> [Bar] {
        guard let subsets = r.subsets, let (metric, _) = Self.headline(r) else { return [] }
        let groups: [(String, [String])] = catalogTask(r.task)?.categories.map { $0.sorted { $0.key < $1.key } }
            ?? subsets.keys.sorted().map { ($0, [$0]) }
        return groups.compactMap { name, members in
            var n = 0, weighted = 0.0
            for s in members { if let m = subsets[s]?.metrics[metric] { n += m.n; weighted += Double(m.n) * m.mean } }
            return n == 0 ? nil : Bar(label: name, value: weighted / Double(n), ci: nil, note: "n \(n)")
        }
    }

    struct Bar { var label: String, value: Double, ci: Double?, note: String }

    /// Horizontal bars with their 95 % interval as a whisker (cut at the axis), on a 0–1 axis,
    /// or 0 to the largest value when one exceeds 1.
    static func barChart(_ bars: [Bar], title: String) -> String {
        let rowH = 22, labelW = 220, plotW = 380, noteW = 220
        let scale = max(1, bars.map(\.value).max() ?? 1)
        func x(_ v: Double) -> Int { labelW + Int((max(0, min(v, scale)) / scale * Double(plotW)).rounded()) }
        let h = rowH * bars.count + 24
        var out = "<svg class=\"chart\" role=\"img\" width=\"\(labelW + plotW + noteW)\" height=\"\(h)\" viewBox=\"0 0 \(labelW + plotW + noteW) \(h)\"><title>\(esc(title))</title>\n"
        for t in stride(from: 0.0, through: scale + 1e-9, by: scale / 4) {
            out += "<line class=\"grid\" x1=\"\(x(t))\" y1=\"0\" x2=\"\(x(t))\" y2=\"\(rowH * bars.count)\"/><text class=\"tick\" x=\"\(x(t))\" y=\"\(rowH * bars.count + 16)\">\(trim(t))</text>\n"
        }
        for (i, b) in bars.enumerated() {
            let y = i * rowH
            out += "<g class=\"bar\"><text class=\"label\" x=\"\(labelW - 6)\" y=\"\(y + 15)\">\(esc(b.label))</text>"
            out += "<rect x=\"\(labelW)\" y=\"\(y + 4)\" width=\"\(x(b.value) - labelW)\" height=\"\(rowH - 8)\"/>"
            if let ci = b.ci {
                out += "<line class=\"ci\" x1=\"\(x(b.value - ci))\" y1=\"\(y + rowH / 2)\" x2=\"\(x(b.value + ci))\" y2=\"\(y + rowH / 2)\"/>"
            }
            out += "<text class=\"value\" x=\"\(labelW + plotW + 6)\" y=\"\(y + 15)\">\(f4(b.value))\(b.ci.map { " ± " + f4($0) } ?? "") (\(esc(b.note)))</text></g>\n"
        }
        return out + "</svg>\n"
    }

    static let statusOrder = Status.allCases.map(\.rawValue)

    private func statuses(_ rows: [TaskResult]) -> [String] {
        let seen = Set(rows.flatMap(\.status.keys))
        return Self.statusOrder.filter(seen.contains) + seen.subtracting(Self.statusOrder).sorted()
    }

    /// One 100 % bar per task, a segment per status.
    private func statusChart(_ rows: [TaskResult]) -> String {
        let labelW = 220, plotW = 380, rowH = 22, all = statuses(rows)
        let h = rowH * rows.count + 30
        var out = "<svg class=\"chart status\" role=\"img\" width=\"\(labelW + plotW + 10)\" height=\"\(h)\" viewBox=\"0 0 \(labelW + plotW + 10) \(h)\"><title>status of records per task</title>\n"
        for (i, r) in rows.enumerated() {
            let y = i * rowH
            out += "<text class=\"label\" x=\"\(labelW - 6)\" y=\"\(y + 15)\">\(esc(r.task))</text>"
            var x = Double(labelW)
            for s in all {
                guard let c = r.status[s], c > 0, r.records > 0 else { continue }
                let w = Double(c) / Double(r.records) * Double(plotW)
                out += "<rect class=\"st-\(esc(s))\" x=\"\(trim(x))\" y=\"\(y + 4)\" width=\"\(trim(w))\" height=\"\(rowH - 8)\"><title>\(esc(s)): \(c)</title></rect>"
                x += w
            }
            out += "\n"
        }
        var lx = 0
        for s in all {
            out += "<rect class=\"st-\(esc(s))\" x=\"\(lx)\" y=\"\(h - 16)\" width=\"10\" height=\"10\"/><text class=\"legend\" x=\"\(lx + 14)\" y=\"\(h - 7)\">\(esc(s))</text>"
            lx += 14 + 8 * s.count + 12
        }
        return out + "\n</svg>\n"
    }

    private func statusTable(_ rows: [TaskResult]) -> String {
        let all = statuses(rows)
        var out = "<table class=\"statuses\"><thead><tr><th>task</th><th>records</th>\(all.map { "<th>\(esc($0))</th>" }.joined())</tr></thead><tbody>\n"
        for r in rows {
            out += "<tr><th>\(esc(r.task))</th><td class=\"num\">\(r.records)</td>\(all.map { "<td class=\"num\">\(r.status[$0] ?? 0)</td>" }.joined())</tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    private func usageTable(_ rows: [TaskResult]) -> String {
        let keys = ["prompt_tokens", "completion_tokens", "total_tokens"]
        var out = "<table class=\"usage\"><thead><tr><th>task</th><th>records</th>\(keys.map { "<th>\($0)</th>" }.joined())<th>completion tokens / record</th><th>request time (Σ s)</th><th>s / record</th></tr></thead><tbody>\n"
        for r in rows {
            out += "<tr><th>\(esc(r.task))</th><td class=\"num\">\(r.records)</td>"
            out += keys.map { k in "<td class=\"num\">\(r.usage?[k].map(String.init) ?? "–")</td>" }.joined()
            out += "<td class=\"num\">\(r.usage?["completion_tokens"].map { String(format: "%.1f", Double($0) / Double(max(1, r.records))) } ?? "–")</td>"
            out += "<td class=\"num\">\(r.latency.map { String(format: "%.1f", $0.seconds) } ?? "–")</td>"
            out += "<td class=\"num\">\(r.latency.map { String(format: "%.2f", $0.seconds / Double(max(1, $0.records))) } ?? "–")</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    // MARK: samples

    private func sampleSection(_ browser: SampleBrowser, _ runs: [Run]) -> String {
        let slots = browser.kept.keys.sorted { ($0.run, $0.task) < ($1.run, $1.task) }
        let runIndex = Dictionary(uniqueKeysWithValues: runs.enumerated().map { ($1, $0) })
        let subsets = Set(browser.kept.values.flatMap { $0.compactMap(\.subset) }).sorted()
        func options(_ values: [(String, String)]) -> String {
            "<option value=\"\">all</option>" + values.map { "<option value=\"\(esc($0.0))\">\(esc($0.1))</option>" }.joined()
        }
        var out = "<section id=\"samples\"><h2>Samples</h2>\n"
        out += "<p>Per run and task, the first \(browser.limit) records of each kind (right, partial, wrong, unrated, truncated, error) in input order (<code>--samples</code>); texts cut at \(browser.maxChars) characters (<code>--sample-chars</code>). Only the first draw of each record is shown.</p>\n"
        out += "<form id=\"filters\" hidden>"
        out += "<label>show <select id=\"f-filter\"><option value=\"\">all</option>\(["right", "partial", "wrong", "unrated", "truncated", "errors"].map { "<option>\($0)</option>" }.joined())</select></label> "
        out += "<label>run <select id=\"f-run\">\(options(runs.indices.map { ("r\($0)", runs[$0].label) }))</select></label> "
        out += "<label>task <select id=\"f-task\">\(options(Set(slots.map(\.task)).sorted().map { ($0, $0) }))</select></label> "
        out += "<label>subset <select id=\"f-subset\">\(options(subsets.map { ($0, $0) }))</select></label> "
        out += "<output id=\"f-count\"></output></form>\n"
        for slot in slots {
            let kept = browser.kept[slot]!
            let run = runIndex[slot.run].map { "r\($0)" } ?? ""
            out += "<h3 class=\"slot\">\(esc(slot.run.label)): \(esc(slot.task)) <small>(\(kept.count) of \(browser.seen[slot] ?? 0) records)</small></h3>\n"
            for s in kept { out += sample(s, run: run, task: slot.task) }
        }
        return out + "</section>\n"
    }

    private func sample(_ s: SampleBrowser.Sample, run: String, task: String) -> String {
        var out = "<article class=\"sample g-\(s.grade.rawValue)\" data-run=\"\(run)\" data-task=\"\(esc(task))\" data-subset=\"\(esc(s.subset ?? ""))\""
        out += " data-grade=\"\(s.grade.rawValue)\" data-status=\"\(esc(s.status))\"\(s.isError ? " data-error=\"1\"" : "")>\n"
        out += "<header><b>\(esc(s.id))</b>\(s.subset.map { " · " + esc($0) } ?? "") · <span class=\"st\">\(esc(s.status))</span> · \(s.grade.rawValue)"
        out += "\(s.score.map { " · score " + esc($0) } ?? "")\(s.draws > 1 ? " · draw 1 of \(s.draws)" : "")</header>\n<div class=\"cols\">"
        let prompt = s.messages.map { "<span class=\"role\">\(esc($0.role))</span>\n\(esc($0.content))" }.joined(separator: "\n\n")
        out += column("prompt", prompt, escaped: true)
        out += column("reasoning", s.reasoning)
        out += column("answer", s.answer ?? s.error.map { "(no response: \($0))" })
        out += column("extracted", s.extracted.isEmpty ? nil : s.extracted.joined(separator: "\n"))
        out += column("gold", s.gold)
        return out + "</div></article>\n"
    }

    private func column(_ name: String, _ text: String?, escaped: Bool = false) -> String {
        let body = text.map { escaped ? $0 : esc($0) } ?? "<i>–</i>"
        return "<div class=\"col c-\(name)\"><h4>\(name)</h4><pre>\(body)</pre></div>"
    }

    // MARK: text

    private static let css = """
    body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
    h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;margin-top:2em}h3{font-size:1.05em;margin:1.4em 0 .4em}
    table{border-collapse:collapse;margin:.4em 0}th,td{border:1px solid #ddd;padding:3px 8px;vertical-align:top}
    thead th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}td.none{color:#aaa;text-align:center}
    .scroll{overflow-x:auto}tr.sig td{font-weight:bold}.board small{color:#666}
    code.copy{user-select:all;-webkit-user-select:all;background:#f4f4f4;padding:2px 4px;word-break:break-all}
    svg.chart{display:block;max-width:100%;height:auto;font-size:12px}
    svg .label{text-anchor:end}svg .tick{text-anchor:middle;fill:#666}svg .grid{stroke:#eee}
    svg .bar rect{fill:#4a7fc1}svg .ci{stroke:#111;stroke-width:2}
    .st-ok{fill:#5aa05a}.st-no_answer_extracted{fill:#e0b040}.st-truncated_in_answer{fill:#f08c3c}
    .st-truncated_in_reasoning{fill:#d8602c}.st-api_error{fill:#c83232}.st-exec_error{fill:#8a4fc0}.st-judge_failed{fill:#d05a9a}
    rect[class^="st-unknown"]{fill:#999}
    .sample{border:1px solid #ccc;border-left:6px solid #999;margin:.6em 0;padding:.3em .6em}
    .g-right{border-left-color:#5aa05a}.g-wrong{border-left-color:#c83232}.g-partial{border-left-color:#e0b040}
    .cols{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:.5em}
    .col h4{margin:.3em 0;font-size:.85em;color:#555;text-transform:uppercase}
    .col pre{white-space:pre-wrap;word-break:break-word;max-height:24em;overflow:auto;background:#fafafa;margin:0;padding:.3em;font-size:12px}
    .role{font-weight:bold;color:#4a7fc1}
    #filters{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid #ddd}
    @media (max-width:900px){.cols{grid-template-columns:1fr}}
    """

    /// The sample filter. It reads the URL fragment (`#filter=wrong&task=…&subset=…&run=r0`), so a
    /// filtered view is a link; the form writes the fragment back.
    private static let script = """
    (function(){var form=document.getElementById('filters');if(!form)return;form.hidden=false;
    var keys=['filter','run','task','subset'];
    function params(){var p={};location.hash.slice(1).split('&').forEach(function(kv){var i=kv.indexOf('=');if(i>0)p[decodeURIComponent(kv.slice(0,i))]=decodeURIComponent(kv.slice(i+1));});return p;}
    function shows(s,p){var d=s.dataset,f=p.filter||'';
    if(f==='truncated'&&d.status.indexOf('truncated_')!==0)return false;if(f==='errors'&&!d.error)return false;
    if(f&&f!=='truncated'&&f!=='errors'&&d.grade!==f)return false;
    return(!p.run||d.run===p.run)&&(!p.task||d.task===p.task)&&(!p.subset||d.subset===p.subset);}
    function apply(){var p=params(),all=document.querySelectorAll('article.sample'),n=0;
    keys.forEach(function(k){document.getElementById('f-'+k).value=p[k]||'';});
    for(var i=0;i<all.length;i++){var ok=shows(all[i],p);all[i].hidden=!ok;if(ok)n++;}
    document.getElementById('f-count').textContent=n+' of '+all.length+' samples shown';document.body.setAttribute('data-filtered',String(n));}
    keys.forEach(function(k){document.getElementById('f-'+k).addEventListener('change',function(){
    location.hash=keys.map(function(k){var v=document.getElementById('f-'+k).value;return v?k+'='+encodeURIComponent(v):'';}).filter(String).join('&');});});
    window.addEventListener('hashchange',apply);apply();})();
    """

    /// The CSP source for the script: its SHA-256, base64.
    private static let scriptHash: String = {
        var h = SHA256()
        h.update(script)
        return "sha256-" + Data(h.finalize()).base64EncodedString()
    }()

}

private func f4(_ x: Double) -> String { String(format: "%.4f", x) }
private func pct(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }
private func trim(_ x: Double) -> String { String(format: "%.4g", x) }

/// Text and attribute values for HTML: `&`, `<`, `>`, `"` and `'` become references.
func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}
