// im2col / col2im for one channel over a zero-padded copy of its plane, as a loop nest shared by
// every ISA: the ISA supplies only the block operations (RowOps::gatherRows: Ho output rows of a
// tap, each a strided copy; RowOps::scatterAddRows: their adjoint). With the padding materialized
// no row needs bounds checks (stride 1 and 2 get SIMD on AVX-512, two short rows per vector).
// Column layout: row (kz, ky, kx) of this channel, ld apart; column (oz, oy, ox).
// Checked (through ss_conv_*) against kernels/ref/conv_ref.cc by test/native/conv.test.ts.
#pragma once
#include <cstdint>
#include <cstring>

#include "selfsup/kernels.h"

namespace selfsup {

struct PaddedPlane {
  int64_t Dp, Hp, Wp;  // padded extents
};

// Per-ISA entry points (conv.cc's ChannelKernels picks one).
using Im2colChannelFn = void (*)(float* col, int64_t ld, const float* pad, const ss_conv_params* p, const PaddedPlane& g);
using Col2imChannelFn = void (*)(float* pad, const float* col, int64_t ld, const ss_conv_params* p, const PaddedPlane& g);

void im2colChannelAvx512(float* col, int64_t ld, const float* pad, const ss_conv_params* p, const PaddedPlane& g);
void col2imChannelAvx512(float* pad, const float* col, int64_t ld, const ss_conv_params* p, const PaddedPlane& g);

// 2-D stride-2 channels straight from / into the unpadded plane x (H x W), AVX-512 only
// (kernels/x86/im2col_stride2_avx512.cc), where stride2DirectApplies(p); col2im writes every
// element of dx. The permute tables depend only on the geometry: built once per call.
struct Stride2Tables {
  static constexpr int kMaxTaps = 8;  // kernel width limit
  alignas(64) int32_t gatherIdx[kMaxTaps][16];
  alignas(64) int32_t spreadIdx[kMaxTaps][2][16];
  uint16_t gatherValid[kMaxTaps], spreadValid[kMaxTaps][2];
  bool paired;  // two output rows per vector
};
bool stride2DirectApplies(const ss_conv_params* p);
void stride2Tables(Stride2Tables& t, const ss_conv_params* p);
void im2colStride2Avx512(float* col, int64_t ld, const float* x, const ss_conv_params* p, const Stride2Tables& t);
void col2imStride2Avx512(float* dx, const float* col, int64_t ld, const ss_conv_params* p, const Stride2Tables& t);

// Everything below has internal linkage: this header is compiled both with and without
// -mavx512f, and an inline function shared by the two object files could be linked as the
// AVX-512 copy and run on a CPU without it.
namespace {

inline int64_t planeSize(const PaddedPlane& g) { return g.Dp * g.Hp * g.Wp; }

inline PaddedPlane paddedPlane(const ss_conv_params* p) {
  return {(int64_t)p->in[0] + 2 * p->pad[0], (int64_t)p->in[1] + 2 * p->pad[1], (int64_t)p->in[2] + 2 * p->pad[2]};
}

// The interior of pad = the channel's (D, H, W) plane. The border is never written here, so a
// plane zeroed once keeps zero borders for every channel copied into it.
inline void copyIntoPadded(float* pad, const float* src, const ss_conv_params* p, const PaddedPlane& g) {
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

// Calls f(colOffset, padOffset) for every (tap, oz): Ho output rows of Wo values, contiguous in
// the column matrix from colOffset (row-major within this channel: (tap, oz, oy, ox) -> tap*ld +
// (oz*Ho + oy)*Wo + ox), read from the padded plane at padOffset + oy*rowPitch + ox*stride.
template <typename F>
inline void forEachPaddedBlock(const ss_conv_params* p, const PaddedPlane& g, int64_t ld, F&& f) {
  const int Do = p->out[0], Ho = p->out[1], Wo = p->out[2];
  int64_t tap = 0;
  for (int kz = 0; kz < p->k[0]; kz++)
    for (int ky = 0; ky < p->k[1]; ky++)
      for (int kx = 0; kx < p->k[2]; kx++, tap++)
        for (int oz = 0; oz < Do; oz++) {
          const int64_t z = (int64_t)oz * p->stride[0] + (int64_t)kz * p->dil[0];
          f(tap * ld + (int64_t)oz * Ho * Wo, (z * g.Hp + (int64_t)ky * p->dil[1]) * g.Wp + (int64_t)kx * p->dil[2]);
        }
}

// RowOps::gatherRows(dst, src, rows, n, s, pitch): dst[r*n + i] = src[r*pitch + i*s];
// RowOps::scatterAddRows(dst, src, rows, n, s, pitch): dst[r*pitch + i*s] += src[r*n + i].
template <typename RowOps>
void im2colChannelPadded(float* col, int64_t ld, const float* pad, const ss_conv_params* p, const PaddedPlane& g) {
  const int Ho = p->out[1], Wo = p->out[2], s = p->stride[2];
  const int64_t pitch = (int64_t)p->stride[1] * g.Wp;
  forEachPaddedBlock(p, g, ld, [&](int64_t c, int64_t src) { RowOps::gatherRows(col + c, pad + src, Ho, Wo, s, pitch); });
}

template <typename RowOps>
void col2imChannelPadded(float* pad, const float* col, int64_t ld, const ss_conv_params* p, const PaddedPlane& g) {
  const int Ho = p->out[1], Wo = p->out[2], s = p->stride[2];
  const int64_t pitch = (int64_t)p->stride[1] * g.Wp;
  forEachPaddedBlock(p, g, ld, [&](int64_t c, int64_t dst) { RowOps::scatterAddRows(pad + dst, col + c, Ho, Wo, s, pitch); });
}

struct ScalarRowOps {
  static inline void gatherRows(float* dst, const float* src, int rows, int n, int s, int64_t pitch) {
    for (int r = 0; r < rows; r++) gather(dst + (int64_t)r * n, src + r * pitch, n, s);
  }
  static inline void scatterAddRows(float* dst, const float* src, int rows, int n, int s, int64_t pitch) {
    for (int r = 0; r < rows; r++) scatterAdd(dst + r * pitch, src + (int64_t)r * n, n, s);
  }
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

}  // namespace
}  // namespace selfsup
