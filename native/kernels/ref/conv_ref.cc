// Reference convolution: direct nested loops over the definition with double accumulation.
// The oracle for every optimized conv path (and, through the adjoint, transposed conv).
#include <vector>

#include "../cpu/conv_geometry.h"

using namespace selfsup;

namespace {
// Visits every (n, k, output pos, c, kernel pos) with its input index (or -1 for padding).
template <class F>
void forEachTap(const ss_conv_params* p, F f) {
  const int64_t inPlane = spatialSize(p->in), outPlane = spatialSize(p->out);
  const int Cg = p->C / p->groups, Kg = p->K / p->groups;
  for (int n = 0; n < p->N; n++)
    for (int k = 0; k < p->K; k++) {
      int g = k / Kg;
      for (int oz = 0; oz < p->out[0]; oz++)
        for (int oy = 0; oy < p->out[1]; oy++)
          for (int ox = 0; ox < p->out[2]; ox++) {
            int64_t yi = ((int64_t)n * p->K + k) * outPlane + ((int64_t)oz * p->out[1] + oy) * p->out[2] + ox;
            for (int cg = 0; cg < Cg; cg++) {
              int c = g * Cg + cg;
              for (int kz = 0; kz < p->k[0]; kz++)
                for (int ky = 0; ky < p->k[1]; ky++)
                  for (int kx = 0; kx < p->k[2]; kx++) {
                    int iz = oz * p->stride[0] - p->pad[0] + kz * p->dil[0];
                    int iy = oy * p->stride[1] - p->pad[1] + ky * p->dil[1];
                    int ix = ox * p->stride[2] - p->pad[2] + kx * p->dil[2];
                    if (iz < 0 || iz >= p->in[0] || iy < 0 || iy >= p->in[1] || ix < 0 || ix >= p->in[2]) continue;
                    int64_t xi = ((int64_t)n * p->C + c) * inPlane + ((int64_t)iz * p->in[1] + iy) * p->in[2] + ix;
                    int64_t wi = (((int64_t)k * Cg + cg) * p->k[0] + kz) * p->k[1] * p->k[2] + ky * p->k[2] + kx;
                    f(yi, xi, wi, k);
                  }
            }
          }
    }
}
}  // namespace

extern "C" ss_status ss_ref_conv_forward(float* y, const float* x, const float* w, const float* b,
                                         const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const int64_t ySize = (int64_t)p->N * p->K * spatialSize(p->out);
  std::vector<double> acc(ySize, 0.0);
  forEachTap(p, [&](int64_t yi, int64_t xi, int64_t wi, int) { acc[yi] += (double)x[xi] * w[wi]; });
  const int64_t outPlane = spatialSize(p->out);
  for (int64_t i = 0; i < ySize; i++) y[i] = (float)(acc[i] + (b ? b[(i / outPlane) % p->K] : 0.0));
  return SS_OK;
}

extern "C" ss_status ss_ref_conv_backward_data(float* dx, const float* dy, const float* w, const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const int64_t xSize = (int64_t)p->N * p->C * spatialSize(p->in);
  std::vector<double> acc(xSize, 0.0);
  forEachTap(p, [&](int64_t yi, int64_t xi, int64_t wi, int) { acc[xi] += (double)dy[yi] * w[wi]; });
  for (int64_t i = 0; i < xSize; i++) dx[i] = (float)acc[i];
  return SS_OK;
}

extern "C" ss_status ss_ref_conv_backward_weight(float* dw, float* db, const float* x, const float* dy,
                                                 const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const int64_t wSize = (int64_t)p->K * (p->C / p->groups) * p->k[0] * p->k[1] * p->k[2];
  std::vector<double> acc(wSize, 0.0);
  forEachTap(p, [&](int64_t yi, int64_t xi, int64_t wi, int) { acc[wi] += (double)dy[yi] * x[xi]; });
  for (int64_t i = 0; i < wSize; i++) dw[i] += (float)acc[i];
  if (db) {
    const int64_t outPlane = spatialSize(p->out);
    for (int k = 0; k < p->K; k++) {
      double s = 0;
      for (int n = 0; n < p->N; n++)
        for (int64_t i = 0; i < outPlane; i++) s += dy[((int64_t)n * p->K + k) * outPlane + i];
      db[k] += (float)s;
    }
  }
  return SS_OK;
}
