// AVX-512 Winograd F(2x2, 3x3) tile transforms for planes at most 32 wide (14x14, 28x28): the
// same arithmetic as winograd_avx512.cc, with the image rows a tile row needs held in registers
// and each tile column picked out of them by a two-register permute (zero lanes for the padding),
// instead of splitting every row into even and odd columns in memory first. Rows of at most 16
// ("paired": 14x14 has 7 tiles a row) put two tile rows in one vector, one in each register of the
// permute's pair; wider rows (17..32, 28x28) put one tile row per vector, the row's two halves
// being the pair. Compiled with the AVX-512 flags only; checked through the conv entry points
// against the reference conv by test/native/conv.test.ts under SELFSUP_ISA=avx512.
#include <immintrin.h>

#include <cstdint>

#include "../cpu/winograd.h"
#include "winograd_tile_avx512.h"

namespace selfsup {
namespace {

// Per plane width: lane l of a vector is tile column l (one tile row) or, paired, tile column
// l of the first tile row (l < tW) and l - tW of the second; source lanes >= 16 are the second
// register of the pair.
struct RowTables {
  int W = -1, tW = 0;
  bool paired = false;
  alignas(64) int32_t input[4][16];  // padded column 2tx + c, image column 2tx + c - 1
  __mmask16 inputValid[4];
  alignas(64) int32_t grad[2][16];   // image column 2tx + b
  __mmask16 gradValid[2];
  alignas(64) int32_t out[2][16];    // paired output rows: image column j of tile row 0 or 1
};

const RowTables& rowTables(int W) {
  thread_local RowTables t;
  if (t.W == W) return t;
  t.W = W;
  t.tW = (W + 1) / 2;
  t.paired = W <= 16;
  const int tW = t.tW;
  // Lane l: (register offset, tile column) or none.
  auto lane = [&](int l, int& base, int& tx) {
    if (l < tW) { base = 0; tx = l; return true; }
    if (t.paired && l < 2 * tW) { base = 16; tx = l - tW; return true; }
    return false;
  };
  for (int c = 0; c < 4; c++) {
    t.inputValid[c] = 0;
    for (int l = 0; l < 16; l++) {
      int base, tx;
      t.input[c][l] = 0;
      if (!lane(l, base, tx)) continue;
      const int col = 2 * tx + c - 1;
      if (col < 0 || col >= W) continue;
      t.input[c][l] = base + col;
      t.inputValid[c] |= (__mmask16)(1u << l);
    }
  }
  for (int b = 0; b < 2; b++) {
    t.gradValid[b] = 0;
    for (int l = 0; l < 16; l++) {
      int base, tx;
      t.grad[b][l] = 0;
      if (!lane(l, base, tx) || 2 * tx + b >= W) continue;
      t.grad[b][l] = base + 2 * tx + b;
      t.gradValid[b] |= (__mmask16)(1u << l);
    }
  }
  // Output column j of a paired tile row r comes from corner (., j & 1) of tile r * tW + j / 2.
  for (int r = 0; r < 2; r++)
    for (int j = 0; j < 16; j++) t.out[r][j] = j < W ? 16 * (j & 1) + r * tW + j / 2 : 0;
  return t;
}

// Image row y of a plane, lanes [from, from + 16), zeros outside the plane.
inline __m512 row(const float* plane, int y, int H, int W, int from) {
  if (y < 0 || y >= H) return _mm512_setzero_ps();
  return _mm512_maskz_loadu_ps(firstN(W - from), plane + (int64_t)y * W + from);
}

inline __m512 pick(__m512 a, __m512 b, const int32_t* idx, __mmask16 valid) {
  return _mm512_maskz_permutex2var_ps(valid, a, _mm512_load_si512(idx), b);
}

void inputTiles(float* V, int64_t ldXi, int64_t ldC, const float* x, int C, int H, int W, float*) {
  const RowTables& rt = rowTables(W);
  const int tW = rt.tW, tH = (H + 1) / 2, step = rt.paired ? 2 : 1;
  for (int c = 0; c < C; c++) {
    const float* xc = x + (int64_t)c * H * W;
    float* vc = V + (int64_t)c * ldC;
    for (int ty = 0; ty < tH; ty += step) {
      // Register pairs (a[r], b[r]) per tile row offset r: paired, rows 2ty + r - 1 of the two
      // tile rows (six rows, the second tile row's first two being the first's last two; past a
      // last unpaired tile row they only fill lanes the store masks off); wide, the two halves
      // of row 2ty + r - 1.
      __m512 a[4], b[4];
      if (rt.paired) {
        __m512 rows[6];
        for (int i = 0; i < 6; i++) rows[i] = row(xc, 2 * ty - 1 + i, H, W, 0);
        for (int r = 0; r < 4; r++) {
          a[r] = rows[r];
          b[r] = rows[r + 2];
        }
      } else {
        for (int r = 0; r < 4; r++) {
          a[r] = row(xc, 2 * ty + r - 1, H, W, 0);
          b[r] = row(xc, 2 * ty + r - 1, H, W, 16);
        }
      }
      const int tiles = rt.paired ? (ty + 1 < tH ? 2 * tW : tW) : tW;
      const __mmask16 m = firstN(tiles);
      __m512 d[4][4];
      for (int r = 0; r < 4; r++)
        for (int col = 0; col < 4; col++) d[r][col] = pick(a[r], b[r], rt.input[col], rt.inputValid[col]);
      storeInputTiles(vc + (int64_t)ty * tW, ldXi, m, d);
    }
  }
}

// Paired rows only (W <= 16); wider rows use the row-wise output transform of winograd_avx512.cc,
// which already works from registers.
void outputTilesPaired(float* y, const float* M, int64_t ldXi, int64_t ldK, const float* bias, int K, int H, int W,
                       float*) {
  const RowTables& rt = rowTables(W);
  const int tW = rt.tW, tH = (H + 1) / 2;
  const __mmask16 store = firstN(W);
  for (int k = 0; k < K; k++) {
    const __m512 bk = _mm512_set1_ps(bias ? bias[k] : 0.f);
    float* yk = y + (int64_t)k * H * W;
    for (int ty = 0; ty < tH; ty += 2) {
      const __mmask16 m = firstN(ty + 1 < tH ? 2 * tW : tW);
      const float* mrow = M + (int64_t)k * ldK + (int64_t)ty * tW;
      __m512 yc[2][2];
      outputCorners(mrow, ldXi, m, bk, yc);
      // Image rows 2ty .. 2ty + 3: (tile row, corner row) = (0, 0), (0, 1), (1, 0), (1, 1).
      for (int i = 0; i < 4; i++) {
        const int yRow = 2 * ty + i;
        if (yRow >= H) break;
        const __m512i idx = _mm512_load_si512(rt.out[i / 2]);
        const __m512 v = _mm512_permutex2var_ps(yc[i & 1][0], idx, yc[i & 1][1]);
        _mm512_mask_storeu_ps(yk + (int64_t)yRow * W, store, v);
      }
    }
  }
}

// Output-gradient tiles for backward-weight: A g Aᵀ of each 2x2 block of dY, as in
// winograd_avx512.cc.
void gradTiles(float* Y, int64_t ldXi, int64_t ldK, const float* dy, int K, int H, int W, float*) {
  const RowTables& rt = rowTables(W);
  const int tW = rt.tW, tH = (H + 1) / 2, step = rt.paired ? 2 : 1;
  const __m512 zero = _mm512_setzero_ps();
  for (int k = 0; k < K; k++) {
    const float* dk = dy + (int64_t)k * H * W;
    for (int ty = 0; ty < tH; ty += step) {
      // (a0, b0): the block's top rows; (a1, b1): its bottom rows (zeros past the plane).
      __m512 a0, b0, a1, b1;
      if (rt.paired) {
        const bool second = ty + 1 < tH;
        a0 = row(dk, 2 * ty, H, W, 0);
        a1 = row(dk, 2 * ty + 1, H, W, 0);
        b0 = second ? row(dk, 2 * ty + 2, H, W, 0) : zero;
        b1 = second ? row(dk, 2 * ty + 3, H, W, 0) : zero;
      } else {
        a0 = row(dk, 2 * ty, H, W, 0);
        b0 = row(dk, 2 * ty, H, W, 16);
        a1 = row(dk, 2 * ty + 1, H, W, 0);
        b1 = row(dk, 2 * ty + 1, H, W, 16);
      }
      const int tiles = rt.paired ? (ty + 1 < tH ? 2 * tW : tW) : tW;
      const __mmask16 m = firstN(tiles);
      const __m512 a = pick(a0, b0, rt.grad[0], rt.gradValid[0]), b = pick(a0, b0, rt.grad[1], rt.gradValid[1]);
      const __m512 c = pick(a1, b1, rt.grad[0], rt.gradValid[0]), d = pick(a1, b1, rt.grad[1], rt.gradValid[1]);
      storeGradTiles(Y + (int64_t)k * ldK + (int64_t)ty * tW, ldXi, m, a, b, c, d);
    }
  }
}

}  // namespace

WinogradTransforms winogradRowTransformsAvx512(int W) {
  // Rows wider than 16 keep winograd_avx512.cc's output transform, which works from registers.
  WinogradTransforms t = winogradTransformsAvx512();
  t.input = inputTiles;
  t.grad = gradTiles;
  if (W <= 16) t.output = outputTilesPaired;
  return t;
}

}  // namespace selfsup
