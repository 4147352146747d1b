import Foundation

/// The number a leaderboard shows for this task.
public struct HeadlineSpec: Decodable, Sendable {
    /// The leaderboard key (`gpqa_diamond`).
    public var name: String
    public var metric: String
    /// The keys this task feeds in the reference's `aggregated_results.json` (`aggregate --format swallow`).
    public var swallow: [SwallowKey]?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, metric, swallow }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        metric = try c.decode(String.self, forKey: .metric)
        swallow = try c.decodeIfPresent([SwallowKey].self, forKey: .swallow)
        if let keys = swallow, let dup = Dictionary(grouping: keys, by: \.position).first(where: { $0.value.count > 1 }) {
            throw EvalError("position \(dup.key) given twice", field: "headline.swallow")
        }
    }
}

/// One entry of the reference's `AGGREGATE_CONF` (scripts/aggregate_results.py): the value is the
/// task's mean of `metric` (default: the headline's), sample-weighted over the subsets of
/// `category` or, without one, over every subset the records carry.
public struct SwallowKey: Decodable, Sendable {
    /// The display name (`mmlu_english_stem`).
    public var key: String
    /// 0-based index in `AGGREGATE_CONF`: the order of `results`, `overall` and `tasks`.
    public var position: Int
    public var metric: String?
    /// A name in the task's `categories`.
    public var category: String?
    /// The reference's `average_in_one_task`: the plain mean of these metrics of the task
    /// (M-IFEval-Ja's average of its four accuracies); −1 when any is missing.
    public var average: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable { case key, position, metric, category, average }

    public init(from d: Decoder) throws {
        let c = try d.strictContainer(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        position = try c.decode(Int.self, forKey: .position)
        metric = try c.decodeIfPresent(String.self, forKey: .metric)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        average = try c.decodeIfPresent([String].self, forKey: .average)
        if average != nil && (metric != nil || category != nil) {
            throw EvalError("average takes neither metric nor category", field: "headline.swallow.\(key).average")
        }
    }
}
