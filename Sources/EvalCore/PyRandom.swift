import Foundation

/// CPython's `random.Random` (MT19937 seeded by `init_by_array`), bit for bit: seeded draws here
/// are the draws the reference makes with `random.seed(s)`, so its choice positions and
/// langdetect's random walk (`random.Random` seeded with 0) can be replayed.
public struct PyRandom: Sendable {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 624
    /// `gauss` makes two normal deviates at a time and keeps the second for the next call.
    private var gaussNext: Double?

    /// `random.seed(seed)` for an int: the absolute value, split into 32-bit words, little end first.
    public init(seed: Int) {
        var key: [UInt32] = []
        var v = seed.magnitude
        repeat { key.append(UInt32(truncatingIfNeeded: v)); v >>= 32 } while v > 0
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
        }
        mt[0] = 0x8000_0000
    }

    private mutating func initGenrand(_ s: UInt32) {
        mt[0] = s
        for i in 1..<624 { mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i) }
        index = 624
    }

    public mutating func next32() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % 624] & 0x7fff_ffff)
                mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_b0df)
            }
            index = 0
        }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// `random()`: 53 random bits as a double in [0, 1).
    public mutating func random() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `gauss(mu, sigma)`: CPython's Box–Muller pair, the second value cached for the next call
    /// (seeding clears it), with the C library's cos, sin, log and sqrt as CPython calls them.
    public mutating func gauss(_ mu: Double, _ sigma: Double) -> Double {
        let z: Double
        if let cached = gaussNext { z = cached; gaussNext = nil } else {
            let x2pi = random() * (2.0 * Double.pi)
            let g2rad = (-2.0 * log(1.0 - random())).squareRoot()
            z = cos(x2pi) * g2rad
            gaussNext = sin(x2pi) * g2rad
        }
        return mu + z * sigma
    }

    /// `getrandbits(k)` for 1 ≤ k ≤ 32.
    public mutating func getrandbits(_ k: Int) -> UInt32 { next32() >> (32 - UInt32(k)) }

    /// `_randbelow(n)`: rejection sampling on `n.bit_length()` bits.
    public mutating func randbelow(_ n: Int) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max))
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = Int(getrandbits(k))
        while r >= n { r = Int(getrandbits(k)) }
        return r
    }

    /// `randint(a, b)`, both ends included.
    public mutating func randint(_ a: Int, _ b: Int) -> Int { a + randbelow(b - a + 1) }

    /// `shuffle(x)`: Fisher–Yates from the end, as CPython does.
    public mutating func shuffle<T>(_ x: inout [T]) {
        guard x.count > 1 else { return }
        for i in stride(from: x.count - 1, to: 0, by: -1) { x.swapAt(i, randbelow(i + 1)) }
    }
}
