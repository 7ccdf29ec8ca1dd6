// Shared by the CUDA kernels: launch sizes, the thread-local last-error text, and the check that
// turns a CUDA error into an ss_status (never an exception across the C ABI).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "selfsup/kernels_cuda.h"

namespace selfsup {
namespace cuda {

constexpr int kThreads = 256;

// Blocks for n elements at kThreads per block, capped (grid-stride loops cover the rest).
inline unsigned blocksFor(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return (unsigned)(b < 1 ? 1 : (b > 65535 * 8 ? 65535 * 8 : b));
}

// Records the error text for ss_cuda_last_error and says whether the call failed.
bool failed(cudaError_t e);

// After a launch: the launch error (bad configuration), not the kernel's completion.
inline ss_status launched() { return failed(cudaGetLastError()) ? SS_ERR_ARG : SS_OK; }

// Device scratch from the caching allocator for the length of a call, returned at scope end.
// Returning it while kernels still read it is safe: every kernel and copy runs on the legacy
// default stream, so the next user of the block runs after them.
struct DeviceScratch {
  void* p = nullptr;
  ss_status status;
  explicit DeviceScratch(size_t bytes) { status = ss_cuda_malloc(&p, bytes ? bytes : 1); }
  ~DeviceScratch() { ss_cuda_free(p); }
  DeviceScratch(const DeviceScratch&) = delete;
  DeviceScratch& operator=(const DeviceScratch&) = delete;
  template <class T>
  T* as() const { return static_cast<T*>(p); }
};

// Block-wide sum and max through a shared scratch of blockDim.x elements (blockDim.x a power of
// two). Every thread of the block must call them; all get the result.
template <class T>
__device__ T blockSum(T v, T* scratch) {
  scratch[threadIdx.x] = v;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h /= 2) {
    if ((int)threadIdx.x < h) scratch[threadIdx.x] += scratch[threadIdx.x + h];
    __syncthreads();
  }
  const T r = scratch[0];
  __syncthreads();
  return r;
}

__device__ inline float blockMax(float v, float* scratch) {
  scratch[threadIdx.x] = v;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h /= 2) {
    if ((int)threadIdx.x < h) scratch[threadIdx.x] = fmaxf(scratch[threadIdx.x], scratch[threadIdx.x + h]);
    __syncthreads();
  }
  const float r = scratch[0];
  __syncthreads();
  return r;
}

}  // namespace cuda
}  // namespace selfsup
