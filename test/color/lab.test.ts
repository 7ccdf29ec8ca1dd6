// sRGB <-> Lab against scikit-image: reference values come from skimage's rgb2lab / lab2rgb code
// (colorconv.py) run on numpy 2.4 in float64, so they pin the conventions the native batched kernel
// must reproduce: rounded D65 white point, 0.008856 / 7.787 linear segment, linalg.inv matrix,
// f(Z) clamped at 0, output clipped to [0, 1].
import { describe, expect, it } from 'vitest';
import { LAB_CONSTANTS, labToSrgb, srgbToLab } from '../../lib/color/lab.js';
import { caught, expectClose } from '../helpers.js';

// [r, g, b] -> [L, a, b] from skimage.color.rgb2lab (float64).
const SKIMAGE_RGB2LAB: [number[], number[]][] = [
  [[1, 1, 1], [100, -0.0024549378620508655, 0.004653421154054982]],
  [[0, 0, 0], [0, 0, 0]],
  [[1, 0, 0], [53.2405879437449, 80.0923082256922, 67.2027510444287]],
  [[0, 1, 0], [87.73509948831895, -86.18302974439501, 83.17970317538452]],
  [[0, 0, 1], [32.29567256501351, 79.18559091176556, -107.85730020669489]],
  [[0.5, 0.5, 0.5], [53.38896474111432, -0.0014684965237710124, 0.002783586865384713]],
  [[0.2, 0.4, 0.6], [42.008000589382185, -0.15404119847206577, -32.842897418997154]],
  [[0.9, 0.1, 0.7], [52.61500820523233, 81.78540452331018, -29.797608245562166]],
  [[0.01, 0.02, 0.03], [1.3000539221486065, -0.31235027728143683, -1.1997649952041]],
  [[0.3, 0.8, 0.1], [72.76874326390822, -63.15023731712094, 68.27822310351476]],
];

// [L, a, b] -> [r, g, b] from skimage.color.lab2rgb: in gamut, clipped, and f(Z) < 0 (last row).
const SKIMAGE_LAB2RGB: [number[], number[]][] = [
  [[50, 20, -30], [0.4963614436870912, 0.4292576410173743, 0.6668388990840572]],
  [[30, -60, 80], [0, 0.34357517856357805, 0]],
  [[90, 0, 120], [1, 0.8702912746570657, 0]],
  [[10, 80, -100], [0, 0, 0.6928307952890469]],
  [[60, 0, 0], [0.566868153371044, 0.5668635180548431, 0.5668872381375429]],
  [[5, 10, 150], [0.1758238132340636, 0.027354355672913826, 0]],
];

describe('srgbToLab', () => {
  it('matches skimage rgb2lab to 1e-9', () => {
    for (const [rgb, lab] of SKIMAGE_RGB2LAB) expectClose(srgbToLab(rgb[0], rgb[1], rgb[2]), lab, 0, 1e-9, `rgb ${rgb}`);
  });

  it('white and black', () => {
    const [L, a, b] = srgbToLab(1, 1, 1);
    expect(Math.abs(L - 100)).toBeLessThan(1e-4);
    // Not exactly 0: the matrix rows sum to (0.950456, 1, 1.088754), not to the white point.
    expect(Math.abs(a)).toBeLessThan(5e-3);
    expect(Math.abs(b)).toBeLessThan(5e-3);
    expect(srgbToLab(0, 0, 0)).toEqual([0, 0, 0]);
  });

  it('primaries are close to the textbook values', () => {
    // Textbook numbers use an exact white point / other matrix rounding; skimage's differ by up to
    // 3e-3 (blue), so these check the neighbourhood and the table above checks the digits.
    expectClose(srgbToLab(1, 0, 0), [53.2408, 80.0925, 67.2032], 0, 1e-3, 'red');
    expectClose(srgbToLab(0, 1, 0), [87.7347, -86.1827, 83.1793], 0, 1e-3, 'green');
    expectClose(srgbToLab(0, 0, 1), [32.297, 79.1875, -107.8602], 0, 5e-3, 'blue');
  });

  it('rejects channels outside [0, 1] and non-numbers, naming the channel', () => {
    expect(caught(() => srgbToLab(1.5, 0, 0))).toBeInstanceOf(RangeError);
    expect(caught(() => srgbToLab(1.5, 0, 0)).message).toMatch(/for r but received 1.5/);
    expect(caught(() => srgbToLab(0, -0.1, 0)).message).toMatch(/number in \[0, 1\] for g/);
    expect(caught(() => srgbToLab(0, 0, NaN)).message).toMatch(/for b but received NaN/);
    expect(caught(() => srgbToLab('1' as never, 0, 0))).toBeInstanceOf(TypeError);
  });
});

describe('labToSrgb', () => {
  it('matches skimage lab2rgb to 1e-9, including clipping and the f(Z) clamp', () => {
    for (const [lab, rgb] of SKIMAGE_LAB2RGB) expectClose(labToSrgb(lab[0], lab[1], lab[2]), rgb, 0, 1e-9, `lab ${lab}`);
  });

  it('always returns channels in [0, 1]', () => {
    for (const [L, a, b] of [[-20, 0, 0], [150, 0, 0], [50, 500, -500], [50, -500, 500], [0, 0, 300]]) {
      for (const c of labToSrgb(L, a, b)) expect(c >= 0 && c <= 1, `${[L, a, b]} -> ${c}`).toBe(true);
    }
  });

  it('round-trips a grid of sRGB colours to 1e-9', () => {
    // Steps of 1/20 plus values near the companding threshold, the Lab threshold (grey ~0.092)
    // and black.
    const levels = [...Array.from({ length: 21 }, (_, i) => i / 20), 0.0404499, 0.0405, 0.001, 0.0031308, 0.0919, 0.092, 0.999];
    let worst = 0;
    for (const r of levels) {
      for (const g of levels) {
        for (const b of levels) {
          const back = labToSrgb(...srgbToLab(r, g, b));
          worst = Math.max(worst, Math.abs(back[0] - r), Math.abs(back[1] - g), Math.abs(back[2] - b));
        }
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('round-trips to 3e-8 only in (0.04044994, 0.04045], where the rounded sRGB thresholds disagree', () => {
    // Decoding keeps c <= 0.04045 linear, giving lin up to 0.04045 / 12.92 = 0.0031308050, but
    // encoding switches to the power curve above lin = 0.0031308. skimage has the same gap.
    const back = labToSrgb(...srgbToLab(0.04045, 0.04045, 0.04045));
    expect(Math.abs(back[0] - 0.04045)).toBeGreaterThan(1e-8);
    expect(Math.abs(back[0] - 0.04045)).toBeLessThan(3e-8);
  });

  it('rejects non-finite input, naming the argument', () => {
    expect(caught(() => labToSrgb(NaN, 0, 0)).message).toMatch(/finite number for L but received NaN/);
    expect(caught(() => labToSrgb(50, Infinity, 0)).message).toMatch(/for a /);
    expect(caught(() => labToSrgb(50, 0, null as never))).toBeInstanceOf(TypeError);
  });
});

describe('LAB_CONSTANTS', () => {
  it('rgbFromXyz is the float64 inverse of xyzFromRgb (skimage uses linalg.inv)', () => {
    const A = LAB_CONSTANTS.xyzFromRgb, B = LAB_CONSTANTS.rgbFromXyz;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[3 * i + k] * B[3 * k + j];
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-15);
      }
    }
    // numpy.linalg.inv of the same matrix, to the last couple of ulps.
    expectClose(B, [3.240481343200526, -1.5371515162713185, -0.4985363261688878, -0.9692549499965682, 1.8759900014898907,
      0.04155592655829284, 0.05564663913517716, -0.20404133836651123, 1.0573110696453443], 1e-15, 0, 'rgbFromXyz');
  });

  it('quotes the skimage numbers and cannot be changed', () => {
    expect(LAB_CONSTANTS.whitePoint).toEqual([0.95047, 1, 1.08883]);
    expect(LAB_CONSTANTS.xyzFromRgb).toEqual([0.412453, 0.35758, 0.180423, 0.212671, 0.71516, 0.072169, 0.019334, 0.119193, 0.950227]);
    expect([LAB_CONSTANTS.labEpsilon, LAB_CONSTANTS.labKappa, LAB_CONSTANTS.labOffset]).toEqual([0.008856, 7.787, 16 / 116]);
    expect([LAB_CONSTANTS.srgbDecodeThreshold, LAB_CONSTANTS.srgbEncodeThreshold]).toEqual([0.04045, 0.0031308]);
    expect(Object.isFrozen(LAB_CONSTANTS) && Object.isFrozen(LAB_CONSTANTS.rgbFromXyz)).toBe(true);
  });
});
