// Pointwise activations (ReLU, LeakyReLU, GELU with erf, sigmoid, tanh) forward and backward,
// parallel over large arrays. PyTorch's formulas; checked by test/native/activation.test.ts
// against float64 formulas in TypeScript and by finite differences.
#include <cmath>

#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {
constexpr int64_t kGrain = 1 << 15;

template <class F>
void pointwise(int64_t n, F f) {
  if (n < kGrain) f(0, n);
  else parallelFor(n, f);
}
}  // namespace

extern "C" ss_status ss_activation_forward(int kind, float* y, const float* x, int64_t n, float alpha) {
  if (n < 0) return SS_ERR_ARG;
  switch (kind) {
    // x < 0 ? 0 : x keeps NaN (as PyTorch), unlike x > 0 ? x : 0.
    case SS_ACT_RELU: pointwise(n, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; i++) y[i] = x[i] < 0.f ? 0.f : x[i]; }); break;
    case SS_ACT_LEAKY_RELU: pointwise(n, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; i++) y[i] = x[i] > 0.f ? x[i] : alpha * x[i]; }); break;
    case SS_ACT_GELU: pointwise(n, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; i++) y[i] = 0.5f * x[i] * (1.f + std::erf(x[i] * 0.70710678118654752f)); }); break;
    case SS_ACT_SIGMOID: pointwise(n, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; i++) y[i] = 1.f / (1.f + std::exp(-x[i])); }); break;
    case SS_ACT_TANH: pointwise(n, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; i++) y[i] = std::tanh(x[i]); }); break;
    default: return SS_ERR_ARG;
  }
  return SS_OK;
}

extern "C" ss_status ss_activation_backward(int kind, float* dx, const float* dy, const float* x, const float* y,
                                            int64_t n, float alpha) {
  if (n < 0) return SS_ERR_ARG;
  switch (kind) {
    // Loads before the select so the loops compile to vector blends, not data-dependent branches.
    case SS_ACT_RELU:
      pointwise(n, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; i++) { float g = dy[i], v = x[i]; dx[i] = v > 0.f ? g : 0.f; }
      });
      break;
    case SS_ACT_LEAKY_RELU:
      pointwise(n, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; i++) { float g = dy[i], v = x[i]; dx[i] = v > 0.f ? g : alpha * g; }
      });
      break;
    case SS_ACT_GELU:
      pointwise(n, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; i++) {
          float cdf = 0.5f * (1.f + std::erf(x[i] * 0.70710678118654752f));
          float pdf = 0.39894228040143268f * std::exp(-0.5f * x[i] * x[i]);
          dx[i] = dy[i] * (cdf + x[i] * pdf);
        }
      });
      break;
    case SS_ACT_SIGMOID: pointwise(n, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; i++) dx[i] = dy[i] * y[i] * (1.f - y[i]); }); break;
    case SS_ACT_TANH: pointwise(n, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; i++) dx[i] = dy[i] * (1.f - y[i] * y[i]); }); break;
    default: return SS_ERR_ARG;
  }
  return SS_OK;
}
