// Reference softmax cross-entropy: explicit log-softmax and smoothed target distribution in double.
#include <cmath>
#include <vector>

#include "selfsup/kernels.h"

extern "C" ss_status ss_ref_softmax_cross_entropy(float* loss, float* dlogits, const float* logits,
                                                  const int32_t* targets, int64_t R, int64_t Cn,
                                                  float labelSmoothing, int32_t ignoreIndex) {
  if (R < 0 || Cn <= 0) return SS_ERR_ARG;
  double total = 0;
  int64_t counted = 0;
  std::vector<double> logp(Cn), q(Cn);
  for (int64_t r = 0; r < R; r++) counted += targets[r] != ignoreIndex;
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
      q[j] = labelSmoothing / Cn + (j == targets[r] ? 1.0 - labelSmoothing : 0.0);
      total -= q[j] * logp[j];
    }
    if (dlogits)
      for (int64_t j = 0; j < Cn; j++) dlogits[r * Cn + j] = (float)((std::exp(logp[j]) - q[j]) / counted);
  }
  *loss = counted ? (float)(total / counted) : 0.f;
  return SS_OK;
}
