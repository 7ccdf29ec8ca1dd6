// Tile transforms of Winograd F(2x2, 3x3) (Lavin & Gray 2015): Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A with
//   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], Aᵀ = [1 1 1 0; 0 1 -1 -1],
// for 3x3, stride-1, pad-1 2-D convolution (cross-correlation, PyTorch's conv2d). A 4x4 input
// tile d at padded (2ty, 2tx) gives the 2x2 outputs at (2ty, 2tx). These are the portable
// versions (scalar and AVX2 ISAs; the compiler vectorizes the tile loops); kernels/x86/
// winograd_avx512.cc has the same arithmetic with masked vectors. Internal linkage: only
// winograd.cc (baseline flags) may include this file.
#pragma once
#include <cstdint>
#include <cstring>

// The 16 rows a transform writes and the rows it reads never overlap; without saying so the
// compiler assumes they might and keeps the tile loops scalar.
#if defined(__clang__)
#define SS_NO_ALIAS_LOOP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define SS_NO_ALIAS_LOOP _Pragma("GCC ivdep")
#else
#define SS_NO_ALIAS_LOOP
#endif

namespace selfsup {
namespace {

// Input transform of one image's C planes (H x W): V[xi * ldXi + c * ldC + t] for the 16 tile
// positions xi = 4i + j and tile t = ty * tW + tx. Each padded row is first split into its even
// and odd columns, so the four columns of every tile in a row of tiles are contiguous loads.
// scratch: 2 * (2 * tH + 2) * (tW + 1) floats.
inline void winogradInputTiles(float* V, int64_t ldXi, int64_t ldC, const float* x, int C, int H, int W, float* scratch) {
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
        continue;
      }
      // padded column q = x + 1: E[i] = x[2i - 1] for 1 <= i <= W/2, O[i] = x[2i] for 2i < W; zeros
      // elsewhere (the border and the odd column past the image when W is odd).
      const float* xr = xc + (int64_t)y * W;
      const int eEnd = W / 2 + 1, oEnd = (W - 1) / 2 + 1;
      e[0] = 0.f;
      for (int i = 1; i < eEnd; i++) e[i] = xr[2 * i - 1];
      for (int i = eEnd; i < half; i++) e[i] = 0.f;
      for (int i = 0; i < oEnd; i++) o[i] = xr[2 * i];
      for (int i = oEnd; i < half; i++) o[i] = 0.f;
    }
    float* vc = V + (int64_t)c * ldC;
    for (int ty = 0; ty < tH; ty++) {
      const float *e0 = E + (int64_t)(2 * ty) * half, *e1 = e0 + half, *e2 = e1 + half, *e3 = e2 + half;
      const float *o0 = O + (int64_t)(2 * ty) * half, *o1 = o0 + half, *o2 = o1 + half, *o3 = o2 + half;
      // One pointer per destination row: indexing v[xi * ldXi + tx] with a runtime stride keeps the
      // compiler from vectorizing ("complicated access pattern").
      float* v = vc + (int64_t)ty * tW;
      float *v0 = v, *v1 = v0 + ldXi, *v2 = v1 + ldXi, *v3 = v2 + ldXi, *v4 = v3 + ldXi, *v5 = v4 + ldXi;
      float *v6 = v5 + ldXi, *v7 = v6 + ldXi, *v8 = v7 + ldXi, *v9 = v8 + ldXi, *v10 = v9 + ldXi, *v11 = v10 + ldXi;
      float *v12 = v11 + ldXi, *v13 = v12 + ldXi, *v14 = v13 + ldXi, *v15 = v14 + ldXi;
      SS_NO_ALIAS_LOOP
      for (int tx = 0; tx < tW; tx++) {
        // d B per row r (columns d0..d3 = e[tx], o[tx], e[tx+1], o[tx+1])
        const float w00 = e0[tx] - e0[tx + 1], w01 = o0[tx] + e0[tx + 1], w02 = e0[tx + 1] - o0[tx], w03 = o0[tx] - o0[tx + 1];
        const float w10 = e1[tx] - e1[tx + 1], w11 = o1[tx] + e1[tx + 1], w12 = e1[tx + 1] - o1[tx], w13 = o1[tx] - o1[tx + 1];
        const float w20 = e2[tx] - e2[tx + 1], w21 = o2[tx] + e2[tx + 1], w22 = e2[tx + 1] - o2[tx], w23 = o2[tx] - o2[tx + 1];
        const float w30 = e3[tx] - e3[tx + 1], w31 = o3[tx] + e3[tx + 1], w32 = e3[tx + 1] - o3[tx], w33 = o3[tx] - o3[tx + 1];
        // Bᵀ (d B)
        v0[tx] = w00 - w20; v1[tx] = w01 - w21; v2[tx] = w02 - w22; v3[tx] = w03 - w23;
        v4[tx] = w10 + w20; v5[tx] = w11 + w21; v6[tx] = w12 + w22; v7[tx] = w13 + w23;
        v8[tx] = w20 - w10; v9[tx] = w21 - w11; v10[tx] = w22 - w12; v11[tx] = w23 - w13;
        v12[tx] = w10 - w30; v13[tx] = w11 - w31; v14[tx] = w12 - w32; v15[tx] = w13 - w33;
      }
    }
  }
}

// Output transform of one image's K planes: y[k] (H x W) = Aᵀ m A (+ bias[k]) from
// M[xi * ldXi + k * ldK + t]. Every element of y is written. scratch: 4 * tW floats.
inline void winogradOutputTiles(float* y, const float* M, int64_t ldXi, int64_t ldK, const float* bias, int K, int H, int W,
                                float* scratch) {
  const int tH = (H + 1) / 2, tW = (W + 1) / 2;
  float* r0 = scratch;
  float* r1 = scratch + 2 * tW;
  for (int k = 0; k < K; k++) {
    const float bk = bias ? bias[k] : 0.f;
    float* yk = y + (int64_t)k * H * W;
    for (int ty = 0; ty < tH; ty++) {
      const float* m = M + (int64_t)k * ldK + (int64_t)ty * tW;
      const float *m0 = m, *m1 = m0 + ldXi, *m2 = m1 + ldXi, *m3 = m2 + ldXi, *m4 = m3 + ldXi, *m5 = m4 + ldXi;
      const float *m6 = m5 + ldXi, *m7 = m6 + ldXi, *m8 = m7 + ldXi, *m9 = m8 + ldXi, *m10 = m9 + ldXi, *m11 = m10 + ldXi;
      const float *m12 = m11 + ldXi, *m13 = m12 + ldXi, *m14 = m13 + ldXi, *m15 = m14 + ldXi;
      SS_NO_ALIAS_LOOP
      for (int tx = 0; tx < tW; tx++) {
        // Aᵀ m: s0 = m0 + m1 + m2, s1 = m1 - m2 - m3 (rows), then the same on columns.
        const float s00 = m0[tx] + m4[tx] + m8[tx], s01 = m1[tx] + m5[tx] + m9[tx];
        const float s02 = m2[tx] + m6[tx] + m10[tx], s03 = m3[tx] + m7[tx] + m11[tx];
        const float s10 = m4[tx] - m8[tx] - m12[tx], s11 = m5[tx] - m9[tx] - m13[tx];
        const float s12 = m6[tx] - m10[tx] - m14[tx], s13 = m7[tx] - m11[tx] - m15[tx];
        r0[2 * tx] = s00 + s01 + s02 + bk;
        r0[2 * tx + 1] = s01 - s02 - s03 + bk;
        r1[2 * tx] = s10 + s11 + s12 + bk;
        r1[2 * tx + 1] = s11 - s12 - s13 + bk;
      }
      std::memcpy(yk + (int64_t)(2 * ty) * W, r0, sizeof(float) * W);
      if (2 * ty + 1 < H) std::memcpy(yk + (int64_t)(2 * ty + 1) * W, r1, sizeof(float) * W);
    }
  }
}

// Output-gradient tiles for the backward-weight pass, F(3x3, 2x2) (the transpose of F(2x2, 3x3):
// the same input tiles, dW = Gᵀ[Σ_t (A g_t Aᵀ) ⊙ (Bᵀ d_t B)]G): Y[xi * ldXi + k * ldK + t] =
// (A g Aᵀ)[xi] for the 2x2 block g of dY at tile t (zeros past the plane), A = [1 0; 1 1; 1 -1; 0 -1].
// scratch: 4 * tW floats.
inline void winogradGradTiles(float* Y, int64_t ldXi, int64_t ldK, const float* dy, int K, int H, int W, float* scratch) {
  const int tH = (H + 1) / 2, tW = (W + 1) / 2;
  float *ev0 = scratch, *od0 = ev0 + tW, *ev1 = od0 + tW, *od1 = ev1 + tW;
  for (int k = 0; k < K; k++) {
    const float* dk = dy + (int64_t)k * H * W;
    for (int ty = 0; ty < tH; ty++) {
      const float* r0 = dk + (int64_t)(2 * ty) * W;
      const float* r1 = 2 * ty + 1 < H ? r0 + W : nullptr;
      for (int tx = 0; tx < tW; tx++) {
        const bool right = 2 * tx + 1 < W;
        ev0[tx] = r0[2 * tx];
        od0[tx] = right ? r0[2 * tx + 1] : 0.f;
        ev1[tx] = r1 ? r1[2 * tx] : 0.f;
        od1[tx] = r1 && right ? r1[2 * tx + 1] : 0.f;
      }
      float* y = Y + (int64_t)k * ldK + (int64_t)ty * tW;
      float *y0 = y, *y1 = y0 + ldXi, *y2 = y1 + ldXi, *y3 = y2 + ldXi, *y4 = y3 + ldXi, *y5 = y4 + ldXi;
      float *y6 = y5 + ldXi, *y7 = y6 + ldXi, *y8 = y7 + ldXi, *y9 = y8 + ldXi, *y10 = y9 + ldXi, *y11 = y10 + ldXi;
      float *y12 = y11 + ldXi, *y13 = y12 + ldXi, *y14 = y13 + ldXi, *y15 = y14 + ldXi;
      SS_NO_ALIAS_LOOP
      for (int tx = 0; tx < tW; tx++) {
        // A g: rows (a, b), (a + c, b + d), (a - c, b - d), (-c, -d); then (p, q) -> (p, p + q, p - q, -q).
        const float a = ev0[tx], b = od0[tx], c = ev1[tx], d = od1[tx];
        const float p1 = a + c, q1 = b + d, p2 = a - c, q2 = b - d;
        y0[tx] = a; y1[tx] = a + b; y2[tx] = a - b; y3[tx] = -b;
        y4[tx] = p1; y5[tx] = p1 + q1; y6[tx] = p1 - q1; y7[tx] = -q1;
        y8[tx] = p2; y9[tx] = p2 + q2; y10[tx] = p2 - q2; y11[tx] = -q2;
        y12[tx] = -c; y13[tx] = -c - d; y14[tx] = d - c; y15[tx] = d;
      }
    }
  }
}

}  // namespace
}  // namespace selfsup
