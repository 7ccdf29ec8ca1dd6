// AVX-512 Winograd F(2x2, 3x3) tile transforms for small planes (at most 64 positions and 16
// tiles: 7x7, 8x8, 5x5, ...): the same arithmetic as winograd_avx512.cc, but one vector holds a
// tile position of every tile of a plane, not of one tile row. The whole plane sits in four
// registers and each of the 16 (or 4) tile-position vectors is two two-register permutes from it,
// with out-of-plane lanes zeroed by the permute masks; the output transform permutes the four
// 2x2-corner vectors back into plane order. A 7x7 plane has 4 tiles a row, so the row-wise
// transforms filled a quarter of each vector and stored 64 partial vectors per channel; here 16
// full ones. Compiled with the AVX-512 flags only; checked through the conv entry points against
// the reference conv by test/native/conv.test.ts under SELFSUP_ISA=avx512 (1x1, 3x16, 5x6, 7x7, 8x8).
#include <immintrin.h>

#include <cstdint>

#include "../cpu/winograd.h"
#include "winograd_tile_avx512.h"

namespace selfsup {
namespace {

// Lanes of one vector taken from a plane of up to 64 floats held in four registers: lane l is
// plane[pos[l]] where lo has its bit (pos < 32, from registers 0-1) or hi has it (registers 2-3),
// and 0 where neither has (outside the plane: the zero padding).
struct PlaneSelect {
  alignas(64) int32_t idx[16];
  __mmask16 lo, hi;
};

// Plane order from the four corner vectors y00, y01, y10, y11 (lane t = tile): output lane l of
// register q is corner (row & 1, col & 1) of the tile holding position 16q + l.
struct PlaneGather {
  alignas(64) int32_t idx[16];  // tile + 16 * (col & 1): a permute of (y_r0, y_r1)
  __mmask16 oddRow, store;
};

struct SmallPlane {
  int H = -1, W = -1, tW = 0, T = 0, HW = 0;
  PlaneSelect input[16];  // the 4x4 input tile values d[r][c] at padded (2ty + r, 2tx + c)
  PlaneSelect grad[4];    // the 2x2 output-gradient block at (2ty + a, 2tx + b), a = i / 2, b = i % 2
  PlaneGather out[4];
};

PlaneSelect select(int H, int W, int tW, int T, int dy, int dx) {
  PlaneSelect s{};
  s.lo = s.hi = 0;
  for (int t = 0; t < 16; t++) {
    const int y = 2 * (t / tW) + dy, x = 2 * (t % tW) + dx;
    if (t >= T || y < 0 || y >= H || x < 0 || x >= W) continue;
    const int pos = y * W + x;
    s.idx[t] = pos & 31;
    if (pos < 32) s.lo |= (__mmask16)(1u << t);
    else s.hi |= (__mmask16)(1u << t);
  }
  return s;
}

// The tables depend only on the plane size; a batch of calls shares one.
const SmallPlane& planeTables(int H, int W) {
  thread_local SmallPlane p;
  if (p.H == H && p.W == W) return p;
  p.H = H; p.W = W; p.tW = (W + 1) / 2; p.T = ((H + 1) / 2) * p.tW; p.HW = H * W;
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++) p.input[r * 4 + c] = select(H, W, p.tW, p.T, r - 1, c - 1);
  for (int i = 0; i < 4; i++) p.grad[i] = select(H, W, p.tW, p.T, i / 2, i % 2);
  for (int q = 0; q < 4; q++) {
    PlaneGather& g = p.out[q];
    g.oddRow = 0;
    g.store = firstN(p.HW - 16 * q);
    for (int l = 0; l < 16; l++) {
      const int pos = 16 * q + l, y = pos / W, x = pos % W;
      g.idx[l] = pos < p.HW ? (y / 2) * p.tW + x / 2 + 16 * (x & 1) : 0;
      if (pos < p.HW && (y & 1)) g.oddRow |= (__mmask16)(1u << l);
    }
  }
  return p;
}

struct PlaneRegs {
  __m512 r[4];
  bool high;  // whether the plane reaches registers 2-3
};

inline PlaneRegs loadPlane(const float* x, int HW) {
  PlaneRegs p;
  for (int q = 0; q < 4; q++) p.r[q] = _mm512_maskz_loadu_ps(firstN(HW - 16 * q), x + 16 * q);
  p.high = HW > 32;
  return p;
}

inline __m512 pick(const PlaneRegs& p, const PlaneSelect& s) {
  const __m512i idx = _mm512_load_si512(s.idx);
  const __m512 lo = _mm512_maskz_permutex2var_ps(s.lo, p.r[0], idx, p.r[1]);
  if (!p.high) return lo;
  return _mm512_or_ps(lo, _mm512_maskz_permutex2var_ps(s.hi, p.r[2], idx, p.r[3]));
}

void inputTiles(float* V, int64_t ldXi, int64_t ldC, const float* x, int C, int H, int W, float*) {
  const SmallPlane& sp = planeTables(H, W);
  const __mmask16 m = firstN(sp.T);
  for (int c = 0; c < C; c++) {
    const PlaneRegs plane = loadPlane(x + (int64_t)c * sp.HW, sp.HW);
    __m512 d[4][4];
    for (int r = 0; r < 4; r++)
      for (int col = 0; col < 4; col++) d[r][col] = pick(plane, sp.input[r * 4 + col]);
    storeInputTiles(V + (int64_t)c * ldC, ldXi, m, d);
  }
}

void outputTiles(float* y, const float* M, int64_t ldXi, int64_t ldK, const float* bias, int K, int H, int W, float*) {
  const SmallPlane& sp = planeTables(H, W);
  const __mmask16 m = firstN(sp.T);
  const int regs = (sp.HW + 15) / 16;
  for (int k = 0; k < K; k++) {
    const __m512 bk = _mm512_set1_ps(bias ? bias[k] : 0.f);
    const float* mk = M + (int64_t)k * ldK;
    __m512 yc[2][2];
    outputCorners(mk, ldXi, m, bk, yc);
    float* yk = y + (int64_t)k * sp.HW;
    for (int q = 0; q < regs; q++) {
      const PlaneGather& g = sp.out[q];
      const __m512i idx = _mm512_load_si512(g.idx);
      const __m512 even = _mm512_permutex2var_ps(yc[0][0], idx, yc[0][1]), odd = _mm512_permutex2var_ps(yc[1][0], idx, yc[1][1]);
      _mm512_mask_storeu_ps(yk + 16 * q, g.store, _mm512_mask_blend_ps(g.oddRow, even, odd));
    }
  }
}

// Output-gradient tiles for backward-weight: A g Aᵀ of each 2x2 block, as in winograd_avx512.cc.
void gradTiles(float* Y, int64_t ldXi, int64_t ldK, const float* dy, int K, int H, int W, float*) {
  const SmallPlane& sp = planeTables(H, W);
  const __mmask16 m = firstN(sp.T);
  for (int k = 0; k < K; k++) {
    const PlaneRegs plane = loadPlane(dy + (int64_t)k * sp.HW, sp.HW);
    const __m512 a = pick(plane, sp.grad[0]), b = pick(plane, sp.grad[1]);
    const __m512 c = pick(plane, sp.grad[2]), d = pick(plane, sp.grad[3]);
    storeGradTiles(Y + (int64_t)k * ldK, ldXi, m, a, b, c, d);
  }
}

}  // namespace

WinogradTransforms winogradSmallPlaneTransformsAvx512() { return {inputTiles, outputTiles, gradTiles}; }

}  // namespace selfsup
