// Seeded counter-based random fills and dropout: element i draws Philox block (offset + i), so the
// values depend only on (seed, offset, i), never on the thread count or the split.
// Checked by test/native/random.test.ts (moments, determinism across thread counts, dropout rate).
#include "../../core/rng.h"
#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

extern "C" ss_status ss_rng_uniform(float* out, int64_t n, float lo, float hi, uint64_t seed, uint64_t offset) {
  if (n < 0) return SS_ERR_ARG;
  parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) out[i] = lo + (hi - lo) * rngUniform01(seed, offset + i);
  });
  return SS_OK;
}

extern "C" ss_status ss_rng_normal(float* out, int64_t n, float mean, float std, uint64_t seed, uint64_t offset) {
  if (n < 0) return SS_ERR_ARG;
  parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) out[i] = mean + std * rngNormal(seed, offset + i);
  });
  return SS_OK;
}

extern "C" ss_status ss_dropout_forward(float* y, float* mask, const float* x, int64_t n, float p, uint64_t seed,
                                        uint64_t offset) {
  if (n < 0 || !(p >= 0.f && p < 1.f)) return SS_ERR_ARG;
  const float keepScale = 1.f / (1.f - p);
  parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      float m = rngUniform01(seed, offset + i) >= p ? keepScale : 0.f;
      mask[i] = m;
      y[i] = x[i] * m;
    }
  });
  return SS_OK;
}
