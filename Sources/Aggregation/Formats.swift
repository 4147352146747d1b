import EvalCore
import Foundation

/// The output formats of `aggregate`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case json, markdown, csv, swallow

    /// `catalog` holds the task files; only `swallow` reads them (its keys are declared there).
    /// A value JSON cannot hold (a mean that overflowed to inf) is an error naming the task and
    /// metric, never an empty document.
    public func render(_ report: Report, catalog: TaskCatalog = TaskCatalog()) throws -> String {
        try report.checkFinite()
        switch self {
        case .json:
            let e = JSON.encoder()
            e.outputFormatting.insert(.prettyPrinted)
            return String(decoding: try e.encode(report), as: UTF8.self) + "\n"
        case .markdown: return markdown(report)
        case .csv: return csv(report)
        case .swallow: return SwallowFormat(catalog: catalog).render(report)
        }
    }

    /// One row per model and task: the headline with its standard error and coverage, then the
    /// statuses that were not ok, so a low score from failures is visible at a glance.
    private func markdown(_ report: Report) -> String {
        var out = "| model | task | headline | value | ± stderr | n | coverage | not ok |\n"
        out += "|---|---|---|---:|---:|---:|---:|---|\n"
        for r in report.results {
            let metric = r.headline?.metric ?? r.metrics.keys.sorted().first
            let m = metric.flatMap { r.metrics[$0] }
            let notOK = r.status.filter { $0.key != "ok" }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            out += "| \(r.model) | \(r.task) | \(r.headline?.name ?? metric ?? "-") | \(m.map { fmt($0.mean) } ?? "-") | "
            out += "\(m?.stderr.map(fmt) ?? "-") | \(r.scored)/\(r.records) | \(String(format: "%.1f%%", 100 * r.coverage)) | "
            out += (notOK.isEmpty ? "-" : notOK.joined(separator: ", ")) + " |\n"
        }
        return out
    }

    private func csv(_ report: Report) -> String {
        var out = "model,task,subset,metric,mean,stderr,n\n"
        func line(_ model: String, _ task: String, _ subset: String, _ metrics: [String: MetricSummary]) {
            for (k, m) in metrics.sorted(by: { $0.key < $1.key }) {
                out += [model, task, subset, k, String(m.mean), m.stderr.map { String($0) } ?? "", String(m.n)]
                    .map(csvField).joined(separator: ",") + "\n"
            }
        }
        for r in report.results {
            line(r.model, r.task, "", r.metrics)
            for (s, sub) in (r.subsets ?? [:]).sorted(by: { $0.key < $1.key }) { line(r.model, r.task, s, sub.metrics) }
        }
        return out
    }

    private func fmt(_ x: Double) -> String { String(format: "%.4f", x) }

    private func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
