// Weight gradient of a 3x3 stride-1 pad-1 convolution with 1 or 2 input channels (an encoder's first
// layer), AVX-512, without im2col: dW[k][c][ky][kx] = sum over images and rows of dy's row times
// the input row shifted by the tap, loaded with the padding masked in (rows of at most 32, two
// vectors). The im2col + skinny-GEMM path reloads both operands per tap and output channel.
// Layouts: x (N, C, H, W), dy (N, K, H, W), dw (K, C, 3, 3).
// Checked through ss_conv_backward_weight against kernels/ref/conv_ref.cc by
// test/native/conv.test.ts (first-layer cases: 1-2 channels, rows of 1 to 32). With three input
// channels (27 accumulators) it measured slower than im2col + GEMM, so RGB layers keep that path.
#include <immintrin.h>

#include "../cpu/conv_direct_small.h"
#include "lanes_avx512.h"

namespace selfsup {
namespace {

// Lane masks of tap kx for the two halves of a row: lane x reads column x + kx - 1 when that is
// inside the row (the padding columns are the masked-off lanes).
struct ShiftMasks {
  __mmask16 lo[3], hi[3];
  explicit ShiftMasks(int W) {
    for (int kx = 0; kx < 3; kx++) {
      unsigned l = 0, h = 0;
      for (int x = 0; x < 16; x++) {
        const int a = x + kx - 1, b = 16 + x + kx - 1;
        if (x < W && a >= 0 && a < W) l |= 1u << x;
        if (16 + x < W && b < W) h |= 1u << x;
      }
      lo[kx] = (__mmask16)l;
      hi[kx] = (__mmask16)h;
    }
  }
};

// The row's three shifted copies for tap kx: lanes x hold row[x + kx - 1] (0 in the padding).
// Masked-off lanes are never read; the start address is formed as an integer, since for kx = 0
// it lies one float before the row (before the array, at the first plane's first row).
template <bool Wide>
inline void shiftedRow(const float* row, int kx, const ShiftMasks& m, __m512& lo, __m512& hi) {
  const uintptr_t start = reinterpret_cast<uintptr_t>(row) + 4 * (uintptr_t)kx - 4;
  lo = _mm512_maskz_loadu_ps(m.lo[kx], reinterpret_cast<const float*>(start));
  hi = Wide ? _mm512_maskz_loadu_ps(m.hi[kx], reinterpret_cast<const float*>(start + 64)) : _mm512_setzero_ps();
}

// KB output channels at a time (2 for one input channel, 1 for two), all images of the range:
// KB x CIN x 9 tap accumulators and KB bias ones stay in registers across every row of the
// range, and each gradient row is read once. The next image's gradient planes are prefetched
// row by row (they are a jump of a whole image away).
template <int CIN, int KB, bool Wide>
void backwardWeightImages(float* dw, float* db, const float* x, const float* dy, const ss_conv_params* p, int64_t n0,
                          int64_t n1) {
  constexpr int T = CIN * 9;
  const int K = p->K, H = p->in[1], W = p->in[2];
  const int64_t plane = (int64_t)H * W;
  const ShiftMasks m(W);
  const __mmask16 rowLo = firstN(W), rowHi = firstN(W - 16);
  const int64_t aheadLines = (KB * plane * 4 + 63) / 64;
  for (int k0 = 0; k0 < K; k0 += KB) {
    const int kb = K - k0 < KB ? K - k0 : KB;
    __m512 acc[KB][T], bias[KB];
    for (int j = 0; j < KB; j++) {
      bias[j] = _mm512_setzero_ps();
      for (int t = 0; t < T; t++) acc[j][t] = _mm512_setzero_ps();
    }
    for (int64_t n = n0; n < n1; n++) {
      const float* g0 = dy + (n * K + k0) * plane;
      const uintptr_t next = reinterpret_cast<uintptr_t>(g0) + 4 * (uintptr_t)K * plane;  // past the end for the last image
      const float* xn = x + n * CIN * plane;
      for (int oy = 0; oy < H; oy++) {
        if (n + 1 < n1)
          for (int64_t l = aheadLines * oy / H, e = aheadLines * (oy + 1) / H; l < e; l++)
            _mm_prefetch(reinterpret_cast<const char*>(next + 64 * (uintptr_t)l), _MM_HINT_T0);
        __m512 dlo[KB], dhi[KB];
        for (int j = 0; j < KB; j++) {
          const float* r = g0 + j * plane + (int64_t)oy * W;
          dlo[j] = j < kb ? _mm512_maskz_loadu_ps(rowLo, r) : _mm512_setzero_ps();
          dhi[j] = j < kb && Wide ? _mm512_maskz_loadu_ps(rowHi, r + 16) : _mm512_setzero_ps();
          bias[j] = _mm512_add_ps(bias[j], _mm512_add_ps(dlo[j], dhi[j]));
        }
        for (int c = 0; c < CIN; c++)
          for (int ky = 0; ky < 3; ky++) {
            const int iy = oy + ky - 1;
            if (iy < 0 || iy >= H) continue;
            const float* row = xn + c * plane + (int64_t)iy * W;
            for (int kx = 0; kx < 3; kx++) {
              __m512 lo, hi;
              shiftedRow<Wide>(row, kx, m, lo, hi);
              const int t = (c * 3 + ky) * 3 + kx;
              for (int j = 0; j < KB; j++) {
                acc[j][t] = _mm512_fmadd_ps(dlo[j], lo, acc[j][t]);
                if (Wide) acc[j][t] = _mm512_fmadd_ps(dhi[j], hi, acc[j][t]);
              }
            }
          }
      }
    }
    for (int j = 0; j < kb; j++) {
      for (int t = 0; t < T; t++) dw[(int64_t)(k0 + j) * T + t] = laneSum(acc[j][t]);
      if (db) db[k0 + j] = laneSum(bias[j]);
    }
  }
}

template <int CIN>
void backwardWeightFor(float* dw, float* db, const float* x, const float* dy, const ss_conv_params* p, int64_t n0,
                       int64_t n1) {
  constexpr int KB = CIN == 1 ? 2 : 1;
  if (p->in[2] > 16) backwardWeightImages<CIN, KB, true>(dw, db, x, dy, p, n0, n1);
  else backwardWeightImages<CIN, KB, false>(dw, db, x, dy, p, n0, n1);
}

}  // namespace

bool directSmallConvApplies(const ss_conv_params* p) {
  return p->groups == 1 && p->C <= 2 && p->in[0] == 1 && p->out[0] == 1 && p->k[0] == 1 && p->pad[0] == 0 &&
         p->k[1] == 3 && p->k[2] == 3 && p->stride[1] == 1 && p->stride[2] == 1 && p->pad[1] == 1 &&
         p->pad[2] == 1 && p->dil[1] == 1 && p->dil[2] == 1 && p->in[2] <= 32 && p->out[1] == p->in[1] &&
         p->out[2] == p->in[2];
}

void directSmallConvBackwardWeightAvx512(float* dw, float* db, const float* x, const float* dy,
                                         const ss_conv_params* p, int64_t n0, int64_t n1) {
  switch (p->C) {
    case 1: backwardWeightFor<1>(dw, db, x, dy, p, n0, n1); break;
    default: backwardWeightFor<2>(dw, db, x, dy, p, n0, n1); break;
  }
}

}  // namespace selfsup
