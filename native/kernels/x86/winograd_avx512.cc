// AVX-512 Winograd F(2x2, 3x3) tile transforms, the same arithmetic as the portable ones in
// kernels/cpu/winograd_transforms.h (which has the matrices), 16 tiles of a tile row per vector
// with masked tails: a row of 28x28 planes has 14 tiles and of 14x14 planes 7, too short for the
// compiler's unmasked vector loops, which left these rows scalar. Compiled with the AVX-512 flags (F/DQ/BW/VL, FMA) only;
// checked through ss_conv_forward / _backward_data / _backward_weight against the reference conv by
// test/native/conv.test.ts under SELFSUP_ISA=avx512.
#include <immintrin.h>

#include <cstring>

#include "../cpu/winograd.h"
#include "winograd_tile_avx512.h"

namespace selfsup {
namespace {

// Even and odd columns of a padded row (padded column q = x + 1), tW + 1 of each:
// e[i] = x[2i - 1] (0 outside the row), o[i] = x[2i] (0 outside).
void splitRow(float* e, float* o, const float* xr, int W, int half) {
  const __m512i evenIdx = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i oddIdx = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  // o[i] = x[2i]: even lanes of x; e[i + 1] = x[2i + 1]: odd lanes of x.
  e[0] = 0.f;
  for (int i = 0; i < half; i += 16) {
    const int n0 = W - 2 * i, n1 = n0 - 16;  // elements of x left in each of the two loads
    const __m512 a = _mm512_maskz_loadu_ps(firstN(n0), xr + 2 * i);
    const __m512 b = _mm512_maskz_loadu_ps(firstN(n1), xr + 2 * i + 16);
    _mm512_mask_storeu_ps(o + i, firstN(half - i), _mm512_permutex2var_ps(a, evenIdx, b));
    _mm512_mask_storeu_ps(e + i + 1, firstN(half - 1 - i), _mm512_permutex2var_ps(a, oddIdx, b));
  }
}

void inputTiles(float* V, int64_t ldXi, int64_t ldC, const float* x, int C, int H, int W, float* scratch) {
  const int tH = (H + 1) / 2, tW = (W + 1) / 2, rows = 2 * tH + 2, half = tW + 1;
  float* E = scratch;
  float* O = scratch + (int64_t)rows * half;
  for (int c = 0; c < C; c++) {
    const float* xc = x + (int64_t)c * H * W;
    for (int r = 0; r < rows; r++) {
      float* e = E + (int64_t)r * half;
      float* o = O + (int64_t)r * half;
      const int y = r - 1;
      if (y < 0 || y >= H) {
        std::memset(e, 0, sizeof(float) * half);
        std::memset(o, 0, sizeof(float) * half);
      } else {
        splitRow(e, o, xc + (int64_t)y * W, W, half);
      }
    }
    float* vc = V + (int64_t)c * ldC;
    for (int ty = 0; ty < tH; ty++) {
      const float* e0 = E + (int64_t)(2 * ty) * half;
      const float* o0 = O + (int64_t)(2 * ty) * half;
      float* v = vc + (int64_t)ty * tW;
      for (int tx = 0; tx < tW; tx += 16) {
        const __mmask16 m = firstN(tW - tx);
        __m512 d[4][4];
        for (int r = 0; r < 4; r++) {
          const float* e = e0 + (int64_t)r * half + tx;
          const float* o = o0 + (int64_t)r * half + tx;
          d[r][0] = _mm512_maskz_loadu_ps(m, e);
          d[r][1] = _mm512_maskz_loadu_ps(m, o);
          d[r][2] = _mm512_maskz_loadu_ps(m, e + 1);
          d[r][3] = _mm512_maskz_loadu_ps(m, o + 1);
        }
        storeInputTiles(v + tx, ldXi, m, d);
      }
    }
  }
}

void outputTiles(float* y, const float* M, int64_t ldXi, int64_t ldK, const float* bias, int K, int H, int W, float*) {
  const int tH = (H + 1) / 2, tW = (W + 1) / 2;
  // Interleaves (a0, b0, a1, b1, ...): the low 16 outputs from lanes 0-7, the high from 8-15.
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  for (int k = 0; k < K; k++) {
    const __m512 bk = _mm512_set1_ps(bias ? bias[k] : 0.f);
    float* yk = y + (int64_t)k * H * W;
    for (int ty = 0; ty < tH; ty++) {
      const float* mrow = M + (int64_t)k * ldK + (int64_t)ty * tW;
      float* row0 = yk + (int64_t)(2 * ty) * W;
      float* row1 = row0 + W;
      const bool second = 2 * ty + 1 < H;
      for (int tx = 0; tx < tW; tx += 16) {
        const __mmask16 m = firstN(tW - tx);
        __m512 yc[2][2];
        outputCorners(mrow + tx, ldXi, m, bk, yc);
        const __m512 y00 = yc[0][0], y01 = yc[0][1], y10 = yc[1][0], y11 = yc[1][1];
        // Output columns 2tx .. 2tx + 31 of the two rows, cut at W.
        const int left = W - 2 * tx;
        const __mmask16 mlo = firstN(left), mhi = firstN(left - 16);
        _mm512_mask_storeu_ps(row0 + 2 * tx, mlo, _mm512_permutex2var_ps(y00, lo, y01));
        _mm512_mask_storeu_ps(row0 + 2 * tx + 16, mhi, _mm512_permutex2var_ps(y00, hi, y01));
        if (second) {
          _mm512_mask_storeu_ps(row1 + 2 * tx, mlo, _mm512_permutex2var_ps(y10, lo, y11));
          _mm512_mask_storeu_ps(row1 + 2 * tx + 16, mhi, _mm512_permutex2var_ps(y10, hi, y11));
        }
      }
    }
  }
}

// Output-gradient tiles for backward-weight (winograd_transforms.h: winogradGradTiles).
void gradTiles(float* Y, int64_t ldXi, int64_t ldK, const float* dy, int K, int H, int W, float* scratch) {
  const int tH = (H + 1) / 2, tW = (W + 1) / 2, half = tW + 1;
  // splitRow: ev[i] = row[2i] (its "o" output), od[i + 1] = row[2i + 1] (its "e" output).
  float *od0 = scratch, *ev0 = od0 + half, *od1 = ev0 + half, *ev1 = od1 + half;
  for (int k = 0; k < K; k++) {
    const float* dk = dy + (int64_t)k * H * W;
    for (int ty = 0; ty < tH; ty++) {
      splitRow(od0, ev0, dk + (int64_t)(2 * ty) * W, W, half);
      if (2 * ty + 1 < H) {
        splitRow(od1, ev1, dk + (int64_t)(2 * ty + 1) * W, W, half);
      } else {
        std::memset(od1, 0, sizeof(float) * half);
        std::memset(ev1, 0, sizeof(float) * half);
      }
      float* y = Y + (int64_t)k * ldK + (int64_t)ty * tW;
      for (int tx = 0; tx < tW; tx += 16) {
        const __mmask16 m = firstN(tW - tx);
        const __m512 a = _mm512_maskz_loadu_ps(m, ev0 + tx), b = _mm512_maskz_loadu_ps(m, od0 + tx + 1);
        const __m512 c = _mm512_maskz_loadu_ps(m, ev1 + tx), d = _mm512_maskz_loadu_ps(m, od1 + tx + 1);
        storeGradTiles(y + tx, ldXi, m, a, b, c, d);
      }
    }
  }
}

}  // namespace

WinogradTransforms winogradTransformsAvx512() { return {inputTiles, outputTiles, gradTiles}; }

}  // namespace selfsup
