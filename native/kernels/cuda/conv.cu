// Convolution over 1..3 spatial dims on the GPU, forward and both backward passes: the CUDA twin of
// native/kernels/cpu/conv.cc with the same ss_conv_params and the same write/accumulate rules
// (y and dx are written, dw and db accumulate). im2col per image into a device column matrix and
// the tiled ss_cuda_sgemm per group, like the CPU path; the adjoint of im2col gathers over the
// kernel taps per input element (no atomics, so results are deterministic). One image at a time:
// correct first, batched later. Checked against the CPU kernels by native/cuda-check.
#include "../cpu/conv_geometry.h"
#include "cuda_common.h"

using namespace selfsup;
using namespace selfsup::cuda;

namespace {

struct Geometry {
  int C, D, H, W, Do, Ho, Wo, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw;
};

Geometry geometryOf(const ss_conv_params* p) {
  return {p->C, p->in[0], p->in[1], p->in[2], p->out[0], p->out[1], p->out[2], p->k[0], p->k[1], p->k[2],
          p->stride[0], p->stride[1], p->stride[2], p->pad[0], p->pad[1], p->pad[2], p->dil[0], p->dil[1], p->dil[2]};
}

// col[(c, kz, ky, kx), (oz, oy, ox)] = x[c, oz*s - p + kz*d, ...], or 0 outside the input.
__global__ void im2colKernel(float* col, const float* x, Geometry g, int64_t rows, int64_t P) {
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < rows * P; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t row = e / P, q = e % P;
    const int kx = (int)(row % g.kw), ky = (int)(row / g.kw % g.kh), kz = (int)(row / ((int64_t)g.kw * g.kh) % g.kd);
    const int64_t c = row / ((int64_t)g.kw * g.kh * g.kd);
    const int ox = (int)(q % g.Wo), oy = (int)(q / g.Wo % g.Ho), oz = (int)(q / ((int64_t)g.Wo * g.Ho));
    const int iz = oz * g.sd - g.pd + kz * g.dd, iy = oy * g.sh - g.ph + ky * g.dh, ix = ox * g.sw - g.pw + kx * g.dw;
    col[e] = (iz < 0 || iz >= g.D || iy < 0 || iy >= g.H || ix < 0 || ix >= g.W) ? 0.f
             : x[((c * g.D + iz) * g.H + iy) * g.W + ix];
  }
}

// dx[c, iz, iy, ix] = sum of col over the (tap, output) pairs that read it: for each tap, the
// output position o with o*s - p + k*d = i, when it exists and is in range.
__global__ void col2imKernel(float* dx, const float* col, Geometry g, int64_t P) {
  const int64_t inPlane = (int64_t)g.D * g.H * g.W;
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < g.C * inPlane; e += (int64_t)gridDim.x * blockDim.x) {
    const int ix = (int)(e % g.W), iy = (int)(e / g.W % g.H), iz = (int)(e / ((int64_t)g.W * g.H) % g.D);
    const int64_t c = e / inPlane;
    float s = 0.f;
    for (int kz = 0; kz < g.kd; kz++) {
      const int tz = iz + g.pd - kz * g.dd;
      if (tz < 0 || tz % g.sd) continue;
      const int oz = tz / g.sd;
      if (oz >= g.Do) continue;
      for (int ky = 0; ky < g.kh; ky++) {
        const int ty = iy + g.ph - ky * g.dh;
        if (ty < 0 || ty % g.sh) continue;
        const int oy = ty / g.sh;
        if (oy >= g.Ho) continue;
        for (int kx = 0; kx < g.kw; kx++) {
          const int tx = ix + g.pw - kx * g.dw;
          if (tx < 0 || tx % g.sw) continue;
          const int ox = tx / g.sw;
          if (ox >= g.Wo) continue;
          const int64_t row = ((c * g.kd + kz) * g.kh + ky) * g.kw + kx;
          s += col[row * P + ((int64_t)oz * g.Ho + oy) * g.Wo + ox];
        }
      }
    }
    dx[e] = s;
  }
}

__global__ void addBiasKernel(float* y, const float* b, int64_t K, int64_t P) {
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < K * P; e += (int64_t)gridDim.x * blockDim.x) y[e] += b[e / P];
}

// db[k] += sum over the P outputs of dy[k, :], one block per k.
__global__ void biasGradKernel(float* db, const float* dy, int64_t P) {
  __shared__ float part[256];
  const int64_t k = blockIdx.x;
  float s = 0.f;
  for (int64_t q = threadIdx.x; q < P; q += blockDim.x) s += dy[k * P + q];
  s = blockSum(s, part);
  if (threadIdx.x == 0) db[k] += s;
}

struct Sizes {
  int64_t inPlane, outPlane, Cg, Kg, CKg, taps;
};

Sizes sizesOf(const ss_conv_params* p) {
  Sizes s;
  s.inPlane = (int64_t)p->in[0] * p->in[1] * p->in[2];
  s.outPlane = (int64_t)p->out[0] * p->out[1] * p->out[2];
  s.taps = (int64_t)p->k[0] * p->k[1] * p->k[2];
  s.Cg = p->C / p->groups;
  s.Kg = p->K / p->groups;
  s.CKg = s.Cg * s.taps;
  return s;
}

// What the three passes share: sizes, the kernels' geometry and one image's column matrix.
struct ConvPlan {
  Sizes s;
  Geometry g;
  int64_t rows;  // of the column matrix: C * taps
  DeviceScratch col;
  explicit ConvPlan(const ss_conv_params* p)
      : s(sizesOf(p)), g(geometryOf(p)), rows(p->C * s.taps), col(sizeof(float) * (size_t)(rows * s.outPlane)) {}
  float* columns() const { return col.as<float>(); }
};

}  // namespace

extern "C" ss_status ss_cuda_conv_forward(float* y, const float* x, const float* w, const float* b, const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const ConvPlan plan(p);
  if (plan.col.status != SS_OK) return plan.col.status;
  const Sizes& s = plan.s;
  const int64_t rows = plan.rows;
  float* col = plan.columns();
  for (int64_t n = 0; n < p->N; n++) {
    im2colKernel<<<blocksFor(rows * s.outPlane), kThreads>>>(col, x + n * p->C * s.inPlane, plan.g, rows, s.outPlane);
    float* yn = y + n * p->K * s.outPlane;
    for (int gr = 0; gr < p->groups; gr++) {
      const ss_status st = ss_cuda_sgemm(0, 0, s.Kg, s.outPlane, s.CKg, 1.f, w + gr * s.Kg * s.CKg, s.CKg,
                                         col + gr * s.CKg * s.outPlane, s.outPlane, 0.f, yn + gr * s.Kg * s.outPlane, s.outPlane);
      if (st != SS_OK) return st;
    }
    if (b) addBiasKernel<<<blocksFor(p->K * s.outPlane), kThreads>>>(yn, b, p->K, s.outPlane);
  }
  return launched();
}

extern "C" ss_status ss_cuda_conv_backward_data(float* dx, const float* dy, const float* w, const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const ConvPlan plan(p);
  if (plan.col.status != SS_OK) return plan.col.status;
  const Sizes& s = plan.s;
  float* col = plan.columns();
  for (int64_t n = 0; n < p->N; n++) {
    const float* dyn = dy + n * p->K * s.outPlane;
    for (int gr = 0; gr < p->groups; gr++) {
      // dcol_g (CKg x P) = W_g^T (CKg x Kg) * dy_g (Kg x P)
      const ss_status st = ss_cuda_sgemm(1, 0, s.CKg, s.outPlane, s.Kg, 1.f, w + gr * s.Kg * s.CKg, s.CKg,
                                         dyn + gr * s.Kg * s.outPlane, s.outPlane, 0.f, col + gr * s.CKg * s.outPlane, s.outPlane);
      if (st != SS_OK) return st;
    }
    col2imKernel<<<blocksFor(p->C * s.inPlane), kThreads>>>(dx + n * p->C * s.inPlane, col, plan.g, s.outPlane);
  }
  return launched();
}

extern "C" ss_status ss_cuda_conv_backward_weight(float* dw, float* db, const float* x, const float* dy, const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const ConvPlan plan(p);
  if (plan.col.status != SS_OK) return plan.col.status;
  const Sizes& s = plan.s;
  const int64_t rows = plan.rows;
  float* col = plan.columns();
  for (int64_t n = 0; n < p->N; n++) {
    im2colKernel<<<blocksFor(rows * s.outPlane), kThreads>>>(col, x + n * p->C * s.inPlane, plan.g, rows, s.outPlane);
    const float* dyn = dy + n * p->K * s.outPlane;
    for (int gr = 0; gr < p->groups; gr++) {
      // dW_g (Kg x CKg) += dy_g (Kg x P) * col_g^T (P x CKg)
      const ss_status st = ss_cuda_sgemm(0, 1, s.Kg, s.CKg, s.outPlane, 1.f, dyn + gr * s.Kg * s.outPlane, s.outPlane,
                                         col + gr * s.CKg * s.outPlane, s.outPlane, 1.f, dw + gr * s.Kg * s.CKg, s.CKg);
      if (st != SS_OK) return st;
    }
    if (db) biasGradKernel<<<(unsigned)p->K, 256>>>(db, dyn, s.outPlane);
  }
  return launched();
}
