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
#include "../../core/reduce.h"
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

// col[(c, kz, ky, kx), (oz, oy, ox)] = x[c, oz*s - p + kz*d, ...] or 0 outside; rows are ld apart
// so the columns of several images can sit side by side in one matrix.
void im2col(float* col, int64_t ld, const float* x, const ss_conv_params* p) {
  const int D = p->in[0], H = p->in[1], W = p->in[2];
  const int Do = p->out[0], Ho = p->out[1], Wo = p->out[2];
  const int64_t P = ld;
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
              // Constant strides let the compiler vectorize the gather (stride 2 is every
              // downsampling layer); other strides take the generic loop.
              if (sx == 1) std::memcpy(dst + oxLo, src + oxLo, sizeof(float) * (oxHi - oxLo));
              else if (sx == 2)
                for (int ox = oxLo; ox < oxHi; ox++) dst[ox] = src[2 * (int64_t)ox];
              else
                for (int ox = oxLo; ox < oxHi; ox++) dst[ox] = src[(int64_t)ox * sx];
              for (int ox = oxHi; ox < Wo; ox++) dst[ox] = 0.f;
            }
          }
        }
  }
}

// dx[c, ...] += col[...]: the adjoint of im2col. dx must be zeroed by the caller.
void col2im(float* dx, const float* col, int64_t ld, const ss_conv_params* p) {
  const int D = p->in[0], H = p->in[1], W = p->in[2];
  const int Do = p->out[0], Ho = p->out[1], Wo = p->out[2];
  const int64_t P = ld;
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
              if (sx == 1)
                for (int ox = oxLo; ox < oxHi; ox++) dst[ox] += src[ox];
              else if (sx == 2)
                for (int ox = oxLo; ox < oxHi; ox++) dst[2 * (int64_t)ox] += src[ox];
              else
                for (int ox = oxLo; ox < oxHi; ox++) dst[(int64_t)ox * sx] += src[ox];
            }
          }
        }
  }
}

// Strided convolutions: short output rows (7-14 values) make the row-segment loops above spend
// more on loop overhead than on copying. Instead each channel is copied into a zero-padded plane
// and every im2col row is one branch-free gather through a table of padded-plane offsets shared
// by all channels (the adjoint scatters through the same table).
struct GatherTable {
  int64_t padPlane = 0;
  std::vector<int32_t> idx;  // (kernel tap, output position) -> offset in the padded plane
};

bool useGather(const ss_conv_params* p) {
  const int64_t padPlane = (int64_t)(p->in[0] + 2 * p->pad[0]) * (p->in[1] + 2 * p->pad[1]) * (p->in[2] + 2 * p->pad[2]);
  return (p->stride[0] > 1 || p->stride[1] > 1 || p->stride[2] > 1) && padPlane < INT32_MAX;  // int32 offsets
}

GatherTable makeGatherTable(const ss_conv_params* p) {
  GatherTable t;
  const int64_t Hp = p->in[1] + 2 * p->pad[1], Wp = p->in[2] + 2 * p->pad[2], Dp = p->in[0] + 2 * p->pad[0];
  t.padPlane = Dp * Hp * Wp;
  const int64_t P = spatialSize(p->out);
  t.idx.resize((int64_t)p->k[0] * p->k[1] * p->k[2] * P);
  int32_t* o = t.idx.data();
  for (int kz = 0; kz < p->k[0]; kz++)
    for (int ky = 0; ky < p->k[1]; ky++)
      for (int kx = 0; kx < p->k[2]; kx++)
        for (int oz = 0; oz < p->out[0]; oz++)
          for (int oy = 0; oy < p->out[1]; oy++)
            for (int ox = 0; ox < p->out[2]; ox++)
              *o++ = (int32_t)(((int64_t)(oz * p->stride[0] + kz * p->dil[0]) * Hp + (oy * p->stride[1] + ky * p->dil[1])) * Wp +
                               (ox * p->stride[2] + kx * p->dil[2]));
  return t;
}

void padChannel(float* dst, const float* src, const ss_conv_params* p) {
  const int64_t Hp = p->in[1] + 2 * p->pad[1], Wp = p->in[2] + 2 * p->pad[2], Dp = p->in[0] + 2 * p->pad[0];
  std::memset(dst, 0, sizeof(float) * Dp * Hp * Wp);
  for (int z = 0; z < p->in[0]; z++)
    for (int y = 0; y < p->in[1]; y++)
      std::memcpy(dst + ((z + p->pad[0]) * Hp + y + p->pad[1]) * Wp + p->pad[2], src + ((int64_t)z * p->in[1] + y) * p->in[2],
                  sizeof(float) * p->in[2]);
}

thread_local std::vector<float> t_pad;

void im2colGather(float* col, int64_t ld, const float* x, const ss_conv_params* p, const GatherTable& t) {
  if ((int64_t)t_pad.size() < t.padPlane) t_pad.resize(t.padPlane);
  float* pad = t_pad.data();
  const int64_t P = spatialSize(p->out), taps = (int64_t)p->k[0] * p->k[1] * p->k[2], inPlane = spatialSize(p->in);
  for (int c = 0; c < p->C; c++) {
    padChannel(pad, x + c * inPlane, p);
    for (int64_t k = 0; k < taps; k++) {
      float* dst = col + (c * taps + k) * ld;
      const int32_t* ix = t.idx.data() + k * P;
      for (int64_t q = 0; q < P; q++) dst[q] = pad[ix[q]];
    }
  }
}

void col2imGather(float* dx, const float* col, int64_t ld, const ss_conv_params* p, const GatherTable& t) {
  if ((int64_t)t_pad.size() < t.padPlane) t_pad.resize(t.padPlane);
  float* pad = t_pad.data();
  const int64_t Hp = p->in[1] + 2 * p->pad[1], Wp = p->in[2] + 2 * p->pad[2];
  const int64_t P = spatialSize(p->out), taps = (int64_t)p->k[0] * p->k[1] * p->k[2], inPlane = spatialSize(p->in);
  for (int c = 0; c < p->C; c++) {
    std::memset(pad, 0, sizeof(float) * t.padPlane);
    for (int64_t k = 0; k < taps; k++) {
      const float* src = col + (c * taps + k) * ld;
      const int32_t* ix = t.idx.data() + k * P;
      for (int64_t q = 0; q < P; q++) pad[ix[q]] += src[q];
    }
    float* dst = dx + c * inPlane;
    for (int z = 0; z < p->in[0]; z++)
      for (int y = 0; y < p->in[1]; y++)
        std::memcpy(dst + ((int64_t)z * p->in[1] + y) * p->in[2], pad + ((z + p->pad[0]) * Hp + y + p->pad[1]) * Wp + p->pad[2],
                    sizeof(float) * p->in[2]);
  }
}

struct Dims {
  int64_t inPlane, outPlane, Cg, Kg, CKg;  // per-image sizes and per-group GEMM sizes
  int64_t G;                               // images side by side in one GEMM (small output planes)
  int64_t batches;                         // ceil(N / G)
};

// Small output planes make thin GEMMs (N = P columns) dominated by packing and edge tiles; putting
// G images side by side gives G*P columns. Capped so the column buffer stays within ~4 MB.
Dims dims(const ss_conv_params* p) {
  Dims d;
  d.inPlane = spatialSize(p->in);
  d.outPlane = spatialSize(p->out);
  d.Cg = p->C / p->groups;
  d.Kg = p->K / p->groups;
  d.CKg = d.Cg * p->k[0] * p->k[1] * p->k[2];
  const int64_t CK = d.CKg * p->groups;
  int64_t G = 1;
  while (G * 2 * d.outPlane <= 512 && G * 2 * d.outPlane * std::max<int64_t>(CK, p->K) <= (1 << 20) && G * 2 <= p->N) G *= 2;
  d.G = std::max<int64_t>(G, 1);
  d.batches = (p->N + d.G - 1) / d.G;
  return d;
}

// Copies images [n0, n0+g) of a (N, rows, P) tensor into a rows x (g*P) matrix, or back.
void gatherImages(float* dst, const float* src, int64_t g, int64_t rows, int64_t P) {
  for (int64_t i = 0; i < g; i++)
    for (int64_t r = 0; r < rows; r++) std::memcpy(dst + r * g * P + i * P, src + (i * rows + r) * P, sizeof(float) * P);
}
void scatterImages(float* dst, const float* src, int64_t g, int64_t rows, int64_t P) {
  for (int64_t i = 0; i < g; i++)
    for (int64_t r = 0; r < rows; r++) std::memcpy(dst + (i * rows + r) * P, src + r * g * P + i * P, sizeof(float) * P);
}

thread_local std::vector<float> t_out, t_accT;
float* accTBuffer(int64_t n) {
  if ((int64_t)t_accT.size() < n) t_accT.resize(n);
  return t_accT.data();
}
float* outBuffer(int64_t n) {
  if ((int64_t)t_out.size() < n) t_out.resize(n);
  return t_out.data();
}

// What all three passes share: the geometry, whether im2col is skipped (pointwise) or gathers
// through a table (strided), and the per-batch column / gradient-row staging.
struct ConvPlan {
  const ss_conv_params* p;
  Dims d;
  bool pointwise, gather;
  int64_t CK;
  GatherTable table;

  explicit ConvPlan(const ss_conv_params* params) : p(params), d(dims(params)) {
    pointwise = isPointwise(p) && d.G == 1;
    gather = useGather(p);
    CK = d.CKg * p->groups;
    if (gather) table = makeGatherTable(p);
  }

  float* colScratch() const { return pointwise ? nullptr : colBuffer(CK * d.G * d.outPlane); }
  float* rowScratch() const { return d.G > 1 ? outBuffer(p->K * d.G * d.outPlane) : nullptr; }

  // The (CK x g*P) column matrix of images [n0, n0+g) of x: x itself when pointwise.
  const float* columns(float* col, const float* x, int64_t n0, int64_t g) const {
    if (pointwise) return x + n0 * p->C * d.inPlane;
    const int64_t ld = g * d.outPlane;
    for (int64_t i = 0; i < g; i++) {
      const float* xi = x + (n0 + i) * p->C * d.inPlane;
      if (gather) im2colGather(col + i * d.outPlane, ld, xi, p, table);
      else im2col(col + i * d.outPlane, ld, xi, p);
    }
    return col;
  }

  // The (K x g*P) rows of output gradients of images [n0, n0+g): dy itself for one image.
  const float* gradRows(float* tmp, const float* dy, int64_t n0, int64_t g) const {
    const float* dyb = dy + n0 * p->K * d.outPlane;
    if (d.G == 1) return dyb;
    gatherImages(tmp, dyb, g, p->K, d.outPlane);
    return tmp;
  }
};

}  // namespace
}  // namespace selfsup

using namespace selfsup;

extern "C" ss_status ss_conv_forward(float* y, const float* x, const float* w, const float* b,
                                     const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const ConvPlan plan(p);
  const Dims& d = plan.d;
  parallelFor(d.batches, [&](int64_t b0, int64_t b1) {
    float* col = plan.colScratch();
    float* tmp = plan.rowScratch();
    for (int64_t bi = b0; bi < b1; bi++) {
      const int64_t n0 = bi * d.G, g = std::min<int64_t>(d.G, p->N - n0), ld = g * d.outPlane;
      const float* src = plan.columns(col, x, n0, g);
      float* yn = y + n0 * p->K * d.outPlane;
      // One image: GEMM straight into y, over rows pre-filled with the bias. Several: into a
      // scratch matrix, then scattered to each image with the bias added on the way.
      float* yb = d.G > 1 ? tmp : yn;
      if (b && d.G == 1)
        for (int64_t k = 0; k < p->K; k++) std::fill(yn + k * d.outPlane, yn + (k + 1) * d.outPlane, b[k]);
      for (int gr = 0; gr < p->groups; gr++)
        sgemmSingle(false, false, d.Kg, ld, d.CKg, 1.f, w + gr * d.Kg * d.CKg, d.CKg, src + gr * d.CKg * ld, ld,
                    b && d.G == 1 ? 1.f : 0.f, yb + gr * d.Kg * ld, ld);
      if (d.G > 1) {
        scatterImages(yn, yb, g, p->K, d.outPlane);
        if (b)
          for (int64_t i = 0; i < g; i++)
            for (int64_t k = 0; k < p->K; k++) {
              float* row = yn + (i * p->K + k) * d.outPlane;
              for (int64_t q = 0; q < d.outPlane; q++) row[q] += b[k];
            }
      }
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_conv_backward_data(float* dx, const float* dy, const float* w, const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const ConvPlan plan(p);
  const Dims& d = plan.d;
  parallelFor(d.batches, [&](int64_t b0, int64_t b1) {
    float* col = plan.colScratch();
    float* tmp = plan.rowScratch();
    for (int64_t bi = b0; bi < b1; bi++) {
      const int64_t n0 = bi * d.G, g = std::min<int64_t>(d.G, p->N - n0), ld = g * d.outPlane;
      const float* dyb = plan.gradRows(tmp, dy, n0, g);
      float* dxn = dx + n0 * p->C * d.inPlane;
      float* dst = plan.pointwise ? dxn : col;
      for (int gr = 0; gr < p->groups; gr++)
        sgemmSingle(true, false, d.CKg, ld, d.Kg, 1.f, w + gr * d.Kg * d.CKg, d.CKg, dyb + gr * d.Kg * ld, ld, 0.f,
                    dst + gr * d.CKg * ld, ld);
      if (plan.gather) {
        for (int64_t i = 0; i < g; i++) col2imGather(dxn + i * p->C * d.inPlane, col + i * d.outPlane, ld, p, plan.table);
      } else if (!plan.pointwise) {
        std::memset(dxn, 0, sizeof(float) * g * p->C * d.inPlane);
        for (int64_t i = 0; i < g; i++) col2im(dxn + i * p->C * d.inPlane, col + i * d.outPlane, ld, p);
      }
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_conv_backward_weight(float* dw, float* db, const float* x, const float* dy,
                                             const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  const ConvPlan plan(p);
  const Dims& d = plan.d;
  const int64_t wSize = (int64_t)p->K * d.CKg;
  // Fixed chunking (independent of the thread count) keeps the summation order reproducible.
  const int64_t chunks = std::min<int64_t>(d.batches, 8);
  // Few filter taps (first layers: Cin*k*k <= 16): dot products beat packing (measured: at 27
  // taps the packed GEMM is faster again).
  const GemmSkinnyNT skinny = d.CKg <= 16 ? gemmKernelActive().skinnyNT : nullptr;
  std::vector<float> partial(chunks > 1 ? chunks * wSize : 0, 0.f);
  // The bias gradient is summed from the same dY rows while they are in cache, per chunk.
  std::vector<float> partialDb(db ? chunks * p->K : 0, 0.f);
  parallelTasks(chunks, [&](int64_t c) {
    const int64_t bBegin = d.batches * c / chunks, bEnd = d.batches * (c + 1) / chunks;
    float* acc = chunks > 1 ? partial.data() + c * wSize : dw;
    float* accT = accTBuffer(wSize);
    float* col = plan.colScratch();
    float* tmp = plan.rowScratch();
    for (int64_t bi = bBegin; bi < bEnd; bi++) {
      const int64_t n0 = bi * d.G, g = std::min<int64_t>(d.G, p->N - n0), ld = g * d.outPlane;
      const float* src = plan.columns(col, x, n0, g);
      const float* dyb = plan.gradRows(tmp, dy, n0, g);
      if (db)
        for (int64_t k = 0; k < p->K; k++) partialDb[c * p->K + k] += sum16(dyb + k * ld, ld);
      const float beta = bi == bBegin ? 0.f : 1.f;
      for (int gr = 0; gr < p->groups; gr++) {
        if (skinny)
          skinny(d.CKg, d.Kg, ld, src + gr * d.CKg * ld, ld, dyb + gr * d.Kg * ld, ld, accT + gr * d.CKg * d.Kg,
                 d.Kg, bi != bBegin);
        else
          sgemmSingle(false, true, d.CKg, d.Kg, ld, 1.f, src + gr * d.CKg * ld, ld, dyb + gr * d.Kg * ld, ld, beta,
                      accT + gr * d.CKg * d.Kg, d.Kg);
      }
    }
    // acc (K x CKg) (+)= accTᵀ per group.
    for (int gr = 0; gr < p->groups; gr++)
      for (int64_t k = 0; k < d.Kg; k++) {
        float* dst = acc + (gr * d.Kg + k) * d.CKg;
        const float* srcT = accT + gr * d.CKg * d.Kg + k;
        if (chunks > 1)
          for (int64_t j = 0; j < d.CKg; j++) dst[j] = srcT[j * d.Kg];
        else
          for (int64_t j = 0; j < d.CKg; j++) dst[j] += srcT[j * d.Kg];
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
  if (db)
    for (int64_t c = 0; c < chunks; c++)
      for (int64_t k = 0; k < p->K; k++) db[k] += partialDb[c * p->K + k];
  return SS_OK;
}
