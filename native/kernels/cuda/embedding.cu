// Embedding lookup and its backward on the GPU: the CUDA twins of native/kernels/cpu/embedding.cc.
// The backward is deterministic without atomics: each (v, c) of the table gradient sums the
// rows whose id is v in row order, as the CPU does. Ids out of range make the call return
// SS_ERR_ARG (checked on the device; the call waits for that check).
// Checked against the CPU kernels by native/cuda-check.
#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

__global__ void checkIdsKernel(int* bad, const int32_t* ids, int64_t R, int64_t V) {
  for (int64_t r = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; r < R; r += (int64_t)gridDim.x * blockDim.x)
    if (ids[r] < 0 || ids[r] >= V) *bad = 1;
}

__global__ void gatherKernel(float* out, const float* table, const int32_t* ids, int64_t R, int64_t D) {
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < R * D; e += (int64_t)gridDim.x * blockDim.x)
    out[e] = table[(int64_t)ids[e / D] * D + e % D];
}

__global__ void scatterAddKernel(float* dtable, const float* dout, const int32_t* ids, int64_t R, int64_t V, int64_t D) {
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < V * D; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t v = e / D, c = e % D;
    float s = dtable[e];
    for (int64_t r = 0; r < R; r++)
      if (ids[r] == v) s += dout[r * D + c];
    dtable[e] = s;
  }
}

ss_status idsValid(const int32_t* ids, int64_t R, int64_t V) {
  DeviceScratch flag(sizeof(int));
  if (flag.status != SS_OK) return SS_ERR_ALLOC;
  if (failed(cudaMemset(flag.p, 0, sizeof(int)))) return SS_ERR_ARG;
  checkIdsKernel<<<blocksFor(R), kThreads>>>(flag.as<int>(), ids, R, V);
  int bad = 0;
  if (failed(cudaMemcpy(&bad, flag.p, sizeof(int), cudaMemcpyDeviceToHost)) || bad) return SS_ERR_ARG;
  return SS_OK;
}

}  // namespace

extern "C" ss_status ss_cuda_embedding_forward(float* out, const float* table, const int32_t* ids, int64_t R, int64_t V, int64_t D) {
  if (R < 0 || V <= 0 || D <= 0) return SS_ERR_ARG;
  if (R == 0) return SS_OK;
  const ss_status st = idsValid(ids, R, V);
  if (st != SS_OK) return st;
  gatherKernel<<<blocksFor(R * D), kThreads>>>(out, table, ids, R, D);
  return launched();
}

extern "C" ss_status ss_cuda_embedding_backward(float* dtable, const float* dout, const int32_t* ids, int64_t R, int64_t V, int64_t D) {
  if (R < 0 || V <= 0 || D <= 0) return SS_ERR_ARG;
  if (R == 0) return SS_OK;
  const ss_status st = idsValid(ids, R, V);
  if (st != SS_OK) return st;
  scatterAddKernel<<<blocksFor(V * D), kThreads>>>(dtable, dout, ids, R, V, D);
  return launched();
}
