// Max and average pooling over 1..3 spatial dims, (N, C, in...) -> (N, C, out...), parallel over
// the N*C planes. Max pooling records the argmax so the backward is a scatter; average pooling
// divides by the window (count_include_pad as PyTorch: padded taps count, taps past the padded
// border never do). Checked against kernels/ref/pool_ref.cc by test/native/pool.test.ts.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "../../core/reduce.h"
#include "../../core/threadpool.h"
#include "conv_geometry.h"

using namespace selfsup;

namespace {
// Calls f(outIndexInPlane, z0, z1, y0, y1, x0, x1, divisor) with the clamped window of each output.
template <class F>
inline void forEachWindow(const ss_pool_params* p, F f) {
  int64_t o = 0;
  for (int oz = 0; oz < p->out[0]; oz++)
    for (int oy = 0; oy < p->out[1]; oy++)
      for (int ox = 0; ox < p->out[2]; ox++, o++) {
        int s[3] = {oz * p->stride[0] - p->pad[0], oy * p->stride[1] - p->pad[1], ox * p->stride[2] - p->pad[2]};
        int lo[3], hi[3];
        int padCount = 1;
        for (int d = 0; d < 3; d++) {
          int e = s[d] + p->k[d];
          int ePad = e < p->in[d] + p->pad[d] ? e : p->in[d] + p->pad[d];
          padCount *= ePad - s[d];
          lo[d] = s[d] < 0 ? 0 : s[d];
          hi[d] = e > p->in[d] ? p->in[d] : e;
        }
        int count = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
        f(o, lo, hi, p->count_include_pad ? padCount : count);
      }
}
}  // namespace

extern "C" ss_status ss_maxpool_forward(float* y, int32_t* argmax, const float* x, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t inPlane = spatialSize(p->in), outPlane = spatialSize(p->out);
  parallelFor((int64_t)p->N * p->C, [&](int64_t b, int64_t e) {
    for (int64_t pl = b; pl < e; pl++) {
      const float* xp = x + pl * inPlane;
      float* yp = y + pl * outPlane;
      int32_t* ap = argmax + pl * outPlane;
      forEachWindow(p, [&](int64_t o, const int* lo, const int* hi, int) {
        float best = -FLT_MAX;
        int32_t bi = -1;
        for (int z = lo[0]; z < hi[0]; z++)
          for (int yy = lo[1]; yy < hi[1]; yy++) {
            int64_t base = ((int64_t)z * p->in[1] + yy) * p->in[2];
            for (int xx = lo[2]; xx < hi[2]; xx++) {
              float v = xp[base + xx];
              // NaN propagates, as in PyTorch.
              if (v > best || bi < 0 || v != v) {
                best = v;
                bi = (int32_t)(base + xx);
                if (v != v) goto done;
              }
            }
          }
      done:
        yp[o] = bi < 0 ? -INFINITY : best;
        ap[o] = bi;
      });
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_maxpool_backward(float* dx, const float* dy, const int32_t* argmax, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t inPlane = spatialSize(p->in), outPlane = spatialSize(p->out);
  parallelFor((int64_t)p->N * p->C, [&](int64_t b, int64_t e) {
    for (int64_t pl = b; pl < e; pl++) {
      float* dxp = dx + pl * inPlane;
      std::memset(dxp, 0, sizeof(float) * inPlane);
      const float* dyp = dy + pl * outPlane;
      const int32_t* ap = argmax + pl * outPlane;
      for (int64_t o = 0; o < outPlane; o++)
        if (ap[o] >= 0 && ap[o] < inPlane) dxp[ap[o]] += dyp[o];
    }
  });
  return SS_OK;
}

// One window over the whole unpadded plane (global average pooling, every encoder's last op):
// a contiguous sum in 16 lanes instead of the window walk's serial dependent adds.
static bool isGlobalPool(const ss_pool_params* p) {
  for (int i = 0; i < 3; i++)
    if (p->out[i] != 1 || p->k[i] != p->in[i] || p->pad[i] != 0) return false;
  return true;
}

extern "C" ss_status ss_avgpool_forward(float* y, const float* x, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t inPlane = spatialSize(p->in), outPlane = spatialSize(p->out);
  if (isGlobalPool(p)) {
    parallelFor((int64_t)p->N * p->C, [&](int64_t b, int64_t e) {
      for (int64_t pl = b; pl < e; pl++) y[pl] = sum16(x + pl * inPlane, inPlane) / (float)inPlane;
    });
    return SS_OK;
  }
  parallelFor((int64_t)p->N * p->C, [&](int64_t b, int64_t e) {
    for (int64_t pl = b; pl < e; pl++) {
      const float* xp = x + pl * inPlane;
      float* yp = y + pl * outPlane;
      forEachWindow(p, [&](int64_t o, const int* lo, const int* hi, int div) {
        float s = 0.f;
        for (int z = lo[0]; z < hi[0]; z++)
          for (int yy = lo[1]; yy < hi[1]; yy++) {
            const float* row = xp + ((int64_t)z * p->in[1] + yy) * p->in[2];
            for (int xx = lo[2]; xx < hi[2]; xx++) s += row[xx];
          }
        yp[o] = div > 0 ? s / (float)div : 0.f;
      });
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_avgpool_backward(float* dx, const float* dy, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t inPlane = spatialSize(p->in), outPlane = spatialSize(p->out);
  if (isGlobalPool(p)) {
    parallelFor((int64_t)p->N * p->C, [&](int64_t b, int64_t e) {
      for (int64_t pl = b; pl < e; pl++) std::fill(dx + pl * inPlane, dx + (pl + 1) * inPlane, dy[pl] / (float)inPlane);
    });
    return SS_OK;
  }
  parallelFor((int64_t)p->N * p->C, [&](int64_t b, int64_t e) {
    for (int64_t pl = b; pl < e; pl++) {
      float* dxp = dx + pl * inPlane;
      std::memset(dxp, 0, sizeof(float) * inPlane);
      const float* dyp = dy + pl * outPlane;
      forEachWindow(p, [&](int64_t o, const int* lo, const int* hi, int div) {
        if (div <= 0) return;
        float g = dyp[o] / (float)div;
        for (int z = lo[0]; z < hi[0]; z++)
          for (int yy = lo[1]; yy < hi[1]; yy++) {
            float* row = dxp + ((int64_t)z * p->in[1] + yy) * p->in[2];
            for (int xx = lo[2]; xx < hi[2]; xx++) row[xx] += g;
          }
      });
    }
  });
  return SS_OK;
}
