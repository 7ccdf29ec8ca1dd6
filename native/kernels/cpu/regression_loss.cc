// Regression losses with mean reduction, forward and gradient fused: L1 |d|, MSE d^2 and smooth L1
// (PyTorch's: 0.5 d^2 / beta below beta, |d| - 0.5 beta above), d = pred - target. The sum runs
// over fixed 4096-element blocks (16 lanes each) added in block order, so the loss does not depend
// on the thread count. Checked against float64 TypeScript formulas and finite differences.
#include <cmath>
#include <vector>

#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {
constexpr int64_t kBlock = 4096;

inline float pointLoss(int kind, float d, float beta) {
  const float a = std::fabs(d);
  switch (kind) {
    case SS_LOSS_L1: return a;
    case SS_LOSS_MSE: return d * d;
    default: return a < beta ? 0.5f * d * d / beta : a - 0.5f * beta;
  }
}

inline float pointGrad(int kind, float d, float beta) {
  switch (kind) {
    case SS_LOSS_L1: return d > 0.f ? 1.f : d < 0.f ? -1.f : 0.f;
    case SS_LOSS_MSE: return 2.f * d;
    default: return std::fabs(d) < beta ? d / beta : (d > 0.f ? 1.f : d < 0.f ? -1.f : 0.f);
  }
}
}  // namespace

extern "C" ss_status ss_regression_loss(int kind, float* loss, float* dpred, const float* pred, const float* target,
                                        int64_t n, float beta) {
  if (n < 1 || kind < SS_LOSS_L1 || kind > SS_LOSS_SMOOTH_L1 || (kind == SS_LOSS_SMOOTH_L1 && !(beta > 0.f)))
    return SS_ERR_ARG;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(blocks, 0.0);
  const float scale = 1.f / (float)n;
  parallelFor(blocks, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const int64_t i0 = b * kBlock, i1 = std::min(n, i0 + kBlock);
      float acc[16] = {};
      int64_t i = i0;
      for (; i + 16 <= i1; i += 16)
        for (int j = 0; j < 16; j++) acc[j] += pointLoss(kind, pred[i + j] - target[i + j], beta);
      double s = 0;
      for (int j = 0; j < 16; j++) s += acc[j];
      for (; i < i1; i++) s += pointLoss(kind, pred[i] - target[i], beta);
      partial[b] = s;
      if (dpred)
        for (int64_t k = i0; k < i1; k++) dpred[k] = pointGrad(kind, pred[k] - target[k], beta) * scale;
    }
  });
  double total = 0;
  for (double v : partial) total += v;
  *loss = (float)(total / n);
  return SS_OK;
}
