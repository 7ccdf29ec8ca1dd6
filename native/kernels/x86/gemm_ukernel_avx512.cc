// AVX-512F GEMM micro-kernel, 8x32: 16 zmm accumulators fed by two B vectors and one A broadcast
// per row and k, enough independent FMAs to cover two FMA ports' latency. Edge columns use masked
// loads/stores so partial tiles need no scratch. Compiled with -mavx512f (and friends) only.
// Checked against ss_ref_sgemm by test/native/gemm.test.ts under SELFSUP_ISA=avx512.
#include <immintrin.h>

#include "../../core/dispatch.h"

namespace selfsup {
namespace {
constexpr int MR = 8, NR = 32;

// Lane masks of the two 16-float halves of an nr-column (nr <= 32) panel row.
inline __mmask16 lowHalfMask(int nr) { return nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1); }
inline __mmask16 highHalfMask(int nr) { return nr >= 32 ? (__mmask16)0xFFFF : nr <= 16 ? (__mmask16)0 : (__mmask16)((1u << (nr - 16)) - 1); }

void kernel(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc, int mr, int nr, int accumulate) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00,
         c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
  const float* a = Ap;
  const float* b = Bp;
  for (int64_t k = 0; k < kc; k++, a += MR, b += NR) {
    __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    __m512 av;
#define SS_ROW(r)                                 \
  av = _mm512_set1_ps(a[r]);                      \
  c##r##0 = _mm512_fmadd_ps(av, b0, c##r##0);     \
  c##r##1 = _mm512_fmadd_ps(av, b1, c##r##1);
    SS_ROW(0) SS_ROW(1) SS_ROW(2) SS_ROW(3) SS_ROW(4) SS_ROW(5) SS_ROW(6) SS_ROW(7)
#undef SS_ROW
  }
  __m512 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31},
                       {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
  const __mmask16 m0 = lowHalfMask(nr), m1 = highHalfMask(nr);
  for (int i = 0; i < mr; i++) {
    float* ci = C + i * ldc;
    __m512 v0 = acc[i][0], v1 = acc[i][1];
    if (accumulate) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, ci));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, ci + 16));
    }
    _mm512_mask_storeu_ps(ci, m0, v0);
    _mm512_mask_storeu_ps(ci + 16, m1, v1);
  }
}
// Transposes an 8x8 block: d[c * ds + r] = s[r * ss + c] (the classic unpack/shuffle/permute net).
inline void transpose8x8(const float* s, int64_t ss, float* d, int64_t ds) {
  __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ss), r2 = _mm256_loadu_ps(s + 2 * ss),
         r3 = _mm256_loadu_ps(s + 3 * ss), r4 = _mm256_loadu_ps(s + 4 * ss), r5 = _mm256_loadu_ps(s + 5 * ss),
         r6 = _mm256_loadu_ps(s + 6 * ss), r7 = _mm256_loadu_ps(s + 7 * ss);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
         t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
         t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
         u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
         u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
         u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(d + ds, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(d + 2 * ds, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(d + 3 * ds, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(d + 4 * ds, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(d + 5 * ds, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(d + 6 * ds, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(d + 7 * ds, _mm256_permute2f128_ps(u3, u7, 0x31));
}

// MR = 8 rows of A become one k-major panel: 8x8 transposes, scalar tails, zero-padded rows.
void packANoTrans(float* Ap, const float* A, int64_t lda, int64_t mc, int64_t kc, float alpha) {
  for (int64_t ir = 0; ir < mc; ir += MR) {
    const int mr = (int)(mc - ir < MR ? mc - ir : MR);
    float* dst = Ap + ir * kc;
    const float* src = A + ir * lda;
    int64_t k = 0;
    if (mr == MR)
      for (; k + 8 <= kc; k += 8) transpose8x8(src + k, lda, dst + k * MR, MR);
    for (; k < kc; k++)
      for (int i = 0; i < MR; i++) dst[k * MR + i] = i < mr ? src[i * lda + k] : 0.f;
    if (alpha != 1.f) {
      const __m512 a = _mm512_set1_ps(alpha);
      int64_t n = kc * MR, j = 0;
      for (; j + 16 <= n; j += 16) _mm512_storeu_ps(dst + j, _mm512_mul_ps(a, _mm512_loadu_ps(dst + j)));
      for (; j < n; j++) dst[j] *= alpha;
    }
  }
}

// NR = 32 rows of Bᵀ (columns of op(B)) become one k-major panel of 32 columns.
void packBTrans(float* Bp, const float* B, int64_t ldb, int64_t nc, int64_t kc) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int nr = (int)(nc - jr < NR ? nc - jr : NR);
    float* dst = Bp + jr * kc;
    const float* src = B + jr * ldb;
    int64_t k = 0;
    if (nr == NR)
      for (; k + 8 <= kc; k += 8)
        for (int jj = 0; jj < NR; jj += 8) transpose8x8(src + jj * ldb + k, ldb, dst + k * NR + jj, NR);
    for (; k < kc; k++)
      for (int j = 0; j < NR; j++) dst[k * NR + j] = j < nr ? src[j * ldb + k] : 0.f;
  }
}
// NR = 32 columns of a row-major op(B) = B become one k-major panel: two (masked) vector copies
// per k instead of a 128-byte memcpy call (conv's im2col columns take this path every batch).
void packBNoTrans(float* Bp, const float* B, int64_t ldb, int64_t nc, int64_t kc) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int nr = (int)(nc - jr < NR ? nc - jr : NR);
    const __mmask16 m0 = lowHalfMask(nr), m1 = highHalfMask(nr);
    float* dst = Bp + jr * kc;
    const float* src = B + jr;
    for (int64_t k = 0; k < kc; k++, dst += NR, src += ldb) {
      _mm512_storeu_ps(dst, _mm512_maskz_loadu_ps(m0, src));
      _mm512_storeu_ps(dst + 16, _mm512_maskz_loadu_ps(m1, src + 16));
    }
  }
}

// Rows of A in blocks of up to 8 against one row of B at a time: 8 zmm accumulators over K in
// steps of 16 (masked tail), then a horizontal sum per output. Used where M is a handful of rows
// (conv weight gradients with Cin*k*k <= 32), where packing would cost more than the FMAs.
void skinnyNT(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb, float* C,
              int64_t ldc, int accumulate) {
  for (int64_t m0 = 0; m0 < M; m0 += 8) {
    const int mb = (int)(M - m0 < 8 ? M - m0 : 8);
    const float* a = A + m0 * lda;
    for (int64_t n = 0; n < N; n++) {
      const float* b = B + n * ldb;
      __m512 acc[8];
      for (int i = 0; i < 8; i++) acc[i] = _mm512_setzero_ps();
      int64_t k = 0;
      for (; k + 16 <= K; k += 16) {
        const __m512 bv = _mm512_loadu_ps(b + k);
        for (int i = 0; i < mb; i++) acc[i] = _mm512_fmadd_ps(_mm512_loadu_ps(a + i * lda + k), bv, acc[i]);
      }
      if (k < K) {
        const __mmask16 mk = (__mmask16)((1u << (K - k)) - 1);
        const __m512 bv = _mm512_maskz_loadu_ps(mk, b + k);
        for (int i = 0; i < mb; i++) acc[i] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, a + i * lda + k), bv, acc[i]);
      }
      for (int i = 0; i < mb; i++) {
        float v = _mm512_reduce_add_ps(acc[i]);
        float& c = C[(m0 + i) * ldc + n];
        c = accumulate ? c + v : v;
      }
    }
  }
}
}  // namespace

GemmKernelInfo gemmKernelAvx512() { return {kernel, MR, NR, packANoTrans, packBTrans, skinnyNT, packBNoTrans}; }
}  // namespace selfsup
