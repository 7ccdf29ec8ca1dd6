// Scalar GEMM micro-kernel (MR=4, NR=8): the fallback path and the twin the SIMD kernels are
// compared against in the ISA tests. Plain C++; the compiler may use baseline SSE2 for it.
#include "../../core/dispatch.h"

namespace selfsup {
namespace {
constexpr int MR = 4, NR = 8;

void kernel(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc, int mr, int nr, int accumulate) {
  float acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; k++) {
    const float* a = Ap + k * MR;
    const float* b = Bp + k * NR;
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++) acc[i][j] += a[i] * b[j];
  }
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) C[i * ldc + j] = accumulate ? C[i * ldc + j] + acc[i][j] : acc[i][j];
}
}  // namespace

GemmKernelInfo gemmKernelScalar() { return {kernel, MR, NR}; }
}  // namespace selfsup
