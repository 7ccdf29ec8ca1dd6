// Quantized ab space (Zhang et al. 2016): the in-gamut bins cover every sRGB colour, encode agrees
// with nearest everywhere (table cells, cell boundaries, out of gamut, out of the table), the
// rebalancing weights follow eq. 4, and the annealed mean interpolates between mean and mode.
import { describe, expect, it } from 'vitest';
import { AbBins } from '../../lib/color/ab-bins.js';
import { srgbToLab } from '../../lib/color/lab.js';
import { caught, expectClose, randomArray } from '../helpers.js';

const bins = AbBins.inGamut();

// Brute-force nearest centre (lowest index on ties), independent of the class.
function bruteNearest(B: AbBins, a: number, b: number): number {
  let best = 0, bestD = Infinity;
  for (let q = 0; q < B.Q; q++) {
    const d = (a - B.centers[2 * q]) ** 2 + (b - B.centers[2 * q + 1]) ** 2;
    if (d < bestD) { bestD = d; best = q; }
  }
  return best;
}

function centre(B: AbBins, q: number): [number, number] {
  return [B.centers[2 * q], B.centers[2 * q + 1]];
}

describe('AbBins.inGamut', () => {
  it('gridSize 10 gives 262 distinct bins on multiples of 10 in [-110, 110], ordered by a then b', () => {
    // Zhang et al. report 313; sRGB under skimage's Lab reaches 262 cells of the 10-grid (see
    // the coverage test below), so their set holds ~50 bins no sRGB colour rounds into.
    expect(bins.gridSize).toBe(10);
    expect(bins.Q).toBe(262);
    expect(bins.centers.length).toBe(2 * bins.Q);
    const keys = new Set<string>();
    for (let q = 0; q < bins.Q; q++) {
      const [a, b] = centre(bins, q);
      expect(a % 10 === 0 && b % 10 === 0 && Math.abs(a) <= 110 && Math.abs(b) <= 110, `${a}, ${b}`).toBe(true);
      keys.add(`${a},${b}`);
      if (q > 0) {
        const [pa, pb] = centre(bins, q - 1);
        expect(pa < a || (pa === a && pb < b)).toBe(true);
      }
    }
    expect(keys.size).toBe(bins.Q);
  });

  it('every sRGB colour rounds into an in-gamut bin', () => {
    // A grid not aligned with the scan's samples plus seeded random colours.
    const u = randomArray(3 * 20000, 7);
    const colours: number[][] = [];
    for (let i = 0; i < 20000; i++) colours.push([(u[3 * i] + 1) / 2, (u[3 * i + 1] + 1) / 2, (u[3 * i + 2] + 1) / 2]);
    for (let r = 0; r < 37; r++) for (let g = 0; g < 37; g++) for (let b = 0; b < 37; b++) colours.push([r / 36, g / 36, b / 36]);
    const misses: string[] = [];
    for (const [r, g, b] of colours) {
      const [, A, B] = srgbToLab(r, g, b);
      const [ca, cb] = centre(bins, bins.nearest(A, B));
      if (ca !== Math.round(A / 10) * 10 || cb !== Math.round(B / 10) * 10) misses.push(`rgb ${[r, g, b]} ab ${[A, B]} -> ${[ca, cb]}`);
    }
    expect(misses).toEqual([]);
  });

  it('neutral grey maps to the (0, 0) bin', () => {
    expect(centre(bins, bins.nearest(0, 0))).toEqual([0, 0]);
    const [, a, b] = srgbToLab(0.5, 0.5, 0.5);
    expect(centre(bins, bins.encode(Float32Array.of(a, b), 1, 1)[0])).toEqual([0, 0]);
  });

  it('ab outside the gamut maps to the nearest in-gamut bin', () => {
    for (const [a, b] of [[120, 120], [-127, -127], [0, 127], [100, -100], [1e6, -3], [-1e200, 1e200]]) {
      const q = bins.nearest(a, b);
      expect(q, `${a}, ${b}`).toBe(bruteNearest(bins, a, b));
    }
    // Far out along +b the nearest bin has the largest b there is.
    const [, b] = centre(bins, bins.nearest(0, 1e6));
    expect(b).toBe(Math.max(...Array.from({ length: bins.Q }, (_, q) => bins.centers[2 * q + 1])));
  });

  it('is cached per gridSize and builds quickly', () => {
    expect(AbBins.inGamut(10)).toBe(bins);
    const t = performance.now();
    const b5 = AbBins.inGamut(5);
    const ms = performance.now() - t;
    expect(AbBins.inGamut(5)).toBe(b5);
    expect(b5.Q).toBeGreaterThan(900); // ~4x the bins of grid 10
    expect(ms).toBeLessThan(1500);     // ~100 ms on an idle core; generous for loaded CI
  });

  it('rejects a gridSize that is not a positive integer dividing 110', () => {
    for (const g of [0, 3, 20, 2.5, -10, 220]) {
      const e = caught(() => AbBins.inGamut(g));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/for gridSize but received/);
    }
    expect(caught(() => AbBins.inGamut('10' as never))).toBeInstanceOf(TypeError);
  });
});

describe('AbBins.encode', () => {
  it('agrees with nearest on random, boundary and out-of-table ab values', () => {
    for (const B of [bins, AbBins.inGamut(5), AbBins.fromCenters([0, 0, 30, 10, -20, 40, 50, -50, -70, -10])]) {
      const vals: number[] = [];
      const u = randomArray(2 * 20000, 3);
      for (const v of u) vals.push(v * 140); // beyond the [-128, 128) table too
      // Integers, half-integers, cell boundaries and their float32 neighbours.
      for (let v = -130; v <= 130; v += 0.5) vals.push(v, Math.fround(v + 1e-5), Math.fround(v - 1e-5));
      const n = vals.length - (vals.length % 2);
      const HW = n / 2;
      // One image, (1, 2, HW): the first half of vals are a, the second half b (shuffled by HW).
      const ab = new Float32Array(n);
      for (let p = 0; p < HW; p++) { ab[p] = vals[p]; ab[HW + p] = vals[(p * 7919) % n]; }
      const got = B.encode(ab, 1, HW);
      for (let p = 0; p < HW; p++) {
        const want = B.nearest(ab[p], ab[HW + p]);
        if (got[p] !== want) throw new Error(`grid ${B.gridSize}: ab (${ab[p]}, ${ab[HW + p]}) -> ${got[p]}, nearest ${want}`);
        if (want !== bruteNearest(B, ab[p], ab[HW + p])) throw new Error(`nearest disagrees with brute force at (${ab[p]}, ${ab[HW + p]})`);
      }
    }
  });

  it('reads (N, 2, HW) planes and writes (N, HW) rows', () => {
    const N = 3, HW = 5;
    const ab = new Float32Array(N * 2 * HW);
    const want = new Int32Array(N * HW);
    for (let n = 0; n < N; n++) {
      for (let p = 0; p < HW; p++) {
        const q = (n * 37 + p * 11) % bins.Q;
        ab[n * 2 * HW + p] = bins.centers[2 * q] + 1.5;
        ab[n * 2 * HW + HW + p] = bins.centers[2 * q + 1] - 2.5;
        want[n * HW + p] = q;
      }
    }
    expect(Array.from(bins.encode(ab, N, HW))).toEqual(Array.from(want));
    expect(bins.encode(new Float32Array(0), 0, 7).length).toBe(0);
  });

  it('rejects wrong lengths and non-finite values, naming them', () => {
    expect(caught(() => bins.encode(new Float32Array(5), 1, 3)).message).toMatch(/length N \* 2 \* HW = 6 for ab/);
    expect(caught(() => bins.encode([1, 2] as never, 1, 1))).toBeInstanceOf(TypeError);
    expect(caught(() => bins.encode(Float32Array.of(0, 1, NaN, 0), 1, 2)).message).toMatch(/finite number for ab\[2\] but received NaN/);
    expect(caught(() => bins.encode(Float32Array.of(0, Infinity), 1, 1)).message).toMatch(/for ab\[1\]/);
    expect(caught(() => bins.encode(new Float32Array(2), 1.5, 1)).message).toMatch(/for N /);
    expect(caught(() => bins.nearest(NaN, 0)).message).toMatch(/for a but received NaN/);
  });
});

describe('AbBins.histogram and rebalanceWeights', () => {
  it('histogram counts bins and accumulates into an existing array', () => {
    const counts = bins.histogram(Int32Array.of(0, 3, 3, 261));
    expect(counts.length).toBe(bins.Q);
    expect([counts[0], counts[3], counts[261], counts[1]]).toEqual([1, 2, 1, 0]);
    bins.histogram([3], counts);
    expect(counts[3]).toBe(3);
    expect(caught(() => bins.histogram(Int32Array.of(0, 262), counts)).message).toMatch(/bin index in \[0, 262\) for bins\[1\]/);
    expect(counts[0]).toBe(1); // untouched by the rejected call
    expect(caught(() => bins.histogram([0], new Float64Array(3))).message).toMatch(/for into/);
  });

  it('smoothPrior convolves with a Gaussian over the centres and renormalises', () => {
    const two = AbBins.fromCenters([0, 0, 10, 0]);
    const k = Math.exp(-100 / (2 * 25)); // centres 10 apart, sigma 5
    expectClose(two.smoothPrior([1, 0]), [1 / (1 + k), k / (1 + k)], 1e-12, 0, 'two bins');
    expectClose(two.smoothPrior([3, 1], 0), [0.75, 0.25], 0, 0, 'sigma 0');
    const u = randomArray(bins.Q, 5).map(Math.abs);
    const p = bins.smoothPrior(u);
    expect(Math.abs(p.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
  });

  it('follows eq. 4 on a hand-checked case', () => {
    // Far-apart centres: smoothing with sigma 5 leaves p unchanged (exp(-200) ~ 1e-87).
    const three = AbBins.fromCenters([-100, 0, 0, 0, 100, 0]);
    const w = three.rebalanceWeights([1, 1, 2]);
    const raw = [0.25, 0.25, 0.5].map((p) => 1 / (0.5 * p + 0.5 / 3));
    const norm = 0.25 * raw[0] + 0.25 * raw[1] + 0.5 * raw[2];
    expectClose(w, raw.map((v) => v / norm), 1e-6, 0, 'weights');
  });

  it('E_p~[w] = 1, rare bins weigh more, lambda = 1 gives all ones', () => {
    // A skewed histogram: greys common, saturated colours rare (like natural images).
    const counts = new Float64Array(bins.Q);
    for (let q = 0; q < bins.Q; q++) {
      const [a, b] = centre(bins, q);
      counts[q] = 1000 * Math.exp(-(a * a + b * b) / 800) + (q % 3);
    }
    for (const opts of [undefined, { lambda: 0.2 }, { lambda: 0.5, sigma: 0 }, { sigma: 12 }]) {
      const w = bins.rebalanceWeights(counts, opts);
      const p = bins.smoothPrior(counts, opts?.sigma ?? 5);
      let e = 0;
      for (let q = 0; q < bins.Q; q++) e += p[q] * w[q];
      expect(Math.abs(e - 1), JSON.stringify(opts)).toBeLessThan(1e-6);
      const grey = bins.nearest(0, 0), red = bins.nearest(80, 60);
      expect(w[red]).toBeGreaterThan(w[grey]);
    }
    for (const v of bins.rebalanceWeights(counts, { lambda: 1 })) expect(Math.abs(v - 1)).toBeLessThan(1e-6);
  });

  it('rejects bad counts and options, naming them', () => {
    expect(caught(() => bins.rebalanceWeights(new Float64Array(3))).message).toMatch(/262 bin counts .* for counts/);
    const c = new Float64Array(bins.Q).fill(1);
    c[4] = -1;
    expect(caught(() => bins.rebalanceWeights(c)).message).toMatch(/for counts\[4\] but received -1/);
    expect(caught(() => bins.rebalanceWeights(new Float64Array(bins.Q))).message).toMatch(/positive sum for counts/);
    expect(caught(() => bins.rebalanceWeights(c.fill(1), { lambda: 1.5 })).message).toMatch(/for lambda but received 1.5/);
    expect(caught(() => bins.rebalanceWeights(c, { sigma: -1 })).message).toMatch(/for sigma/);
    expect(caught(() => bins.rebalanceWeights(c, { lamda: 0.5 } as never)).message).toMatch(/Unknown option "lamda"/);
    // lambda 0 is plain inverse frequency: infinite where the smoothed prior is 0.
    const one = new Float64Array(bins.Q);
    one[0] = 1;
    expect(caught(() => bins.rebalanceWeights(one, { lambda: 0, sigma: 0 })).message).toMatch(/for counts/);
  });
});

describe('AbBins.annealedMean and mode', () => {
  it('T = 1 is the softmax expectation; T = 0.5 sharpens it (hand-computed)', () => {
    const tri = AbBins.fromCenters([0, 0, 10, 0, 0, 10]);
    const logits = Float32Array.of(0, Math.log(2), Math.log(3));
    // softmax = (1, 2, 3) / 6
    expectClose(tri.annealedMean(logits, 1, 1), [20 / 6, 30 / 6], 1e-6, 1e-6, 'T = 1');
    // softmax(logits / 0.5) = (1, 4, 9) / 14
    expectClose(tri.annealedMean(logits, 1, 0.5), [40 / 14, 90 / 14], 1e-6, 1e-6, 'T = 0.5');
  });

  it('a dominant logit returns its centre; small T approaches the mode row by row', () => {
    const R = 4, Q = bins.Q;
    const logits = randomArray(R * Q, 11).map((v) => v * 3);
    for (let r = 0; r < R; r++) logits[r * Q + ((r * 97) % Q)] = 10; // a clear argmax per row (others <= 3)
    const mode = bins.mode(logits, R);
    for (let r = 0; r < R; r++) expect([mode[2 * r], mode[2 * r + 1]]).toEqual(centre(bins, (r * 97) % Q));
    expectClose(bins.annealedMean(logits, R, 1e-3), mode, 0, 1e-6, 'T = 1e-3');
    expectClose(bins.annealedMean(logits, R, 1e-300), mode, 0, 0, 'T = 1e-300');
    const oneHot = new Float32Array(Q);
    oneHot[123] = 30;
    expectClose(bins.annealedMean(oneHot, 1), centre(bins, 123), 0, 1e-6, 'one-hot');
    // Larger T moves toward the mean of all centres.
    const flat = bins.annealedMean(new Float32Array(Q), 1);
    let ma = 0, mb = 0;
    for (let q = 0; q < Q; q++) { ma += bins.centers[2 * q] / Q; mb += bins.centers[2 * q + 1] / Q; }
    expectClose(flat, [ma, mb], 1e-6, 1e-6, 'uniform logits');
  });

  it('mode breaks ties toward the lower index', () => {
    const m = bins.mode(new Float32Array(bins.Q), 1);
    expect([m[0], m[1]]).toEqual(centre(bins, 0));
  });

  it('rejects bad logits, R and T, naming them', () => {
    const Q = bins.Q;
    expect(caught(() => bins.annealedMean(new Float32Array(Q), 1, 0)).message).toMatch(/for T but received 0/);
    expect(caught(() => bins.annealedMean(new Float32Array(Q), 1, -1))).toBeInstanceOf(RangeError);
    expect(caught(() => bins.annealedMean(new Float32Array(Q + 1), 1)).message).toMatch(/length R \* Q = 262 for logits/);
    const bad = new Float32Array(2 * Q);
    bad[Q + 3] = NaN;
    expect(caught(() => bins.annealedMean(bad, 2)).message).toMatch(new RegExp(`for logits\\[${Q + 3}\\] but received NaN`));
    expect(caught(() => bins.mode(bad, 2)).message).toMatch(/for logits\[/);
    expect(caught(() => bins.mode(new Float32Array(Q), -1)).message).toMatch(/for R /);
    expect(caught(() => bins.mode([0] as never, 1))).toBeInstanceOf(TypeError);
  });
});

describe('AbBins.fromCenters', () => {
  it('keeps the given order and works on a private copy of the centres', () => {
    const B = AbBins.fromCenters([20, 0, -10, 30]);
    expect(B.Q).toBe(2);
    expect(B.nearest(19, 1)).toBe(0);
    B.centers[0] = -100; // a write into the exposed array must not change results
    expect(B.nearest(19, 1)).toBe(0);
  });

  it('rejects centres off the grid, odd lengths and duplicates', () => {
    expect(caught(() => AbBins.fromCenters([5, 0])).message).toMatch(/multiple of gridSize 10 .* for centers\[0\]/);
    expect(caught(() => AbBins.fromCenters([0, 120])).message).toMatch(/for centers\[1\]/);
    expect(caught(() => AbBins.fromCenters([0, 0, 10])).message).toMatch(/even length/);
    expect(caught(() => AbBins.fromCenters([0, 0, 10, 0, 0, 0])).message).toMatch(/distinct centres for centers\[4\.\.5\]/);
    expect(AbBins.fromCenters([0, 5], 5).Q).toBe(1); // on the grid of 5
  });
});
