// Reference SGEMM: the triple loop with double accumulation, the oracle for every GEMM path.
#include "selfsup/kernels.h"

extern "C" ss_status ss_ref_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha,
                                  const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                                  int64_t ldc) {
  if (M < 0 || N < 0 || K < 0) return SS_ERR_ARG;
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) {
      double s = 0;
      for (int64_t k = 0; k < K; k++) {
        float a = transA ? A[k * lda + i] : A[i * lda + k];
        float b = transB ? B[j * ldb + k] : B[k * ldb + j];
        s += (double)a * b;
      }
      float& c = C[i * ldc + j];
      c = (float)(alpha * s + (beta == 0.f ? 0.0 : (double)beta * c));
    }
  return SS_OK;
}
