// The kernels for one vector width: kernels.c includes this once per CPU level, with LANES and
// F(name) (the level's suffix) defined. Lane count changes no value: each lane does the scalar
// operations of its row, in order.

typedef float F(v) __attribute__((ext_vector_type(LANES)));
/// Half a vector: a row count that is a multiple of 8 but not of LANES (16 lanes) ends in one.
typedef float F(half) __attribute__((ext_vector_type(LANES / 2)));
typedef unsigned F(vu) __attribute__((ext_vector_type(LANES)));
typedef int F(vi) __attribute__((ext_vector_type(LANES)));
#define V F(v)
#define VU F(vu)
#define VI F(vi)

static inline V F(ld)(const float *p) { V v; memcpy(&v, p, sizeof v); return v; }
static inline void F(st)(float *p, V v) { memcpy(p, &v, sizeof v); }
static inline F(half) F(ldh)(const float *p) { F(half) v; memcpy(&v, p, sizeof v); return v; }
static inline void F(sth)(float *p, F(half) v) { memcpy(p, &v, sizeof v); }
/// Lanes of `a` where `m` is set, else of `b`.
static inline V F(pick)(VI m, V a, V b) { return (V)(((VU)m & (VU)a) | (~(VU)m & (VU)b)); }
/// x clamped to [lo, hi], NaN kept.
static inline V F(clamp)(V x, float lo, float hi) {
    x = F(pick)(x < lo, (V)lo, x);
    return F(pick)(x > hi, (V)hi, x);
}

/// e^x: x = n ln 2 + r, n = x log2(e) rounded to nearest (ln 2 in two parts, so r is exact), e^r
/// by Cephes' degree-6 polynomial, times 2^n built in the exponent bits; clamped to float's range.
static inline V F(exp)(V v) {
    V x = F(clamp)(v, -88.3762626647949f, 88.3762626647950f);
    // Adding 1.5 * 2^23 rounds to an integer, which then sits in the low mantissa bits.
    V shifted = x * 1.44269504088896341f + 12582912.0f, n = shifted - 12582912.0f;
    V r = x - n * 0.693359375f - n * -2.12194440e-4f;
    V p = (V)1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    V y = p * (r * r) + r + 1.0f;
    VU bits = ((VU)shifted - 0x4B400000u + 127u) << 23;
    return y * (V)bits;
}

static inline V F(sigmoid)(V x) { return 1.0f / (1.0f + F(exp)(-x)); }

/// tanh(x) as p(x)/q(x) on x clamped to +-7.905... (where it rounds to +-1), x itself below 4e-4.
static inline V F(tanh)(V v) {
    V x = F(clamp)(v, -7.90531110763549805f, 7.90531110763549805f), x2 = x * x;
    V p = (V)-2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * x;
    V q = (V)1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return F(pick)((v > -0.0004f) & (v < 0.0004f), v, p / q);
}

/// Eight vectors of rows at a time, so that eight independent sums keep the adders busy.
static inline void F(matvec)(float *y, const float *w, const float *v, long rows, long cols) {
    long r = 0;
    for (; r + 8 * LANES <= rows; r += 8 * LANES) {
        V s[8];
        for (int k = 0; k < 8; k++) s[k] = (V)0.0f;
        for (long j = 0; j < cols; j++) {
            const float *col = w + j * rows + r;
            V vj = (V)v[j];
            for (int k = 0; k < 8; k++) s[k] += F(ld)(col + LANES * k) * vj;
        }
        for (int k = 0; k < 8; k++) F(st)(y + r + LANES * k, s[k]);
    }
    for (; r + LANES <= rows; r += LANES) {
        V s = (V)0.0f;
        for (long j = 0; j < cols; j++) s += F(ld)(w + j * rows + r) * (V)v[j];
        F(st)(y + r, s);
    }
    if (r < rows) {
        F(half) s = (F(half))0.0f;
        for (long j = 0; j < cols; j++) s += F(ldh)(w + j * rows + r) * (F(half))v[j];
        F(sth)(y + r, s);
    }
}

static void F(nk_matvec)(float *y, const float *w, const float *v, long rows, long cols) {
    F(matvec)(y, w, v, rows, cols);
}

/// Four products at once (v holds four rows of `cols`): each output as F(nk_matvec) computes it,
/// the weights read once for the four.
static void F(nk_matvec4)(float *const *y, const float *w, const float *v, long rows, long cols) {
    const float *v0 = v, *v1 = v + cols, *v2 = v + 2 * cols, *v3 = v + 3 * cols;
    long r = 0;
    for (; r + 2 * LANES <= rows; r += 2 * LANES) {
        V a0 = (V)0.0f, a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        for (long j = 0; j < cols; j++) {
            V w0 = F(ld)(w + j * rows + r), w1 = F(ld)(w + j * rows + r + LANES);
            V p = (V)v0[j], q = (V)v1[j], s = (V)v2[j], t = (V)v3[j];
            a0 += w0 * p; a1 += w1 * p; b0 += w0 * q; b1 += w1 * q;
            c0 += w0 * s; c1 += w1 * s; d0 += w0 * t; d1 += w1 * t;
        }
        F(st)(y[0] + r, a0); F(st)(y[0] + r + LANES, a1); F(st)(y[1] + r, b0); F(st)(y[1] + r + LANES, b1);
        F(st)(y[2] + r, c0); F(st)(y[2] + r + LANES, c1); F(st)(y[3] + r, d0); F(st)(y[3] + r + LANES, d1);
    }
    for (; r + LANES <= rows; r += LANES) {
        V a = (V)0.0f, b = a, c = a, d = a;
        for (long j = 0; j < cols; j++) {
            V wj = F(ld)(w + j * rows + r);
            a += wj * (V)v0[j]; b += wj * (V)v1[j]; c += wj * (V)v2[j]; d += wj * (V)v3[j];
        }
        F(st)(y[0] + r, a); F(st)(y[1] + r, b); F(st)(y[2] + r, c); F(st)(y[3] + r, d);
    }
    if (r < rows) {
        F(half) a = (F(half))0.0f, b = a, c = a, d = a;
        for (long j = 0; j < cols; j++) {
            F(half) wj = F(ldh)(w + j * rows + r);
            a += wj * (F(half))v0[j]; b += wj * (F(half))v1[j]; c += wj * (F(half))v2[j]; d += wj * (F(half))v3[j];
        }
        F(sth)(y[0] + r, a); F(sth)(y[1] + r, b); F(sth)(y[2] + r, c); F(sth)(y[3] + r, d);
    }
}

static void F(nk_sum)(float *y, const float *base, const long *offsets, long count, long rows) {
    long r = 0;
    for (; r + LANES <= rows; r += LANES) {
        V s = F(ld)(base + offsets[0] + r);
        for (long b = 1; b < count; b++) s += F(ld)(base + offsets[b] + r);
        F(st)(y + r, s);
    }
    if (r < rows) {
        F(half) s = F(ldh)(base + offsets[0] + r);
        for (long b = 1; b < count; b++) s += F(ldh)(base + offsets[b] + r);
        F(sth)(y + r, s);
    }
}

/// a = x + b, each gate row.
static inline void F(gates)(const float *x, const float *b, long R, float *a) {
    long r = 0;
    for (; r + LANES <= R; r += LANES) F(st)(a + r, F(ld)(x + r) + F(ld)(b + r));
    if (r < R) F(sth)(a + r, F(ldh)(x + r) + F(ldh)(b + r));
}

/// a[d] += wh . h[d] (each gate row's sum over j in order) for the `count` (2 or 4) chains d of
/// one or two texts, both directions (d even forward, odd backward): every weight vector is read
/// once for all of them, and their independent sums keep the adders busy. Blocks of `block`
/// vectors of rows, then single vectors, then a half. (Inlined with constant `count` and `block`,
/// so the loops over them unroll and the sums stay in registers.)
static inline __attribute__((always_inline)) void F(recurrent)(float *const *a, const float *wF, const float *wB, const float *const *h,
                                                               const int count, const int block, long R, long H) {
    const float *w[2] = { wF, wB };
    long r = 0;
    for (; r + block * LANES <= R; r += block * LANES) {
        V s[4][BLOCK2];
        for (int d = 0; d < count; d++) for (int k = 0; k < block; k++) s[d][k] = F(ld)(a[d] + r + LANES * k);
        for (long j = 0; j < H; j++) {
            for (int k = 0; k < block; k++) {
                V col[2] = { F(ld)(wF + j * R + r + LANES * k), F(ld)(wB + j * R + r + LANES * k) };
                for (int d = 0; d < count; d++) s[d][k] += col[d & 1] * (V)h[d][j];
            }
        }
        for (int d = 0; d < count; d++) for (int k = 0; k < block; k++) F(st)(a[d] + r + LANES * k, s[d][k]);
    }
    for (; r + LANES <= R; r += LANES) {
        V s[4];
        for (int d = 0; d < count; d++) s[d] = F(ld)(a[d] + r);
        for (long j = 0; j < H; j++) for (int d = 0; d < count; d++) s[d] += F(ld)(w[d & 1] + j * R + r) * (V)h[d][j];
        for (int d = 0; d < count; d++) F(st)(a[d] + r, s[d]);
    }
    if (r < R) {
        F(half) s[4];
        for (int d = 0; d < count; d++) s[d] = F(ldh)(a[d] + r);
        for (long j = 0; j < H; j++) for (int d = 0; d < count; d++) s[d] += F(ldh)(w[d & 1] + j * R + r) * (F(half))h[d][j];
        for (int d = 0; d < count; d++) F(sth)(a[d] + r, s[d]);
    }
}

/// Gates i, f (forget bias 1), o, g; c = f c + i g; h = o tanh(c).
static inline void F(cell)(const float *a, long H, float *c, float *h) {
    for (long j = 0; j < H; j += LANES) {
        V ig = F(sigmoid)(F(ld)(a + j)), fg = F(sigmoid)(F(ld)(a + H + j) + 1.0f);
        V og = F(sigmoid)(F(ld)(a + 2 * H + j)), g = F(tanh)(F(ld)(a + 3 * H + j));
        V cj = fg * F(ld)(c + j) + ig * g;
        F(st)(c + j, cj);
        F(st)(h + j, og * F(tanh)(cj));
    }
}

static void F(nk_bilstm)(long texts, const float *const *x, long xStride, const float *whF, const float *bF, const float *whB,
                         const float *bB, long hidden, const long *n, float *const *ht, const long *htStride, float *state) {
    const long H = hidden, R = 4 * hidden, size = R + 2 * H + 3 * NK_PAD;
    // Per chain (text t's forward 2t, backward 2t + 1) a (gate rows), c and h, each padded: the
    // activations run a vector of units at a time, and the last vector's lanes past H land in the padding.
    memset(state, 0, sizeof(float) * 2 * texts * size);
    float *a[4], *c[4], *h[4];
    for (int d = 0; d < 2 * texts; d++) { a[d] = state + d * size; c[d] = a[d] + R + NK_PAD; h[d] = c[d] + H + NK_PAD; }
    const long steps = texts == 2 && n[1] > n[0] ? n[1] : n[0];
    for (long step = 0; step < steps; step++) {
        // The texts still running (the shorter one stops first); their chains step together.
        float *as[4], *hs[4];
        int count = 0;
        for (int t = 0; t < texts; t++) if (step < n[t]) {
            F(gates)(x[t] + step * xStride, bF, R, a[2 * t]);
            F(gates)(x[t] + (n[t] - 1 - step) * xStride + R, bB, R, a[2 * t + 1]);
            as[count] = a[2 * t]; hs[count++] = h[2 * t];
            as[count] = a[2 * t + 1]; hs[count++] = h[2 * t + 1];
        }
        // Each gate row: x + b, then + wh[r][j] h[j] for j in order (h of the step before).
        if (step > 0) {
            if (count == 4) F(recurrent)(as, whF, whB, (const float *const *)hs, 4, BLOCK4, R, H);
            else F(recurrent)(as, whF, whB, (const float *const *)hs, 2, BLOCK2, R, H);
        }
        for (int t = 0; t < texts; t++) if (step < n[t]) {
            F(cell)(a[2 * t], H, c[2 * t], h[2 * t]);
            F(cell)(a[2 * t + 1], H, c[2 * t + 1], h[2 * t + 1]);
            const long i = step, k = n[t] - 1 - step;
            for (long j = 0; j < H; j++) { ht[t][j * htStride[t] + i] = h[2 * t][j]; ht[t][(H + j) * htStride[t] + k] = h[2 * t + 1][j]; }
        }
    }
}

#undef V
#undef VU
#undef VI
