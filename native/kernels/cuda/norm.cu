// Batch norm over (N, C, S) on the GPU, with the fused ReLU of the CPU kernels, and layer norm over
// rows of D: the CUDA twins of native/kernels/cpu/norm.cc (statistics in double, shifted by the
// channel's first element against cancellation; running statistics as PyTorch's, unbiased
// variance). One block per channel for the statistics and the backward's two sums.
// Checked against the CPU kernels by native/cuda-check.
#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

constexpr int kBlock = 256;

__global__ void trainKernel(float* y, float* saveMean, float* saveInvstd, float* runningMean, float* runningVar,
                            const float* x, const float* gamma, const float* beta, int64_t N, int64_t C, int64_t S,
                            float momentum, float eps, int relu) {
  __shared__ double scratch[kBlock];
  const int64_t c = blockIdx.x, count = N * S;
  const float pivot = x[c * S];
  double sum = 0, sq = 0;
  for (int64_t e = threadIdx.x; e < count; e += blockDim.x) {
    const double d = (double)x[(e / S * C + c) * S + e % S] - pivot;
    sum += d;
    sq += d * d;
  }
  sum = blockSum(sum, scratch);
  sq = blockSum(sq, scratch);
  const double meanShift = sum / count, mean = pivot + meanShift;
  double var = sq / count - meanShift * meanShift;
  if (var < 0) var = 0;
  const float invstd = (float)(1.0 / sqrt(var + eps));
  if (threadIdx.x == 0) {
    if (saveMean) saveMean[c] = (float)mean;
    if (saveInvstd) saveInvstd[c] = invstd;
    if (runningMean) runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mean);
    if (runningVar) runningVar[c] = (float)((1 - momentum) * runningVar[c] + momentum * (count > 1 ? var * count / (count - 1) : var));
  }
  const float scale = (gamma ? gamma[c] : 1.f) * invstd, b = beta ? beta[c] : 0.f, m = (float)mean;
  for (int64_t e = threadIdx.x; e < count; e += blockDim.x) {
    const int64_t k = (e / S * C + c) * S + e % S;
    const float v = (x[k] - m) * scale + b;
    y[k] = relu && v < 0.f ? 0.f : v;
  }
}

__global__ void evalKernel(float* y, const float* x, const float* gamma, const float* beta, const float* runningMean,
                           const float* runningVar, int64_t C, int64_t S, int64_t n, float eps, int relu) {
  for (int64_t k = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; k < n; k += (int64_t)gridDim.x * blockDim.x) {
    const int64_t c = k / S % C;
    const float invstd = 1.f / sqrtf(runningVar[c] + eps);
    const float v = (x[k] - runningMean[c]) * (gamma ? gamma[c] : 1.f) * invstd + (beta ? beta[c] : 0.f);
    y[k] = relu && v < 0.f ? 0.f : v;
  }
}

__global__ void backwardKernel(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x, const float* gamma,
                               const float* saveMean, const float* saveInvstd, int64_t N, int64_t C, int64_t S,
                               const float* reluOut) {
  __shared__ double scratch[kBlock];
  const int64_t c = blockIdx.x, count = N * S;
  const float mean = saveMean[c], invstd = saveInvstd[c];
  double sdy = 0, sdyx = 0;
  for (int64_t e = threadIdx.x; e < count; e += blockDim.x) {
    const int64_t k = (e / S * C + c) * S + e % S;
    const float g = reluOut && !(reluOut[k] > 0.f) ? 0.f : dy[k];
    sdy += g;
    sdyx += (double)g * (x[k] - mean);
  }
  sdy = blockSum(sdy, scratch);
  sdyx = blockSum(sdyx, scratch);
  const double sdyxhat = sdyx * invstd;
  if (threadIdx.x == 0) {
    if (dgamma) dgamma[c] += (float)sdyxhat;
    if (dbeta) dbeta[c] += (float)sdy;
  }
  if (!dx) return;
  const float k0 = (gamma ? gamma[c] : 1.f) * invstd;
  const float meanDy = (float)(sdy / count), coef = (float)(sdyxhat / count) * invstd;
  for (int64_t e = threadIdx.x; e < count; e += blockDim.x) {
    const int64_t k = (e / S * C + c) * S + e % S;
    const float g = reluOut && !(reluOut[k] > 0.f) ? 0.f : dy[k];
    dx[k] = k0 * (g - meanDy - (x[k] - mean) * coef);
  }
}

// Layer norm: one block per row (mean and variance in double, as the CPU).
__global__ void layerNormForwardKernel(float* y, float* mean, float* rstd, const float* x, const float* gamma, const float* beta,
                                       int64_t D, float eps) {
  __shared__ double scratch[kBlock];
  const int64_t r = blockIdx.x;
  const float* xr = x + r * D;
  double s = 0;
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) s += xr[i];
  const double m = blockSum(s, scratch) / D;
  double q = 0;
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) { const double d = xr[i] - m; q += d * d; }
  q = blockSum(q, scratch);
  const float rs = (float)(1.0 / sqrt(q / D + eps));
  if (threadIdx.x == 0) {
    if (mean) mean[r] = (float)m;
    if (rstd) rstd[r] = rs;
  }
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x)
    y[r * D + i] = (xr[i] - (float)m) * rs * (gamma ? gamma[i] : 1.f) + (beta ? beta[i] : 0.f);
}

__global__ void layerNormBackwardKernel(float* dx, const float* dy, const float* x, const float* gamma, const float* mean,
                                        const float* rstd, int64_t D) {
  __shared__ double scratch[kBlock];
  const int64_t r = blockIdx.x;
  const float m = mean[r], rs = rstd[r];
  double sg = 0, sgx = 0;
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) {
    const float g = dy[r * D + i] * (gamma ? gamma[i] : 1.f);
    sg += g;
    sgx += (double)g * (x[r * D + i] - m) * rs;
  }
  sg = blockSum(sg, scratch);
  sgx = blockSum(sgx, scratch);
  const float mg = (float)(sg / D), mgx = (float)(sgx / D);
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) {
    const float g = dy[r * D + i] * (gamma ? gamma[i] : 1.f);
    dx[r * D + i] = rs * (g - mg - (x[r * D + i] - m) * rs * mgx);
  }
}

// Parameter gradients: one thread per column, rows summed in order (accumulated, as the CPU).
__global__ void layerNormParamKernel(float* dgamma, float* dbeta, const float* dy, const float* x, const float* mean,
                                     const float* rstd, int64_t R, int64_t D) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < D; i += (int64_t)gridDim.x * blockDim.x) {
    float sgm = 0.f, sb = 0.f;
    for (int64_t r = 0; r < R; r++) {
      sgm += dy[r * D + i] * (x[r * D + i] - mean[r]) * rstd[r];
      sb += dy[r * D + i];
    }
    if (dgamma) dgamma[i] += sgm;
    if (dbeta) dbeta[i] += sb;
  }
}

}  // namespace

extern "C" ss_status ss_cuda_layernorm_forward(float* y, float* mean, float* rstd, const float* x, const float* gamma,
                                               const float* beta, int64_t R, int64_t D, float eps) {
  if (R < 0 || D <= 0 || !(eps > 0) || R > 0x7fffffff) return SS_ERR_ARG;
  if (R == 0) return SS_OK;
  layerNormForwardKernel<<<(unsigned)R, kBlock>>>(y, mean, rstd, x, gamma, beta, D, eps);
  return launched();
}

extern "C" ss_status ss_cuda_layernorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                                const float* gamma, const float* mean, const float* rstd, int64_t R, int64_t D) {
  if (R < 0 || D <= 0 || R > 0x7fffffff) return SS_ERR_ARG;
  if (R == 0) return SS_OK;
  if (dx) layerNormBackwardKernel<<<(unsigned)R, kBlock>>>(dx, dy, x, gamma, mean, rstd, D);
  if (dgamma || dbeta) layerNormParamKernel<<<blocksFor(D), kThreads>>>(dgamma, dbeta, dy, x, mean, rstd, R, D);
  return launched();
}

extern "C" ss_status ss_cuda_batchnorm_forward_train(float* y, float* saveMean, float* saveInvstd, float* runningMean,
                                                     float* runningVar, const float* x, const float* gamma, const float* beta,
                                                     int64_t N, int64_t C, int64_t S, float momentum, float eps, int relu) {
  if (N <= 0 || C <= 0 || S <= 0 || !(eps > 0) || C > 0x7fffffff) return SS_ERR_ARG;
  trainKernel<<<(unsigned)C, kBlock>>>(y, saveMean, saveInvstd, runningMean, runningVar, x, gamma, beta, N, C, S, momentum, eps, relu);
  return launched();
}

extern "C" ss_status ss_cuda_batchnorm_forward_eval(float* y, const float* x, const float* gamma, const float* beta,
                                                    const float* runningMean, const float* runningVar, int64_t N, int64_t C,
                                                    int64_t S, float eps, int relu) {
  if (N < 0 || C <= 0 || S <= 0 || !(eps > 0)) return SS_ERR_ARG;
  const int64_t n = N * C * S;
  if (n == 0) return SS_OK;
  evalKernel<<<blocksFor(n), kThreads>>>(y, x, gamma, beta, runningMean, runningVar, C, S, n, eps, relu);
  return launched();
}

extern "C" ss_status ss_cuda_batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                                const float* gamma, const float* saveMean, const float* saveInvstd, int64_t N,
                                                int64_t C, int64_t S, const float* reluOut) {
  if (N <= 0 || C <= 0 || S <= 0 || C > 0x7fffffff) return SS_ERR_ARG;
  backwardKernel<<<(unsigned)C, kBlock>>>(dx, dgamma, dbeta, dy, x, gamma, saveMean, saveInvstd, N, C, S, reluOut);
  return launched();
}
