// Weight gradient of first layers (1-2 input channels, 3x3 same-size), AVX-512 only:
// kernels/x86/conv_direct_small_avx512.cc. conv.cc runs it over fixed image chunks.
#pragma once
#include <cstdint>

#include "selfsup/kernels.h"

namespace selfsup {

// 2-D, groups 1, C <= 2, 3x3, stride 1, pad 1, dilation 1, rows of at most 32.
bool directSmallConvApplies(const ss_conv_params* p);
// dw (K, C, 3, 3) and db (K, or null) = the sums over images [n0, n1), overwritten.
void directSmallConvBackwardWeightAvx512(float* dw, float* db, const float* x, const float* dy,
                                         const ss_conv_params* p, int64_t n0, int64_t n1);

}  // namespace selfsup
