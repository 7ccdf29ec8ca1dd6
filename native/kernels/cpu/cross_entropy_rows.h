// The per-row work of ss_softmax_cross_entropy, shared by the baseline loop (cross_entropy.cc) and
// the AVX-512 one (kernels/x86/cross_entropy_avx512.cc): rows [r0, r1) of R x Cn logits.
#pragma once
#include <cstdint>

namespace selfsup {

struct SoftmaxXentRows {
  const float* logits;
  float* dlogits;          // null: loss only
  const int32_t* targets;
  const float* classWeights;  // null: unweighted
  int64_t Cn;
  int32_t ignoreIndex;
  float eps, inv;          // label smoothing; 1 / (sum of counted rows' weights)
  double weightSum;        // sum of class weights (Cn when unweighted)
  double* rowLoss;         // per-row loss before the 1/denominator
};

// Rows whose target is ignoreIndex get rowLoss 0 and a zero gradient row.
void softmaxXentRowsAvx512(const SoftmaxXentRows& a, int64_t r0, int64_t r1);

}  // namespace selfsup
