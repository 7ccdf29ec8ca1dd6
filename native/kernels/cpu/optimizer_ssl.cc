// Optimizer pieces for self-supervised training:
// LARS (You et al. 2017, as SimCLR's implementation applies it): g' = g + wd·w, trust =
// eta·|w|/|g'| when both norms are positive (else 1), v = m·v + lr·trust·g', w -= v. Parameters
// marked excluded (biases, norm layers) skip both weight decay and adaptation (trust = 1).
// EMA for BYOL's target: t = tau·t + (1 - tau)·o.
// Norms are summed in 16 lanes (fixed order), so the step is thread-count independent.
// Checked against hand-computed updates in test/native/optimizer-ssl.test.ts.
#include <cmath>

#include "../../core/reduce.h"
#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {
double dot16(const float* a, const float* b, int64_t n) {
  double s = 0;
  int64_t i = 0;
  for (; i + 4096 <= n; i += 4096) {
    float acc[16] = {};
    for (int64_t k = i; k < i + 4096; k += 16)
      for (int j = 0; j < 16; j++) acc[j] += a[k + j] * b[k + j];
    s += laneSum(acc);
  }
  for (; i < n; i++) s += (double)a[i] * b[i];
  return s;
}
}  // namespace

extern "C" ss_status ss_lars_step(float* param, float* velocity, const float* grad, int64_t n, float lr, float momentum,
                                  float weightDecay, float eta, int excluded) {
  if (n < 0 || !velocity) return SS_ERR_ARG;
  float trust = 1.f, wd = excluded ? 0.f : weightDecay;
  if (!excluded) {
    const double ww = dot16(param, param, n), gg = dot16(grad, grad, n), wg = dot16(param, grad, n);
    const double wNorm = std::sqrt(ww);
    const double gNorm = std::sqrt(std::fmax(0.0, gg + 2.0 * wd * wg + (double)wd * wd * ww));  // |g + wd w|
    if (wNorm > 0 && gNorm > 0) trust = (float)(eta * wNorm / gNorm);
  }
  const float scaled = lr * trust;
  parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const float g = grad[i] + wd * param[i];
      velocity[i] = momentum * velocity[i] + scaled * g;
      param[i] -= velocity[i];
    }
  }, n < 65536 ? 1 : 0);
  return SS_OK;
}

extern "C" ss_status ss_ema_update(float* target, const float* online, int64_t n, float tau) {
  if (n < 0 || !(tau >= 0.f && tau <= 1.f)) return SS_ERR_ARG;
  parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) target[i] = tau * target[i] + (1.f - tau) * online[i];
  }, n < 65536 ? 1 : 0);
  return SS_OK;
}
