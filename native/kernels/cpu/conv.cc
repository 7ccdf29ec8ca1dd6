// Convolution over 1..3 spatial dims as im2col + packed GEMM, one image at a time (never an
// im2col buffer for the whole batch): forward Y[n] = W * col(X[n]) per group; backward-data
// dcol = W^T * dY[n] then col2im; backward-weight dW += dY[n] * col(X[n])^T. Images are spread over
// the thread pool; weight gradients are summed in a fixed number of image chunks reduced in order,
// so the result does not depend on the thread count. Pointwise convs skip im2col; 3x3 stride-1
// 2-D convs with at least 16 channels each way take Winograd F(2x2, 3x3) (winograd.h); on
// AVX-512, stride-2 2-D im2col reads the unpadded plane and first layers' weight gradients are
// direct (conv_direct_small.h).
// Checked against kernels/ref/conv_ref.cc (direct loops) by test/native/conv.test.ts.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../../core/dispatch.h"
#include "../../core/reduce.h"
#include "../../core/threadpool.h"
#include "conv_direct_small.h"
#include "conv_geometry.h"
#include "im2col_padded.h"
#include "winograd.h"

namespace selfsup {
namespace {

// Per-thread scratch that only grows: columns, padded planes, staged output rows, transposed
// weight-gradient accumulators.
thread_local std::vector<float> t_col, t_pad, t_out, t_accT;

float* scratch(std::vector<float>& v, int64_t n) {
  if ((int64_t)v.size() < n) v.resize(n);
  return v.data();
}

bool isPointwise(const ss_conv_params* p) {
  for (int i = 0; i < 3; i++)
    if (p->k[i] != 1 || p->stride[i] != 1 || p->pad[i] != 0) return false;
  return true;
}

// Every non-pointwise conv goes through a zero-padded copy of each input channel: im2col rows
// are then branch-free strided copies (im2col_padded.h; SIMD rows on AVX-512) and col2im adds
// into the padded plane and copies its interior out. Against the bounds-checked rows and the
// offset-table gather this replaced (A/B at 1 thread, same session): the SimCLR step's stride-2
// convs 12-15% faster (28x28 -> 14x14 and 14x14 -> 7x7, whose 7-wide rows go two per vector),
// the whole step 6-9%.
// 2-D stride-2 convs on AVX-512 skip the padded plane altogether (im2col_stride2_avx512.cc).
// Against the padded rows (A/B, N = 512, 2 threads): 32->64 at 28x28 forward 14.5 -> 12.5 ms,
// backward-data 15.5 -> 12.0, backward-weight 15.9 -> 12.9; 64->128 at 14x14 backward-data
// 13.8 -> 11.4, the other two unchanged; the SimCLR step 135 -> 124 ms.
struct ChannelKernels {
  Im2colChannelFn im2col;
  Col2imChannelFn col2im;
  bool stride2Direct = false;
  Stride2Tables stride2;
};

ChannelKernels channelKernels(const ss_conv_params* p) {
  ChannelKernels k{im2colChannelPadded<ScalarRowOps>, col2imChannelPadded<ScalarRowOps>, false, {}};
  if (activeIsa() == SS_ISA_AVX512) {
    k.im2col = im2colChannelAvx512;
    k.col2im = col2imChannelAvx512;
    k.stride2Direct = stride2DirectApplies(p);
    if (k.stride2Direct) stride2Tables(k.stride2, p);
  }
  return k;
}

// col[(c, kz, ky, kx), (oz, oy, ox)] = x[c, oz*s - p + kz*d, ...] or 0 outside; rows ld apart.
void im2col(float* col, int64_t ld, const float* x, const ss_conv_params* p, const ChannelKernels& k) {
  if (k.stride2Direct) {
    const int64_t taps = (int64_t)p->k[1] * p->k[2], inPlane = spatialSize(p->in);
    for (int c = 0; c < p->C; c++) im2colStride2Avx512(col + c * taps * ld, ld, x + c * inPlane, p, k.stride2);
    return;
  }
  const PaddedPlane g = paddedPlane(p);
  float* pad = scratch(t_pad, planeSize(g));
  const int64_t taps = (int64_t)p->k[0] * p->k[1] * p->k[2], inPlane = spatialSize(p->in);
  std::memset(pad, 0, sizeof(float) * planeSize(g));  // the border; each channel overwrites the interior
  for (int c = 0; c < p->C; c++) {
    copyIntoPadded(pad, x + c * inPlane, p, g);
    k.im2col(col + c * taps * ld, ld, pad, p, g);
  }
}

// dx = col2im(col), the adjoint of im2col; every element of dx is written.
void col2im(float* dx, const float* col, int64_t ld, const ss_conv_params* p, const ChannelKernels& k) {
  if (k.stride2Direct) {
    const int64_t taps = (int64_t)p->k[1] * p->k[2], inPlane = spatialSize(p->in);
    for (int c = 0; c < p->C; c++) col2imStride2Avx512(dx + c * inPlane, col + c * taps * ld, ld, p, k.stride2);
    return;
  }
  const PaddedPlane g = paddedPlane(p);
  float* pad = scratch(t_pad, planeSize(g));
  const int64_t taps = (int64_t)p->k[0] * p->k[1] * p->k[2], inPlane = spatialSize(p->in);
  for (int c = 0; c < p->C; c++) {
    std::memset(pad, 0, sizeof(float) * planeSize(g));
    k.col2im(pad, col + c * taps * ld, ld, p, g);
    unpadPlane(dx + c * inPlane, pad, p, g);
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

// What all three passes share: the geometry, whether im2col is skipped (pointwise), the ISA's
// padded-row kernels, and the per-batch column / gradient-row staging.
struct ConvPlan {
  const ss_conv_params* p;
  Dims d;
  bool pointwise;
  int64_t CK;
  ChannelKernels kernels;

  explicit ConvPlan(const ss_conv_params* params) : p(params), d(dims(params)), kernels(channelKernels(params)) {
    pointwise = isPointwise(p) && d.G == 1;
    CK = d.CKg * p->groups;
  }

  float* colScratch() const { return pointwise ? nullptr : scratch(t_col, CK * d.G * d.outPlane); }
  float* rowScratch() const { return d.G > 1 ? scratch(t_out, p->K * d.G * d.outPlane) : nullptr; }

  // The (CK x g*P) column matrix of images [n0, n0+g) of x: x itself when pointwise.
  const float* columns(float* col, const float* x, int64_t n0, int64_t g) const {
    if (pointwise) return x + n0 * p->C * d.inPlane;
    const int64_t ld = g * d.outPlane;
    for (int64_t i = 0; i < g; i++) {
      const float* xi = x + (n0 + i) * p->C * d.inPlane;
      im2col(col + i * d.outPlane, ld, xi, p, kernels);
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

// Each group's filter, the A of every image batch's GEMM, packed once per call: W (Kg x CKg) for
// the forward pass, Wᵀ for backward-data.
std::vector<PackedGemmA> packedFilters(const float* w, const ss_conv_params* p, const Dims& d, bool transposed) {
  std::vector<PackedGemmA> packed(p->groups);
  for (int gr = 0; gr < p->groups; gr++) {
    const float* wg = w + gr * d.Kg * d.CKg;
    if (transposed) packGemmA(packed[gr], true, d.CKg, d.Kg, 1.f, wg, d.CKg);
    else packGemmA(packed[gr], false, d.Kg, d.CKg, 1.f, wg, d.CKg);
  }
  return packed;
}

// First layers' weight gradients (1-2 input channels, 3x3 same-size) on AVX-512: a direct kernel
// (conv_direct_small.h). A/B at 2 threads: 512 x 1 x 28x28 -> 32 3.5-4.2 -> 2.4 ms; 128 x 2 x
// 32x32 -> 16 2.5 -> 0.86 ms. (A direct forward measured no faster than im2col + GEMM there:
// both wait on writing the 51 MB output.)
bool useDirectSmall(const ss_conv_params* p) { return activeIsa() == SS_ISA_AVX512 && directSmallConvApplies(p); }

// dst[i] += partial[c][i] for chunks c = 0, 1, ... in order (weight gradients summed per image
// chunk, so the total does not depend on the thread count).
// Small sizes (bias gradients, first layers' filters) are summed on the calling thread.
void addChunksInOrder(float* dst, const float* partial, int64_t chunks, int64_t size) {
  const auto add = [&](int64_t i0, int64_t i1) {
    for (int64_t c = 0; c < chunks; c++) {
      const float* src = partial + c * size;
      for (int64_t i = i0; i < i1; i++) dst[i] += src[i];
    }
  };
  if (size < 16384) add(0, size);
  else parallelFor(size, add);
}

}  // namespace
}  // namespace selfsup

using namespace selfsup;

extern "C" ss_status ss_conv_forward(float* y, const float* x, const float* w, const float* b,
                                     const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  if (winogradApplies(p, WinogradPass::Forward)) {
    winogradForward(y, x, w, b, p);
    return SS_OK;
  }
  const ConvPlan plan(p);
  const Dims& d = plan.d;
  const std::vector<PackedGemmA> wp = packedFilters(w, p, d, false);
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
        sgemmPackedA(wp[gr], false, ld, src + gr * d.CKg * ld, ld, b && d.G == 1 ? 1.f : 0.f, yb + gr * d.Kg * ld, ld);
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
  if (winogradApplies(p, WinogradPass::BackwardData)) {
    winogradBackwardData(dx, dy, w, p);
    return SS_OK;
  }
  const ConvPlan plan(p);
  const Dims& d = plan.d;
  const std::vector<PackedGemmA> wp = packedFilters(w, p, d, true);
  parallelFor(d.batches, [&](int64_t b0, int64_t b1) {
    float* col = plan.colScratch();
    float* tmp = plan.rowScratch();
    for (int64_t bi = b0; bi < b1; bi++) {
      const int64_t n0 = bi * d.G, g = std::min<int64_t>(d.G, p->N - n0), ld = g * d.outPlane;
      const float* dyb = plan.gradRows(tmp, dy, n0, g);
      float* dxn = dx + n0 * p->C * d.inPlane;
      float* dst = plan.pointwise ? dxn : col;
      for (int gr = 0; gr < p->groups; gr++)
        sgemmPackedA(wp[gr], false, ld, dyb + gr * d.Kg * ld, ld, 0.f, dst + gr * d.CKg * ld, ld);
      if (!plan.pointwise)
        for (int64_t i = 0; i < g; i++) col2im(dxn + i * p->C * d.inPlane, col + i * d.outPlane, ld, p, plan.kernels);
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_conv_backward_weight(float* dw, float* db, const float* x, const float* dy,
                                             const ss_conv_params* p) {
  if (!convParamsValid(p)) return SS_ERR_ARG;
  if (useDirectSmall(p)) {
    // Fixed image chunks summed in order: the result does not depend on the thread count.
    const int64_t wSize = (int64_t)p->K * p->C * 9, chunks = std::min<int64_t>(p->N, 8);
    std::vector<float> partial(chunks * wSize), partialDb(db ? chunks * p->K : 0);
    parallelTasks(chunks, [&](int64_t c) {
      directSmallConvBackwardWeightAvx512(partial.data() + c * wSize, db ? partialDb.data() + c * p->K : nullptr, x, dy,
                                          p, p->N * c / chunks, p->N * (c + 1) / chunks);
    });
    addChunksInOrder(dw, partial.data(), chunks, wSize);
    if (db) addChunksInOrder(db, partialDb.data(), chunks, p->K);
    return SS_OK;
  }
  if (winogradApplies(p, WinogradPass::BackwardWeight)) {
    winogradBackwardWeight(dw, db, x, dy, p);
    return SS_OK;
  }
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
    float* accT = scratch(t_accT, wSize);
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
  if (chunks > 1) addChunksInOrder(dw, partial.data(), chunks, wSize);
  if (db) addChunksInOrder(db, partialDb.data(), chunks, p->K);
  return SS_OK;
}
