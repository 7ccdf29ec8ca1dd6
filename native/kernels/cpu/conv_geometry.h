// Shared geometry for N-D (up to 3 spatial dims) convolution and pooling parameter checks.
#pragma once
#include <cstdint>

#include "selfsup/kernels.h"

namespace selfsup {

inline int64_t spatialSize(const int d[3]) { return (int64_t)d[0] * d[1] * d[2]; }

inline bool convParamsValid(const ss_conv_params* p) {
  if (!p || p->N < 0 || p->C <= 0 || p->K <= 0 || p->groups <= 0) return false;
  if (p->C % p->groups || p->K % p->groups) return false;
  for (int i = 0; i < 3; i++) {
    if (p->in[i] <= 0 || p->out[i] <= 0 || p->k[i] <= 0 || p->stride[i] <= 0 || p->pad[i] < 0 || p->dil[i] <= 0)
      return false;
    int64_t span = (int64_t)p->dil[i] * (p->k[i] - 1) + 1;
    if ((int64_t)p->in[i] + 2 * p->pad[i] < span) return false;
    if (p->out[i] != (p->in[i] + 2 * p->pad[i] - span) / p->stride[i] + 1) return false;
  }
  return true;
}

inline bool poolParamsValid(const ss_pool_params* p) {
  if (!p || p->N < 0 || p->C <= 0) return false;
  for (int i = 0; i < 3; i++) {
    if (p->in[i] <= 0 || p->out[i] <= 0 || p->k[i] <= 0 || p->stride[i] <= 0 || p->pad[i] < 0) return false;
    if (2 * p->pad[i] > p->k[i] || (int64_t)p->in[i] + 2 * p->pad[i] < p->k[i]) return false;
    if (p->out[i] != ((int64_t)p->in[i] + 2 * p->pad[i] - p->k[i]) / p->stride[i] + 1) return false;
  }
  return true;
}

}  // namespace selfsup
