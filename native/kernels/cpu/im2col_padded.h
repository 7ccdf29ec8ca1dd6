// im2col / col2im for one channel over a zero-padded copy of its plane, as a loop nest shared by
// every ISA: the ISA supplies only the two row operations (RowOps::gather: dst[i] = src[i*s],
// RowOps::scatterAdd: dst[i*s] += src[i], i < n). With the padding materialized no row needs
// bounds checks, so a row of Wo outputs is one strided copy (stride 1 and 2 get SIMD on AVX-512).
// Column layout: row (kz, ky, kx) of this channel, ld apart; column (oz, oy, ox).
// Checked (through ss_conv_*) against kernels/ref/conv_ref.cc by test/native/conv.test.ts.
#pragma once
#include <cstdint>
#include <cstring>

#include "selfsup/kernels.h"

namespace selfsup {

struct PaddedPlane {
  int64_t Dp, Hp, Wp;  // padded extents
  int64_t size() const { return Dp * Hp * Wp; }
};

inline PaddedPlane paddedPlane(const ss_conv_params* p) {
  return {(int64_t)p->in[0] + 2 * p->pad[0], (int64_t)p->in[1] + 2 * p->pad[1], (int64_t)p->in[2] + 2 * p->pad[2]};
}

// pad = the channel's (D, H, W) plane centred in zeros.
inline void padPlane(float* pad, const float* src, const ss_conv_params* p, const PaddedPlane& g) {
  std::memset(pad, 0, sizeof(float) * g.size());
  for (int z = 0; z < p->in[0]; z++)
    for (int y = 0; y < p->in[1]; y++)
      std::memcpy(pad + ((z + p->pad[0]) * g.Hp + y + p->pad[1]) * g.Wp + p->pad[2],
                  src + ((int64_t)z * p->in[1] + y) * p->in[2], sizeof(float) * p->in[2]);
}

// dst (the channel's unpadded plane) = the interior of pad.
inline void unpadPlane(float* dst, const float* pad, const ss_conv_params* p, const PaddedPlane& g) {
  for (int z = 0; z < p->in[0]; z++)
    for (int y = 0; y < p->in[1]; y++)
      std::memcpy(dst + ((int64_t)z * p->in[1] + y) * p->in[2], pad + ((z + p->pad[0]) * g.Hp + y + p->pad[1]) * g.Wp + p->pad[2],
                  sizeof(float) * p->in[2]);
}

// Calls f(row, kernelTapRowStart) for every output row of every tap: `row` indexes the column
// matrix row-major within this channel ((tap, oz, oy) -> offset tap*ld + (oz*Ho + oy)*Wo) and
// the source offset is where that output row's first input sits in the padded plane.
template <typename F>
inline void forEachPaddedRow(const ss_conv_params* p, const PaddedPlane& g, int64_t ld, F&& f) {
  const int Do = p->out[0], Ho = p->out[1], Wo = p->out[2];
  int64_t tap = 0;
  for (int kz = 0; kz < p->k[0]; kz++)
    for (int ky = 0; ky < p->k[1]; ky++)
      for (int kx = 0; kx < p->k[2]; kx++, tap++) {
        int64_t colOff = tap * ld;
        for (int oz = 0; oz < Do; oz++) {
          const int64_t z = (int64_t)oz * p->stride[0] + (int64_t)kz * p->dil[0];
          for (int oy = 0; oy < Ho; oy++, colOff += Wo) {
            const int64_t y = (int64_t)oy * p->stride[1] + (int64_t)ky * p->dil[1];
            f(colOff, (z * g.Hp + y) * g.Wp + (int64_t)kx * p->dil[2]);
          }
        }
      }
}

template <typename RowOps>
void im2colChannelPadded(float* col, int64_t ld, const float* pad, const ss_conv_params* p, const PaddedPlane& g) {
  const int Wo = p->out[2], s = p->stride[2];
  forEachPaddedRow(p, g, ld, [&](int64_t c, int64_t src) { RowOps::gather(col + c, pad + src, Wo, s); });
}

template <typename RowOps>
void col2imChannelPadded(float* pad, const float* col, int64_t ld, const ss_conv_params* p, const PaddedPlane& g) {
  const int Wo = p->out[2], s = p->stride[2];
  forEachPaddedRow(p, g, ld, [&](int64_t c, int64_t dst) { RowOps::scatterAdd(pad + dst, col + c, Wo, s); });
}

// Per-ISA entry points (dispatch.h's ConvRowKernels).
using Im2colChannelFn = void (*)(float* col, int64_t ld, const float* pad, const ss_conv_params* p, const PaddedPlane& g);
using Col2imChannelFn = void (*)(float* pad, const float* col, int64_t ld, const ss_conv_params* p, const PaddedPlane& g);

void im2colChannelAvx512(float* col, int64_t ld, const float* pad, const ss_conv_params* p, const PaddedPlane& g);
void col2imChannelAvx512(float* pad, const float* col, int64_t ld, const ss_conv_params* p, const PaddedPlane& g);

struct ScalarRowOps {
  static inline void gather(float* dst, const float* src, int n, int s) {
    if (s == 1) for (int i = 0; i < n; i++) dst[i] = src[i];
    else if (s == 2) for (int i = 0; i < n; i++) dst[i] = src[2 * i];
    else for (int i = 0; i < n; i++) dst[i] = src[(int64_t)i * s];
  }
  static inline void scatterAdd(float* dst, const float* src, int n, int s) {
    if (s == 1) for (int i = 0; i < n; i++) dst[i] += src[i];
    else if (s == 2) for (int i = 0; i < n; i++) dst[2 * i] += src[i];
    else for (int i = 0; i < n; i++) dst[(int64_t)i * s] += src[i];
  }
};

}  // namespace selfsup
