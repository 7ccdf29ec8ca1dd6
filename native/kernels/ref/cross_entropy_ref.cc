// Reference softmax cross-entropy: explicit log-softmax and smoothed (class-weighted) target
// distribution in double.
#include <cmath>
#include <vector>

#include "selfsup/kernels.h"

extern "C" ss_status ss_ref_softmax_cross_entropy(float* loss, float* dlogits, const float* logits,
                                                  const int32_t* targets, int64_t R, int64_t Cn,
                                                  float labelSmoothing, int32_t ignoreIndex,
                                                  const float* classWeights) {
  if (R < 0 || Cn <= 0) return SS_ERR_ARG;
  double total = 0, counted = 0;
  std::vector<double> logp(Cn), q(Cn);
  auto w = [&](int64_t j) { return classWeights ? (double)classWeights[j] : 1.0; };
  for (int64_t r = 0; r < R; r++)
    if (targets[r] != ignoreIndex) counted += w(targets[r]);
  for (int64_t r = 0; r < R; r++) {
    const float* z = logits + r * Cn;
    if (targets[r] == ignoreIndex) {
      if (dlogits)
        for (int64_t j = 0; j < Cn; j++) dlogits[r * Cn + j] = 0.f;
      continue;
    }
    if (targets[r] < 0 || targets[r] >= Cn) return SS_ERR_ARG;
    double mx = -INFINITY, se = 0;
    for (int64_t j = 0; j < Cn; j++) mx = std::fmax(mx, z[j]);
    for (int64_t j = 0; j < Cn; j++) se += std::exp(z[j] - mx);
    for (int64_t j = 0; j < Cn; j++) {
      logp[j] = z[j] - mx - std::log(se);
      // Weighted target distribution (PyTorch: smoothing term weighted by w_j, the rest by w_t).
      q[j] = labelSmoothing / Cn * w(j) + (j == targets[r] ? (1.0 - labelSmoothing) * w(j) : 0.0);
      total -= q[j] * logp[j];
    }
    double qsum = 0;
    for (int64_t j = 0; j < Cn; j++) qsum += q[j];
    if (dlogits)
      for (int64_t j = 0; j < Cn; j++) dlogits[r * Cn + j] = (float)((std::exp(logp[j]) * qsum - q[j]) / counted);
  }
  *loss = counted > 0 ? (float)(total / counted) : 0.f;
  return SS_OK;
}
