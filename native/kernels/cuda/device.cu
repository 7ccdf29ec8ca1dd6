// CUDA runtime services for the CUDA backend: why CUDA can or cannot run (no driver, no device),
// device facts, a caching allocator, host<->device copies. Checked by native/cuda-check (upload /
// download round trips, allocator reuse) and, for the no-driver / no-build paths, by
// test/native/cuda.test.ts on machines without a GPU.
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cuda_common.h"

namespace selfsup {
namespace cuda {

thread_local char t_lastError[256] = "";

bool failed(cudaError_t e) {
  if (e == cudaSuccess) return false;
  std::snprintf(t_lastError, sizeof t_lastError, "%s (%s)", cudaGetErrorString(e), cudaGetErrorName(e));
  return true;
}

namespace {

// Size classes: multiples of 512 bytes below 1 MiB, of 2 MiB above (PyTorch's caching allocator
// rounds similarly), so blocks of nearby sizes are shared.
size_t roundSize(size_t bytes) {
  if (bytes == 0) bytes = 1;
  const size_t q = bytes < (1u << 20) ? 512 : (2u << 20);
  return (bytes + q - 1) / q * q;
}

struct Block {
  size_t size;
  int device;
};

struct Cache {
  std::mutex mu;
  // (device, size) -> block: a block is only reused on the device it was allocated on.
  std::multimap<std::pair<int, size_t>, void*> freeBlocks;
  std::unordered_map<void*, Block> live;
  size_t allocated = 0, cached = 0;

  void release() {  // caller holds mu
    int current = 0;
    cudaGetDevice(&current);
    for (auto& [key, p] : freeBlocks) {
      cudaSetDevice(key.first);
      cudaFree(p);
    }
    cudaSetDevice(current);
    freeBlocks.clear();
    cached = 0;
  }
};

Cache& cache() {
  static Cache* c = new Cache();  // never destroyed: blocks may outlive static destruction order
  return *c;
}

}  // namespace
}  // namespace cuda
}  // namespace selfsup

using namespace selfsup::cuda;

extern "C" ss_cuda_availability ss_cuda_probe(int* devices, char* msg, size_t msgSize) {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (devices) *devices = e == cudaSuccess ? n : 0;
  if (msg && msgSize) std::snprintf(msg, msgSize, "%s", e == cudaSuccess ? (n > 0 ? "ok" : "no CUDA device") : cudaGetErrorString(e));
  if (e == cudaSuccess) return n > 0 ? SS_CUDA_OK : SS_CUDA_NO_DEVICE;
  failed(e);
  if (e == cudaErrorNoDevice) return SS_CUDA_NO_DEVICE;
  if (e == cudaErrorInsufficientDriver || e == cudaErrorInitializationError) return SS_CUDA_NO_DRIVER;
  return SS_CUDA_ERROR;
}

extern "C" ss_status ss_cuda_device_info(int index, char* name, size_t nameSize, size_t* totalMemory, int* major, int* minor) {
  cudaDeviceProp p;
  if (failed(cudaGetDeviceProperties(&p, index))) return SS_ERR_ARG;
  if (name && nameSize) std::snprintf(name, nameSize, "%s", p.name);
  if (totalMemory) *totalMemory = p.totalGlobalMem;
  if (major) *major = p.major;
  if (minor) *minor = p.minor;
  return SS_OK;
}

extern "C" ss_status ss_cuda_set_device(int index) { return failed(cudaSetDevice(index)) ? SS_ERR_ARG : SS_OK; }

extern "C" ss_status ss_cuda_malloc(void** ptr, size_t bytes) {
  if (!ptr) return SS_ERR_ARG;
  const size_t size = roundSize(bytes);
  Cache& c = cache();
  std::lock_guard<std::mutex> lk(c.mu);
  int device = 0;
  if (failed(cudaGetDevice(&device))) return SS_ERR_ALLOC;
  auto it = c.freeBlocks.lower_bound({device, size});
  // Reuse a cached block of this class, or one at most twice as large (a large block is not
  // wasted on a small request).
  if (it != c.freeBlocks.end() && it->first.first == device && it->first.second <= 2 * size) {
    const size_t got = it->first.second;
    *ptr = it->second;
    c.live[it->second] = {got, device};
    c.allocated += got;
    c.cached -= got;
    c.freeBlocks.erase(it);
    return SS_OK;
  }
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, size);
  if (e == cudaErrorMemoryAllocation) {  // empty the cache and try once more
    cudaGetLastError();
    c.release();
    e = cudaMalloc(&p, size);
  }
  if (failed(e)) {
    *ptr = nullptr;
    return SS_ERR_ALLOC;
  }
  c.live[p] = {size, device};
  c.allocated += size;
  *ptr = p;
  return SS_OK;
}

extern "C" ss_status ss_cuda_free(void* ptr) {
  if (!ptr) return SS_OK;
  Cache& c = cache();
  std::lock_guard<std::mutex> lk(c.mu);
  auto it = c.live.find(ptr);
  if (it == c.live.end()) return SS_ERR_ARG;  // not ours, or freed twice
  c.freeBlocks.emplace(std::make_pair(it->second.device, it->second.size), ptr);
  c.allocated -= it->second.size;
  c.cached += it->second.size;
  c.live.erase(it);
  return SS_OK;
}

extern "C" ss_status ss_cuda_empty_cache(void) {
  Cache& c = cache();
  std::lock_guard<std::mutex> lk(c.mu);
  c.release();
  return SS_OK;
}

extern "C" void ss_cuda_memory_stats(size_t* allocated, size_t* cached) {
  Cache& c = cache();
  std::lock_guard<std::mutex> lk(c.mu);
  if (allocated) *allocated = c.allocated;
  if (cached) *cached = c.cached;
}

extern "C" ss_status ss_cuda_upload(void* device, const void* host, size_t bytes) {
  return failed(cudaMemcpy(device, host, bytes, cudaMemcpyHostToDevice)) ? SS_ERR_ARG : SS_OK;
}

extern "C" ss_status ss_cuda_download(void* host, const void* device, size_t bytes) {
  return failed(cudaMemcpy(host, device, bytes, cudaMemcpyDeviceToHost)) ? SS_ERR_ARG : SS_OK;
}

extern "C" ss_status ss_cuda_synchronize(void) { return failed(cudaDeviceSynchronize()) ? SS_ERR_ARG : SS_OK; }

extern "C" const char* ss_cuda_last_error(void) { return t_lastError; }
