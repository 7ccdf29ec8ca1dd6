// Lane helpers of the AVX-512 kernels: the mask of a vector's first n lanes, and the horizontal
// sum and max of a vector through memory, in a fixed lane order (so results do not depend on how
// a compiler lowers _mm512_reduce_*_ps, which GCC 12 also warns on falsely).
// AVX-512 translation units only; internal linkage.
#pragma once
#include <immintrin.h>

namespace selfsup {
namespace {

// Lanes [0, n) set: none for n <= 0, all 16 for n >= 16.
inline __mmask16 firstN(int64_t n) {
  return n <= 0 ? (__mmask16)0 : n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}

inline float laneSum(__m512 v) {
  alignas(64) float l[16];
  _mm512_store_ps(l, v);
  float s = 0.f;
  for (float x : l) s += x;
  return s;
}

inline float laneMax(__m512 v) {
  alignas(64) float l[16];
  _mm512_store_ps(l, v);
  float m = l[0];
  for (float x : l) m = x > m ? x : m;
  return m;
}

}  // namespace
}  // namespace selfsup
