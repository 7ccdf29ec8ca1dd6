// Softmax cross-entropy over R rows of Cn classes on the GPU, fused forward + backward: the CUDA
// twin of ss_softmax_cross_entropy (label smoothing, ignoreIndex, PyTorch-style class weights;
// mean over counted rows weighted by w[target]). Three launches: the weighted count of counted
// rows, one block per row (max, sum of exp, the row's loss, dlogits), and the sum of the row
// losses. A target out of range sets a flag that makes the call return SS_ERR_ARG (the call
// waits for the device for that and for *loss, which the caller reads at once anyway).
// Checked against the CPU kernel by native/cuda-check.
#include <cmath>

#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

constexpr int kRowThreads = 256;

__device__ __forceinline__ float weightOf(const float* w, int64_t j) { return w ? w[j] : 1.f; }

// One block: sums w[target] over rows not ignored (double, as the order of a float sum differs
// from the CPU's).
__global__ void countKernel(double* counted, const int32_t* targets, int64_t R, int32_t ignoreIndex, const float* w, int64_t Cn) {
  __shared__ double part[kRowThreads];
  double s = 0;
  for (int64_t r = threadIdx.x; r < R; r += blockDim.x) {
    const int32_t t = targets[r];
    if (t != ignoreIndex && t >= 0 && t < Cn) s += weightOf(w, t);
  }
  s = blockSum(s, part);
  if (threadIdx.x == 0) *counted = s;
}

__global__ void rowKernel(double* rowLoss, float* dlogits, int* badTarget, const float* logits, const int32_t* targets,
                          int64_t Cn, float smoothing, int32_t ignoreIndex, const float* w, const double* counted) {
  __shared__ float fscratch[kRowThreads];
  __shared__ double dscratch[kRowThreads];
  const int64_t r = blockIdx.x;
  const float* z = logits + r * Cn;
  const int32_t t = targets[r];
  if (t == ignoreIndex || t < 0 || t >= Cn) {
    if (t != ignoreIndex && threadIdx.x == 0) *badTarget = 1;
    if (dlogits)
      for (int64_t j = threadIdx.x; j < Cn; j += blockDim.x) dlogits[r * Cn + j] = 0.f;
    if (threadIdx.x == 0) rowLoss[r] = 0;
    return;
  }
  float mx = -INFINITY;
  for (int64_t j = threadIdx.x; j < Cn; j += blockDim.x) mx = fmaxf(mx, z[j]);
  mx = blockMax(mx, fscratch);
  double se = 0;
  for (int64_t j = threadIdx.x; j < Cn; j += blockDim.x) se += exp((double)z[j] - mx);
  se = blockSum(se, dscratch);
  const double lse = log(se);
  // q_j = smoothing / Cn * w_j + [j == t] (1 - smoothing) w_j; loss = -sum q_j logp_j.
  double loss = 0, qsum = 0;
  for (int64_t j = threadIdx.x; j < Cn; j += blockDim.x) {
    const double q = smoothing / (double)Cn * weightOf(w, j) + (j == t ? (1.0 - smoothing) * weightOf(w, j) : 0.0);
    loss -= q * ((double)z[j] - mx - lse);
    qsum += q;
  }
  loss = blockSum(loss, dscratch);
  qsum = blockSum(qsum, dscratch);
  if (threadIdx.x == 0) rowLoss[r] = loss;
  if (dlogits) {
    const double c = *counted;
    for (int64_t j = threadIdx.x; j < Cn; j += blockDim.x) {
      const double q = smoothing / (double)Cn * weightOf(w, j) + (j == t ? (1.0 - smoothing) * weightOf(w, j) : 0.0);
      dlogits[r * Cn + j] = c > 0 ? (float)((exp((double)z[j] - mx - lse) * qsum - q) / c) : 0.f;  // as the CPU: no counted weight, no gradient
    }
  }
}

__global__ void finishKernel(float* loss, const double* rowLoss, int64_t R, const double* counted) {
  __shared__ double scratch[kRowThreads];
  double s = 0;
  for (int64_t r = threadIdx.x; r < R; r += blockDim.x) s += rowLoss[r];
  s = blockSum(s, scratch);
  if (threadIdx.x == 0) *loss = *counted > 0 ? (float)(s / *counted) : 0.f;
}

}  // namespace

extern "C" ss_status ss_cuda_softmax_cross_entropy(float* loss, float* dlogits, const float* logits, const int32_t* targets,
                                                   int64_t R, int64_t Cn, float labelSmoothing, int32_t ignoreIndex,
                                                   const float* classWeights) {
  if (R < 0 || Cn <= 0 || !loss || R > 0x7fffffff || !(labelSmoothing >= 0.f && labelSmoothing <= 1.f)) return SS_ERR_ARG;
  // Scratch: counted (1 double), bad-target flag, one double per row.
  const size_t bytes = sizeof(double) * (2 + (size_t)R);
  DeviceScratch scratch(bytes);
  if (scratch.status != SS_OK) return SS_ERR_ALLOC;
  double* counted = scratch.as<double>();
  int* bad = reinterpret_cast<int*>(counted + 1);
  double* rowLoss = counted + 2;
  if (failed(cudaMemset(bad, 0, sizeof(int)))) return SS_ERR_ARG;
  countKernel<<<1, kRowThreads>>>(counted, targets, R, ignoreIndex, classWeights, Cn);
  if (R > 0) rowKernel<<<(unsigned)R, kRowThreads>>>(rowLoss, dlogits, bad, logits, targets, Cn, labelSmoothing, ignoreIndex, classWeights, counted);
  finishKernel<<<1, kRowThreads>>>(loss, rowLoss, R, counted);
  int hostBad = 0;
  if (launched() != SS_OK || failed(cudaMemcpy(&hostBad, bad, sizeof(int), cudaMemcpyDeviceToHost)) || hostBad) return SS_ERR_ARG;
  return SS_OK;
}
