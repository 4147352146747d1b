/// The LSTM's activations eight lanes at a time, in float32 as DyNet computes them: its logistic is
/// `1 / (1 + exp(-x))` with Eigen's vectorised exp (Cephes' range reduction and polynomial), its
/// tanh Eigen's 13/6-degree rational approximation. Within a few ulp of the exact functions; no
/// fused multiply-add, so the values do not depend on the vector width the compiler picks.
extension SIMD8 where Scalar == Float {
    /// e^x: x = n·ln 2 + r with n = x·log₂e rounded to nearest (ln 2 split in two for an exact r),
    /// e^r by Cephes' degree-6 polynomial, times 2ⁿ built in the exponent bits. Clamped to float's
    /// finite range.
    @inline(__always) static func exp(_ v: Self) -> Self {
        let x = v.clamp(-88.3762626647949, 88.3762626647950)
        // Adding 1.5·2²³ rounds to an integer, which then sits in the low mantissa bits.
        let shifted = x * 1.44269504088896341 + 12582912, n = shifted - 12582912
        let r = x - n * 0.693359375 - n * -2.12194440e-4
        var p = Self(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * (r * r) + r + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(bits, to: Self.self)
    }

    @inline(__always) static func sigmoid(_ x: Self) -> Self { 1 / (1 + exp(-x)) }

    /// tanh(x) as p(x)/q(x) on x clamped to ±7.905… (where it rounds to ±1), x itself below 4e-4.
    @inline(__always) static func tanh(_ v: Self) -> Self {
        let x = v.clamp(-7.90531110763549805, 7.90531110763549805)
        let x2 = x * x
        var p = Self(repeating: -2.76076847742355e-16)
        p = p * x2 + 2.00018790482477e-13
        p = p * x2 + -8.60467152213735e-11
        p = p * x2 + 5.12229709037114e-08
        p = p * x2 + 1.48572235717979e-05
        p = p * x2 + 6.37261928875436e-04
        p = p * x2 + 4.89352455891786e-03
        p = p * x
        var q = Self(repeating: 1.19825839466702e-06)
        q = q * x2 + 1.18534705686654e-04
        q = q * x2 + 2.26843463243900e-03
        q = q * x2 + 4.89352518554385e-03
        let t = p / q
        return t.replacing(with: v, where: v .> -0.0004 .& v .< 0.0004)
    }

    @inline(__always) private func clamp(_ lo: Float, _ hi: Float) -> Self {
        replacing(with: lo, where: self .< lo).replacing(with: hi, where: self .> hi)
    }
}
