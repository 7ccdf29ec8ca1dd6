// Reference embedding lookup and scatter-add, plain loops in row order.
#include "selfsup/kernels.h"

extern "C" ss_status ss_ref_embedding_forward(float* out, const float* table, const int32_t* ids, int64_t R, int64_t V,
                                              int64_t D) {
  if (R < 0 || V <= 0 || D <= 0) return SS_ERR_ARG;
  for (int64_t r = 0; r < R; r++) {
    if (ids[r] < 0 || ids[r] >= V) return SS_ERR_ARG;
    for (int64_t c = 0; c < D; c++) out[r * D + c] = table[(int64_t)ids[r] * D + c];
  }
  return SS_OK;
}

extern "C" ss_status ss_ref_embedding_backward(float* dtable, const float* dout, const int32_t* ids, int64_t R, int64_t V,
                                               int64_t D) {
  if (R < 0 || V <= 0 || D <= 0) return SS_ERR_ARG;
  for (int64_t r = 0; r < R; r++) {
    if (ids[r] < 0 || ids[r] >= V) return SS_ERR_ARG;
    for (int64_t c = 0; c < D; c++) dtable[(int64_t)ids[r] * D + c] += dout[r * D + c];
  }
  return SS_OK;
}
