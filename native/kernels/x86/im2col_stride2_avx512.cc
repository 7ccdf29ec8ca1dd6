// im2col / col2im of one channel for 2-D stride-2 convolutions (every downsampling conv of the
// encoders) straight from / into the unpadded plane, AVX-512. Padding is folded into the lane
// masks of one permute per output row and tap, so there is no zero-padded copy of the plane to
// write and read back; col2im sums every tap that lands on an input row in registers and stores
// the row once, instead of a load-add-store per tap into a padded plane (whose masked stores the
// next overlapping tap has to wait for). Layouts as im2col_padded.h: column row (ky, kx) ld apart,
// column (oy, ox). Rows of at most 8 outputs go two per vector.
// Applies to input rows of at most 32 floats and output rows of at most 16 (stride2DirectApplies);
// others keep the padded path. Checked through ss_conv_* against kernels/ref/conv_ref.cc by
// test/native/conv.test.ts (stride-2 cases of several widths, kernels and paddings).
#include <immintrin.h>

#include "../cpu/im2col_padded.h"
#include "lanes_avx512.h"

namespace selfsup {
namespace {

// The next plane's cache lines, spread over the current plane's output rows: the input comes
// from memory (an activation of tens of MB), and the gathers otherwise wait on each row's first
// touch (perf: a third of the kernel's samples sat on the row loads).
struct PlanePrefetch {
  uintptr_t next;  // an integer: past the last plane it points outside the array
  int64_t lines;
  int steps;
  void at(int step) const {
    for (int64_t l = lines * step / steps, e = lines * (step + 1) / steps; l < e; l++)
      _mm_prefetch(reinterpret_cast<const char*>(next + 64 * (uintptr_t)l), _MM_HINT_T0);
  }
};

inline __m512 loadRow(const float* x, int H, int W, int iy, int half) {
  if (iy < 0 || iy >= H) return _mm512_setzero_ps();
  return _mm512_maskz_loadu_ps(firstN(W - 16 * half), x + (int64_t)iy * W + 16 * half);
}

}  // namespace

bool stride2DirectApplies(const ss_conv_params* p) {
  return p->in[0] == 1 && p->k[0] == 1 && p->out[0] == 1 && p->pad[0] == 0 && p->stride[1] == 2 &&
         p->stride[2] == 2 && p->dil[1] == 1 && p->dil[2] == 1 && p->in[2] <= 32 && p->out[2] <= 16 &&
         p->k[2] <= Stride2Tables::kMaxTaps && p->pad[2] < 16;
}

// Built once per conv call (per channel, the table arithmetic cost as much as a 7x7 channel's
// gathers).
void stride2Tables(Stride2Tables& t, const ss_conv_params* p) {
  const int W = p->in[2], Wo = p->out[2], KW = p->k[2], pw = p->pad[2];
  t.paired = Wo <= 8 && W <= 16;
  for (int kx = 0; kx < KW; kx++) {
    // Gather, tap kx: lane l of a column row (paired: output row l / Wo of the two, column
    // l % Wo) reads input column 2*ox + kx - pw of its input row. The first row's input sits in
    // lanes 0..15 of the permute's sources (16..31 continue it when W > 16), the second's in
    // 16..31. Lanes whose column falls in the padding are masked to zero.
    unsigned mask = 0;
    for (int l = 0; l < 16; l++) {
      const int row = t.paired ? l / Wo : 0, ox = t.paired ? l % Wo : l;
      const int src = 2 * ox + kx - pw;
      const bool on = (t.paired ? row < 2 : ox < Wo) && src >= 0 && src < W;
      t.gatherIdx[kx][l] = on ? row * 16 + src : 0;
      if (on) mask |= 1u << l;
    }
    t.gatherValid[kx] = (uint16_t)mask;
    // Spread, tap kx: lane x of an input row (half h: columns 16h..16h+15) gets column ox of the
    // tap's column row where x + pw - kx = 2*ox.
    for (int h = 0; h < 2; h++) {
      unsigned m = 0;
      for (int l = 0; l < 16; l++) {
        const int x = 16 * h + l, t2 = x + pw - kx;
        const bool on = x < W && t2 >= 0 && t2 % 2 == 0 && t2 / 2 < Wo;
        t.spreadIdx[kx][h][l] = on ? t2 / 2 : 0;
        if (on) m |= 1u << l;
      }
      t.spreadValid[kx][h] = (uint16_t)m;
    }
  }
}

void im2colStride2Avx512(float* col, int64_t ld, const float* x, const ss_conv_params* p, const Stride2Tables& t) {
  const int H = p->in[1], W = p->in[2], Ho = p->out[1], Wo = p->out[2], KH = p->k[1], KW = p->k[2];
  const int ph = p->pad[1];
  // Planes follow each other (channels, then the next image): prefetching past the last one
  // touches no memory that faults (a prefetch never does).
  const PlanePrefetch ahead{reinterpret_cast<uintptr_t>(x) + 4 * (uintptr_t)H * W, ((int64_t)H * W * 4 + 63) / 64, Ho};
  __m512i idx[Stride2Tables::kMaxTaps];
  for (int kx = 0; kx < KW; kx++) idx[kx] = _mm512_load_si512(t.gatherIdx[kx]);
  // Output row by output row: each input row is loaded once per tap row ky and serves every kx.
  if (t.paired) {
    // Output rows oy and oy + 1 in one vector: input rows 2*oy - ph + ky and two below it.
    for (int oy = 0; oy < Ho; oy += 2) {
      ahead.at(oy);
      if (oy + 1 < Ho) ahead.at(oy + 1);
      const bool two = oy + 1 < Ho;
      const __mmask16 store = firstN(two ? 2 * Wo : Wo);
      for (int ky = 0; ky < KH; ky++) {
        const int iy = 2 * oy - ph + ky;
        const __m512 a = loadRow(x, H, W, iy, 0), b = two ? loadRow(x, H, W, iy + 2, 0) : _mm512_setzero_ps();
        float* dst = col + (int64_t)ky * KW * ld + (int64_t)oy * Wo;
        for (int kx = 0; kx < KW; kx++)
          _mm512_mask_storeu_ps(dst + kx * ld, store, _mm512_maskz_permutex2var_ps(t.gatherValid[kx], a, idx[kx], b));
      }
    }
    return;
  }
  const __mmask16 store = firstN(Wo);
  for (int oy = 0; oy < Ho; oy++) {
    ahead.at(oy);
    for (int ky = 0; ky < KH; ky++) {
      const int iy = 2 * oy - ph + ky;
      const __m512 lo = loadRow(x, H, W, iy, 0), hi = W > 16 ? loadRow(x, H, W, iy, 1) : _mm512_setzero_ps();
      float* dst = col + (int64_t)ky * KW * ld + (int64_t)oy * Wo;
      for (int kx = 0; kx < KW; kx++)
        _mm512_mask_storeu_ps(dst + kx * ld, store, _mm512_maskz_permutex2var_ps(t.gatherValid[kx], lo, idx[kx], hi));
    }
  }
}

void col2imStride2Avx512(float* dx, const float* col, int64_t ld, const ss_conv_params* p, const Stride2Tables& t) {
  const int H = p->in[1], W = p->in[2], Ho = p->out[1], Wo = p->out[2], KH = p->k[1], KW = p->k[2];
  const int ph = p->pad[1];
  __m512i lowIdx[Stride2Tables::kMaxTaps], highIdx[Stride2Tables::kMaxTaps];
  for (int kx = 0; kx < KW; kx++) {
    lowIdx[kx] = _mm512_load_si512(t.spreadIdx[kx][0]);
    highIdx[kx] = _mm512_load_si512(t.spreadIdx[kx][1]);
  }
  const __mmask16 rowMask = firstN(Wo);
  for (int y = 0; y < H; y++) {
    __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
    // Taps ky whose output row oy = (y + ph - ky) / 2 exists.
    for (int ky = (y + ph) % 2; ky < KH; ky += 2) {
      const int oy = (y + ph - ky) / 2;
      if (oy < 0) break;
      if (oy >= Ho) continue;
      const float* src = col + (int64_t)ky * KW * ld + (int64_t)oy * Wo;
      for (int kx = 0; kx < KW; kx++) {
        const __m512 v = _mm512_maskz_loadu_ps(rowMask, src + kx * ld);
        lo = _mm512_add_ps(lo, _mm512_maskz_permutexvar_ps(t.spreadValid[kx][0], lowIdx[kx], v));
        if (W > 16) hi = _mm512_add_ps(hi, _mm512_maskz_permutexvar_ps(t.spreadValid[kx][1], highIdx[kx], v));
      }
    }
    _mm512_mask_storeu_ps(dx + (int64_t)y * W, firstN(W), lo);
    if (W > 16) _mm512_mask_storeu_ps(dx + (int64_t)y * W + 16, firstN(W - 16), hi);
  }
}

}  // namespace selfsup
