// Per-channel loops of batch norm (kernels/cpu/norm.cc drives them), supplied per ISA: one
// channel is N rows of S floats, `pitch` floats apart (C*S in NCHW). The baseline versions live
// in norm.cc, the AVX-512 ones in kernels/x86/norm_avx512.cc; this header only declares them, so
// no inline helper can be emitted from both kinds of translation unit.
#pragma once
#include <cstdint>

namespace selfsup {

struct BatchNormChannelOps {
  // sum(x - pivot) and sum((x - pivot)^2) over the channel; each row sums in float lanes, rows
  // add up in double.
  void (*sumSq)(const float* x, int64_t N, int64_t pitch, int64_t S, float pivot, double* sum, double* sq);
  // y = (x - m) * scale + b, then max(0, .) keeping NaN when relu. `stream` asks for stores that
  // bypass the cache (the caller's tensor is larger than the cache and read much later).
  void (*normalize)(float* y, const float* x, int64_t N, int64_t pitch, int64_t S, float m, float scale, float b,
                    int relu, int stream);
  // sum(g) and sum(g * (x - m)), g = dy masked by reluOut > 0 when reluOut is not null.
  void (*sumDot)(const float* dy, const float* x, const float* reluOut, int64_t N, int64_t pitch, int64_t S, float m,
                 double* sumG, double* sumGX);
  // dx = k * (g - meanDy - (x - m) * coef), g as in sumDot.
  void (*backward)(float* dx, const float* dy, const float* x, const float* reluOut, int64_t N, int64_t pitch,
                   int64_t S, float k, float meanDy, float m, float coef, int stream);
};

BatchNormChannelOps batchNormChannelOpsAvx512();

}  // namespace selfsup
