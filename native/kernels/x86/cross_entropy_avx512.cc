// AVX-512 rows of the fused softmax cross-entropy (kernels/cpu/cross_entropy.cc has the formulas
// and the baseline loop): two sweeps per row instead of five, the max, then e^(z - max) into the
// gradient row with its sum (and the logits' sum for label smoothing), then the gradient in place.
// exp is core/fast_math.h's expApprox in 16 lanes (same range reduction and Cephes polynomial;
// rounding by VRNDSCALE). Compiled with the AVX-512 flags only; checked through
// ss_softmax_cross_entropy against kernels/ref/cross_entropy_ref.cc and PyTorch fixtures by
// test/native/cross-entropy.test.ts under SELFSUP_ISA=avx512.
#include <immintrin.h>

#include <cmath>
#include <vector>

#include "../cpu/cross_entropy_rows.h"
#include "lanes_avx512.h"

// GCC 12 reports the _mm512_undefined_ps() pass-through inside its own intrinsics (roundscale,
// cvtps, slli, min/max) as maybe-uninitialized once they are inlined into this loop; it is not.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace selfsup {
namespace {

inline __m512 exp16(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.33654f)), _mm512_set1_ps(88.72283f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.f));
  const __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
}

thread_local std::vector<float> t_row;

}  // namespace

void softmaxXentRowsAvx512(const SoftmaxXentRows& a, int64_t r0, int64_t r1) {
  const int64_t Cn = a.Cn;
  const float* cw = a.classWeights;
  const float smooth = a.eps / Cn;
  if (!a.dlogits && (int64_t)t_row.size() < Cn) t_row.resize(Cn);
  for (int64_t r = r0; r < r1; r++) {
    const float* z = a.logits + r * Cn;
    float* dz = a.dlogits ? a.dlogits + r * Cn : nullptr;
    const int32_t t = a.targets[r];
    if (t == a.ignoreIndex) {
      a.rowLoss[r] = 0;
      if (dz)
        for (int64_t j = 0; j < Cn; j += 16) _mm512_mask_storeu_ps(dz + j, firstN(Cn - j), _mm512_setzero_ps());
      continue;
    }
    __m512 mv = _mm512_set1_ps(-INFINITY);
    for (int64_t j = 0; j < Cn; j += 16)
      mv = _mm512_mask_max_ps(mv, firstN(Cn - j), mv, _mm512_maskz_loadu_ps(firstN(Cn - j), z + j));
    const float mx = laneMax(mv);
    // e^(z - max) into the gradient row (or a scratch row), with its sum and sum_j w_j z_j.
    float* e = dz ? dz : t_row.data();
    const __m512 vmx = _mm512_set1_ps(mx);
    __m512 se = _mm512_setzero_ps(), wz = _mm512_setzero_ps();
    for (int64_t j = 0; j < Cn; j += 16) {
      const __mmask16 m = firstN(Cn - j);
      const __m512 zj = _mm512_maskz_loadu_ps(m, z + j);
      const __m512 ej = _mm512_maskz_mov_ps(m, exp16(_mm512_sub_ps(zj, vmx)));
      _mm512_mask_storeu_ps(e + j, m, ej);
      se = _mm512_add_ps(se, ej);
      wz = cw ? _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, cw + j), zj, wz) : _mm512_add_ps(wz, zj);
    }
    const double sumE = laneSum(se), sumWz = laneSum(wz);
    const double lse = mx + std::log(sumE);
    const float wt = cw ? cw[t] : 1.f;
    a.rowLoss[r] = (double)(1.f - a.eps) * wt * (lse - z[t]) + (double)smooth * (a.weightSum * lse - sumWz);
    if (!dz) continue;
    const float scale = (float)(((1.f - a.eps) * wt + smooth * a.weightSum) / sumE) * a.inv;
    const __m512 vs = _mm512_set1_ps(scale), vsm = _mm512_set1_ps(smooth * a.inv);
    for (int64_t j = 0; j < Cn; j += 16) {
      const __mmask16 m = firstN(Cn - j);
      const __m512 off = cw ? _mm512_mul_ps(vsm, _mm512_maskz_loadu_ps(m, cw + j)) : vsm;
      _mm512_mask_storeu_ps(dz + j, m, _mm512_fmsub_ps(_mm512_maskz_loadu_ps(m, dz + j), vs, off));
    }
    dz[t] -= (1.f - a.eps) * wt * a.inv;
  }
}

}  // namespace selfsup
