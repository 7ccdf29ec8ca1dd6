// Nearest and bilinear 2-D upsampling on the GPU, forward and backward: the CUDA twins of
// native/kernels/cpu/upsample.cc (PyTorch's source-index rules, the same taps and weights, added
// in the same order). Forward: one thread per output. Backward: one thread per (n, c) plane
// scattering in the CPU's order, so it is deterministic without atomics (simple, not fast: a
// gather formulation is the optimization). Checked against the CPU kernels by native/cuda-check.
#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

struct Tap {
  int i0, i1;
  float w0, w1;
};

__device__ Tap linearTap(int o, int in, int out, bool alignCorners) {
  float src;
  if (alignCorners) src = out > 1 ? (float)o * (in - 1) / (out - 1) : 0.f;
  else src = fmaxf(0.f, __fsub_rn(__fdiv_rn(__fmul_rn((float)o + 0.5f, (float)in), (float)out), 0.5f));
  const int i0 = min((int)src, in - 1), i1 = min(i0 + 1, in - 1);
  const float l = src - i0;
  return {i0, i1, 1.f - l, l};
}

// Calls f(input index, weight) for the taps of output (oy, ox), in the CPU's order.
template <class F>
__device__ void taps(int oy, int ox, int H, int W, int Ho, int Wo, int mode, bool ac, F f) {
  if (mode == 0) {
    const int iy = min((int)((int64_t)oy * H / Ho), H - 1), ix = min((int)((int64_t)ox * W / Wo), W - 1);
    f((int64_t)iy * W + ix, 1.f);
  } else {
    const Tap ty = linearTap(oy, H, Ho, ac), tx = linearTap(ox, W, Wo, ac);
    f((int64_t)ty.i0 * W + tx.i0, ty.w0 * tx.w0);
    f((int64_t)ty.i0 * W + tx.i1, ty.w0 * tx.w1);
    f((int64_t)ty.i1 * W + tx.i0, ty.w1 * tx.w0);
    f((int64_t)ty.i1 * W + tx.i1, ty.w1 * tx.w1);
  }
}

__global__ void forwardKernel(float* y, const float* x, int64_t planes, int H, int W, int Ho, int Wo, int mode, bool ac) {
  const int64_t outPlane = (int64_t)Ho * Wo;
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < planes * outPlane; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t pl = e / outPlane, o = e % outPlane;
    const float* xp = x + pl * H * W;
    float s = 0.f;
    taps((int)(o / Wo), (int)(o % Wo), H, W, Ho, Wo, mode, ac, [&](int64_t i, float w) { s = __fadd_rn(s, __fmul_rn(w, xp[i])); });
    y[e] = s;
  }
}

__global__ void backwardKernel(float* dx, const float* dy, int64_t planes, int H, int W, int Ho, int Wo, int mode, bool ac) {
  for (int64_t pl = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; pl < planes; pl += (int64_t)gridDim.x * blockDim.x) {
    float* dxp = dx + pl * H * W;
    const float* dyp = dy + pl * Ho * Wo;
    for (int64_t i = 0; i < (int64_t)H * W; i++) dxp[i] = 0.f;
    for (int oy = 0; oy < Ho; oy++)
      for (int ox = 0; ox < Wo; ox++) {
        const float g = dyp[(int64_t)oy * Wo + ox];
        taps(oy, ox, H, W, Ho, Wo, mode, ac, [&](int64_t i, float w) { dxp[i] = __fadd_rn(dxp[i], __fmul_rn(w, g)); });
      }
  }
}

bool valid(int64_t N, int64_t C, int H, int W, int Ho, int Wo, int mode) {
  return N >= 0 && C > 0 && H > 0 && W > 0 && Ho > 0 && Wo > 0 && (mode == 0 || mode == 1);
}

}  // namespace

extern "C" ss_status ss_cuda_upsample2d_forward(float* y, const float* x, int64_t N, int64_t C, int H, int W, int Ho, int Wo,
                                                int mode, int alignCorners) {
  if (!valid(N, C, H, W, Ho, Wo, mode)) return SS_ERR_ARG;
  const int64_t n = N * C * Ho * Wo;
  if (n == 0) return SS_OK;
  forwardKernel<<<blocksFor(n), kThreads>>>(y, x, N * C, H, W, Ho, Wo, mode, alignCorners != 0);
  return launched();
}

extern "C" ss_status ss_cuda_upsample2d_backward(float* dx, const float* dy, int64_t N, int64_t C, int H, int W, int Ho, int Wo,
                                                 int mode, int alignCorners) {
  if (!valid(N, C, H, W, Ho, Wo, mode)) return SS_ERR_ARG;
  if (N == 0) return SS_OK;
  backwardKernel<<<blocksFor(N * C), kThreads>>>(dx, dy, N * C, H, W, Ho, Wo, mode, alignCorners != 0);
  return launched();
}
