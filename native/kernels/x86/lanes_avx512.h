// Horizontal sum and max of a vector through memory, in a fixed lane order (so results do not
// depend on how a compiler lowers _mm512_reduce_*_ps, which GCC 12 also warns on falsely).
// AVX-512 translation units only; internal linkage, like winograd_tile_avx512.h.
#pragma once
#include <immintrin.h>

namespace selfsup {
namespace {

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
