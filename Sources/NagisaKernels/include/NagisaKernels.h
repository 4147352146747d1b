#ifndef NAGISA_KERNELS_H
#define NAGISA_KERNELS_H
// nagisa's float32 inner loops (Sources/NagisaKernels/kernels.c): each is compiled for any x86-64,
// for AVX2 and for AVX-512, and each call takes the best the CPU runs, so one portable binary uses
// the widest vectors there are. Every value is the same on every level (the same operations in the
// same order, no fused multiply-add).

/// The floats past the end of each of nk_bilstm's working vectors (the widest vector's lanes).
#define NK_PAD 16

/// y[r] = sum_j w[j * rows + r] * v[j], j in order from 0, for r < rows (a multiple of 8).
void nk_matvec(float *y, const float *w, const float *v, long rows, long cols);

/// nk_matvec of four vectors (v: four rows of `cols` floats) into y[0..<4], not adding: the same
/// values, the weights read once.
void nk_matvec4(float *const *y, const float *w, const float *v, long rows, long cols);

/// y[r] = ((base[offsets[0] + r] + base[offsets[1] + r]) + ...) for r < rows (a multiple of 8), count >= 1.
void nk_sum(float *y, const float *base, const long *offsets, long count, long rows);

/// Asks for the cache lines of nk_sum's operands (64-byte lines), to be read soon.
void nk_prefetch(const float *base, const long *offsets, long count, long rows);

/// Asks for the cache line at p.
void nk_prefetch_line(const void *p);

/// DyNet's bidirectional VanillaLSTM (one layer each way) over `texts` (1 or 2) texts of n[t]
/// characters, the two in step (the same values as one at a time, each weight read once for both):
/// at character i, a direction's gate rows are its part of x[t][i * xStride ...] (forward 0..<4H,
/// backward 4H..<8H) + b + wh . h (wh column-major, 4H x H; gates i, f, o, g; forget bias 1),
/// with h of the character before (forward) or after (backward); c = f c + i g, h = o tanh(c).
/// Unit j's h at character i goes to ht[t][j * htStride[t] + i] (forward) and
/// ht[t][(H + j) * htStride[t] + i] (backward). `state` holds 2 texts (6H + 3 NK_PAD) floats of
/// working memory.
void nk_bilstm(long texts, const float *const *x, long xStride, const float *whF, const float *bF, const float *whB,
               const float *bB, long hidden, const long *n, float *const *ht, const long *htStride, float *state);

#endif
