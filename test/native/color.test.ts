// Native batched sRGB <-> Lab against the float64 scalar conversion (lib/color/lab.ts, skimage's
// constants) and published values; round trip; clamping of out-of-gamut Lab.
import { describe, expect, it } from 'vitest';
import { labToRgb, rgbToLab } from '../../lib/color/convert.js';
import { labToSrgb, srgbToLab } from '../../lib/color/lab.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { caught, randomArray } from '../helpers.js';

const planar = (pixels: number[][]) => {
  const S = pixels.length, out = new Float32Array(3 * S);
  pixels.forEach((p, i) => { out[i] = p[0]; out[S + i] = p[1]; out[2 * S + i] = p[2]; });
  return new Tensor(out, [1, 3, 1, S]);
};

describe('rgbToLab / labToRgb', () => {
  it('matches skimage on primaries, white and black', () => {
    const lab = rgbToLab(planar([[1, 1, 1], [0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]));
    const expected = [[100, 0, 0], [0, 0, 0], [53.2408, 80.0925, 67.2032], [87.7347, -86.1827, 83.1793], [32.2970, 79.1875, -107.8602]];
    expected.forEach((e, i) => e.forEach((v, c) => expect(lab.data[c * 5 + i]).toBeCloseTo(v, 2)));
  });

  it('agrees with the float64 scalar conversion both ways on random images', () => {
    const N = 3, S = 40;
    const rgb = new Tensor(randomArray(N * 3 * S, 9).map((v) => (v + 1) / 2), [N, 3, 5, 8]);
    const lab = rgbToLab(rgb);
    let worst = 0, worstBack = 0;
    for (let n = 0; n < N; n++) for (let p = 0; p < S; p++) {
      const o = n * 3 * S + p;
      const ref = srgbToLab(rgb.data[o], rgb.data[o + S], rgb.data[o + 2 * S]);
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(lab.data[o + c * S] - ref[c]));
    }
    expect(worst).toBeLessThan(2e-4); // float32 output of a float64 computation
    const back = labToRgb(lab);
    for (let i = 0; i < back.size; i++) worstBack = Math.max(worstBack, Math.abs(back.data[i] - rgb.data[i]));
    expect(worstBack).toBeLessThan(1e-5);
    // Lab -> RGB against the scalar inverse, including out-of-gamut values that must clamp
    const wild = planar([[50, 120, -120], [95, -100, 100], [10, 0, 0], [0, 50, 50], [100, 0, 0]]);
    const rgbWild = labToRgb(wild);
    for (let p = 0; p < 5; p++) {
      const ref = labToSrgb(wild.data[p], wild.data[5 + p], wild.data[10 + p]);
      for (let c = 0; c < 3; c++) {
        expect(rgbWild.data[c * 5 + p]).toBeGreaterThanOrEqual(0);
        expect(rgbWild.data[c * 5 + p]).toBeLessThanOrEqual(1);
        expect(Math.abs(rgbWild.data[c * 5 + p] - ref[c])).toBeLessThan(1e-5);
      }
    }
  });

  it('rejects tensors that are not (N, 3, H, W)', () => {
    expect(caught(() => rgbToLab(new Tensor(new Float32Array(4), [1, 1, 2, 2]))).message).toMatch(/three channels.*for rgb/);
    expect(caught(() => labToRgb(new Tensor(new Float32Array(3), [3]))).message).toMatch(/Tensor \(N, 3, H, W\) for lab/);
  });
});
