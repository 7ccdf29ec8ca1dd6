// Embedding lookup: out (R, D) = table[ids[r]] for R ids into a (V, D) table; backward adds each
// row of dout into dtable[ids[r]] (scatter-add). The backward splits the work by columns, each
// thread walking all rows in order, so repeated ids sum in a fixed order (thread-count independent)
// and no two threads write the same element. Checked against kernels/ref/embedding_ref.cc.
#include <cstring>

#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

extern "C" ss_status ss_embedding_forward(float* out, const float* table, const int32_t* ids, int64_t R, int64_t V,
                                          int64_t D) {
  if (R < 0 || V <= 0 || D <= 0) return SS_ERR_ARG;
  for (int64_t r = 0; r < R; r++)
    if (ids[r] < 0 || ids[r] >= V) return SS_ERR_ARG;
  parallelFor(R, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) std::memcpy(out + r * D, table + (int64_t)ids[r] * D, sizeof(float) * D);
  });
  return SS_OK;
}

extern "C" ss_status ss_embedding_backward(float* dtable, const float* dout, const int32_t* ids, int64_t R, int64_t V,
                                           int64_t D) {
  if (R < 0 || V <= 0 || D <= 0) return SS_ERR_ARG;
  for (int64_t r = 0; r < R; r++)
    if (ids[r] < 0 || ids[r] >= V) return SS_ERR_ARG;
  // Column blocks of 16 floats (one cache line): enough blocks for the threads when D >= 32.
  constexpr int64_t kBlock = 16;
  const int64_t blocks = (D + kBlock - 1) / kBlock;
  parallelFor(blocks, [&](int64_t b0, int64_t b1) {
    const int64_t c0 = b0 * kBlock, c1 = b1 * kBlock < D ? b1 * kBlock : D;
    for (int64_t r = 0; r < R; r++) {
      float* dst = dtable + (int64_t)ids[r] * D;
      const float* src = dout + r * D;
      for (int64_t c = c0; c < c1; c++) dst[c] += src[c];
    }
  });
  return SS_OK;
}
