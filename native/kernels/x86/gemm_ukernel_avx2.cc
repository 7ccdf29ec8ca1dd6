// AVX2+FMA GEMM micro-kernel, 6x16: 12 ymm accumulators, two B vectors and one A broadcast per k
// (the classic Haswell BLIS shape). Compiled with -mavx2 -mfma only; called when CPUID+XGETBV allow.
// Checked against ss_ref_sgemm by test/native/gemm.test.ts under SELFSUP_ISA=avx2.
#include <immintrin.h>

#include "../../core/dispatch.h"

namespace selfsup {
namespace {
constexpr int MR = 6, NR = 16;

void kernel(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc, int mr, int nr, int accumulate) {
  __m256 c[MR][2];
  for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; k++) {
    __m256 b0 = _mm256_loadu_ps(Bp + k * NR), b1 = _mm256_loadu_ps(Bp + k * NR + 8);
    const float* a = Ap + k * MR;
    for (int i = 0; i < MR; i++) {
      __m256 av = _mm256_broadcast_ss(a + i);
      c[i][0] = _mm256_fmadd_ps(av, b0, c[i][0]);
      c[i][1] = _mm256_fmadd_ps(av, b1, c[i][1]);
    }
  }
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; i++) {
      float* ci = C + i * ldc;
      if (accumulate) {
        c[i][0] = _mm256_add_ps(c[i][0], _mm256_loadu_ps(ci));
        c[i][1] = _mm256_add_ps(c[i][1], _mm256_loadu_ps(ci + 8));
      }
      _mm256_storeu_ps(ci, c[i][0]);
      _mm256_storeu_ps(ci + 8, c[i][1]);
    }
    return;
  }
  alignas(32) float tile[MR][NR];
  for (int i = 0; i < MR; i++) {
    _mm256_store_ps(tile[i], c[i][0]);
    _mm256_store_ps(tile[i] + 8, c[i][1]);
  }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) C[i * ldc + j] = accumulate ? C[i * ldc + j] + tile[i][j] : tile[i][j];
}
}  // namespace

GemmKernelInfo gemmKernelAvx2() { return {kernel, MR, NR}; }
}  // namespace selfsup
