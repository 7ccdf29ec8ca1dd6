// Winograd F(2x2, 3x3) convolution driver (winograd.h): filter transform U = G g Gᵀ once per call,
// then per batch of images: input tiles V = Bᵀ d B (16 x C x P, P = tiles of the batch), 16 GEMMs
// M[xi] = U[xi] (K x C) · V[xi] (C x P), output tiles Aᵀ m A. Backward-weight pairs the same input
// tiles with output-gradient tiles A g Aᵀ and sums their products over tiles (GEMMs along P).
// Images are spread over the thread pool, each with its own scratch; weight gradients are summed
// in fixed chunks, so results do not depend on the thread count.
// Checked against kernels/ref/conv_ref.cc (direct loops) by test/native/conv.test.ts on every ISA.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../../core/dispatch.h"
#include "../../core/reduce.h"
#include "../../core/threadpool.h"
#include "winograd.h"
#include "winograd_transforms.h"

namespace selfsup {
namespace {

thread_local std::vector<float> t_tiles, t_products, t_rows;

float* grow(std::vector<float>& v, int64_t n) {
  if ((int64_t)v.size() < n) v.resize(n);
  return v.data();
}

// AVX-512: planes whose every tile fits one vector (7x7: 16 tiles) take the whole-plane
// transforms, rows up to 32 wide the register-row ones, wider rows the split-row ones.
bool smallPlane(int H, int W) { return H * W <= 64 && ((H + 1) / 2) * ((W + 1) / 2) <= 16; }

WinogradTransforms transforms(int H, int W) {
  if (activeIsa() == SS_ISA_AVX512) {
    if (smallPlane(H, W)) return winogradSmallPlaneTransformsAvx512();
    return W <= 32 ? winogradRowTransformsAvx512(W) : winogradTransformsAvx512();
  }
  return {winogradInputTiles, winogradOutputTiles, winogradGradTiles};
}

// U[xi * outC * inC + o * inC + i] = (G g Gᵀ)[xi], g the 3x3 filter from input channel i to output
// channel o: w[o][i] for the forward pass; w[i][o] rotated by 180 degrees for backward-data.
std::vector<float> filterTiles(const float* w, int K, int C, bool backwardData) {
  const int outC = backwardData ? C : K, inC = backwardData ? K : C;
  std::vector<float> U((int64_t)16 * outC * inC);
  for (int o = 0; o < outC; o++)
    for (int i = 0; i < inC; i++) {
      float g[3][3];
      const float* src = backwardData ? w + ((int64_t)i * C + o) * 9 : w + ((int64_t)o * C + i) * 9;
      for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) g[r][c] = backwardData ? src[(2 - r) * 3 + (2 - c)] : src[r * 3 + c];
      // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2; then the same on columns.
      float q[4][3];
      for (int c = 0; c < 3; c++) {
        q[0][c] = g[0][c];
        q[1][c] = 0.5f * (g[0][c] + g[1][c] + g[2][c]);
        q[2][c] = 0.5f * (g[0][c] - g[1][c] + g[2][c]);
        q[3][c] = g[2][c];
      }
      for (int r = 0; r < 4; r++) {
        const float u[4] = {q[r][0], 0.5f * (q[r][0] + q[r][1] + q[r][2]), 0.5f * (q[r][0] - q[r][1] + q[r][2]), q[r][2]};
        for (int c = 0; c < 4; c++) U[(int64_t)(r * 4 + c) * outC * inC + (int64_t)o * inC + i] = u[c];
      }
    }
  return U;
}

// Tiles and image batches of one pass. Images per batch: enough tiles for wide GEMMs, while the
// two tile buffers (16 x channels x P floats each) stay within ~1 MB together, about one core's L2
// (2 and 0.5 MB measured no better).
struct Tiling {
  int tH, tW;
  int64_t T, plane, g, batches, scratch;
  Tiling(int64_t N, int chA, int chB, int H, int W) {
    tH = (H + 1) / 2; tW = (W + 1) / 2;
    T = (int64_t)tH * tW;
    plane = (int64_t)H * W;
    const int64_t budget = std::max<int64_t>(T, 16384 / (chA + chB));
    g = std::max<int64_t>(1, std::min<int64_t>(N, budget / T));
    batches = (N + g - 1) / g;
    scratch = std::max<int64_t>(2 * (2 * tH + 2) * (tW + 1), 4 * (tW + 1));
  }
};

// One conv: out (N, outC, H, W) from in (N, inC, H, W) and the transformed filter U.
void run(float* out, const float* in, const std::vector<float>& U, const float* bias, int64_t N, int inC, int outC,
         int H, int W) {
  const Tiling tl(N, inC, outC, H, W);
  const int64_t T = tl.T, inPlane = tl.plane, g = tl.g;
  const WinogradTransforms tf = transforms(H, W);
  // The 16 filter matrices are the GEMMs' A for every image batch: packed once here.
  std::vector<PackedGemmA> Up(16);
  for (int xi = 0; xi < 16; xi++) packGemmA(Up[xi], false, outC, inC, 1.f, U.data() + (int64_t)xi * outC * inC, inC);
  parallelFor(tl.batches, [&](int64_t b0, int64_t b1) {
    const int64_t P = g * T;
    float* V = grow(t_tiles, 16 * inC * P);
    float* M = grow(t_products, 16 * outC * P);
    float* scratch = grow(t_rows, tl.scratch);
    for (int64_t bi = b0; bi < b1; bi++) {
      const int64_t n0 = bi * g, gn = std::min<int64_t>(g, N - n0), Pb = gn * T;
      for (int64_t i = 0; i < gn; i++)
        tf.input(V + i * T, inC * Pb, Pb, in + (n0 + i) * inC * inPlane, inC, H, W, scratch);
      for (int xi = 0; xi < 16; xi++)
        sgemmPackedA(Up[xi], false, Pb, V + xi * inC * Pb, Pb, 0.f, M + xi * outC * Pb, Pb);
      for (int64_t i = 0; i < gn; i++)
        tf.output(out + (n0 + i) * outC * inPlane, M + i * T, outC * Pb, Pb, bias, outC, H, W, scratch);
    }
  });
}

bool enabledByEnvironment() {
  static const bool on = [] {
    const char* v = std::getenv("SELFSUP_WINOGRAD");
    return !(v && std::strcmp(v, "0") == 0);
  }();
  return on;
}

}  // namespace

bool winogradApplies(const ss_conv_params* p, WinogradPass pass) {
  if (p->groups != 1 || p->C < 16 || p->K < 16) return false;
  if (p->in[0] != 1 || p->k[0] != 1 || p->stride[0] != 1 || p->pad[0] != 0 || p->dil[0] != 1) return false;
  for (int i = 1; i < 3; i++)
    if (p->k[i] != 3 || p->stride[i] != 1 || p->pad[i] != 1 || p->dil[i] != 1 || p->out[i] != p->in[i]) return false;
  // Backward-weight on small planes with the row-wise transforms (7x7: four tiles a row) spends
  // most of its time in them and measured 0.7x of im2col; the whole-plane AVX-512 ones pay.
  if (pass == WinogradPass::BackwardWeight && (p->in[1] < 8 || p->in[2] < 8) &&
      !(activeIsa() == SS_ISA_AVX512 && smallPlane(p->in[1], p->in[2])))
    return false;
  return enabledByEnvironment();
}

void winogradForward(float* y, const float* x, const float* w, const float* b, const ss_conv_params* p) {
  run(y, x, filterTiles(w, p->K, p->C, false), b, p->N, p->C, p->K, p->in[1], p->in[2]);
}

void winogradBackwardData(float* dx, const float* dy, const float* w, const ss_conv_params* p) {
  run(dx, dy, filterTiles(w, p->K, p->C, true), nullptr, p->N, p->K, p->C, p->in[1], p->in[2]);
}

void winogradBackwardWeight(float* dw, float* db, const float* x, const float* dy, const ss_conv_params* p) {
  const int C = p->C, K = p->K, H = p->in[1], W = p->in[2];
  const Tiling tl(p->N, C, K, H, W);
  const int64_t T = tl.T, plane = tl.plane, g = tl.g, N = p->N;
  if (N == 0) return;
  const WinogradTransforms tf = transforms(H, W);
  // Per chunk: S[xi][k][c] = sum over its tiles of Y[xi][k][t] * V[xi][c][t] (16 GEMMs per image
  // batch, accumulated), and the bias sums; chunks are then added in order.
  const int64_t chunks = std::min<int64_t>(tl.batches, 8), sSize = (int64_t)16 * K * C;
  std::vector<float> S(chunks * sSize), dbPart(db ? chunks * K : 0, 0.f);
  parallelTasks(chunks, [&](int64_t ch) {
    const int64_t bBegin = tl.batches * ch / chunks, bEnd = tl.batches * (ch + 1) / chunks, P = g * T;
    float* V = grow(t_tiles, 16 * C * P);
    float* Y = grow(t_products, 16 * K * P);
    float* scratch = grow(t_rows, tl.scratch);
    float* Sc = S.data() + ch * sSize;
    for (int64_t bi = bBegin; bi < bEnd; bi++) {
      const int64_t n0 = bi * g, gn = std::min<int64_t>(g, N - n0), Pb = gn * T;
      for (int64_t i = 0; i < gn; i++) {
        tf.input(V + i * T, C * Pb, Pb, x + (n0 + i) * C * plane, C, H, W, scratch);
        tf.grad(Y + i * T, K * Pb, Pb, dy + (n0 + i) * K * plane, K, H, W, scratch);
        if (db)
          for (int k = 0; k < K; k++) dbPart[ch * K + k] += sum16(dy + ((n0 + i) * K + k) * plane, plane);
      }
      for (int xi = 0; xi < 16; xi++)
        sgemmSingle(false, true, K, C, Pb, 1.f, Y + xi * K * Pb, Pb, V + xi * C * Pb, Pb, bi == bBegin ? 0.f : 1.f,
                    Sc + (int64_t)xi * K * C, C);
    }
  });
  // Chunks add up in order into the first; then dW[k][c] += Gᵀ s G, s the 4x4 sum for (k, c);
  // Gᵀ rows: (1, .5, .5, 0), (0, .5, -.5, 0), (0, .5, .5, 1).
  float* S0 = S.data();
  parallelFor(sSize, [&](int64_t i0, int64_t i1) {
    for (int64_t ch = 1; ch < chunks; ch++)
      for (int64_t i = i0; i < i1; i++) S0[i] += S[ch * sSize + i];
  });
  parallelFor((int64_t)K * C, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      float s[16];
      for (int xi = 0; xi < 16; xi++) s[xi] = S0[(int64_t)xi * K * C + r];
      float t[3][4];
      for (int j = 0; j < 4; j++) {
        t[0][j] = s[j] + 0.5f * (s[4 + j] + s[8 + j]);
        t[1][j] = 0.5f * (s[4 + j] - s[8 + j]);
        t[2][j] = 0.5f * (s[4 + j] + s[8 + j]) + s[12 + j];
      }
      float* out = dw + r * 9;
      for (int i = 0; i < 3; i++) {
        out[i * 3 + 0] += t[i][0] + 0.5f * (t[i][1] + t[i][2]);
        out[i * 3 + 1] += 0.5f * (t[i][1] - t[i][2]);
        out[i * 3 + 2] += 0.5f * (t[i][1] + t[i][2]) + t[i][3];
      }
    }
  });
  if (db)
    for (int64_t ch = 0; ch < chunks; ch++)
      for (int k = 0; k < K; k++) db[k] += dbPart[ch * K + k];
}

}  // namespace selfsup
