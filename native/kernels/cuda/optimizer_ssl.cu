// LARS (SimCLR's form) and the EMA update on the GPU: the CUDA twins of
// native/kernels/cpu/optimizer_ssl.cc. LARS needs |w|, |g| and w.g before the update: one block
// reduces them in double into device scratch, the update kernel reads the trust ratio from there
// (no host round trip). Checked against the CPU kernels by native/cuda-check.
#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

constexpr int kBlock = 256;

// trust = eta |w| / |g + wd w| when both norms are positive, else 1 (excluded: 1, no decay).
__global__ void trustKernel(float* trust, const float* w, const float* g, int64_t n, float wd, float eta) {
  __shared__ double s[3][kBlock];
  double ww = 0, gg = 0, wg = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    ww += (double)w[i] * w[i];
    gg += (double)g[i] * g[i];
    wg += (double)w[i] * g[i];
  }
  s[0][threadIdx.x] = ww;
  s[1][threadIdx.x] = gg;
  s[2][threadIdx.x] = wg;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h /= 2) {
    if ((int)threadIdx.x < h)
      for (int q = 0; q < 3; q++) s[q][threadIdx.x] += s[q][threadIdx.x + h];
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    const double wNorm = sqrt(s[0][0]);
    const double gNorm = sqrt(fmax(0.0, s[1][0] + 2.0 * wd * s[2][0] + (double)wd * wd * s[0][0]));
    *trust = wNorm > 0 && gNorm > 0 ? (float)(eta * wNorm / gNorm) : 1.f;
  }
}

__global__ void larsKernel(float* param, float* velocity, const float* grad, int64_t n, float lr, float momentum, float wd,
                           const float* trust) {
  const float scaled = lr * (trust ? *trust : 1.f);
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const float g = grad[i] + wd * param[i];
    velocity[i] = momentum * velocity[i] + scaled * g;
    param[i] -= velocity[i];
  }
}

__global__ void emaKernel(float* target, const float* online, int64_t n, float tau) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    target[i] = tau * target[i] + (1.f - tau) * online[i];
}

}  // namespace

extern "C" ss_status ss_cuda_lars_step(float* param, float* velocity, const float* grad, int64_t n, float lr, float momentum,
                                       float weightDecay, float eta, int excluded) {
  if (n < 0 || !velocity) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  const float wd = excluded ? 0.f : weightDecay;
  DeviceScratch trust(excluded ? 0 : sizeof(float));
  if (trust.status != SS_OK) return SS_ERR_ALLOC;
  if (!excluded) trustKernel<<<1, kBlock>>>(trust.as<float>(), param, grad, n, wd, eta);
  larsKernel<<<blocksFor(n), kThreads>>>(param, velocity, grad, n, lr, momentum, wd, excluded ? nullptr : trust.as<float>());
  return launched();
}

extern "C" ss_status ss_cuda_ema_update(float* target, const float* online, int64_t n, float tau) {
  if (n < 0 || !(tau >= 0.f && tau <= 1.f)) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  emaKernel<<<blocksFor(n), kThreads>>>(target, online, n, tau);
  return launched();
}
