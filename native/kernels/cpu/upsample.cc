// Nearest and bilinear 2-D upsampling (N, C, H, W) -> (N, C, Ho, Wo), forward and backward, with
// PyTorch's source-index rules (nearest: floor(o * H / Ho); bilinear: align_corners or half-pixel
// centres clamped at 0). Backward scatters with the same weights; parallel over N*C planes.
// Checked against float64 TypeScript formulas and finite differences in test/native/upsample.test.ts.
#include <algorithm>
#include <cstring>

#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {
struct Tap {
  int i0, i1;
  float w0, w1;
};

Tap linearTap(int o, int in, int out, bool alignCorners) {
  float src;
  if (alignCorners) src = out > 1 ? (float)o * (in - 1) / (out - 1) : 0.f;
  else src = std::max(0.f, ((float)o + 0.5f) * in / out - 0.5f);
  int i0 = std::min((int)src, in - 1);
  int i1 = std::min(i0 + 1, in - 1);
  float l = src - i0;
  return {i0, i1, 1.f - l, l};
}

template <class F>
void forEachTap(int H, int W, int Ho, int Wo, int mode, bool ac, F f) {
  for (int oy = 0; oy < Ho; oy++)
    for (int ox = 0; ox < Wo; ox++) {
      int64_t o = (int64_t)oy * Wo + ox;
      if (mode == 0) {
        int iy = std::min((int)((int64_t)oy * H / Ho), H - 1), ix = std::min((int)((int64_t)ox * W / Wo), W - 1);
        f(o, (int64_t)iy * W + ix, 1.f);
      } else {
        Tap ty = linearTap(oy, H, Ho, ac), tx = linearTap(ox, W, Wo, ac);
        f(o, (int64_t)ty.i0 * W + tx.i0, ty.w0 * tx.w0);
        f(o, (int64_t)ty.i0 * W + tx.i1, ty.w0 * tx.w1);
        f(o, (int64_t)ty.i1 * W + tx.i0, ty.w1 * tx.w0);
        f(o, (int64_t)ty.i1 * W + tx.i1, ty.w1 * tx.w1);
      }
    }
}
}  // namespace

extern "C" ss_status ss_upsample2d_forward(float* y, const float* x, int64_t N, int64_t C, int H, int W, int Ho,
                                           int Wo, int mode, int alignCorners) {
  if (N < 0 || C <= 0 || H <= 0 || W <= 0 || Ho <= 0 || Wo <= 0 || (mode != 0 && mode != 1)) return SS_ERR_ARG;
  parallelFor(N * C, [&](int64_t b, int64_t e) {
    for (int64_t pl = b; pl < e; pl++) {
      const float* xp = x + pl * H * W;
      float* yp = y + pl * Ho * Wo;
      std::memset(yp, 0, sizeof(float) * Ho * Wo);
      forEachTap(H, W, Ho, Wo, mode, alignCorners, [&](int64_t o, int64_t i, float w) { yp[o] += w * xp[i]; });
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_upsample2d_backward(float* dx, const float* dy, int64_t N, int64_t C, int H, int W, int Ho,
                                            int Wo, int mode, int alignCorners) {
  if (N < 0 || C <= 0 || H <= 0 || W <= 0 || Ho <= 0 || Wo <= 0 || (mode != 0 && mode != 1)) return SS_ERR_ARG;
  parallelFor(N * C, [&](int64_t b, int64_t e) {
    for (int64_t pl = b; pl < e; pl++) {
      float* dxp = dx + pl * H * W;
      const float* dyp = dy + pl * Ho * Wo;
      std::memset(dxp, 0, sizeof(float) * H * W);
      forEachTap(H, W, Ho, Wo, mode, alignCorners, [&](int64_t o, int64_t i, float w) { dxp[i] += w * dyp[o]; });
    }
  });
  return SS_OK;
}
