// Batch norm (train forward, running statistics, backward) against the double-precision
// reference, including a large-mean input where a naive E[x²]−E[x]² would cancel; cross-entropy
// against its reference with smoothing and ignored rows.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { expectClose, forEachIsa, randomArray } from '../helpers.js';

// Shapes reach every path of the per-ISA channel loops: rows shorter than a vector (7, 1),
// masked tails (25, 33, 49), more rows than one float block (100 x 25, 3000 x 1), rows longer than
// a block (2100).
describe('batch norm kernels vs reference', () => {
  const shapes = [[4, 3, 25, 0], [1, 5, 7, 0], [8, 16, 1, 0], [3, 2, 49, 1000], [5, 4, 33, 0], [100, 2, 25, 0], [3000, 2, 1, 0], [2, 2, 2100, 0]];
  for (const [N, C, S, shift] of shapes) {
    it(`N${N} C${C} S${S} mean shift ${shift}`, () => forEachIsa((isa) => {
      const nb = native();
      const n = N * C * S;
      const x = randomArray(n, N + C).map((v) => v + shift), gamma = randomArray(C, 3), beta = randomArray(C, 4), dy = randomArray(n, 5);
      const run = () => ({ y: new Float32Array(n), m: new Float32Array(C), s: new Float32Array(C), rm: randomArray(C, 6), rv: randomArray(C, 7).map(Math.abs) });
      const a = run(), r = run();
      nb.batchNormForwardTrain(a.y, a.m, a.s, a.rm, a.rv, x, gamma, beta, N, C, S, 0.1, 1e-5);
      nb.ref.batchNormForwardTrain(r.y, r.m, r.s, r.rm, r.rv, x, gamma, beta, N, C, S, 0.1, 1e-5);
      expectClose(a.y, r.y, 1e-4, 1e-4, `${isa} y`);
      expectClose(a.m, r.m, 1e-6, 1e-5, `${isa} mean`);
      expectClose(a.s, r.s, 1e-4, 1e-5, `${isa} invstd`);
      expectClose(a.rm, r.rm, 1e-6, 1e-5, `${isa} running mean`);
      expectClose(a.rv, r.rv, 1e-4, 1e-5, `${isa} running var`);
      const dx = new Float32Array(n), dxr = new Float32Array(n);
      const dg = randomArray(C, 8), dgr = dg.slice(), dbt = randomArray(C, 9), dbr = dbt.slice();
      nb.batchNormBackward(dx, dg, dbt, dy, x, gamma, r.m, r.s, N, C, S);
      nb.ref.batchNormBackward(dxr, dgr, dbr, dy, x, gamma, r.m, r.s, N, C, S);
      expectClose(dx, dxr, 2e-3, 2e-4, `${isa} dx`);
      expectClose(dg, dgr, 1e-4, 1e-4, `${isa} dgamma`);
      expectClose(dbt, dbr, 1e-4, 1e-4, `${isa} dbeta`);

      // Fused ReLU: the forward is max(0, BN(x)) of the reference, the backward is the reference
      // backward of dy masked by that output, computed here from the unfused kernels' results.
      const f = run(), fr = run();
      nb.batchNormForwardTrain(f.y, f.m, f.s, f.rm, f.rv, x, gamma, beta, N, C, S, 0.1, 1e-5, 1);
      nb.ref.batchNormForwardTrain(fr.y, fr.m, fr.s, fr.rm, fr.rv, x, gamma, beta, N, C, S, 0.1, 1e-5, 1);
      expectClose(f.y, r.y.map((v) => Math.max(0, v)), 1e-4, 1e-4, `${isa} fused y`);
      expectClose(fr.y, r.y.map((v) => Math.max(0, v)), 0, 0, `${isa} fused reference y`);
      expect(f.y.some((v) => v === 0) && f.y.some((v) => v > 0)).toBe(true);
      const masked = dy.map((v, i) => (fr.y[i] > 0 ? v : 0));
      const mdx = new Float32Array(n), mdxr = new Float32Array(n), mdg = new Float32Array(C), mdgr = new Float32Array(C), mdb = new Float32Array(C), mdbr = new Float32Array(C);
      nb.batchNormBackward(mdx, mdg, mdb, dy, x, gamma, r.m, r.s, N, C, S, fr.y);
      nb.ref.batchNormBackward(mdxr, mdgr, mdbr, masked, x, gamma, r.m, r.s, N, C, S, null);
      expectClose(mdx, mdxr, 2e-3, 2e-4, `${isa} fused dx`);
      expectClose(mdg, mdgr, 1e-4, 1e-4, `${isa} fused dgamma`);
      expectClose(mdb, mdbr, 1e-4, 1e-4, `${isa} fused dbeta`);
      // An Inf or NaN gradient where the ReLU was off is masked to 0 (as ReLU's own backward), not
      // spread as NaN through the channel's sums.
      const off = fr.y.findIndex((v) => v === 0), offNan = fr.y.findIndex((v, i) => v === 0 && i > off);
      const bad = dy.slice(); bad[off] = Infinity; bad[offNan] = NaN;
      const bdx = new Float32Array(n), bdg = new Float32Array(C), bdb = new Float32Array(C);
      nb.batchNormBackward(bdx, bdg, bdb, bad, x, gamma, r.m, r.s, N, C, S, fr.y);
      expectClose(bdx, mdx, 0, 0, `${isa} masked Inf/NaN dx`);
      expectClose(bdg, mdg, 0, 0, `${isa} masked Inf/NaN dgamma`);
      const refFused = new Float32Array(n);
      nb.ref.batchNormBackward(refFused, null, null, dy, x, gamma, r.m, r.s, N, C, S, fr.y);
      expectClose(refFused, mdxr, 1e-6, 1e-6, `${isa} reference: mask inside = mask outside`);
      // Eval mode with the running statistics.
      const ye = new Float32Array(n), yer = new Float32Array(n);
      nb.batchNormForwardEval(ye, x, gamma, beta, f.rm, f.rv, N, C, S, 1e-5, 1);
      nb.batchNormForwardEval(yer, x, gamma, beta, f.rm, f.rv, N, C, S, 1e-5);
      expectClose(ye, yer.map((v) => Math.max(0, v)), 0, 0, `${isa} fused eval y`);
    }));
  }
});

// Above 32 MB the outputs go out with streaming stores (aligned body, masked head and tail):
// odd rows put every channel's rows at a different alignment.
describe('batch norm with outputs larger than the cache', () => {
  it('N40 C5 S42001, fused ReLU forward and backward vs reference', () => forEachIsa((isa) => {
    const nb = native();
    const [N, C, S] = [40, 5, 42001], n = N * C * S;
    const x = randomArray(n, 11), gamma = randomArray(C, 12), beta = randomArray(C, 13), dy = randomArray(n, 14);
    const stats = () => ({ y: new Float32Array(n), m: new Float32Array(C), s: new Float32Array(C), rm: new Float32Array(C), rv: new Float32Array(C).fill(1) });
    const a = stats(), r = stats();
    nb.batchNormForwardTrain(a.y, a.m, a.s, a.rm, a.rv, x, gamma, beta, N, C, S, 0.1, 1e-5, 1);
    nb.ref.batchNormForwardTrain(r.y, r.m, r.s, r.rm, r.rv, x, gamma, beta, N, C, S, 0.1, 1e-5, 1);
    expectClose(a.y, r.y, 1e-4, 1e-4, `${isa} fused y`);
    const dx = new Float32Array(n), dg = new Float32Array(C), db = new Float32Array(C);
    nb.batchNormBackward(dx, dg, db, dy, x, gamma, r.m, r.s, N, C, S, r.y);
    const masked = new Float32Array(n);
    for (let i = 0; i < n; i++) masked[i] = r.y[i] > 0 ? dy[i] : 0;
    const dxr = new Float32Array(n), dgr = new Float32Array(C), dbr = new Float32Array(C);
    nb.ref.batchNormBackward(dxr, dgr, dbr, masked, x, gamma, r.m, r.s, N, C, S, null);
    expectClose(dx, dxr, 2e-3, 2e-4, `${isa} fused dx`);
    expectClose(dg, dgr, 1e-3, 1e-3, `${isa} dgamma`);
    expectClose(db, dbr, 1e-3, 1e-3, `${isa} dbeta`);
  }));
});

describe('softmax cross-entropy kernel vs reference', () => {
  for (const [R, Cn, ls, ignored] of [[1, 1, 0, 0], [7, 10, 0, 0], [16, 1000, 0.1, 3], [5, 3, 1, 1]]) {
    it(`R${R} C${Cn} smoothing ${ls} ignored ${ignored}`, () => {
      const nb = native();
      const logits = randomArray(R * Cn, R + Cn).map((v) => 8 * v);
      const t = Int32Array.from({ length: R }, (_, i) => (i < ignored ? -100 : (i * 7) % Cn));
      forEachIsa((isa) => {
        const g = new Float32Array(R * Cn).fill(NaN), gr = new Float32Array(R * Cn);
        const loss = nb.softmaxCrossEntropy(g, logits, t, R, Cn, ls, -100);
        const lossRef = nb.ref.softmaxCrossEntropy(gr, logits, t, R, Cn, ls, -100);
        expect(Math.abs(loss - lossRef), isa).toBeLessThan(1e-5 * Math.max(1, Math.abs(lossRef)));
        expectClose(g, gr, 1e-4, 1e-7, `${isa} dlogits`);
        // Loss only (no gradient buffer): the same value.
        expect(Math.abs(nb.softmaxCrossEntropy(null, logits, t, R, Cn, ls, -100) - loss), isa).toBeLessThan(1e-6 * Math.max(1, Math.abs(loss)));
      });
    });
  }
  for (const [R, Cn, ls, ignored] of [[6, 5, 0, 0], [9, 313, 0.1, 2], [4, 3, 1, 1]])
    it(`class weights: R${R} C${Cn} smoothing ${ls} ignored ${ignored} vs reference`, () => {
      const nb = native();
      const logits = randomArray(R * Cn, 3 * R + Cn).map((v) => 5 * v);
      const w = randomArray(Cn, Cn).map((v) => Math.abs(v) * 3 + 0.1);
      const t = Int32Array.from({ length: R }, (_, i) => (i < ignored ? -100 : (i * 5 + 1) % Cn));
      forEachIsa((isa) => {
        const g = new Float32Array(R * Cn).fill(NaN), gr = new Float32Array(R * Cn);
        const loss = nb.softmaxCrossEntropy(g, logits, t, R, Cn, ls, -100, w);
        const lossRef = nb.ref.softmaxCrossEntropy(gr, logits, t, R, Cn, ls, -100, w);
        expect(Math.abs(loss - lossRef), isa).toBeLessThan(1e-5 * Math.max(1, Math.abs(lossRef)));
        expectClose(g, gr, 1e-4, 1e-7, `${isa} dlogits`);
      });
    });
  it('class weights without smoothing: sum_r w[t_r] (-log p_t) / sum_r w[t_r], by hand', () => {
    const nb = native();
    const logits = Float32Array.of(1, 2, 0.5, -1, 0, 3);
    const t = Int32Array.of(2, 1), w = Float32Array.of(0.5, 2, 4);
    const lp = (r: number, j: number) => {
      const z = Array.from(logits.subarray(3 * r, 3 * r + 3));
      return z[j] - Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
    };
    const expected = (-w[2] * lp(0, 2) - w[1] * lp(1, 1)) / (w[2] + w[1]);
    expect(nb.softmaxCrossEntropy(null, logits, t, 2, 3, 0, -100, w)).toBeCloseTo(expected, 5);
    // all-equal weights change nothing
    expect(nb.softmaxCrossEntropy(null, logits, t, 2, 3, 0, -100, Float32Array.of(7, 7, 7)))
      .toBeCloseTo(nb.softmaxCrossEntropy(null, logits, t, 2, 3, 0, -100), 6);
  });
  it('is stable for huge logits', () => {
    const nb = native();
    const logits = Float32Array.from([1e4, -1e4, 0, 5e3]);
    forEachIsa((isa) => {
      const g = new Float32Array(4);
      const loss = nb.softmaxCrossEntropy(g, logits, Int32Array.of(1), 1, 4, 0, -100);
      expect(loss, isa).toBeCloseTo(2e4, 0);
      expect(g.every(Number.isFinite), isa).toBe(true);
    });
  });
});
