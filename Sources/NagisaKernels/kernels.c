// nagisa's network in float32, as DyNet computes it: its logistic is 1 / (1 + exp(-x)) with Eigen's
// vectorised exp (Cephes' range reduction and polynomial), its tanh Eigen's 13/6-degree rational
// approximation. The kernels (kernel_body.h) are built three times on x86-64, four lanes for any
// CPU, eight with AVX2 and sixteen with AVX-512, and each call takes the widest the CPU runs.
#include "NagisaKernels.h"
#include <string.h>

#pragma clang fp contract(off)

// BLOCK2, BLOCK4: vectors of rows per block of the recurrent sums of one text (two chains) and of
// two (four chains), as many as the level's registers hold.
#define LANES 4
#define BLOCK2 4
#define BLOCK4 2
#define F(name) name##_base
#include "kernel_body.h"
#undef LANES
#undef F

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define LANES 8
#define F(name) name##_avx2
#include "kernel_body.h"
#undef LANES
#undef F
#pragma clang attribute pop
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#undef BLOCK4
#define BLOCK4 3
#define LANES 16
#define F(name) name##_avx512
#include "kernel_body.h"
#undef LANES
#undef F
#pragma clang attribute pop
#define PICK(name, args) (__builtin_cpu_supports("avx512f") ? name##_avx512 args : \
                          __builtin_cpu_supports("avx2") ? name##_avx2 args : name##_base args)
#else
#define PICK(name, args) name##_base args
#endif

void nk_matvec(float *y, const float *w, const float *v, long rows, long cols) {
    PICK(nk_matvec, (y, w, v, rows, cols));
}

void nk_matvec4(float *const *y, const float *w, const float *v, long rows, long cols) {
    PICK(nk_matvec4, (y, w, v, rows, cols));
}

void nk_sum(float *y, const float *base, const long *offsets, long count, long rows) {
    PICK(nk_sum, (y, base, offsets, count, rows));
}

void nk_bilstm(long texts, const float *const *x, long xStride, const float *whF, const float *bF, const float *whB,
               const float *bB, long hidden, const long *n, float *const *ht, const long *htStride, float *state) {
    PICK(nk_bilstm, (texts, x, xStride, whF, bF, whB, bB, hidden, n, ht, htStride, state));
}

void nk_prefetch(const float *base, const long *offsets, long count, long rows) {
    for (long b = 0; b < count; b++)
        for (long r = 0; r < rows; r += 16) __builtin_prefetch(base + offsets[b] + r);
}

void nk_prefetch_line(const void *p) { __builtin_prefetch(p); }
