// Optimizer steps, in place, PyTorch semantics: SGD with momentum/dampening/nesterov and L2 weight
// decay (torch.optim.SGD), AdamW with decoupled weight decay and bias correction (torch.optim.AdamW).
// Checked against hand-computed updates and PyTorch fixtures in test/native/optimizer.test.ts.
#include <cmath>

#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

extern "C" ss_status ss_sgd_step(float* param, float* momentumBuf, const float* grad, int64_t n, float lr,
                                 float momentum, float dampening, float weightDecay, int nesterov, int firstStep) {
  if (n < 0 || (momentum != 0.f && !momentumBuf)) return SS_ERR_ARG;
  parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      float g = grad[i] + weightDecay * param[i];
      if (momentum != 0.f) {
        float buf = firstStep ? g : momentum * momentumBuf[i] + (1.f - dampening) * g;
        momentumBuf[i] = buf;
        g = nesterov ? g + momentum * buf : buf;
      }
      param[i] -= lr * g;
    }
  }, n < 65536 ? 1 : 0);
  return SS_OK;
}

extern "C" ss_status ss_adamw_step(float* param, float* m, float* v, const float* grad, int64_t n, float lr,
                                   float beta1, float beta2, float eps, float weightDecay, int64_t step) {
  if (n < 0 || step < 1) return SS_ERR_ARG;
  const float bc1 = 1.f - (float)std::pow((double)beta1, (double)step);
  const float bc2 = 1.f - (float)std::pow((double)beta2, (double)step);
  const float stepSize = lr / bc1, bc2Sqrt = std::sqrt(bc2);
  parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      param[i] *= 1.f - lr * weightDecay;
      m[i] = beta1 * m[i] + (1.f - beta1) * grad[i];
      v[i] = beta2 * v[i] + (1.f - beta2) * grad[i] * grad[i];
      param[i] -= stepSize * m[i] / (std::sqrt(v[i]) / bc2Sqrt + eps);
    }
  }, n < 65536 ? 1 : 0);
  return SS_OK;
}
