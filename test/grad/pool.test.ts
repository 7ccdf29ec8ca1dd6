// maxPool / avgPool / globalAvgPool backward against central finite differences.
import { describe, it } from 'vitest';
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
});
