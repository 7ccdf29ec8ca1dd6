// Winograd F(2x2, 3x3) convolution driver (winograd.h): filter transform U = G g Gᵀ once per call,
// then per batch of images: input tiles V = Bᵀ d B (16 x C x P, P = tiles of the batch), 16 GEMMs
// M[xi] = U[xi] (K x C) · V[xi] (C x P), output tiles Aᵀ m A. Images are spread over the thread
// pool, each with its own scratch, so results do not depend on the thread count.
// Checked against kernels/ref/conv_ref.cc (direct loops) by test/native/conv.test.ts on every ISA.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../../core/dispatch.h"
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

WinogradTransforms transforms() {
  if (activeIsa() == SS_ISA_AVX512) return winogradTransformsAvx512();
  return {winogradInputTiles, winogradOutputTiles};
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

// One conv: out (N, outC, H, W) from in (N, inC, H, W) and the transformed filter U.
void run(float* out, const float* in, const std::vector<float>& U, const float* bias, int64_t N, int inC, int outC,
         int H, int W) {
  const int tH = (H + 1) / 2, tW = (W + 1) / 2;
  const int64_t T = (int64_t)tH * tW, inPlane = (int64_t)H * W;
  // Images per batch: enough tiles for wide GEMMs, while V and M (16 x channels x P floats each)
  // stay within ~1 MB together, about one core's L2 (2 and 0.5 MB measured no better).
  const int64_t budget = std::max<int64_t>(T, 16384 / (inC + outC));
  const int64_t g = std::max<int64_t>(1, std::min<int64_t>(N, budget / T));
  const int64_t batches = (N + g - 1) / g;
  const WinogradTransforms tf = transforms();
  parallelFor(batches, [&](int64_t b0, int64_t b1) {
    const int64_t P = g * T;
    float* V = grow(t_tiles, 16 * inC * P);
    float* M = grow(t_products, 16 * outC * P);
    float* scratch = grow(t_rows, std::max<int64_t>(2 * (2 * tH + 2) * (tW + 1), 4 * tW));
    for (int64_t bi = b0; bi < b1; bi++) {
      const int64_t n0 = bi * g, gn = std::min<int64_t>(g, N - n0), Pb = gn * T;
      for (int64_t i = 0; i < gn; i++)
        tf.input(V + i * T, inC * Pb, Pb, in + (n0 + i) * inC * inPlane, inC, H, W, scratch);
      for (int xi = 0; xi < 16; xi++)
        sgemmSingle(false, false, outC, Pb, inC, 1.f, U.data() + (int64_t)xi * outC * inC, inC, V + xi * inC * Pb, Pb, 0.f,
                    M + xi * outC * Pb, Pb);
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

bool winogradApplies(const ss_conv_params* p) {
  if (p->groups != 1 || p->C < 16 || p->K < 16) return false;
  if (p->in[0] != 1 || p->k[0] != 1 || p->stride[0] != 1 || p->pad[0] != 0 || p->dil[0] != 1) return false;
  for (int i = 1; i < 3; i++)
    if (p->k[i] != 3 || p->stride[i] != 1 || p->pad[i] != 1 || p->dil[i] != 1 || p->out[i] != p->in[i]) return false;
  return enabledByEnvironment();
}

void winogradForward(float* y, const float* x, const float* w, const float* b, const ss_conv_params* p) {
  run(y, x, filterTiles(w, p->K, p->C, false), b, p->N, p->C, p->K, p->in[1], p->in[2]);
}

void winogradBackwardData(float* dx, const float* dy, const float* w, const ss_conv_params* p) {
  run(dx, dy, filterTiles(w, p->K, p->C, true), nullptr, p->N, p->K, p->C, p->in[1], p->in[2]);
}

}  // namespace selfsup
