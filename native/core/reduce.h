// Sums with 16 independent partial accumulators. A single float accumulator is bound by the
// add latency (and the compiler may not reorder float adds); 16 lanes vectorize at any ISA and
// keep a fixed summation order, so results stay independent of the thread count.
#pragma once
#include <cstdint>
#include <cstring>

namespace selfsup {

inline float laneSum(const float* acc) {
  float s = 0.f;
  for (int j = 0; j < 16; j++) s += acc[j];
  return s;
}

// sum(x[i])
inline float sum16(const float* x, int64_t n) {
  float acc[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++) acc[j] += x[i + j];
  float s = laneSum(acc);
  for (; i < n; i++) s += x[i];
  return s;
}

// max(x[i]) for n >= 1 (NaN in x may or may not propagate; callers feed finite logits).
inline float max16(const float* x, int64_t n) {
  float m[16];
  for (int j = 0; j < 16; j++) m[j] = x[0];
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++) m[j] = x[i + j] > m[j] ? x[i + j] : m[j];
  float r = m[0];
  for (int j = 1; j < 16; j++) r = m[j] > r ? m[j] : r;
  for (; i < n; i++) r = x[i] > r ? x[i] : r;
  return r;
}

// sum(x[i] - c) and sum((x[i] - c)^2)
inline void sumSq16(const float* x, int64_t n, float c, float* sum, float* sq) {
  float a[16] = {}, q[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++) {
      float d = x[i + j] - c;
      a[j] += d;
      q[j] += d * d;
    }
  float s = laneSum(a), ss = laneSum(q);
  for (; i < n; i++) {
    float d = x[i] - c;
    s += d;
    ss += d * d;
  }
  *sum = s;
  *sq = ss;
}

// sum(g[i]) and sum(g[i] * (x[i] - c))
inline void sumDot16(const float* g, const float* x, int64_t n, float c, float* sumG, float* sumGX) {
  float a[16] = {}, b[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++) {
      a[j] += g[i + j];
      b[j] += g[i + j] * (x[i + j] - c);
    }
  float s = laneSum(a), t = laneSum(b);
  for (; i < n; i++) {
    s += g[i];
    t += g[i] * (x[i] - c);
  }
  *sumG = s;
  *sumGX = t;
}

// g where out > 0, else +0 (NaN or Inf in g included, as ReLU's backward): the bits of g and-ed
// with an all-ones / all-zeros mask, so the loops vectorize to compare + and. A select between a
// load and 0 compiled to a scalar branch here (4x slower); a multiply by 0/1 would turn a masked
// Inf or NaN into NaN.
inline float reluMask(float g, float out) {
  uint32_t bits;
  std::memcpy(&bits, &g, sizeof bits);
  bits &= 0u - (uint32_t)(out > 0.f);
  float r;
  std::memcpy(&r, &bits, sizeof r);
  return r;
}

// sumDot16 of g masked by out > 0 (the gradient through a ReLU whose output is `out`).
inline void sumDotMasked16(const float* g, const float* x, const float* out, int64_t n, float c, float* sumG, float* sumGX) {
  float a[16] = {}, b[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++) {
      const float m = reluMask(g[i + j], out[i + j]);
      a[j] += m;
      b[j] += m * (x[i + j] - c);
    }
  float s = laneSum(a), t = laneSum(b);
  for (; i < n; i++) {
    const float m = reluMask(g[i], out[i]);
    s += m;
    t += m * (x[i] - c);
  }
  *sumG = s;
  *sumGX = t;
}

}  // namespace selfsup
