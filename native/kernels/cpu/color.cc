// sRGB <-> CIE Lab (D65) over planar images (N, 3, S): rgb in [0, 1]; L in [0, 100], a and b
// roughly [-128, 128]. Constants and branch points are skimage's (rgb2lab / lab2rgb), so results
// match the float64 TypeScript conversion in lib/color/lab.ts, which the tests compare against.
// labToRgb clamps the result to [0, 1] (out-of-gamut predictions are common in colorization).
#include <cmath>

#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {

constexpr double kXn = 0.95047, kYn = 1.0, kZn = 1.08883;
constexpr double kXyzFromRgb[3][3] = {
    {0.412453, 0.357580, 0.180423}, {0.212671, 0.715160, 0.072169}, {0.019334, 0.119193, 0.950227}};

struct RgbFromXyz {
  double m[3][3];
  RgbFromXyz() {  // exact inverse of kXyzFromRgb (as skimage computes it), in double
    const auto& a = kXyzFromRgb;
    const double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                       a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
        m[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
      }
  }
};
const RgbFromXyz kRgbFromXyz;

double toLinear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }
double fromLinear(double c) { return c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1.0 / 2.4) - 0.055; }
double labF(double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; }
double labFInverse(double f) {
  const double f3 = f * f * f;
  return f3 > 0.008856 ? f3 : (f - 16.0 / 116.0) / 7.787;
}
double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

}  // namespace

extern "C" ss_status ss_rgb_to_lab(float* lab, const float* rgb, int64_t N, int64_t S) {
  if (N < 0 || S <= 0) return SS_ERR_ARG;
  parallelFor(N * S, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const int64_t n = i / S, p = i % S, o = n * 3 * S + p;
      const double r = toLinear(rgb[o]), g = toLinear(rgb[o + S]), b = toLinear(rgb[o + 2 * S]);
      const auto& m = kXyzFromRgb;
      const double fx = labF((m[0][0] * r + m[0][1] * g + m[0][2] * b) / kXn);
      const double fy = labF((m[1][0] * r + m[1][1] * g + m[1][2] * b) / kYn);
      const double fz = labF((m[2][0] * r + m[2][1] * g + m[2][2] * b) / kZn);
      const double y = (m[1][0] * r + m[1][1] * g + m[1][2] * b) / kYn;
      // skimage: L = 116 y^(1/3) - 16 above the threshold, 903.3 y below it.
      lab[o] = (float)(y > 0.008856 ? 116.0 * fy - 16.0 : 903.3 * y);
      lab[o + S] = (float)(500.0 * (fx - fy));
      lab[o + 2 * S] = (float)(200.0 * (fy - fz));
    }
  });
  return SS_OK;
}

extern "C" ss_status ss_lab_to_rgb(float* rgb, const float* lab, int64_t N, int64_t S) {
  if (N < 0 || S <= 0) return SS_ERR_ARG;
  parallelFor(N * S, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const int64_t n = i / S, p = i % S, o = n * 3 * S + p;
      const double fy = (lab[o] + 16.0) / 116.0, fx = fy + lab[o + S] / 500.0;
      double fz = fy - lab[o + 2 * S] / 200.0;
      if (fz < 0) fz = 0;  // skimage clips negative z before cubing
      const double x = labFInverse(fx) * kXn, y = labFInverse(fy) * kYn, z = labFInverse(fz) * kZn;
      const auto& m = kRgbFromXyz.m;
      for (int c = 0; c < 3; c++) {
        const double lin = m[c][0] * x + m[c][1] * y + m[c][2] * z;
        rgb[o + c * S] = (float)clamp01(fromLinear(lin < 0 ? 0 : lin));
      }
    }
  });
  return SS_OK;
}
