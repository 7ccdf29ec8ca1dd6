// Batched, seeded image augmentation: uint8 (N, C, H, W) in, float (N, C, Ho, Wo) out.
// Per sample, in this order (each with its own probability):
//   geometry: one affine map from output to input coordinates composing random resized crop
//             (area scale and log-uniform aspect ratio, box inside the image), horizontal and
//             vertical flip, a 90-degree multiple, a rotation by any angle and a translation;
//             bilinear sampling with zeros outside (grid_sample, align_corners=False). Source
//             coordinates within 1e-3 of a pixel centre snap to it, so flips, 90-degree rotations
//             and identity crops are pixel-exact.
//   colour:   brightness, contrast, saturation, hue jitter in a random order (torchvision's
//             ColorJitter semantics, clamped to [0, 1]); saturation and hue act on RGB only;
//             random grayscale; Gaussian blur (separable, reflect padding, random sigma);
//             solarize (x >= threshold -> 1 - x); then per-channel normalization.
// Sample n draws from the Philox counters [offset + 64 n, offset + 64 n + 64), so the pixels depend
// only on (seed, offset, n): the same at any thread count. The parameters drawn for each sample are
// written to `record` (SS_AUG_RECORD floats per sample) so test/native/augment.test.ts can recompute
// every output pixel with an independent TypeScript reference.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../../core/rng.h"
#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {

constexpr int kDraws = 64;

struct Draws {
  uint64_t seed, base;
  int next = 0;
  float u() { return rngUniform01(seed, base + next++); }
  bool coin(float p) { return p > 0.f && u() < p; }
};

float luminance(float r, float g, float b) { return 0.299f * r + 0.587f * g + 0.114f * b; }
float clamp01(float v) { return v < 0.f ? 0.f : v > 1.f ? 1.f : v; }

// The baseline x86-64 build has no rounding instruction (SSE4.1), so std::floor/std::nearbyint are
// library calls; the warp made four per output pixel. nearestInt: round-half-even by adding and
// removing 1.5 * 2^23 (exact below 2^22; larger values are left alone, which snap() treats the
// same: it only keeps a rounded value within 1e-3). floorToInt: truncate, then step down for
// negative fractions; coordinates this far out of range give x0 outside the image either way.
// (The compiler may not fold (x + c) - c to x: without -ffast-math it keeps IEEE semantics.)
float nearestInt(float x) {
  if (!(std::fabs(x) < 4194304.f)) return x;
  return (x + 12582912.f) - 12582912.f;
}
int floorToInt(float x) {
  if (!(std::fabs(x) < 1073741824.f)) return x < 0.f ? -1073741824 : 1073741824;  // (and NaN)
  const int i = (int)x;
  return x < (float)i ? i - 1 : i;
}

// Snaps a source coordinate onto a pixel centre when it is within 1e-3 of one (exact flips/rot90).
float snap(float x) {
  const float r = nearestInt(x);
  return std::fabs(x - r) < 1e-3f ? r : x;
}

// v / 255 for every byte, computed with the same division so pixels stay bit-identical.
struct ByteToUnit {
  float v[256];
  ByteToUnit() {
    for (int i = 0; i < 256; i++) v[i] = (float)i / 255.f;
  }
};
const ByteToUnit kByteToUnit;

void rgbToHsv(float r, float g, float b, float& h, float& s, float& v) {
  float mx = std::max(r, std::max(g, b)), mn = std::min(r, std::min(g, b)), d = mx - mn;
  v = mx;
  s = mx > 0.f ? d / mx : 0.f;
  if (d <= 0.f) { h = 0.f; return; }
  if (mx == r) h = (g - b) / d;
  else if (mx == g) h = 2.f + (b - r) / d;
  else h = 4.f + (r - g) / d;
  h /= 6.f;
  h -= std::floor(h);
}

void hsvToRgb(float h, float s, float v, float& r, float& g, float& b) {
  h = (h - std::floor(h)) * 6.f;
  int i = (int)h % 6;
  float f = h - std::floor(h), p = v * (1.f - s), q = v * (1.f - s * f), t = v * (1.f - s * (1.f - f));
  switch (i) {
    case 0: r = v; g = t; b = p; break;
    case 1: r = q; g = v; b = p; break;
    case 2: r = p; g = v; b = t; break;
    case 3: r = p; g = q; b = v; break;
    case 4: r = t; g = p; b = v; break;
    default: r = v; g = p; b = q; break;
  }
}

int reflect(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

}  // namespace

extern "C" ss_status ss_augment(float* out, float* record, const uint8_t* in, int64_t N, int C, int H, int W, int Ho,
                                int Wo, const ss_augment_params* p, uint64_t seed, uint64_t offset) {
  if (N < 0 || C < 1 || C > 4 || H < 1 || W < 1 || Ho < 1 || Wo < 1 || !p) return SS_ERR_ARG;
  const int64_t inPlane = (int64_t)H * W, outPlane = (int64_t)Ho * Wo;
  const bool rgb = C >= 3;
  // Normalized output coordinates, the same for every sample (and computed by the same expression
  // as the per-pixel code they replace, so the pixels are unchanged).
  std::vector<float> us(Wo), vs(Ho);
  for (int ox = 0; ox < Wo; ox++) us[ox] = (2.f * ox + 1.f) / Wo - 1.f;
  for (int oy = 0; oy < Ho; oy++) vs[oy] = (2.f * oy + 1.f) / Ho - 1.f;
  parallelFor(N, [&](int64_t n0, int64_t n1) {
    std::vector<float> tmp(outPlane * C), kernel;
    for (int64_t n = n0; n < n1; n++) {
      Draws d{seed, offset + (uint64_t)n * kDraws};
      float rec[SS_AUG_RECORD] = {};
      // ---- geometry: output normalized (u, v) -> input normalized coordinates.
      float w = 1.f, h = 1.f, cx = 0.f, cy = 0.f;
      const float uCrop = d.u(), uScale = d.u(), uRatio = d.u(), uCx = d.u(), uCy = d.u();
      if (p->cropProb > 0.f && uCrop < p->cropProb) {
        const float area = p->scaleMin + (p->scaleMax - p->scaleMin) * uScale;
        const float logr = std::log(p->ratioMin) + (std::log(p->ratioMax) - std::log(p->ratioMin)) * uRatio;
        const float r = std::exp(logr);
        // Fractions of the input's width/height (aspect ratio relative to the input's).
        w = std::min(1.f, std::sqrt(area * r));
        h = std::min(1.f, std::sqrt(area / r));
        cx = (uCx * 2.f - 1.f) * (1.f - w);
        cy = (uCy * 2.f - 1.f) * (1.f - h);
      }
      const bool hf = d.coin(p->hflipProb), vf = d.coin(p->vflipProb);
      const float uRot90 = d.u(), uK = d.u(), uRot = d.u(), uAngle = d.u(), uTx = d.u(), uTy = d.u();
      int k90 = (p->rot90Prob > 0.f && uRot90 < p->rot90Prob) ? 1 + std::min(2, (int)(uK * 3.f)) : 0;
      float angle = (p->rotateProb > 0.f && uRot < p->rotateProb) ? (uAngle * 2.f - 1.f) * p->rotateMaxDeg : 0.f;
      const float tx = (uTx * 2.f - 1.f) * p->translateMax * 2.f, ty = (uTy * 2.f - 1.f) * p->translateMax * 2.f;
      // M = Crop · Rot(angle) · Rot90(k) · Flip, applied to (u, v); then + translation.
      float fu = hf ? -1.f : 1.f, fv = vf ? -1.f : 1.f;
      float r00 = fu, r01 = 0.f, r10 = 0.f, r11 = fv;  // flip
      for (int i = 0; i < k90; i++) {                  // (u, v) -> (-v, u)
        float a = -r10, b = -r11, c = r00, e = r01;
        r00 = a; r01 = b; r10 = c; r11 = e;
      }
      const float th = angle * 3.14159265358979f / 180.f, cs = std::cos(th), sn = std::sin(th);
      float q00 = cs * r00 - sn * r10, q01 = cs * r01 - sn * r11, q10 = sn * r00 + cs * r10, q11 = sn * r01 + cs * r11;
      rec[0] = w * q00; rec[1] = w * q01; rec[2] = cx - tx;
      rec[3] = h * q10; rec[4] = h * q11; rec[5] = cy - ty;
      // ---- colour parameters
      const float uJit = d.u(), uB = d.u(), uC = d.u(), uS = d.u(), uH = d.u();
      float order[4] = {0, 1, 2, 3};
      for (int i = 3; i > 0; i--) {  // Fisher-Yates with one draw each
        int j = std::min(i, (int)(d.u() * (i + 1)));
        std::swap(order[i], order[j]);
      }
      const bool jitter = p->jitterProb > 0.f && uJit < p->jitterProb;
      rec[6] = jitter ? std::max(0.f, 1.f - p->brightness) + (2.f * p->brightness - std::max(0.f, p->brightness - 1.f)) * uB : 1.f;
      rec[7] = jitter ? std::max(0.f, 1.f - p->contrast) + (2.f * p->contrast - std::max(0.f, p->contrast - 1.f)) * uC : 1.f;
      rec[8] = jitter && rgb ? std::max(0.f, 1.f - p->saturation) + (2.f * p->saturation - std::max(0.f, p->saturation - 1.f)) * uS : 1.f;
      rec[9] = jitter && rgb ? (uH * 2.f - 1.f) * p->hue : 0.f;
      for (int i = 0; i < 4; i++) rec[10 + i] = order[i];
      rec[14] = jitter ? 1.f : 0.f;
      rec[15] = d.coin(p->grayscaleProb) && rgb ? 1.f : 0.f;
      const float uBlur = d.u(), uSigma = d.u();
      rec[16] = (p->blurProb > 0.f && uBlur < p->blurProb) ? p->blurSigmaMin + (p->blurSigmaMax - p->blurSigmaMin) * uSigma : 0.f;
      rec[17] = d.coin(p->solarizeProb) ? 1.f : 0.f;
      // ---- warp
      const uint8_t* src = in + n * C * inPlane;
      for (int oy = 0; oy < Ho; oy++)
        for (int ox = 0; ox < Wo; ox++) {
          const float u = us[ox], v = vs[oy];
          const float su = rec[0] * u + rec[1] * v + rec[2], sv = rec[3] * u + rec[4] * v + rec[5];
          const float x = snap(((su + 1.f) * W - 1.f) * 0.5f), y = snap(((sv + 1.f) * H - 1.f) * 0.5f);
          const int x0 = floorToInt(x), y0 = floorToInt(y);
          const float fx = x - x0, fy = y - y0;
          for (int c = 0; c < C; c++) {
            const uint8_t* sc = src + c * inPlane;
            auto at = [&](int yy, int xx) { return (xx < 0 || yy < 0 || xx >= W || yy >= H) ? 0.f : kByteToUnit.v[sc[(int64_t)yy * W + xx]]; };
            float val = (1.f - fy) * ((1.f - fx) * at(y0, x0) + (fx > 0.f ? fx * at(y0, x0 + 1) : 0.f)) +
                        (fy > 0.f ? fy * ((1.f - fx) * at(y0 + 1, x0) + (fx > 0.f ? fx * at(y0 + 1, x0 + 1) : 0.f)) : 0.f);
            tmp[c * outPlane + (int64_t)oy * Wo + ox] = val;
          }
        }
      // ---- colour jitter in the drawn order
      if (jitter) {
        for (int oi = 0; oi < 4; oi++) {
          const int op = (int)order[oi];
          if (op == 0) {
            for (float& v : tmp) v = clamp01(v * rec[6]);
          } else if (op == 1) {
            double m = 0;
            if (rgb)
              for (int64_t i = 0; i < outPlane; i++) m += luminance(tmp[i], tmp[outPlane + i], tmp[2 * outPlane + i]);
            else
              for (int64_t i = 0; i < outPlane; i++) m += tmp[i];
            const float mean = (float)(m / outPlane), c = rec[7];
            for (float& v : tmp) v = clamp01(c * v + (1.f - c) * mean);
          } else if (op == 2 && rgb) {
            const float s = rec[8];
            for (int64_t i = 0; i < outPlane; i++) {
              const float g = luminance(tmp[i], tmp[outPlane + i], tmp[2 * outPlane + i]);
              for (int c = 0; c < 3; c++) tmp[c * outPlane + i] = clamp01(s * tmp[c * outPlane + i] + (1.f - s) * g);
            }
          } else if (op == 3 && rgb && rec[9] != 0.f) {
            for (int64_t i = 0; i < outPlane; i++) {
              float hh, ss, vv, r, g, b;
              rgbToHsv(tmp[i], tmp[outPlane + i], tmp[2 * outPlane + i], hh, ss, vv);
              hsvToRgb(hh + rec[9], ss, vv, r, g, b);
              tmp[i] = r; tmp[outPlane + i] = g; tmp[2 * outPlane + i] = b;
            }
          }
        }
      }
      if (rec[15] != 0.f)
        for (int64_t i = 0; i < outPlane; i++) {
          const float g = luminance(tmp[i], tmp[outPlane + i], tmp[2 * outPlane + i]);
          tmp[i] = tmp[outPlane + i] = tmp[2 * outPlane + i] = g;
        }
      if (rec[16] > 0.f) {
        const float sigma = rec[16];
        const int radius = p->blurKernel > 0 ? p->blurKernel / 2 : std::max(1, (int)std::ceil(3.f * sigma));
        kernel.assign(2 * radius + 1, 0.f);
        float ks = 0.f;
        for (int i = -radius; i <= radius; i++) ks += kernel[i + radius] = std::exp(-0.5f * i * i / (sigma * sigma));
        for (float& k : kernel) k /= ks;
        std::vector<float> row(std::max(Ho, Wo));
        for (int c = 0; c < C; c++) {
          float* pl = tmp.data() + c * outPlane;
          for (int yy = 0; yy < Ho; yy++) {  // horizontal pass
            for (int xx = 0; xx < Wo; xx++) {
              float s = 0.f;
              for (int i = -radius; i <= radius; i++) s += kernel[i + radius] * pl[(int64_t)yy * Wo + reflect(xx + i, Wo)];
              row[xx] = s;
            }
            std::memcpy(pl + (int64_t)yy * Wo, row.data(), sizeof(float) * Wo);
          }
          for (int xx = 0; xx < Wo; xx++) {  // vertical pass
            for (int yy = 0; yy < Ho; yy++) {
              float s = 0.f;
              for (int i = -radius; i <= radius; i++) s += kernel[i + radius] * pl[(int64_t)reflect(yy + i, Ho) * Wo + xx];
              row[yy] = s;
            }
            for (int yy = 0; yy < Ho; yy++) pl[(int64_t)yy * Wo + xx] = row[yy];
          }
        }
      }
      if (rec[17] != 0.f)
        for (float& v : tmp) v = v >= p->solarizeThreshold ? 1.f - v : v;
      float* o = out + n * C * outPlane;
      for (int c = 0; c < C; c++) {
        const float m = p->normalize ? p->mean[c] : 0.f, s = p->normalize ? 1.f / p->std[c] : 1.f;
        for (int64_t i = 0; i < outPlane; i++) o[c * outPlane + i] = (tmp[c * outPlane + i] - m) * s;
      }
      if (record) std::memcpy(record + n * SS_AUG_RECORD, rec, sizeof rec);
    }
  });
  return SS_OK;
}
