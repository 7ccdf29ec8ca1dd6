// Softmax cross-entropy over R rows of Cn logits, fused (vectorizable exp, core/fast_math.h): one pass finds the row max, one computes
// log-sum-exp, and the gradient (softmax - smoothed one-hot) / counted rows is written in the same
// sweep, so no probability matrix is kept. Label smoothing as PyTorch: target = (1-e)*onehot + e/Cn.
// Checked against kernels/ref/cross_entropy_ref.cc and PyTorch fixtures.
#include <cmath>
#include <vector>

#include "../../core/fast_math.h"
#include "../../core/reduce.h"
#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {
thread_local std::vector<float> t_row;
float* rowScratch(int64_t n) {
  if ((int64_t)t_row.size() < n) t_row.resize(n);
  return t_row.data();
}
}  // namespace

extern "C" ss_status ss_softmax_cross_entropy(float* loss, float* dlogits, const float* logits,
                                              const int32_t* targets, int64_t R, int64_t Cn, float labelSmoothing,
                                              int32_t ignoreIndex) {
  if (R < 0 || Cn <= 0 || !(labelSmoothing >= 0.f && labelSmoothing <= 1.f)) return SS_ERR_ARG;
  for (int64_t r = 0; r < R; r++)
    if (targets[r] != ignoreIndex && (targets[r] < 0 || targets[r] >= Cn)) return SS_ERR_ARG;
  int64_t counted = 0;
  for (int64_t r = 0; r < R; r++) counted += targets[r] != ignoreIndex;
  const float eps = labelSmoothing, offTarget = eps / Cn, onTarget = 1.f - eps + eps / Cn;
  const float inv = counted ? 1.f / counted : 0.f;
  // Per-row losses, summed in row order afterwards so the total is thread-count independent.
  std::vector<double> rowLoss(R, 0.0);
  parallelFor(R, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* z = logits + r * Cn;
      float* dz = dlogits ? dlogits + r * Cn : nullptr;
      if (targets[r] == ignoreIndex) {
        if (dz)
          for (int64_t j = 0; j < Cn; j++) dz[j] = 0.f;
        continue;
      }
      const float mx = max16(z, Cn);
      // e^(z - max) is computed once into dz (or a row scratch) and reused for the gradient.
      float* e = dz ? dz : rowScratch(Cn);
      for (int64_t j = 0; j < Cn; j++) e[j] = expApprox(z[j] - mx);
      const double se = sum16(e, Cn), sz = sum16(z, Cn);
      const double lse = mx + std::log(se);
      const int32_t t = targets[r];
      // loss = lse - sum_j target_j z_j
      rowLoss[r] = lse - ((double)(1.f - eps) * z[t] + (double)eps / Cn * sz);
      if (dz) {
        const float scale = (float)(1.0 / se) * inv, off = offTarget * inv;
        for (int64_t j = 0; j < Cn; j++) dz[j] = e[j] * scale - off;
        dz[t] += (offTarget - onTarget) * inv;
      }
    }
  });
  double total = 0;
  for (int64_t r = 0; r < R; r++) total += rowLoss[r];
  *loss = (float)(total * inv);
  return SS_OK;
}

extern "C" ss_status ss_softmax_forward(float* y, const float* x, int64_t R, int64_t Cn, int logOutput) {
  if (R < 0 || Cn <= 0) return SS_ERR_ARG;
  parallelFor(R, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* z = x + r * Cn;
      float* o = y + r * Cn;
      const float mx = max16(z, Cn);
      for (int64_t j = 0; j < Cn; j++) o[j] = expApprox(z[j] - mx);
      const double se = sum16(o, Cn);
      if (logOutput) {
        const float lse = mx + (float)std::log(se);
        for (int64_t j = 0; j < Cn; j++) o[j] = z[j] - lse;
      } else {
        const float inv = (float)(1.0 / se);
        for (int64_t j = 0; j < Cn; j++) o[j] *= inv;
      }
    }
  });
  return SS_OK;
}
