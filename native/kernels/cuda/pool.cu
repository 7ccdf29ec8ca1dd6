// Max and average pooling over 1..3 spatial dims on the GPU, forward and backward: the CUDA twins
// of native/kernels/cpu/pool.cc (same windows, argmax as the flat index into the input plane or
// -1, count_include_pad as PyTorch). Forward: one thread per output. Backward: one thread per
// input element gathering from the outputs whose window covers it (no atomics: deterministic).
// Checked against the CPU kernels by native/cuda-check.
#include <cfloat>

#include "../cpu/conv_geometry.h"
#include "cuda_common.h"

using namespace selfsup;
using namespace selfsup::cuda;

namespace {

struct PoolGeometry {
  int in[3], out[3], k[3], stride[3], pad[3], includePad;
};

PoolGeometry geometryOf(const ss_pool_params* p) {
  PoolGeometry g;
  for (int d = 0; d < 3; d++) {
    g.in[d] = p->in[d]; g.out[d] = p->out[d]; g.k[d] = p->k[d]; g.stride[d] = p->stride[d]; g.pad[d] = p->pad[d];
  }
  g.includePad = p->count_include_pad;
  return g;
}

// The clamped window of output (oz, oy, ox) and its divisor, as the CPU's forEachWindow.
__device__ int window(const PoolGeometry& g, const int o[3], int lo[3], int hi[3]) {
  int padCount = 1;
  for (int d = 0; d < 3; d++) {
    const int s = o[d] * g.stride[d] - g.pad[d], e = s + g.k[d];
    const int ePad = e < g.in[d] + g.pad[d] ? e : g.in[d] + g.pad[d];
    padCount *= ePad - s;
    lo[d] = s < 0 ? 0 : s;
    hi[d] = e > g.in[d] ? g.in[d] : e;
  }
  const int count = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
  return g.includePad ? padCount : count;
}

__device__ void outCoords(const PoolGeometry& g, int64_t q, int o[3]) {
  o[2] = (int)(q % g.out[2]);
  o[1] = (int)(q / g.out[2] % g.out[1]);
  o[0] = (int)(q / ((int64_t)g.out[2] * g.out[1]));
}

__global__ void maxForwardKernel(float* y, int32_t* argmax, const float* x, PoolGeometry g, int64_t planes) {
  const int64_t inPlane = (int64_t)g.in[0] * g.in[1] * g.in[2], outPlane = (int64_t)g.out[0] * g.out[1] * g.out[2];
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < planes * outPlane; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t pl = e / outPlane;
    int o[3], lo[3], hi[3];
    outCoords(g, e % outPlane, o);
    window(g, o, lo, hi);
    const float* xp = x + pl * inPlane;
    float best = -FLT_MAX;
    int32_t bi = -1;
    bool nan = false;
    for (int z = lo[0]; z < hi[0] && !nan; z++)
      for (int yy = lo[1]; yy < hi[1] && !nan; yy++)
        for (int xx = lo[2]; xx < hi[2]; xx++) {
          const int64_t i = ((int64_t)z * g.in[1] + yy) * g.in[2] + xx;
          const float v = xp[i];
          if (v > best || bi < 0 || v != v) {  // NaN propagates, as the CPU and PyTorch
            best = v;
            bi = (int32_t)i;
            if (v != v) { nan = true; break; }
          }
        }
    y[e] = bi < 0 ? -INFINITY : best;
    argmax[e] = bi;
  }
}

__global__ void avgForwardKernel(float* y, const float* x, PoolGeometry g, int64_t planes) {
  const int64_t inPlane = (int64_t)g.in[0] * g.in[1] * g.in[2], outPlane = (int64_t)g.out[0] * g.out[1] * g.out[2];
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < planes * outPlane; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t pl = e / outPlane;
    int o[3], lo[3], hi[3];
    outCoords(g, e % outPlane, o);
    const int div = window(g, o, lo, hi);
    const float* xp = x + pl * inPlane;
    float s = 0.f;
    for (int z = lo[0]; z < hi[0]; z++)
      for (int yy = lo[1]; yy < hi[1]; yy++)
        for (int xx = lo[2]; xx < hi[2]; xx++) s += xp[((int64_t)z * g.in[1] + yy) * g.in[2] + xx];
    y[e] = div > 0 ? s / (float)div : 0.f;
  }
}

// Outputs along one axis whose window [o*s - p, o*s - p + k) contains i: o in [oLo, oHi).
__device__ void coveringRange(int i, int k, int s, int p, int out, int& oLo, int& oHi) {
  const int a = i + p - k + 1;  // o*s >= a
  oLo = a <= 0 ? 0 : (a + s - 1) / s;
  const int b = (i + p) / s + 1;  // o*s <= i + p
  oHi = b < out ? b : out;
}

template <bool kMax>
__global__ void backwardKernel(float* dx, const float* dy, const int32_t* argmax, PoolGeometry g, int64_t planes) {
  const int64_t inPlane = (int64_t)g.in[0] * g.in[1] * g.in[2], outPlane = (int64_t)g.out[0] * g.out[1] * g.out[2];
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < planes * inPlane; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t pl = e / inPlane, i = e % inPlane;
    const int ix = (int)(i % g.in[2]), iy = (int)(i / g.in[2] % g.in[1]), iz = (int)(i / ((int64_t)g.in[2] * g.in[1]));
    int zLo, zHi, yLo, yHi, xLo, xHi;
    coveringRange(iz, g.k[0], g.stride[0], g.pad[0], g.out[0], zLo, zHi);
    coveringRange(iy, g.k[1], g.stride[1], g.pad[1], g.out[1], yLo, yHi);
    coveringRange(ix, g.k[2], g.stride[2], g.pad[2], g.out[2], xLo, xHi);
    float s = 0.f;
    for (int oz = zLo; oz < zHi; oz++)
      for (int oy = yLo; oy < yHi; oy++)
        for (int ox = xLo; ox < xHi; ox++) {
          const int64_t q = pl * outPlane + ((int64_t)oz * g.out[1] + oy) * g.out[2] + ox;
          if (kMax) {
            if (argmax[q] == (int32_t)i) s += dy[q];
          } else {
            int o[3] = {oz, oy, ox}, lo[3], hi[3];
            const int div = window(g, o, lo, hi);
            if (div > 0) s += dy[q] / (float)div;
          }
        }
    dx[e] = s;
  }
}

}  // namespace

extern "C" ss_status ss_cuda_maxpool_forward(float* y, int32_t* argmax, const float* x, const ss_pool_params* p) {
  if (!poolParamsValid(p) || !argmax) return SS_ERR_ARG;
  const int64_t n = (int64_t)p->N * p->C * spatialSize(p->out);
  if (n == 0) return SS_OK;
  maxForwardKernel<<<blocksFor(n), kThreads>>>(y, argmax, x, geometryOf(p), (int64_t)p->N * p->C);
  return launched();
}

extern "C" ss_status ss_cuda_maxpool_backward(float* dx, const float* dy, const int32_t* argmax, const ss_pool_params* p) {
  if (!poolParamsValid(p) || !argmax) return SS_ERR_ARG;
  const int64_t n = (int64_t)p->N * p->C * spatialSize(p->in);
  if (n == 0) return SS_OK;
  backwardKernel<true><<<blocksFor(n), kThreads>>>(dx, dy, argmax, geometryOf(p), (int64_t)p->N * p->C);
  return launched();
}

extern "C" ss_status ss_cuda_avgpool_forward(float* y, const float* x, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t n = (int64_t)p->N * p->C * spatialSize(p->out);
  if (n == 0) return SS_OK;
  avgForwardKernel<<<blocksFor(n), kThreads>>>(y, x, geometryOf(p), (int64_t)p->N * p->C);
  return launched();
}

extern "C" ss_status ss_cuda_avgpool_backward(float* dx, const float* dy, const ss_pool_params* p) {
  if (!poolParamsValid(p)) return SS_ERR_ARG;
  const int64_t n = (int64_t)p->N * p->C * spatialSize(p->in);
  if (n == 0) return SS_OK;
  backwardKernel<false><<<blocksFor(n), kThreads>>>(dx, dy, nullptr, geometryOf(p), (int64_t)p->N * p->C);
  return launched();
}
