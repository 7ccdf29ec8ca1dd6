// Uniform and normal fills and dropout on the GPU from the same counter-based Philox stream as the
// CPU (native/core/rng.h, shared as host+device code): element i uses counter offset + i, so a
// seed gives bit-identical uniforms and dropout masks on either backend, and normals equal up to
// the rounding of logf/cosf. The CUDA twins of ss_rng_uniform, ss_rng_normal and
// ss_dropout_forward; checked by native/cuda-check (exactly, normals to 1e-5 relative).
#include "../../core/rng.h"
#include "cuda_common.h"

using namespace selfsup;
using namespace selfsup::cuda;

namespace {

__global__ void uniformKernel(float* out, int64_t n, float lo, float hi, uint64_t seed, uint64_t offset) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    out[i] = __fadd_rn(lo, __fmul_rn(hi - lo, rngUniform01(seed, offset + i)));  // no FMA: the CPU rounds twice
}

__global__ void normalKernel(float* out, int64_t n, float mean, float stddev, uint64_t seed, uint64_t offset) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    out[i] = __fadd_rn(mean, __fmul_rn(stddev, rngNormal(seed, offset + i)));
}

__global__ void dropoutKernel(float* y, float* mask, const float* x, int64_t n, float p, float keepScale, uint64_t seed,
                              uint64_t offset) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const float m = rngUniform01(seed, offset + i) >= p ? keepScale : 0.f;
    mask[i] = m;
    y[i] = x[i] * m;
  }
}

}  // namespace

extern "C" ss_status ss_cuda_rng_uniform(float* out, int64_t n, float lo, float hi, uint64_t seed, uint64_t offset) {
  if (n < 0) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  uniformKernel<<<blocksFor(n), kThreads>>>(out, n, lo, hi, seed, offset);
  return launched();
}

extern "C" ss_status ss_cuda_rng_normal(float* out, int64_t n, float mean, float std, uint64_t seed, uint64_t offset) {
  if (n < 0) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  normalKernel<<<blocksFor(n), kThreads>>>(out, n, mean, std, seed, offset);
  return launched();
}

extern "C" ss_status ss_cuda_dropout_forward(float* y, float* mask, const float* x, int64_t n, float p, uint64_t seed,
                                             uint64_t offset) {
  if (n < 0 || !(p >= 0.f && p < 1.f)) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  dropoutKernel<<<blocksFor(n), kThreads>>>(y, mask, x, n, p, 1.f / (1.f - p), seed, offset);
  return launched();
}
