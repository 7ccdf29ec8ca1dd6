// expf that compilers can vectorize (std::exp is a library call they cannot): range reduction
// x = n*ln2 + r with |r| <= ln2/2, a degree-6 polynomial for e^r (Cephes' expf coefficients) and
// 2^n built in the exponent bits. Relative error < 2e-7 over the float range; underflows to 0
// below -87.3 and saturates to +inf above 88.7. Checked against std::exp in test/native.
#pragma once
#include <cstdint>
#include <cstring>

namespace selfsup {

inline float expApprox(float x) {
  // Branch-free throughout (min/max and the 1.5*2^23 rounding trick), so loops over it vectorize.
  x = x > -87.33654f ? x : -87.33654f;
  x = x < 88.72283f ? x : 88.72283f;
  const float n = (x * 1.44269504088896341f + 12582912.f) - 12582912.f;  // round to nearest
  // Two-constant ln2 (Cody-Waite) keeps r accurate.
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.f;
  const int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace selfsup
