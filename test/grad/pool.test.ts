// maxPool / avgPool / globalAvgPool backward against central finite differences.
import { describe, expect, it } from 'vitest';
import { avgPool, globalAvgPool, maxPool, PoolOptions } from '../../lib/ops/index.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { randomTensor } from '../helpers.js';
import { distinctTensor, gradCheck } from './gradcheck.js';

interface Case { name: string; x: number[]; k: number | number[]; opts: PoolOptions }

const maxCases: Case[] = [
  { name: '1d k2', x: [2, 3, 8], k: 2, opts: {} },
  { name: '1d k3 stride 1 pad 1 (overlapping windows)', x: [2, 2, 7], k: 3, opts: { stride: 1, padding: 1 } },
  { name: '2d k2', x: [2, 3, 4, 6], k: 2, opts: {} },
  { name: '2d k3 stride 2 pad 1', x: [2, 2, 7, 6], k: 3, opts: { stride: 2, padding: 1 } },
  { name: '2d rect k [3,2] stride [1,2]', x: [1, 3, 5, 6], k: [3, 2], opts: { stride: [1, 2] } },
  { name: '3d k2', x: [1, 2, 4, 4, 4], k: 2, opts: {} },
  { name: '3d k3 stride 2 pad 1', x: [2, 1, 5, 4, 5], k: 3, opts: { stride: 2, padding: 1 } },
];

const avgCases: Case[] = [
  { name: '1d k3 stride 2 pad 1', x: [2, 3, 9], k: 3, opts: { stride: 2, padding: 1 } },
  { name: '2d k2', x: [2, 3, 4, 6], k: 2, opts: {} },
  { name: '2d k3 stride 1 pad 1', x: [1, 2, 5, 4], k: 3, opts: { stride: 1, padding: 1 } },
  { name: '2d rect k [2,3] stride [2,1] pad [1,1]', x: [2, 2, 5, 5], k: [2, 3], opts: { stride: [2, 1], padding: [1, 1] } },
  { name: '3d k3 stride 2 pad 1', x: [1, 2, 5, 4, 5], k: 3, opts: { stride: 2, padding: 1 } },
];

describe('maxPool backward vs finite differences', () => {
  for (const [i, c] of maxCases.entries())
    it(c.name, () => {
      // Distinct values 0.05 apart: no ties and no argmax switch within eps = 1e-2.
      const x = distinctTensor(c.x, 100 + i, 0.05);
      gradCheck(`maxPool ${c.name}`, [x], (t: Tensor) => maxPool(t, c.k, c.opts));
    });
});

describe('avgPool backward vs finite differences', () => {
  for (const [i, c] of avgCases.entries())
    for (const countIncludePad of [true, false])
      it(`${c.name} countIncludePad=${countIncludePad}`, () => {
        const x = randomTensor(c.x, 200 + i, true);
        gradCheck(`avgPool ${c.name} cip=${countIncludePad}`, [x], (t: Tensor) => avgPool(t, c.k, { ...c.opts, countIncludePad }));
      });
});

describe('globalAvgPool backward vs finite differences', () => {
  for (const shape of [[2, 3, 5], [2, 3, 4, 3], [1, 2, 3, 2, 4]])
    it(`rank ${shape.length}`, () => {
      gradCheck(`globalAvgPool [${shape}]`, [randomTensor(shape, 300 + shape.length, true)], globalAvgPool);
    });
  it('planes above 1024 positions (the JS path) give the double-precision mean and its gradient', () => {
    const x = randomTensor([2, 3, 33, 33], 310, true);
    const y = globalAvgPool(x);
    for (let r = 0; r < 6; r++) {
      let s = 0;
      for (let i = 0; i < 1089; i++) s += x.data[r * 1089 + i];
      expect(Math.abs(y.data[r] - s / 1089)).toBeLessThan(1e-6);
    }
    y.backward(Float32Array.from({ length: 6 }, (_, r) => r + 1));
    for (let r = 0; r < 6; r++) expect(x.grad![r * 1089 + 5]).toBeCloseTo((r + 1) / 1089, 7);
  });
});
