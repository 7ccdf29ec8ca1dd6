// Reference batch norm: two-pass statistics and the textbook backward in double precision.
#include <cmath>
#include <vector>

#include "selfsup/kernels.h"

extern "C" ss_status ss_ref_batchnorm_forward_train(float* y, float* saveMean, float* saveInvstd, float* runningMean,
                                                    float* runningVar, const float* x, const float* gamma,
                                                    const float* beta, int64_t N, int64_t C, int64_t S,
                                                    float momentum, float eps, int relu) {
  if (N <= 0 || C <= 0 || S <= 0) return SS_ERR_ARG;
  const int64_t M = N * S;
  for (int64_t c = 0; c < C; c++) {
    double s = 0;
    for (int64_t n = 0; n < N; n++)
      for (int64_t i = 0; i < S; i++) s += x[(n * C + c) * S + i];
    double mean = s / M, q = 0;
    for (int64_t n = 0; n < N; n++)
      for (int64_t i = 0; i < S; i++) { double d = x[(n * C + c) * S + i] - mean; q += d * d; }
    double var = q / M, invstd = 1.0 / std::sqrt(var + eps);
    // Every output but y is optional, as in ss_batchnorm_forward_train.
    if (saveMean) saveMean[c] = (float)mean;
    if (saveInvstd) saveInvstd[c] = (float)invstd;
    if (runningMean) runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mean);
    if (runningVar) runningVar[c] = (float)((1 - momentum) * runningVar[c] + momentum * (M > 1 ? q / (M - 1) : var));
    for (int64_t n = 0; n < N; n++)
      for (int64_t i = 0; i < S; i++) {
        int64_t k = (n * C + c) * S + i;
        const double v = (x[k] - mean) * invstd * (gamma ? gamma[c] : 1.0) + (beta ? beta[c] : 0.0);
        y[k] = (float)(relu && v < 0 ? 0.0 : v);
      }
  }
  return SS_OK;
}

extern "C" ss_status ss_ref_batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                               const float* gamma, const float* saveMean, const float* saveInvstd,
                                               int64_t N, int64_t C, int64_t S, const float* reluOut) {
  if (N <= 0 || C <= 0 || S <= 0) return SS_ERR_ARG;
  const double M = (double)N * S;
  // The gradient reaching BN through the fused ReLU: dy where the output is positive.
  auto g = [&](int64_t k) { return reluOut && !(reluOut[k] > 0.f) ? 0.0 : (double)dy[k]; };
  for (int64_t c = 0; c < C; c++) {
    double sdy = 0, sdyxh = 0;
    for (int64_t n = 0; n < N; n++)
      for (int64_t i = 0; i < S; i++) {
        int64_t k = (n * C + c) * S + i;
        sdy += g(k);
        sdyxh += g(k) * (x[k] - saveMean[c]) * saveInvstd[c];
      }
    if (dgamma) dgamma[c] += (float)sdyxh;
    if (dbeta) dbeta[c] += (float)sdy;
    double gm = gamma ? gamma[c] : 1.0;
    for (int64_t n = 0; n < N; n++)
      for (int64_t i = 0; i < S; i++) {
        int64_t k = (n * C + c) * S + i;
        double xh = (x[k] - saveMean[c]) * saveInvstd[c];
        dx[k] = (float)(gm * saveInvstd[c] / M * (M * g(k) - sdy - xh * sdyxh));
      }
  }
  return SS_OK;
}
