// Counter-based RNG (Philox4x32-10, Salmon et al. 2011; the generator cuRAND and PyTorch's CUDA
// backend use). Output depends only on (seed, counter), so any thread, or a GPU later, can
// produce element i without sequential state: same seed, same numbers at any thread count.
#pragma once
#include <cmath>
#include <cstdint>

// Callable from CUDA kernels too (native/kernels/cuda/random.cu): the same integer arithmetic, so
// uniform draws and dropout masks are bit-identical on the GPU.
#ifdef __CUDACC__
#define SS_HOST_DEVICE __host__ __device__
#else
#define SS_HOST_DEVICE
#endif

namespace selfsup {

struct Philox4x32 {
  SS_HOST_DEVICE static inline void round(uint32_t c[4], uint32_t k[2]) {
    const uint64_t p0 = (uint64_t)0xD2511F53u * c[0], p1 = (uint64_t)0xCD9E8D57u * c[2];
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0, hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    uint32_t n0 = hi1 ^ c[1] ^ k[0], n2 = hi0 ^ c[3] ^ k[1];
    c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
  }
  // Four 32-bit outputs for block `counter` under `seed`.
  SS_HOST_DEVICE static inline void block(uint64_t seed, uint64_t counter, uint32_t out[4]) {
    uint32_t c[4] = {(uint32_t)counter, (uint32_t)(counter >> 32), 0, 0};
    uint32_t k[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    for (int r = 0; r < 10; r++) {
      round(c, k);
      k[0] += 0x9E3779B9u;
      k[1] += 0xBB67AE85u;
    }
    out[0] = c[0]; out[1] = c[1]; out[2] = c[2]; out[3] = c[3];
  }
  // Uniform in [0, 1) with 24 bits, from word w of block counter.
  SS_HOST_DEVICE static inline float uniform(uint32_t bits) { return (float)(bits >> 8) * (1.0f / 16777216.0f); }
};

// Element i of a stream uses block (offset + i) / 4... simpler and thread-independent: block index
// = offset + i, word 0 (uniform) or words 0,1 (Box-Muller normal). Wasteful but trivially parallel.
SS_HOST_DEVICE inline float rngUniform01(uint64_t seed, uint64_t index) {
  uint32_t o[4];
  Philox4x32::block(seed, index, o);
  return Philox4x32::uniform(o[0]);
}

// Box-Muller from words 0 and 1. The uniforms are bit-identical on the GPU; sqrt/log/cos are each
// backend's own (CUDA's logf/cosf are within 1-2 ulp of glibc's), so normals agree to rounding.
SS_HOST_DEVICE inline float rngNormal(uint64_t seed, uint64_t index) {
  uint32_t o[4];
  Philox4x32::block(seed, index, o);
  float u1 = ((float)(o[0] >> 8) + 1.0f) * (1.0f / 16777217.0f);  // (0, 1]: log is finite
  float u2 = Philox4x32::uniform(o[1]);
#ifdef __CUDA_ARCH__
  return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530717958647692f * u2);
#else
  return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.28318530717958647692f * u2);
#endif
}

}  // namespace selfsup
