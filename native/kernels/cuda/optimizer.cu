// SGD (momentum, dampening, Nesterov, weight decay) and AdamW steps on the GPU: the CUDA twins of
// native/kernels/cpu/optimizer.cc, the same update in the same float order. Checked against the
// CPU kernels by native/cuda-check.
#include <cmath>

#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

__global__ void sgdKernel(float* param, float* momentumBuf, const float* grad, int64_t n, float lr, float momentum,
                          float dampening, float weightDecay, int nesterov, int firstStep) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    float g = grad[i] + weightDecay * param[i];
    if (momentum != 0.f) {
      const float buf = firstStep ? g : momentum * momentumBuf[i] + (1.f - dampening) * g;
      momentumBuf[i] = buf;
      g = nesterov ? g + momentum * buf : buf;
    }
    param[i] -= lr * g;
  }
}

__global__ void adamwKernel(float* param, float* m, float* v, const float* grad, int64_t n, float lr, float beta1,
                            float beta2, float eps, float weightDecay, float stepSize, float bc2Sqrt) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    param[i] *= 1.f - lr * weightDecay;
    m[i] = beta1 * m[i] + (1.f - beta1) * grad[i];
    v[i] = beta2 * v[i] + (1.f - beta2) * grad[i] * grad[i];
    param[i] -= stepSize * m[i] / (sqrtf(v[i]) / bc2Sqrt + eps);
  }
}

}  // namespace

extern "C" ss_status ss_cuda_sgd_step(float* param, float* momentumBuf, const float* grad, int64_t n, float lr,
                                      float momentum, float dampening, float weightDecay, int nesterov, int firstStep) {
  if (n < 0 || (momentum != 0.f && !momentumBuf)) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  sgdKernel<<<blocksFor(n), kThreads>>>(param, momentumBuf, grad, n, lr, momentum, dampening, weightDecay, nesterov, firstStep);
  return launched();
}

extern "C" ss_status ss_cuda_adamw_step(float* param, float* m, float* v, const float* grad, int64_t n, float lr,
                                        float beta1, float beta2, float eps, float weightDecay, int64_t step) {
  if (n < 0 || step < 1) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  // Bias corrections on the host in double, as the CPU kernel.
  const float bc1 = 1.f - (float)std::pow((double)beta1, (double)step);
  const float bc2 = 1.f - (float)std::pow((double)beta2, (double)step);
  adamwKernel<<<blocksFor(n), kThreads>>>(param, m, v, grad, n, lr, beta1, beta2, eps, weightDecay, lr / bc1, std::sqrt(bc2));
  return launched();
}
