// C = alpha * op(A) * op(B) + beta * C on the GPU, row-major (the CUDA twin of ss_sgemm; used
// where cuBLAS is absent, which is the default build). Classic shared-memory tiling: a 64x64 tile
// of C per block of 256 threads, each thread computing a 4x4 sub-tile, K in steps of 16; op()
// handled while loading the tiles, so all four transposition cases share one kernel. Checked
// against the CPU ss_sgemm on odd and aligned shapes by native/cuda-check.
#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

constexpr int kTile = 64, kDepth = 16, kSub = 4;

__device__ __forceinline__ float loadA(const float* A, int64_t lda, int transA, int64_t i, int64_t k, int64_t M, int64_t K) {
  if (i >= M || k >= K) return 0.f;
  return transA ? A[k * lda + i] : A[i * lda + k];
}
__device__ __forceinline__ float loadB(const float* B, int64_t ldb, int transB, int64_t k, int64_t j, int64_t K, int64_t N) {
  if (k >= K || j >= N) return 0.f;
  return transB ? B[j * ldb + k] : B[k * ldb + j];
}

__global__ void __launch_bounds__(256) sgemmKernel(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha,
                                                   const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                                                   float* C, int64_t ldc) {
  __shared__ float As[kDepth][kTile + 1];  // As[k][i]; +1 against bank conflicts on transposed loads
  __shared__ float Bs[kDepth][kTile + 1];  // Bs[k][j]
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int64_t row0 = (int64_t)blockIdx.y * kTile, col0 = (int64_t)blockIdx.x * kTile;
  float acc[kSub][kSub] = {};
  for (int64_t k0 = 0; k0 < K; k0 += kDepth) {
    // 64x16 elements per operand, 4 per thread.
    for (int e = threadIdx.x; e < kTile * kDepth; e += 256) {
      const int i = e % kTile, k = e / kTile;
      As[k][i] = loadA(A, lda, transA, row0 + i, k0 + k, M, K);
      Bs[k][i] = loadB(B, ldb, transB, k0 + k, col0 + i, K, N);
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < kDepth; k++) {
      float a[kSub], b[kSub];
#pragma unroll
      for (int s = 0; s < kSub; s++) { a[s] = As[k][ty + 16 * s]; b[s] = Bs[k][tx + 16 * s]; }
#pragma unroll
      for (int r = 0; r < kSub; r++)
#pragma unroll
        for (int c = 0; c < kSub; c++) acc[r][c] += a[r] * b[c];
    }
    __syncthreads();
  }
#pragma unroll
  for (int r = 0; r < kSub; r++) {
    const int64_t i = row0 + ty + 16 * r;
    if (i >= M) continue;
#pragma unroll
    for (int c = 0; c < kSub; c++) {
      const int64_t j = col0 + tx + 16 * c;
      if (j >= N) continue;
      float* out = C + i * ldc + j;
      // beta == 0 overwrites (C may hold garbage or NaN), as BLAS.
      *out = beta == 0.f ? alpha * acc[r][c] : alpha * acc[r][c] + beta * *out;
    }
  }
}

}  // namespace

extern "C" ss_status ss_cuda_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                                   int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M < 0 || N < 0 || K < 0 || ldc < (N > 0 ? N : 1)) return SS_ERR_ARG;
  if (lda < (transA ? (M > 0 ? M : 1) : (K > 0 ? K : 1)) || ldb < (transB ? (K > 0 ? K : 1) : (N > 0 ? N : 1))) return SS_ERR_ARG;
  if (M == 0 || N == 0) return SS_OK;
  const dim3 grid((unsigned)((N + kTile - 1) / kTile), (unsigned)((M + kTile - 1) / kTile));
  if (grid.y > 65535) return SS_ERR_ARG;
  sgemmKernel<<<grid, 256>>>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  return launched();
}
