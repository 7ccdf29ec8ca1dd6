// Convolution over 1..3 spatial dims as im2col + packed GEMM, one image at a time (never an
// im2col buffer for the whole batch): forward Y[n] = W * col(X[n]) per group; backward-data
// dcol = W^T * dY[n] then col2im; backward-weight dW += dY[n] * col(X[n])^T. Images are spread over
// the thread pool; weight gradients are summed in a fixed number of image chunks reduced in order,
// so the result does not depend on the thread count. Pointwise convs skip im2col.
// Checked against kernels/ref/conv_ref.cc (direct loops) by test/native/conv.test.ts.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../../core/dispatch.h"
#include "../../core/threadpool.h"
#include "conv_geometry.h"

namespace selfsup {
namespace {

thread_local std::vector<float> t_col;

float* colBuffer(int64_t n) {
  if ((int64_t)t_col.size() < n) t_col.resize(n);
  return t_col.data();
}

bool isPointwise(const ss_conv_params* p) {
  for (int i = 0; i < 3; i++)
    if (p->k[i] != 1 || p->stride[i] != 1 || p->pad[i] != 0) return false;
  return true;
}

// col[(c, kz, ky, kx), (oz, oy, ox)] = x[c, oz*s - p + kz*d, ...] or 0 outside.
void im2col(float* col, const float* x, const ss_conv_params* p) {
  const int D = p->in[0], H = p->in[1], W = p->in[2];
  const int Do = p->out[0], Ho = p->out[1], Wo = p->out[2];
  const int64_t P = (int64_t)Do * Ho * Wo;
  int64_t row = 0;
  for (int c = 0; c < p->C; c++) {
    const float* xc = x + (int64_t)c * D * H * W;
    for (int kz = 0; kz < p->k[0]; kz++)
      for (int ky = 0; ky < p->k[1]; ky++)
        for (int kx = 0; kx < p->k[2]; kx++, row++) {
          float* dst = col + row * P;
          const int offX = kx * p->dil[2] - p->pad[2], sx = p->stride[2];
          // Valid ox range: 0 <= ox*sx + offX < W.
          int oxLo = offX >= 0 ? 0 : (-offX + sx - 1) / sx;
          int oxHi = W - offX <= 0 ? 0 : std::min(Wo, (W - offX + sx - 1) / sx);
          if (oxHi < oxLo) oxHi = oxLo;
          for (int oz = 0; oz < Do; oz++) {
            int iz = oz * p->stride[0] - p->pad[0] + kz * p->dil[0];
            for (int oy = 0; oy < Ho; oy++, dst += Wo) {
              int iy = oy * p->stride[1] - p->pad[1] + ky * p->dil[1];
              if (iz < 0 || iz >= D || iy < 0 || iy >= H) {
                std::memset(dst, 0, sizeof(float) * Wo);
                continue;
              }
              const float* src = xc + ((int64_t)iz * H + iy) * W + offX;
              for (int ox = 0; ox < oxLo; ox++) dst[ox] = 0.f;
              if (sx == 1) std::memcpy(dst + oxLo, src + oxLo, sizeof(float) * (oxHi - oxLo));
              else
                for (int ox = oxLo; ox < oxHi; ox++) dst[ox] = src[(int64_t)ox * sx];
              for (int ox = oxHi; ox < Wo; ox++) dst[ox] = 0.f;
            }
          }
        }
  }
}

// dx[c, ...] += col[...]: the adjoint of im2col. dx must be zeroed by the caller.
void col2im(float* dx, const float* col, const ss_conv_params* p) {
  const int D = p->in[0], H = p->in[1], W = p->in[2];
  const int Do = p->out[0], Ho = p->out[1], Wo = p->out[2];
  const int64_t P = (int64_t)Do * Ho * Wo;
  int64_t row = 0;
  for (int c = 0; c < p->C; c++) {
    float* xc = dx + (int64_t)c * D * H * W;
    for (int kz = 0; kz < p->k[0]; kz++)
      for (int ky = 0; ky < p->k[1]; ky++)
        for (int kx = 0; kx < p->k[2]; kx++, row++) {
          const float* src = col + row * P;
          const int offX = kx * p->dil[2] - p->pad[2], sx = p->stride[2];
          int oxLo = offX >= 0 ? 0 : (-offX + sx - 1) / sx;
          int oxHi = W - offX <= 0 ? 0 : std::min(Wo, (W - offX + sx - 1) / sx);
          for (int oz = 0; oz < Do; oz++) {
            int iz = oz * p->stride[0] - p->pad[0] + kz * p->dil[0];
            for (int oy = 0; oy < Ho; oy++, src += Wo) {
              int iy = oy * p->stride[1] - p->pad[1] + ky * p->dil[1];
              if (iz < 0 || iz >= D || iy < 0 || iy >= H) continue;
              float* dst = xc + ((int64_t)iz * H + iy) * W + offX;
              for (int ox = oxLo; ox < oxHi; ox++) dst[(int64_t)ox * sx] += src[ox];
            }
          }
        }
  }
}

struct Dims {
  int64_t inPlane, outPlane, Cg, Kg, CKg;  // per-image sizes and per-group GEMM sizes
};

Dims dims(const ss_conv_params* p) {
  Dims d;
  d.inPlane = spatialSize(p->in);
  d.outPlane = spatialSize(p->out);
  d.Cg = p->C / p->groups;
  d.Kg = p->K / p->groups;
  d.CKg = d.Cg * p->k[0] * p->k[1] * p->k[2];
  return d;
}

}  // namespace
}  // namespace selfsup

using namespace selfsup;

extern "C" ss_status ss_conv_forward(float* y, const float* x, const float* w, const float* b,
                                     const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const Dims d = dims(p);
  const bool pointwise = isPointwise(p);
  parallelFor(p->N, [&](int64_t n0, int64_t n1) {
    float* col = pointwise ? nullptr : colBuffer(d.CKg * p->groups * d.outPlane);
    for (int64_t n = n0; n < n1; n++) {
      const float* xn = x + n * p->C * d.inPlane;
      float* yn = y + n * p->K * d.outPlane;
      const float* src = xn;
      if (!pointwise) {
        im2col(col, xn, p);
        src = col;
      }
      if (b)
        for (int64_t k = 0; k < p->K; k++) std::fill(yn + k * d.outPlane, yn + (k + 1) * d.outPlane, b[k]);
      for (int g = 0; g < p->groups; g++)
        sgemmSingle(false, false, d.Kg, d.outPlane, d.CKg, 1.f, w + g * d.Kg * d.CKg, d.CKg,
                    src + g * d.CKg * d.outPlane, d.outPlane, b ? 1.f : 0.f, yn + g * d.Kg * d.outPlane,
                    d.outPlane);
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_conv_backward_data(float* dx, const float* dy, const float* w, const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const Dims d = dims(p);
  const bool pointwise = isPointwise(p);
  parallelFor(p->N, [&](int64_t n0, int64_t n1) {
    float* col = pointwise ? nullptr : colBuffer(d.CKg * p->groups * d.outPlane);
    for (int64_t n = n0; n < n1; n++) {
      float* dxn = dx + n * p->C * d.inPlane;
      const float* dyn = dy + n * p->K * d.outPlane;
      float* dst = pointwise ? dxn : col;
      for (int g = 0; g < p->groups; g++)
        sgemmSingle(true, false, d.CKg, d.outPlane, d.Kg, 1.f, w + g * d.Kg * d.CKg, d.CKg,
                    dyn + g * d.Kg * d.outPlane, d.outPlane, 0.f, dst + g * d.CKg * d.outPlane, d.outPlane);
      if (!pointwise) {
        std::memset(dxn, 0, sizeof(float) * p->C * d.inPlane);
        col2im(dxn, col, p);
      }
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_conv_backward_weight(float* dw, float* db, const float* x, const float* dy,
                                             const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const Dims d = dims(p);
  const bool pointwise = isPointwise(p);
  const int64_t wSize = (int64_t)p->K * d.CKg;
  // Fixed chunking (independent of the thread count) keeps the summation order reproducible.
  const int64_t chunks = std::min<int64_t>(p->N, 8);
  std::vector<float> partial(chunks > 1 ? chunks * wSize : 0, 0.f);
  parallelTasks(chunks, [&](int64_t c) {
    int64_t n0 = p->N * c / chunks, n1 = p->N * (c + 1) / chunks;
    float* acc = chunks > 1 ? partial.data() + c * wSize : dw;
    float* col = pointwise ? nullptr : colBuffer(d.CKg * p->groups * d.outPlane);
    for (int64_t n = n0; n < n1; n++) {
      const float* xn = x + n * p->C * d.inPlane;
      const float* dyn = dy + n * p->K * d.outPlane;
      const float* src = xn;
      if (!pointwise) {
        im2col(col, xn, p);
        src = col;
      }
      for (int g = 0; g < p->groups; g++)
        sgemmSingle(false, true, d.Kg, d.CKg, d.outPlane, 1.f, dyn + g * d.Kg * d.outPlane, d.outPlane,
                    src + g * d.CKg * d.outPlane, d.outPlane, (chunks > 1 && n == n0) ? 0.f : 1.f,
                    acc + g * d.Kg * d.CKg, d.CKg);
    }
  });
  if (chunks > 1) {
    parallelFor(wSize, [&](int64_t i0, int64_t i1) {
      for (int64_t c = 0; c < chunks; c++) {
        const float* src = partial.data() + c * wSize;
        for (int64_t i = i0; i < i1; i++) dw[i] += src[i];
      }
    });
  }
  if (db) ss_reduce_nc_s(db, dy, p->N, p->K, d.outPlane, 1);
  return SS_OK;
}
