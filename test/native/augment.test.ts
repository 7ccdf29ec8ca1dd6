// Native batched augmentation against an independent TypeScript reference that recomputes every
// output pixel from the parameters the kernel recorded for each sample; exact operations (identity,
// flips, 90-degree turns) checked pixel-exactly against array manipulation; the same seed gives the
// same pixels at 1 and 2 threads; recipes and bad options.
import { describe, expect, it } from 'vitest';
import { Augment, byol, simclr } from '../../lib/augment/pipeline.js';
import { native } from '../../lib/native/loader.js';
import { Generator } from '../../lib/random.js';
import type { Batch } from '../../lib/tasks/task.js';
import { expectClose } from '../helpers.js';

const REC = 20;

function makeBatch(N: number, C: number, H: number, W: number, seed = 1): Batch {
  const images = new Uint8Array(N * C * H * W);
  let s = seed;
  for (let i = 0; i < images.length; i++) { s = (s * 1103515245 + 12345) >>> 0; images[i] = (s >>> 16) & 255; }
  return { images, shape: [N, C, H, W], indices: Int32Array.from({ length: N }, (_, i) => i), labels: null };
}

// ---- the reference: straight from the definitions, in float64 where it does not matter
function reference(b: Batch, rec: Float32Array, Ho: number, Wo: number, opt: { solarizeThreshold?: number; mean?: number[]; std?: number[]; blurKernel?: number }): Float32Array {
  const [N, C, H, W] = b.shape;
  const out = new Float32Array(N * C * Ho * Wo);
  const P = Ho * Wo;
  const f = Math.fround;
  for (let n = 0; n < N; n++) {
    const r = rec.subarray(n * REC, (n + 1) * REC);
    const img = Array.from({ length: C }, () => new Float64Array(P));
    const snap = (x: number) => (Math.abs(x - Math.round(x)) < 1e-3 ? Math.round(x) : x);
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++) {
        const u = f((2 * ox + 1) / Wo - 1), v = f((2 * oy + 1) / Ho - 1);
        const su = r[0] * u + r[1] * v + r[2], sv = r[3] * u + r[4] * v + r[5];
        const x = snap(((su + 1) * W - 1) / 2), y = snap(((sv + 1) * H - 1) / 2);
        const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
        for (let c = 0; c < C; c++) {
          const at = (yy: number, xx: number) => (xx < 0 || yy < 0 || xx >= W || yy >= H ? 0 : b.images[((n * C + c) * H + yy) * W + xx] / 255);
          img[c][oy * Wo + ox] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
        }
      }
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    const lum = (i: number) => 0.299 * img[0][i] + 0.587 * img[1][i] + 0.114 * img[2][i];
    if (r[14]) {
      for (let k = 0; k < 4; k++) {
        const op = r[10 + k];
        if (op === 0) img.forEach((pl) => pl.forEach((v, i) => { pl[i] = clamp(v * r[6]); }));
        if (op === 1) {
          let m = 0;
          for (let i = 0; i < P; i++) m += C >= 3 ? lum(i) : img[0][i];
          m /= P;
          img.forEach((pl) => pl.forEach((v, i) => { pl[i] = clamp(r[7] * v + (1 - r[7]) * m); }));
        }
        if (op === 2 && C >= 3)
          for (let i = 0; i < P; i++) { const g = lum(i); for (let c = 0; c < 3; c++) img[c][i] = clamp(r[8] * img[c][i] + (1 - r[8]) * g); }
        if (op === 3 && C >= 3 && r[9] !== 0)
          for (let i = 0; i < P; i++) {
            const [R, G, B] = [img[0][i], img[1][i], img[2][i]];
            const mx = Math.max(R, G, B), mn = Math.min(R, G, B), d = mx - mn;
            let h = d <= 0 ? 0 : mx === R ? (G - B) / d : mx === G ? 2 + (B - R) / d : 4 + (R - G) / d;
            h = d <= 0 ? 0 : h / 6 - Math.floor(h / 6);
            const s = mx > 0 ? d / mx : 0;
            let hh = h + r[9]; hh = (hh - Math.floor(hh)) * 6;
            const sector = Math.floor(hh) % 6, fr = hh - Math.floor(hh);
            const p = mx * (1 - s), q = mx * (1 - s * fr), t = mx * (1 - s * (1 - fr));
            const rgb = [[mx, t, p], [q, mx, p], [p, mx, t], [p, q, mx], [t, p, mx], [mx, p, q]][sector];
            for (let c = 0; c < 3; c++) img[c][i] = rgb[c];
          }
      }
    }
    if (r[15]) for (let i = 0; i < P; i++) { const g = lum(i); img[0][i] = img[1][i] = img[2][i] = g; }
    if (r[16] > 0) {
      const sigma = r[16], rad = opt.blurKernel ? (opt.blurKernel - 1) / 2 : Math.max(1, Math.ceil(3 * sigma));
      const k = Array.from({ length: 2 * rad + 1 }, (_, i) => Math.exp((-0.5 * (i - rad) ** 2) / (sigma * sigma)));
      const ks = k.reduce((a, b2) => a + b2);
      const refl = (i: number, n: number) => { while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i; return i; };
      for (const pl of img) {
        const h1 = new Float64Array(P);
        for (let y = 0; y < Ho; y++) for (let x = 0; x < Wo; x++) { let s = 0; for (let i = -rad; i <= rad; i++) s += k[i + rad] / ks * pl[y * Wo + refl(x + i, Wo)]; h1[y * Wo + x] = s; }
        for (let y = 0; y < Ho; y++) for (let x = 0; x < Wo; x++) { let s = 0; for (let i = -rad; i <= rad; i++) s += k[i + rad] / ks * h1[refl(y + i, Ho) * Wo + x]; pl[y * Wo + x] = s; }
      }
    }
    if (r[17]) img.forEach((pl) => pl.forEach((v, i) => { pl[i] = v >= (opt.solarizeThreshold ?? 0.5) ? 1 - v : v; }));
    for (let c = 0; c < C; c++)
      for (let i = 0; i < P; i++) out[(n * C + c) * P + i] = opt.mean ? (img[c][i] - opt.mean[c]) / opt.std![c] : img[c][i];
  }
  return out;
}

describe('augmentation kernel vs reference', () => {
  const cases: [string, ConstructorParameters<typeof Augment>[0], number, number][] = [
    ['crop+flip+translate gray', { size: 20, crop: { scale: [0.2, 1] }, hflip: 0.5, vflip: 0.5, translate: 0.1 }, 1, 28],
    ['rotation any angle + rot90', { rotate: { p: 0.7, degrees: 30 }, rot90: 0.5, crop: { p: 0.5, scale: [0.5, 1] } }, 1, 17],
    ['colour jitter rgb + grayscale', { colorJitter: { p: 0.9, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }, grayscale: 0.3, crop: {} }, 3, 16],
    ['blur + solarize + normalize rgb', { blur: { p: 0.7, sigma: [0.3, 1.5] }, solarize: { p: 0.5, threshold: 0.6 }, normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] } }, 3, 15],
    ['blur fixed kernel gray', { blur: { p: 1, sigma: [0.5, 2], kernelSize: 5 }, colorJitter: { brightness: 0.5, contrast: 0.5 } }, 1, 12],
  ];
  for (const [name, opts, C, S] of cases) {
    it(name, () => {
      const aug = new Augment(opts);
      const b = makeBatch(6, C, S, S + 1);
      const rec = new Float32Array(6 * REC);
      const out = aug.apply(b, new Generator(3), rec);
      const [Ho, Wo] = opts!.size ? [opts!.size as number, opts!.size as number] : [S, S + 1];
      expect(out.shape).toEqual([6, C, Ho, Wo]);
      const ref = reference(b, rec, Ho, Wo, {
        solarizeThreshold: (opts!.solarize as { threshold?: number } | undefined)?.threshold,
        mean: (opts!.normalize as { mean: number[] } | undefined)?.mean, std: (opts!.normalize as { std: number[] } | undefined)?.std,
        blurKernel: (opts!.blur as { kernelSize?: number } | undefined)?.kernelSize,
      });
      expectClose(out.data, ref, 1e-4, 2e-4, name);
    });
  }
});

describe('exact operations', () => {
  const b = makeBatch(4, 2, 5, 7);
  const px = (n: number, c: number, y: number, x: number) => b.images[((n * 2 + c) * 5 + y) * 7 + x] / 255;
  it('no ops = the input scaled to [0, 1], exactly', () => {
    const out = new Augment({}).apply(b, new Generator(1));
    expect(Array.from(out.data)).toEqual(Array.from(b.images, (v) => Math.fround(v / 255)));
  });
  it('horizontal and vertical flips are exact', () => {
    const h = new Augment({ hflip: 1 }).apply(b, new Generator(1)), v = new Augment({ vflip: 1 }).apply(b, new Generator(1));
    for (let n = 0; n < 4; n++) for (let c = 0; c < 2; c++) for (let y = 0; y < 5; y++) for (let x = 0; x < 7; x++) {
      expect(h.data[((n * 2 + c) * 5 + y) * 7 + x]).toBe(Math.fround(px(n, c, y, 6 - x)));
      expect(v.data[((n * 2 + c) * 5 + y) * 7 + x]).toBe(Math.fround(px(n, c, 4 - y, x)));
    }
  });
  it('90-degree turns of square images are exact rotations', () => {
    const sq = makeBatch(8, 1, 6, 6, 9);
    const rec = new Float32Array(8 * REC);
    const out = new Augment({ rot90: 1 }).apply(sq, new Generator(2), rec);
    for (let n = 0; n < 8; n++) {
      const img = (y: number, x: number) => Math.fround(sq.images[n * 36 + y * 6 + x] / 255);
      const got = (y: number, x: number) => out.data[n * 36 + y * 6 + x];
      const rots = [(y: number, x: number) => img(5 - x, y), (y: number, x: number) => img(5 - y, 5 - x), (y: number, x: number) => img(x, 5 - y)];
      const match = rots.filter((f) => [...Array(36).keys()].every((i) => got(Math.floor(i / 6), i % 6) === f(Math.floor(i / 6), i % 6)));
      expect(match.length, `sample ${n}`).toBe(1);
    }
  });
});

describe('determinism and recipes', () => {
  it('same seed -> same pixels at 1 and 2 threads; another seed differs', () => {
    const nb = native();
    const T = nb.getNumThreads();
    const aug = simclr({ size: 24 });
    const b = makeBatch(16, 3, 28, 28);
    nb.setNumThreads(1);
    const a1 = aug.apply(b, new Generator(5));
    nb.setNumThreads(2);
    const a2 = aug.apply(b, new Generator(5));
    nb.setNumThreads(T);
    expect(Buffer.compare(Buffer.from(a1.data.buffer), Buffer.from(a2.data.buffer))).toBe(0);
    expect(Array.from(aug.apply(b, new Generator(6)).data.subarray(0, 50))).not.toEqual(Array.from(a1.data.subarray(0, 50)));
  });
  it('consecutive views from one generator differ; byol gives two pipelines', () => {
    const g = new Generator(1);
    const aug = simclr();
    const b = makeBatch(4, 1, 28, 28);
    const v1 = aug.apply(b, g), v2 = aug.apply(b, g);
    expect(Array.from(v1.data)).not.toEqual(Array.from(v2.data));
    const [p1, p2] = byol({ size: 28 });
    expect(p1.apply(b, g).shape).toEqual([4, 1, 28, 28]);
    expect(p2.apply(b, g).shape).toEqual([4, 1, 28, 28]);
  });
  it('rejects bad options and mismatched batches', () => {
    expect(() => new Augment({ hflip: 1.5 })).toThrow(/hflip/);
    expect(() => new Augment({ crop: { scale: [0.5, 0.2] } })).toThrow(/crop\.scale/);
    expect(() => new Augment({ blur: { kernelSize: 4 } })).toThrow(/kernelSize/);
    expect(() => new Augment({ flip: 0.5 } as never)).toThrow(/Unknown option "flip"/);
    expect(() => new Augment({ normalize: { mean: [0.5], std: [0] } })).toThrow(/std/);
    const b = makeBatch(2, 1, 4, 4);
    expect(() => new Augment({ normalize: { mean: [0.5, 0.5, 0.5], std: [1, 1, 1] } }).apply(b, new Generator(1))).toThrow(/normalize\.mean/);
    expect(() => new Augment({}).apply({ ...b, shape: [2, 1, 4, 5] }, new Generator(1))).toThrow(/batch\.images/);
  });
});
