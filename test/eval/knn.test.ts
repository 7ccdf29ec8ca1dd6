// Weighted kNN: exact agreement with a brute-force float64 implementation (full sort, same tie
// rules), independence from the block size, expected accuracies on clustered data, and errors.
import { describe, expect, it } from 'vitest';
import { knn } from '../../lib/eval/index.js';
import { clusters } from './data.js';

// Brute force: normalise in float64, score every pair, sort all, vote exp(sim / T).
function bruteForce(tr: Float32Array, ytr: Int32Array, te: Float32Array, F: number, k: number, T: number, C: number): Int32Array {
  const norm = (x: Float32Array) => {
    const out = Float64Array.from(x);
    for (let o = 0; o < out.length; o += F) {
      let s = 0;
      for (let j = 0; j < F; j++) s += out[o + j] ** 2;
      for (let j = 0; j < F; j++) out[o + j] /= Math.max(Math.sqrt(s), 1e-12);
    }
    return out;
  };
  const a = norm(tr), b = norm(te);
  const N = ytr.length, M = te.length / F;
  const pred = new Int32Array(M);
  for (let m = 0; m < M; m++) {
    const sims = Array.from({ length: N }, (_, n) => {
      let s = 0;
      for (let j = 0; j < F; j++) s += a[n * F + j] * b[m * F + j];
      return { s, n };
    });
    sims.sort((p, q) => q.s - p.s || p.n - q.n);
    const votes = new Array<number>(C).fill(0);
    for (let i = 0; i < k; i++) votes[ytr[sims[i].n]] += Math.exp(sims[i].s / T);
    pred[m] = votes.indexOf(Math.max(...votes));
  }
  return pred;
}

describe('knn', () => {
  it('matches a brute-force implementation exactly, for every k and block size', () => {
    // Overlapping clusters so that k matters and votes are contested.
    const F = 6, C = 4;
    const tr = clusters(C, 15, F, 1.0, 5), te = clusters(C, 10, F, 1.0, 5, 1, 6);
    const ks = [1, 3, 7, 20, 60];
    for (const T of [0.07, 0.5]) {
      const ref = ks.map((k) => bruteForce(tr.x, tr.y, te.x, F, k, T, C));
      for (const blockSize of [1, 7, 40, undefined]) {
        const r = knn(tr.x, tr.y, te.x, te.y, { k: ks, temperature: T, blockSize });
        expect(r.results.map((x) => x.k)).toEqual(ks);
        r.results.forEach((x, i) => expect(Array.from(x.predictions), `k=${ks[i]} T=${T} block=${blockSize}`).toEqual(Array.from(ref[i])));
        r.results.forEach((x) => expect(x.accuracy).toBe(x.predictions.filter((p, m) => p === te.y[m]).length / te.y.length));
      }
      // k = N votes with every training item: the exp weighting alone separates the classes.
      expect(ref[4].some((p, i) => p !== ref[0][i])).toBe(true);
    }
  });

  it('classifies separated clusters perfectly and majority-label noise away', () => {
    const F = 16, C = 5;
    const tr = clusters(C, 40, F, 0.1, 9), te = clusters(C, 20, F, 0.1, 9, 1, 10);
    const r = knn(tr.x, tr.y, te.x, te.y); // defaults k = 20, 200 (N = 200)
    expect(r.results.map((x) => x.k)).toEqual([20, 200]);
    expect(r.temperature).toBe(0.07);
    expect(r.results[0].accuracy).toBe(1);
    // k = 200 votes with all training items; exp(sim / 0.07) makes near ones dominate: still 100%.
    expect(r.results[1].accuracy).toBe(1);
    // 1 in 8 training labels flipped: k = 1 copies the noise, k = 20 votes it away.
    const noisy = tr.y.map((v, i) => (i % 8 === 3 ? (v + 1) % C : v));
    const n = knn(tr.x, noisy, te.x, te.y, { k: [1, 20] });
    expect(n.results[1].accuracy).toBe(1);
    expect(n.results[0].accuracy).toBeLessThan(1);
    // Cosine: scaling a feature vector changes nothing.
    const scaled = te.x.map((v, i) => v * (1 + (Math.floor(i / F) % 3) * 10));
    expect(Array.from(knn(tr.x, tr.y, scaled, te.y, { k: 20 }).results[0].predictions)).toEqual(Array.from(r.results[0].predictions));
  });

  it('rejects bad input with errors naming the argument', () => {
    const tr = clusters(2, 5, 3, 1, 1);
    expect(() => knn(tr.x, tr.y, tr.x, tr.y, { k: 11 })).toThrow(/for k .*11/);
    expect(() => knn(tr.x, tr.y, tr.x, tr.y)).toThrow(/k\[0\]/); // default k = 20 > 10 items
    expect(() => knn(tr.x, tr.y, tr.x, tr.y, { k: [1, 0] })).toThrow(/k\[1\]/);
    expect(() => knn(tr.x, tr.y, tr.x, tr.y, { k: [] })).toThrow(/for k/);
    expect(() => knn(tr.x, tr.y.subarray(1), tr.x, tr.y, { k: 1 })).toThrow(/trainFeats/);
    expect(() => knn(tr.x, tr.y, tr.x.subarray(3), tr.y, { k: 1 })).toThrow(/testFeats/);
    expect(() => knn(tr.x, tr.y, new Float32Array(0), new Int32Array(0), { k: 1 })).toThrow(/testLabels/);
    expect(() => knn(tr.x, tr.y, tr.x, tr.y, { k: 1, temperature: 0 })).toThrow(/temperature/);
    expect(() => knn(tr.x, tr.y, tr.x, tr.y, { k: 1, tau: 0.1 } as never)).toThrow(/Unknown option "tau"/);
  });
});
