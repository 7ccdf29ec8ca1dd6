// Winograd F(2x2, 3x3) for 2-D 3x3 convolutions with stride 1, padding 1, no dilation or groups:
// the forward pass, the backward-data pass (a conv of dY with the flipped, transposed filter) and
// the backward-weight pass (F(3x3, 2x2)). 16 multiplications per 2x2 tile instead of 36, as 16
// GEMMs over (channels x tiles).
// Used by conv.cc; the transforms are in winograd_transforms.h (per ISA).
#pragma once
#include <cstdint>

#include "selfsup/kernels.h"

namespace selfsup {

// Tile transforms per ISA: portable (winograd_transforms.h) or AVX-512 (x86/winograd_avx512.cc).
struct WinogradTransforms {
  void (*input)(float* V, int64_t ldXi, int64_t ldC, const float* x, int C, int H, int W, float* scratch);
  void (*output)(float* y, const float* M, int64_t ldXi, int64_t ldK, const float* bias, int K, int H, int W,
                 float* scratch);
  void (*grad)(float* Y, int64_t ldXi, int64_t ldK, const float* dy, int K, int H, int W, float* scratch);
};
WinogradTransforms winogradTransformsAvx512();
// The same for planes of at most 64 positions and 16 tiles (x86/winograd_small_avx512.cc).
WinogradTransforms winogradSmallPlaneTransformsAvx512();
// The same for planes at most 32 wide (x86/winograd_rows_avx512.cc).
WinogradTransforms winogradRowTransformsAvx512(int W);

enum class WinogradPass { Forward, BackwardData, BackwardWeight };

// Whether this pass of p goes through Winograd: the shape fits, both channel counts are large
// enough for the GEMMs to pay (>= 16), the plane is large enough for the pass, and
// SELFSUP_WINOGRAD is not "0".
bool winogradApplies(const ss_conv_params* p, WinogradPass pass);

// y (N, K, H, W) = conv(x (N, C, H, W), w (K, C, 3, 3)) + b.
void winogradForward(float* y, const float* x, const float* w, const float* b, const ss_conv_params* p);
// dx (N, C, H, W) = the backward-data pass of the same conv, from dy (N, K, H, W).
void winogradBackwardData(float* dx, const float* dy, const float* w, const ss_conv_params* p);
// dw (K, C, 3, 3) += and db (K) += the weight and bias gradients (db may be null), summed in a
// fixed number of image chunks reduced in order (independent of the thread count).
void winogradBackwardWeight(float* dw, float* db, const float* x, const float* dy, const ss_conv_params* p);

}  // namespace selfsup
