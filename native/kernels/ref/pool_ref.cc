// Reference pooling: every output scans its full (unclamped) window and tests each tap, the
// definition read literally. Oracle for kernels/cpu/pool.cc.
#include <cmath>

#include "../cpu/conv_geometry.h"

using namespace selfsup;

namespace {
template <class F>
void scan(const ss_pool_params* p, int64_t plane, int oz, int oy, int ox, F f) {
  for (int kz = 0; kz < p->k[0]; kz++)
    for (int ky = 0; ky < p->k[1]; ky++)
      for (int kx = 0; kx < p->k[2]; kx++) {
        int z = oz * p->stride[0] - p->pad[0] + kz, y = oy * p->stride[1] - p->pad[1] + ky,
            x = ox * p->stride[2] - p->pad[2] + kx;
        bool inPadded = z < p->in[0] + p->pad[0] && y < p->in[1] + p->pad[1] && x < p->in[2] + p->pad[2];
        bool inside = z >= 0 && z < p->in[0] && y >= 0 && y < p->in[1] && x >= 0 && x < p->in[2];
        f(inside, inPadded, inside ? ((int64_t)z * p->in[1] + y) * p->in[2] + x : -1);
      }
  (void)plane;
}
}  // namespace

extern "C" ss_status ss_ref_maxpool_forward(float* y, int32_t* argmax, const float* x, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t inPlane = spatialSize(p->in), outPlane = spatialSize(p->out);
  for (int64_t pl = 0; pl < (int64_t)p->N * p->C; pl++)
    for (int oz = 0; oz < p->out[0]; oz++)
      for (int oy = 0; oy < p->out[1]; oy++)
        for (int ox = 0; ox < p->out[2]; ox++) {
          float best = -INFINITY;
          int32_t bi = -1;
          bool nan = false;
          scan(p, pl, oz, oy, ox, [&](bool inside, bool, int64_t i) {
            if (!inside || nan) return;
            float v = x[pl * inPlane + i];
            if (std::isnan(v)) { best = v; bi = (int32_t)i; nan = true; return; }
            if (bi < 0 || v > best) { best = v; bi = (int32_t)i; }
          });
          int64_t o = pl * outPlane + ((int64_t)oz * p->out[1] + oy) * p->out[2] + ox;
          y[o] = best;
          argmax[o] = bi;
        }
  return SS_OK;
}

extern "C" ss_status ss_ref_avgpool_forward(float* y, const float* x, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t inPlane = spatialSize(p->in), outPlane = spatialSize(p->out);
  for (int64_t pl = 0; pl < (int64_t)p->N * p->C; pl++)
    for (int oz = 0; oz < p->out[0]; oz++)
      for (int oy = 0; oy < p->out[1]; oy++)
        for (int ox = 0; ox < p->out[2]; ox++) {
          double s = 0;
          int count = 0, padCount = 0;
          scan(p, pl, oz, oy, ox, [&](bool inside, bool inPadded, int64_t i) {
            if (inPadded) padCount++;
            if (inside) { s += x[pl * inPlane + i]; count++; }
          });
          int div = p->count_include_pad ? padCount : count;
          y[pl * outPlane + ((int64_t)oz * p->out[1] + oy) * p->out[2] + ox] = div ? (float)(s / div) : 0.f;
        }
  return SS_OK;
}

extern "C" ss_status ss_ref_avgpool_backward(float* dx, const float* dy, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t inPlane = spatialSize(p->in), outPlane = spatialSize(p->out);
  for (int64_t i = 0; i < (int64_t)p->N * p->C * inPlane; i++) dx[i] = 0.f;
  for (int64_t pl = 0; pl < (int64_t)p->N * p->C; pl++)
    for (int oz = 0; oz < p->out[0]; oz++)
      for (int oy = 0; oy < p->out[1]; oy++)
        for (int ox = 0; ox < p->out[2]; ox++) {
          int count = 0, padCount = 0;
          scan(p, pl, oz, oy, ox, [&](bool inside, bool inPadded, int64_t) { padCount += inPadded; count += inside; });
          int div = p->count_include_pad ? padCount : count;
          if (!div) continue;
          float g = dy[pl * outPlane + ((int64_t)oz * p->out[1] + oy) * p->out[2] + ox] / div;
          scan(p, pl, oz, oy, ox, [&](bool inside, bool, int64_t i) { if (inside) dx[pl * inPlane + i] += g; });
        }
  return SS_OK;
}
