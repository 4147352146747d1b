import EvalCore
import Foundation

/// A wall time in whole seconds, written `[[H:]MM:]SS` as every scheduler here reads it.
public struct Walltime: Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int
    public init(seconds: Int) { self.seconds = seconds }

    /// `1:30:00`, `90:00`, `5400`; each part after the first below 60.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 }),
              parts.dropFirst().allSatisfy({ $0! < 60 }) else { return nil }
        seconds = parts.reduce(0) { $0 * 60 + $1! }
    }

    /// `H:MM:SS`.
    public var description: String {
        String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    public static func < (a: Walltime, b: Walltime) -> Bool { a.seconds < b.seconds }

    /// The walltime to request for tasks on a node: the sum of their estimates × the service's
    /// margin, rounded up to a minute, between the service's minimum and maximum.
    public static func request(tasks: [TaskSpec], node: ServiceConfig.Node, service: ServiceConfig) throws -> Walltime {
        var total = 0
        for t in tasks {
            let text = t.runtime?[node.estimate] ?? node.runtime
            guard let w = Walltime(text) else {
                throw t.runtime?[node.estimate] != nil
                    ? EvalError("'\(text)' is not H:MM:SS", file: t.path, field: "runtime.\(node.estimate)")
                    : EvalError("'\(text)' is not H:MM:SS", file: service.path, field: "nodes.*.runtime")
            }
            total += w.seconds
        }
        let min = try parse(service.minWalltime, service, "min_walltime")
        var w = Walltime(seconds: Swift.max(min.seconds, (Int((Double(total) * service.margin).rounded(.up)) + 59) / 60 * 60))
        if let maxText = service.maxWalltime {
            w = Swift.min(w, try parse(maxText, service, "max_walltime"))
        }
        return w
    }

    private static func parse(_ text: String, _ s: ServiceConfig, _ field: String) throws -> Walltime {
        guard let w = Walltime(text) else { throw EvalError("'\(text)' is not H:MM:SS", file: s.path, field: field) }
        return w
    }
}
