// The linear-probe protocol: held-out weight-decay selection (deterministic, in the grid, larger
// for tiny noisy data than for plentiful clean data), the raw-pixel sanity number on the embedded
// Fashion-MNIST sample, and argument errors.
import { describe, expect, it } from 'vitest';
import { fashionMnist } from '../../lib/data/fashion-mnist.js';
import { linearProbe, rawPixels } from '../../lib/eval/index.js';
import { clusters, range } from './data.js';

const grid = [1e-4, 1e-3, 1e-2, 1e-1, 1];

describe('linearProbe', () => {
  it('picks a larger weight decay for tiny noisy training sets than for large clean ones', () => {
    const picks: [number, number][] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const [tiny, big] = [[8, 3], [300, 0.5]].map(([per, spread]) => {
        const tr = clusters(3, per, 40, spread, seed), te = clusters(3, 50, 40, spread, seed, 1, 99);
        return linearProbe(tr.x, tr.y, te.x, te.y, { wdGrid: grid, valFraction: 0.3 });
      });
      expect(grid).toContain(tiny.wd);
      expect(big.accuracy).toBe(1);
      picks.push([tiny.wd, big.wd]);
    }
    // Clean, plentiful data: every wd is 100% on held-out, the smallest has the lowest held-out loss.
    expect(picks.every(([, b]) => b === 1e-4)).toBe(true);
    // 24 items in 40 dimensions with class noise 3x the centre spread: held out on 2-3 items per
    // class, so individual seeds vary; most must prefer strong regularisation.
    expect(picks.filter(([t]) => t >= 1e-2).length).toBeGreaterThanOrEqual(5);
  });

  it('is deterministic, reports every grid value and refits with the chosen one', () => {
    const tr = clusters(4, 30, 12, 1.2, 21), te = clusters(4, 30, 12, 1.2, 21, 1, 22);
    const a = linearProbe(tr.x, tr.y, te.x, te.y, { wdGrid: grid, seed: 3 });
    const b = linearProbe(tr.x, tr.y, te.x, te.y, { wdGrid: grid, seed: 3 });
    expect(b.wd).toBe(a.wd);
    expect(b.accuracy).toBe(a.accuracy);
    expect(Array.from(b.model.weight)).toEqual(Array.from(a.model.weight));
    expect(a.selection.map((s) => s.wd)).toEqual(grid);
    const best = Math.max(...a.selection.map((s) => s.valAccuracy));
    expect(a.selection.find((s) => s.wd === a.wd)!.valAccuracy).toBe(best);
    expect(a.converged).toBe(true);
    // The same chosen wd given directly skips the selection and lands at the same optimum.
    const c = linearProbe(tr.x, tr.y, te.x, te.y, { wd: a.wd });
    expect(c.selection).toEqual([]);
    expect(c.accuracy).toBe(a.accuracy);
    expect(a.settings).toMatch(/L-BFGS/);
  });

  it('raw pixels: > 70% on 500 test images from 2,000 embedded training images', () => {
    const trainSet = fashionMnist({ split: 'train' }), testSet = fashionMnist({ split: 'test' });
    const tr = rawPixels(trainSet, { indices: range(2000) }), te = rawPixels(testSet, { indices: range(500) });
    expect(tr.dim).toBe(784);
    const t0 = performance.now();
    const r = linearProbe(tr.features, tr.labels!, te.features, te.labels!);
    const ms = performance.now() - t0;
    console.log(`raw-pixel linear probe: ${(r.accuracy * 100).toFixed(1)}% test, ${(r.trainAccuracy * 100).toFixed(1)}% train, ` +
      `wd ${r.wd}, ${r.iterations} iterations (${r.reason}), ${ms.toFixed(0)} ms; held-out: ` +
      r.selection.map((s) => `${s.wd}:${(s.valAccuracy * 100).toFixed(1)}%`).join(' '));
    expect(r.accuracy).toBeGreaterThan(0.7);
    expect(r.converged).toBe(true);
    expect(r.selection.length).toBe(5);
  });

  it('rejects bad input with errors naming the argument', () => {
    const tr = clusters(3, 10, 4, 1, 1);
    const x = tr.x, y = tr.y;
    expect(() => linearProbe(x, y.subarray(0, 29), x, y)).toThrow(/trainFeats/);
    expect(() => linearProbe(x, y, x.subarray(0, 10), y)).toThrow(/testFeats/);
    expect(() => linearProbe(x, y, x, y, { dim: 5 })).toThrow(RangeError);
    expect(() => linearProbe(new Float32Array(0), new Int32Array(0), x, y)).toThrow(/trainLabels/);
    expect(() => linearProbe(x, y, x, y, { wdgrid: grid } as never)).toThrow(/Unknown option "wdgrid".*wdGrid/);
    expect(() => linearProbe(x, y, x, y, { wdGrid: [] })).toThrow(/wdGrid/);
    expect(() => linearProbe(x, y, x, y, { wdGrid: [1e-3, -1] })).toThrow(/wdGrid\[1\]/);
    expect(() => linearProbe(x, y, x, y, { valFraction: 1 })).toThrow(/valFraction/);
    expect(() => linearProbe(x, y, x, y, { numClasses: 2 })).toThrow(/trainLabels\[2\]/);
    expect(() => linearProbe(x, Array.from(y, (v) => v + 0.5), x, y)).toThrow(/trainLabels\[0\]/);
    expect(() => linearProbe(Array.from(x) as never, y, x, y)).toThrow(TypeError);
    expect(() => linearProbe(x, y, x, y, { wd: 1, wdGrid: grid })).toThrow(/wd/);
  });
});
