// sRGB <-> CIE Lab (D65, 2° observer) in float64, following scikit-image's rgb2lab / lab2rgb so
// colorization targets match the Python reference pipelines. The native batched kernel is tested
// against these scalar functions and quotes LAB_CONSTANTS, so every number it needs lives there.
import { checkNumber, invalidParameter, outOfRange } from '../validate.js';

// Row-major xyz_from_rgb (linear sRGB -> XYZ), as in skimage.color.colorconv.
const XYZ_FROM_RGB = [
  0.412453, 0.35758, 0.180423,
  0.212671, 0.71516, 0.072169,
  0.019334, 0.119193, 0.950227,
] as const;

// skimage uses linalg.inv(xyz_from_rgb) rather than the rounded matrix from the sRGB standard;
// inverting here in float64 keeps rgb -> lab -> rgb exact to ~1e-15 instead of ~1e-7.
function invert3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
    B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
    C / det, -(a * h - b * g) / det, (a * e - b * d) / det,
  ];
}

const RGB_FROM_XYZ = invert3(XYZ_FROM_RGB);

export const LAB_CONSTANTS = Object.freeze({
  /** D65 reference white (2° observer), X/Y/Z. */
  whitePoint: Object.freeze([0.95047, 1, 1.08883] as const),
  /** Row-major 3x3: [X, Y, Z] = M · [r, g, b] (linear sRGB). */
  xyzFromRgb: Object.freeze([...XYZ_FROM_RGB]),
  /** Row-major 3x3 float64 inverse of xyzFromRgb (computed, not rounded). */
  rgbFromXyz: Object.freeze([...RGB_FROM_XYZ]),
  /** sRGB decoding: c <= srgbDecodeThreshold ? c / 12.92 : ((c + 0.055) / 1.055)^2.4. */
  srgbDecodeThreshold: 0.04045,
  /** sRGB encoding: lin <= srgbEncodeThreshold ? 12.92 lin : 1.055 lin^(1/2.4) - 0.055. */
  srgbEncodeThreshold: 0.0031308,
  srgbLinearSlope: 12.92,
  srgbGamma: 2.4,
  srgbOffset: 0.055,
  /**
   * f(t) = t > labEpsilon ? cbrt(t) : labKappa t + labOffset. The inverse takes f^3 when
   * f^3 > labEpsilon, else (f - labOffset) / labKappa. (skimage's lab2xyz tests f > 0.2068966
   * instead; the two differ only for f in (0.2068930, 0.2068966], by < 5e-8 in t = Y/Yn etc.)
   */
  labEpsilon: 0.008856,
  labKappa: 7.787,
  labOffset: 16 / 116,
});

const [XN, YN, ZN] = LAB_CONSTANTS.whitePoint;
const EPS = 0.008856, KAPPA = 7.787, OFFSET = 16 / 116;

/** sRGB decoding (gamma-encoded c in [0, 1] -> linear light), unchecked. */
export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** sRGB encoding (linear light -> gamma-encoded), unchecked and unclamped. */
export function linearToSrgb(lin: number): number {
  return lin <= 0.0031308 ? 12.92 * lin : 1.055 * lin ** (1 / 2.4) - 0.055;
}

function f(t: number): number {
  return t > EPS ? Math.cbrt(t) : KAPPA * t + OFFSET;
}

function fInv(v: number): number {
  const v3 = v * v * v;
  return v3 > EPS ? v3 : (v - OFFSET) / KAPPA;
}

// Linear sRGB -> Lab into out[o..o+2], unchecked. The gamut scan in ab-bins.ts decodes through a
// table and calls this directly, so its bins come from exactly the arithmetic of srgbToLab.
export function linearToLabInto(lr: number, lg: number, lb: number, out: Float64Array | number[], o = 0): void {
  const M = XYZ_FROM_RGB;
  const fx = f((M[0] * lr + M[1] * lg + M[2] * lb) / XN);
  const fy = f((M[3] * lr + M[4] * lg + M[5] * lb) / YN);
  const fz = f((M[6] * lr + M[7] * lg + M[8] * lb) / ZN);
  out[o] = 116 * fy - 16;
  out[o + 1] = 500 * (fx - fy);
  out[o + 2] = 200 * (fy - fz);
}

export function checkFinite(name: string, v: unknown): number {
  if (typeof v !== 'number') throw invalidParameter(name, 'finite number', v);
  if (!Number.isFinite(v)) throw outOfRange(name, 'finite number', v);
  return v;
}

/** sRGB in [0, 1] (gamma-encoded) -> [L, a, b]; white is (100, -0.0025, 0.0047) as in skimage. */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  checkNumber('r', r, 0, 1);
  checkNumber('g', g, 0, 1);
  checkNumber('b', b, 0, 1);
  const out: [number, number, number] = [0, 0, 0];
  linearToLabInto(srgbToLinear(r), srgbToLinear(g), srgbToLinear(b), out);
  return out;
}

/** [L, a, b] -> sRGB clamped to [0, 1]. Out-of-gamut Lab is clipped per channel, as skimage does. */
export function labToSrgb(L: number, a: number, b: number): [number, number, number] {
  checkFinite('L', L);
  checkFinite('a', a);
  checkFinite('b', b);
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  // skimage clamps this f value (not Z itself) to 0 when b pushes it negative.
  const fz = Math.max(fy - b / 200, 0);
  const X = fInv(fx) * XN, Y = fInv(fy) * YN, Z = fInv(fz) * ZN;
  const M = RGB_FROM_XYZ;
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  return [
    clamp(linearToSrgb(M[0] * X + M[1] * Y + M[2] * Z)),
    clamp(linearToSrgb(M[3] * X + M[4] * Y + M[5] * Z)),
    clamp(linearToSrgb(M[6] * X + M[7] * Y + M[8] * Z)),
  ];
}
