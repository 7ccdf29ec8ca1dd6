// Batch norm over (N, C, S) and layer norm over rows of D, forward and backward, parallel over
// channels (batch norm) or rows (layer norm). Statistics accumulate in double so large N*S sums
// stay accurate in float32 data. Batch norm's running statistics follow PyTorch: running =
// (1-momentum)*running + momentum*stat with the unbiased variance.
// Checked against kernels/ref/norm_ref.cc and PyTorch fixtures (test/native/norm.test.ts).
#include <cmath>

#include "../../core/dispatch.h"
#include "../../core/reduce.h"
#include "../../core/threadpool.h"
#include "norm_channel.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {
// y = max(0, (x - m) * scale + b), NaN kept (as the ReLU kernel: v < 0 ? 0 : v).
void normalizeRelu(float* y, const float* x, int64_t S, float m, float scale, float b) {
  for (int64_t i = 0; i < S; i++) {
    const float v = (x[i] - m) * scale + b;
    y[i] = v < 0.f ? 0.f : v;
  }
}

// The baseline channel loops: 16 float lanes per row (reduce.h) that vectorize at any ISA.
void sumSqScalar(const float* x, int64_t N, int64_t pitch, int64_t S, float pivot, double* sum, double* sq) {
  double a = 0, q = 0;
  for (int64_t n = 0; n < N; n++) {
    float s, t;
    sumSq16(x + n * pitch, S, pivot, &s, &t);
    a += s; q += t;
  }
  *sum = a; *sq = q;
}

void normalizeScalar(float* y, const float* x, int64_t N, int64_t pitch, int64_t S, float m, float scale, float b,
                     int relu, int) {
  for (int64_t n = 0; n < N; n++) {
    const float* xc = x + n * pitch;
    float* yc = y + n * pitch;
    if (relu) normalizeRelu(yc, xc, S, m, scale, b);
    else for (int64_t i = 0; i < S; i++) yc[i] = (xc[i] - m) * scale + b;
  }
}

void sumDotScalar(const float* dy, const float* x, const float* reluOut, int64_t N, int64_t pitch, int64_t S, float m,
                  double* sumG, double* sumGX) {
  double sa = 0, sb = 0;
  for (int64_t n = 0; n < N; n++) {
    float a, b;
    if (reluOut) sumDotMasked16(dy + n * pitch, x + n * pitch, reluOut + n * pitch, S, m, &a, &b);
    else sumDot16(dy + n * pitch, x + n * pitch, S, m, &a, &b);
    sa += a; sb += b;
  }
  *sumG = sa; *sumGX = sb;
}

void backwardScalar(float* dx, const float* dy, const float* x, const float* reluOut, int64_t N, int64_t pitch,
                    int64_t S, float k, float meanDy, float m, float coef, int) {
  for (int64_t n = 0; n < N; n++) {
    const float* xc = x + n * pitch;
    const float* dyc = dy + n * pitch;
    float* dxc = dx + n * pitch;
    if (reluOut) {
      const float* oc = reluOut + n * pitch;
      for (int64_t i = 0; i < S; i++) dxc[i] = k * (reluMask(dyc[i], oc[i]) - meanDy - (xc[i] - m) * coef);
    } else {
      for (int64_t i = 0; i < S; i++) dxc[i] = k * (dyc[i] - meanDy - (xc[i] - m) * coef);
    }
  }
}

BatchNormChannelOps channelOps() {
  if (activeIsa() == SS_ISA_AVX512) return batchNormChannelOpsAvx512();
  return {sumSqScalar, normalizeScalar, sumDotScalar, backwardScalar};
}

// Outputs larger than this go out with streaming stores: they cannot stay in cache until the next
// layer reads them, and a streaming store skips the read a normal store of a missing line makes.
// Measured on the SimCLR step's activations (2 threads): the 51 and 25 MB ones gain, the 12.8 MB
// one (7x7 planes) runs slower streamed, as it is still in the last-level cache when read.
bool streamOutput(int64_t N, int64_t C, int64_t S) { return N * C * S * (int64_t)sizeof(float) > (16 << 20); }
}  // namespace

extern "C" ss_status ss_batchnorm_forward_train(float* y, float* saveMean, float* saveInvstd, float* runningMean,
                                                float* runningVar, const float* x, const float* gamma,
                                                const float* beta, int64_t N, int64_t C, int64_t S, float momentum,
                                                float eps, int relu) {
  if (N <= 0 || C <= 0 || S <= 0 || !(eps > 0)) return SS_ERR_ARG;
  const int64_t count = N * S;
  const BatchNormChannelOps ops = channelOps();
  const int stream = streamOutput(N, C, S);
  parallelFor(C, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      // Shifted sums (pivot = first element) avoid the cancellation of E[x^2] - E[x]^2 when the
      // mean is large against the spread.
      const float pivot = x[c * S];
      double sum, sq;
      ops.sumSq(x + c * S, N, C * S, S, pivot, &sum, &sq);
      double meanShift = sum / count;
      double mean = pivot + meanShift;
      double var = sq / count - meanShift * meanShift;
      if (var < 0) var = 0;
      float invstd = (float)(1.0 / std::sqrt(var + eps));
      if (saveMean) saveMean[c] = (float)mean;
      if (saveInvstd) saveInvstd[c] = invstd;
      if (runningMean) runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mean);
      if (runningVar)
        runningVar[c] = (float)((1 - momentum) * runningVar[c] +
                                momentum * (count > 1 ? var * count / (count - 1) : var));
      // (x - mean) first: folding mean into the shift would cancel badly when |mean| >> std.
      const float g = gamma ? gamma[c] : 1.f, bb = beta ? beta[c] : 0.f;
      ops.normalize(y + c * S, x + c * S, N, C * S, S, (float)mean, g * invstd, bb, relu, stream);
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_batchnorm_forward_eval(float* y, const float* x, const float* gamma, const float* beta,
                                               const float* runningMean, const float* runningVar, int64_t N,
                                               int64_t C, int64_t S, float eps, int relu) {
  if (N < 0 || C <= 0 || S <= 0 || !(eps > 0)) return SS_ERR_ARG;
  parallelFor(N * C, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      int64_t c = r % C;
      float invstd = 1.f / std::sqrt(runningVar[c] + eps);
      const float scale = (gamma ? gamma[c] : 1.f) * invstd, bb = beta ? beta[c] : 0.f, m = runningMean[c];
      normalizeScalar(y + r * S, x + r * S, 1, S, S, m, scale, bb, relu, 0);  // one row
    }
  });
  return SS_OK;
}

// dx = gamma*invstd/M * (M*dy - sum(dy) - xhat*sum(dy*xhat)); dgamma += sum(dy*xhat); dbeta += sum(dy).
extern "C" ss_status ss_batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                           const float* gamma, const float* saveMean, const float* saveInvstd,
                                           int64_t N, int64_t C, int64_t S, const float* reluOut) {
  if (N <= 0 || C <= 0 || S <= 0) return SS_ERR_ARG;
  const double M = (double)N * S;
  const BatchNormChannelOps ops = channelOps();
  const int stream = streamOutput(N, C, S);
  parallelFor(C, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      const float mean = saveMean[c], invstd = saveInvstd[c];
      const float* o = reluOut ? reluOut + c * S : nullptr;
      double sdy, sdyx;
      ops.sumDot(dy + c * S, x + c * S, o, N, C * S, S, mean, &sdy, &sdyx);
      const double sdyxhat = sdyx * invstd;
      if (dgamma) dgamma[c] += (float)sdyxhat;
      if (dbeta) dbeta[c] += (float)sdy;
      if (!dx) continue;
      const float g = gamma ? gamma[c] : 1.f;
      const float k = (float)(g * invstd);
      const float meanDy = (float)(sdy / M), coef = (float)(sdyxhat / M) * invstd;
      ops.backward(dx + c * S, dy + c * S, x + c * S, o, N, C * S, S, k, meanDy, mean, coef, stream);
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_layernorm_forward(float* y, float* mean, float* rstd, const float* x, const float* gamma,
                                          const float* beta, int64_t R, int64_t D, float eps) {
  if (R < 0 || D <= 0 || !(eps > 0)) return SS_ERR_ARG;
  parallelFor(R, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x + r * D;
      double s = 0, q = 0;
      for (int64_t i = 0; i < D; i++) s += xr[i];
      double m = s / D;
      for (int64_t i = 0; i < D; i++) { double d = xr[i] - m; q += d * d; }
      float rs = (float)(1.0 / std::sqrt(q / D + eps));
      if (mean) mean[r] = (float)m;
      if (rstd) rstd[r] = rs;
      float* yr = y + r * D;
      for (int64_t i = 0; i < D; i++) {
        float v = (xr[i] - (float)m) * rs;
        yr[i] = v * (gamma ? gamma[i] : 1.f) + (beta ? beta[i] : 0.f);
      }
    }
  });
  return SS_OK;
}

// dx = rstd * (g - mean(g) - xhat * mean(g*xhat)), g = dy*gamma. Parameter grads are summed over
// rows in fixed row blocks so the result does not depend on the thread count.
extern "C" ss_status ss_layernorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                           const float* gamma, const float* mean, const float* rstd, int64_t R,
                                           int64_t D) {
  if (R < 0 || D <= 0) return SS_ERR_ARG;
  parallelFor(R, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x + r * D;
      const float* dyr = dy + r * D;
      const float m = mean[r], rs = rstd[r];
      double sg = 0, sgx = 0;
      for (int64_t i = 0; i < D; i++) {
        float g = dyr[i] * (gamma ? gamma[i] : 1.f);
        sg += g;
        sgx += g * (xr[i] - m) * rs;
      }
      float mg = (float)(sg / D), mgx = (float)(sgx / D);
      float* dxr = dx + r * D;
      for (int64_t i = 0; i < D; i++) {
        float g = dyr[i] * (gamma ? gamma[i] : 1.f);
        dxr[i] = rs * (g - mg - (xr[i] - m) * rs * mgx);
      }
    }
  });
  if (dgamma || dbeta) {
    parallelFor(D, [&](int64_t i0, int64_t i1) {
      for (int64_t r = 0; r < R; r++) {
        const float* xr = x + r * D;
        const float* dyr = dy + r * D;
        for (int64_t i = i0; i < i1; i++) {
          if (dgamma) dgamma[i] += dyr[i] * (xr[i] - mean[r]) * rstd[r];
          if (dbeta) dbeta[i] += dyr[i];
        }
      }
    });
  }
  return SS_OK;
}
