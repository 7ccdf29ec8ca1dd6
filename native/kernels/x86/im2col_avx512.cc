// AVX-512 row operations for the padded im2col / col2im loop nest (kernels/cpu/im2col_padded.h):
// stride 1 is a masked copy / add, stride 2 (every downsampling conv) gathers the even elements
// of two vectors with one permute and scatters back by spreading a vector over even lanes. Other
// strides take the scalar rows. Compiled with -mavx512f only; checked through ss_conv_* against
// the reference conv by test/native/conv.test.ts under SELFSUP_ISA=avx512.
#include <immintrin.h>

#include "../cpu/im2col_padded.h"
#include "lanes_avx512.h"

namespace selfsup {
namespace {

struct Avx512RowOps {
  // Rows of at most 8 outputs (7x7 planes and smaller) go two per vector: one two-source permute
  // takes row r's elements from the first register and row r+1's from the second.
  static inline void gatherRows(float* dst, const float* src, int rows, int n, int s, int64_t pitch) {
    if (n > 8 || (s != 1 && s != 2)) {
      for (int r = 0; r < rows; r++) gather(dst + (int64_t)r * n, src + r * pitch, n, s);
      return;
    }
    alignas(64) int32_t lanes[16];
    for (int l = 0; l < 16; l++) lanes[l] = l < n ? s * l : l < 2 * n ? 16 + s * (l - n) : 0;
    const __m512i idx = _mm512_load_si512(lanes);
    const __mmask16 span = firstN(s * (n - 1) + 1), two = firstN(2 * n), one = firstN(n);
    int r = 0;
    for (; r + 1 < rows; r += 2) {
      const __m512 a = _mm512_maskz_loadu_ps(span, src + r * pitch), b = _mm512_maskz_loadu_ps(span, src + (r + 1) * pitch);
      _mm512_mask_storeu_ps(dst + (int64_t)r * n, two, _mm512_permutex2var_ps(a, idx, b));
    }
    if (r < rows)
      _mm512_mask_storeu_ps(dst + (int64_t)r * n, one, _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(span, src + r * pitch), idx, _mm512_setzero_ps()));
  }

  // The adjoint: two rows of the column matrix in one load, each spread to its padded row's
  // lanes (i*s) and added there; the two padded rows never overlap (pitch >= row span).
  static inline void scatterAddRows(float* dst, const float* src, int rows, int n, int s, int64_t pitch) {
    if (n > 8 || (s != 1 && s != 2)) {
      for (int r = 0; r < rows; r++) scatterAdd(dst + r * pitch, src + (int64_t)r * n, n, s);
      return;
    }
    alignas(64) int32_t first[16], second[16];
    unsigned valid = 0;
    for (int j = 0; j < 16; j++) {
      const bool on = j % s == 0 && j / s < n;
      first[j] = on ? j / s : 0;
      second[j] = on ? n + j / s : 0;
      if (on) valid |= 1u << j;
    }
    const __m512i idxA = _mm512_load_si512(first), idxB = _mm512_load_si512(second);
    const __mmask16 on = (__mmask16)valid, span = firstN(s * (n - 1) + 1);
    int r = 0;
    for (; r < rows; r += 2) {
      const bool pair = r + 1 < rows;
      const __m512 v = _mm512_maskz_loadu_ps(firstN(pair ? 2 * n : n), src + (int64_t)r * n);
      float* a = dst + r * pitch;
      _mm512_mask_storeu_ps(a, span, _mm512_add_ps(_mm512_maskz_loadu_ps(span, a), _mm512_maskz_permutexvar_ps(on, idxA, v)));
      if (pair) {
        float* b = a + pitch;
        _mm512_mask_storeu_ps(b, span, _mm512_add_ps(_mm512_maskz_loadu_ps(span, b), _mm512_maskz_permutexvar_ps(on, idxB, v)));
      }
    }
  }

  static inline void gather(float* dst, const float* src, int n, int s) {
    if (s == 1) {
      for (int i = 0; i < n; i += 16) {
        const __mmask16 m = firstN(n - i);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_maskz_loadu_ps(m, src + i));
      }
    } else if (s == 2) {
      const __m512i evens = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
      for (int i = 0; i < n; i += 16) {
        const int m = n - i < 16 ? n - i : 16, span = 2 * m - 1;  // source elements this chunk reads
        const float* sp = src + 2 * i;
        const __m512 lo = _mm512_maskz_loadu_ps(firstN(span), sp);
        const __m512 hi = _mm512_maskz_loadu_ps(firstN(span > 16 ? span - 16 : 0), sp + 16);
        _mm512_mask_storeu_ps(dst + i, firstN(m), _mm512_permutex2var_ps(lo, evens, hi));
      }
    } else {
      ScalarRowOps::gather(dst, src, n, s);
    }
  }

  static inline void scatterAdd(float* dst, const float* src, int n, int s) {
    if (s == 1) {
      for (int i = 0; i < n; i += 16) {
        const __mmask16 m = firstN(n - i);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, dst + i), _mm512_maskz_loadu_ps(m, src + i)));
      }
    } else if (s == 2) {
      // Lane 2j of the low half gets src[j], lane 2j of the high half src[8 + j]; odd lanes 0.
      const __m512i spreadLo = _mm512_set_epi32(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
      const __m512i spreadHi = _mm512_set_epi32(15, 15, 14, 14, 13, 13, 12, 12, 11, 11, 10, 10, 9, 9, 8, 8);
      for (int i = 0; i < n; i += 16) {
        const int m = n - i < 16 ? n - i : 16, span = 2 * m - 1;  // destination elements touched
        const __m512 v = _mm512_maskz_loadu_ps(firstN(m), src + i);
        float* dp = dst + 2 * i;
        const __mmask16 mlo = firstN(span), mhi = firstN(span > 16 ? span - 16 : 0);
        _mm512_mask_storeu_ps(dp, mlo, _mm512_add_ps(_mm512_maskz_loadu_ps(mlo, dp), _mm512_maskz_permutexvar_ps(0x5555, spreadLo, v)));
        if (mhi)
          _mm512_mask_storeu_ps(dp + 16, mhi,
                                _mm512_add_ps(_mm512_maskz_loadu_ps(mhi, dp + 16), _mm512_maskz_permutexvar_ps(0x5555, spreadHi, v)));
      }
    } else {
      ScalarRowOps::scatterAdd(dst, src, n, s);
    }
  }
};

}  // namespace

void im2colChannelAvx512(float* col, int64_t ld, const float* pad, const ss_conv_params* p, const PaddedPlane& g) {
  im2colChannelPadded<Avx512RowOps>(col, ld, pad, p, g);
}
void col2imChannelAvx512(float* pad, const float* col, int64_t ld, const ss_conv_params* p, const PaddedPlane& g) {
  col2imChannelPadded<Avx512RowOps>(pad, col, ld, p, g);
}

}  // namespace selfsup
