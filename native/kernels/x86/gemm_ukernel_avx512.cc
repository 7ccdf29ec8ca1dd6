// AVX-512F GEMM micro-kernel, 8x32: 16 zmm accumulators fed by two B vectors and one A broadcast
// per row and k, enough independent FMAs to cover two FMA ports' latency. Edge columns use masked
// loads/stores so partial tiles need no scratch. Compiled with -mavx512f (and friends) only.
// Checked against ss_ref_sgemm by test/native/gemm.test.ts under SELFSUP_ISA=avx512.
#include <immintrin.h>

#include "../../core/dispatch.h"

namespace selfsup {
namespace {
constexpr int MR = 8, NR = 32;

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
  __mmask16 m0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);
  __mmask16 m1 = nr >= 32 ? (__mmask16)0xFFFF : nr <= 16 ? (__mmask16)0 : (__mmask16)((1u << (nr - 16)) - 1);
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
}  // namespace

GemmKernelInfo gemmKernelAvx512() { return {kernel, MR, NR}; }
}  // namespace selfsup
