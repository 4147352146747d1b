/// The unbiased pass@k estimator of Chen et al. (2021), computed as the reference computes it with
/// numpy: `1 - prod(1 - k / arange(n - c + 1, n + 1))`, the product taken left to right in
/// doubles, so values such as 0.5999999999999999 come out bit for bit.
public enum PassAtK {
    /// nil when there are fewer than `k` draws (the reference raises ValueError there).
    public static func estimate(n: Int, correct c: Int, k: Int) -> Double? {
        guard n >= k, c >= 0, c <= n else { return nil }
        if n - c < k { return 1.0 }
        var product = 1.0
        for i in stride(from: n - c + 1, through: n, by: 1) { product *= 1.0 - Double(k) / Double(i) }
        return 1.0 - product
    }
}
