// The arithmetic of Winograd F(2x2, 3x3) on vectors of tiles (one tile per lane), shared by the
// three AVX-512 transform layouts (winograd_avx512.cc: split rows; winograd_rows_avx512.cc:
// rows in registers; winograd_small_avx512.cc: whole planes), which differ only in how they
// gather a tile's values into lanes and scatter results back. The matrices are in
// kernels/cpu/winograd_transforms.h. Internal linkage, AVX-512 files only: an inline function
// shared with baseline objects could be linked as the AVX-512 copy.
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "lanes_avx512.h"

namespace selfsup {
namespace {

// V[xi] = (Bᵀ d B)[xi] for the 4x4 input tiles d[r][c] (row r, column c of every lane's tile),
// stored at v + xi * ldXi under mask m.
inline void storeInputTiles(float* v, int64_t ldXi, __mmask16 m, const __m512 d[4][4]) {
  __m512 w[4][4];
  for (int r = 0; r < 4; r++) {
    w[r][0] = _mm512_sub_ps(d[r][0], d[r][2]);
    w[r][1] = _mm512_add_ps(d[r][1], d[r][2]);
    w[r][2] = _mm512_sub_ps(d[r][2], d[r][1]);
    w[r][3] = _mm512_sub_ps(d[r][1], d[r][3]);
  }
  for (int j = 0; j < 4; j++) {
    _mm512_mask_storeu_ps(v + (0 * 4 + j) * ldXi, m, _mm512_sub_ps(w[0][j], w[2][j]));
    _mm512_mask_storeu_ps(v + (1 * 4 + j) * ldXi, m, _mm512_add_ps(w[1][j], w[2][j]));
    _mm512_mask_storeu_ps(v + (2 * 4 + j) * ldXi, m, _mm512_sub_ps(w[2][j], w[1][j]));
    _mm512_mask_storeu_ps(v + (3 * 4 + j) * ldXi, m, _mm512_sub_ps(w[1][j], w[3][j]));
  }
}

// The 2x2 outputs Aᵀ m A + bias of the products m[xi] at mrow + xi * ldXi (loaded under mask m):
// y[a][b] is output row a, column b of every lane's tile.
inline void outputCorners(const float* mrow, int64_t ldXi, __mmask16 m, __m512 bias, __m512 y[2][2]) {
  __m512 t[16];
  for (int xi = 0; xi < 16; xi++) t[xi] = _mm512_maskz_loadu_ps(m, mrow + xi * ldXi);
  __m512 s0[4], s1[4];
  for (int j = 0; j < 4; j++) {
    s0[j] = _mm512_add_ps(_mm512_add_ps(t[j], t[4 + j]), t[8 + j]);
    s1[j] = _mm512_sub_ps(_mm512_sub_ps(t[4 + j], t[8 + j]), t[12 + j]);
  }
  y[0][0] = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s0[0], s0[1]), s0[2]), bias);
  y[0][1] = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s0[1], s0[2]), s0[3]), bias);
  y[1][0] = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s1[0], s1[1]), s1[2]), bias);
  y[1][1] = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s1[1], s1[2]), s1[3]), bias);
}

// Output-gradient tiles A g Aᵀ (F(3x3, 2x2), backward-weight) of the 2x2 blocks (a b; c d) of dY,
// stored at y + xi * ldXi under mask m. A = [1 0; 1 1; 1 -1; 0 -1].
inline void storeGradTiles(float* y, int64_t ldXi, __mmask16 m, __m512 a, __m512 b, __m512 c, __m512 d) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512 rows[4][2] = {{a, b},
                             {_mm512_add_ps(a, c), _mm512_add_ps(b, d)},
                             {_mm512_sub_ps(a, c), _mm512_sub_ps(b, d)},
                             {_mm512_sub_ps(zero, c), _mm512_sub_ps(zero, d)}};
  for (int i = 0; i < 4; i++) {
    const __m512 p = rows[i][0], q = rows[i][1];
    _mm512_mask_storeu_ps(y + (4 * i + 0) * ldXi, m, p);
    _mm512_mask_storeu_ps(y + (4 * i + 1) * ldXi, m, _mm512_add_ps(p, q));
    _mm512_mask_storeu_ps(y + (4 * i + 2) * ldXi, m, _mm512_sub_ps(p, q));
    _mm512_mask_storeu_ps(y + (4 * i + 3) * ldXi, m, _mm512_sub_ps(zero, q));
  }
}

}  // namespace
}  // namespace selfsup
