// Channel bias add and per-channel reduction over (N, C, S): the bias forward/backward of conv and
// linear layers and the pieces autograd needs for channel broadcasts. The reduction sums each
// channel in a fixed order (double accumulation), so it is thread-count independent.
#include <algorithm>
#include "../../core/reduce.h"
#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

extern "C" ss_status ss_bias_add(float* y, const float* b, int64_t N, int64_t C, int64_t S) {
  if (N < 0 || C <= 0 || S <= 0) return SS_ERR_ARG;
  parallelFor(N * C, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float v = b[r % C];
      float* yr = y + r * S;
      for (int64_t i = 0; i < S; i++) yr[i] += v;
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_reduce_nc_s(float* out, const float* x, int64_t N, int64_t C, int64_t S, int accumulate) {
  if (N < 0 || C <= 0 || S <= 0) return SS_ERR_ARG;
  if (S == 1) {
    // (N, C) matrix: sum columns; parallel over column blocks, rows in order.
    parallelFor(C, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; c++) {
        double s = 0;
        for (int64_t n = 0; n < N; n++) s += x[n * C + c];
        out[c] = accumulate ? out[c] + (float)s : (float)s;
      }
    });
    return SS_OK;
  }
  parallelFor(C, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      double s = 0;
      for (int64_t n = 0; n < N; n++) s += sum16(x + (n * C + c) * S, S);
      out[c] = accumulate ? out[c] + (float)s : (float)s;
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_transpose_batched(float* out, const float* x, int64_t B, int64_t R, int64_t C) {
  if (B < 0 || R <= 0 || C <= 0) return SS_ERR_ARG;
  // 32 x 32 blocks keep both the reads and the writes within a few cache lines per row.
  constexpr int64_t kBlock = 32;
  const int64_t rb = (R + kBlock - 1) / kBlock, cb = (C + kBlock - 1) / kBlock;
  parallelFor(B * rb * cb, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t b = t / (rb * cb), r0 = (t / cb) % rb * kBlock, c0 = t % cb * kBlock;
      const int64_t r1 = std::min(R, r0 + kBlock), c1 = std::min(C, c0 + kBlock);
      const float* xb = x + b * R * C;
      float* ob = out + b * R * C;
      for (int64_t c = c0; c < c1; c++)
        for (int64_t r = r0; r < r1; r++) ob[c * R + r] = xb[r * C + c];
    }
  });
  return SS_OK;
}
