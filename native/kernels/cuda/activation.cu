// Pointwise activations on the GPU: the CUDA twin of native/kernels/cpu/activation.cc (same
// formulas: PyTorch's, GELU with erf). Checked against the CPU kernels by native/cuda-check.
#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

__global__ void forwardKernel(int kind, float* y, const float* x, int64_t n, float alpha) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const float v = x[i];
    float r;
    switch (kind) {
      case SS_ACT_RELU: r = v < 0.f ? 0.f : v; break;  // keeps NaN, as the CPU kernel
      case SS_ACT_LEAKY_RELU: r = v > 0.f ? v : alpha * v; break;
      case SS_ACT_GELU: r = 0.5f * v * (1.f + erff(v * 0.70710678118654752f)); break;
      case SS_ACT_SIGMOID: r = 1.f / (1.f + expf(-v)); break;
      default: r = tanhf(v); break;
    }
    y[i] = r;
  }
}

__global__ void backwardKernel(int kind, float* dx, const float* dy, const float* x, const float* y, int64_t n, float alpha) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const float g = dy[i];
    float r;
    switch (kind) {
      case SS_ACT_RELU: r = x[i] > 0.f ? g : 0.f; break;
      case SS_ACT_LEAKY_RELU: r = x[i] > 0.f ? g : alpha * g; break;
      case SS_ACT_GELU: {
        const float v = x[i], cdf = 0.5f * (1.f + erff(v * 0.70710678118654752f));
        r = g * (cdf + v * 0.39894228040143268f * expf(-0.5f * v * v));
        break;
      }
      case SS_ACT_SIGMOID: r = g * y[i] * (1.f - y[i]); break;
      default: r = g * (1.f - y[i] * y[i]); break;
    }
    dx[i] = r;
  }
}

bool knownKind(int kind) { return kind >= SS_ACT_RELU && kind <= SS_ACT_TANH; }

}  // namespace

extern "C" ss_status ss_cuda_activation_forward(int kind, float* y, const float* x, int64_t n, float alpha) {
  if (n < 0 || !knownKind(kind)) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  forwardKernel<<<blocksFor(n), kThreads>>>(kind, y, x, n, alpha);
  return launched();
}

extern "C" ss_status ss_cuda_activation_backward(int kind, float* dx, const float* dy, const float* x, const float* y,
                                                 int64_t n, float alpha) {
  if (n < 0 || !knownKind(kind)) return SS_ERR_ARG;
  if (n == 0) return SS_OK;
  backwardKernel<<<blocksFor(n), kThreads>>>(kind, dx, dy, x, y, n, alpha);
  return launched();
}
