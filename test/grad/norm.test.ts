// batchNorm (train / eval) and layerNorm backward against central finite differences.
import { describe, expect, it } from 'vitest';
import { batchNorm, layerNorm } from '../../lib/ops/index.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { randomTensor } from '../helpers.js';
import { gradCheck, rangeTensor } from './gradcheck.js';

describe('batchNorm (training) backward vs finite differences', () => {
  const shapes = [[6, 3], [4, 3, 5], [3, 2, 3, 3], [2, 2, 2, 3, 2]];
  for (const [i, shape] of shapes.entries()) {
    const C = shape[1];
    it(`x [${shape}] with weight and bias, fresh running stats each call`, () => {
      const x = randomTensor(shape, 10 + i, true);
      const w = rangeTensor([C], 20 + i, 0.5, 1.5);
      const b = randomTensor([C], 30 + i, true);
      gradCheck(`bn train [${shape}]`, [x, w, b], (xx, ww, bb) =>
        batchNorm(xx, new Tensor(new Float32Array(C), [C]), new Tensor(new Float32Array(C).fill(1), [C]), ww, bb, { training: true }));
    });
    it(`x [${shape}] without affine or running stats`, () => {
      const x = randomTensor(shape, 40 + i, true);
      gradCheck(`bn train no affine [${shape}]`, [x], (xx) => batchNorm(xx, null, null, null, null, { training: true }));
    });
  }

  it('custom eps and momentum; running stats updated but output independent of them', () => {
    const shape = [5, 2, 4];
    const x = randomTensor(shape, 50, true), w = rangeTensor([2], 51, 0.5, 1.5), b = randomTensor([2], 52, true);
    const rm = new Tensor(new Float32Array([0.3, -0.2]), [2]), rv = new Tensor(new Float32Array([2, 0.5]), [2]);
    // Shared running stats drift on every forward; train-mode output must not depend on them.
    gradCheck('bn train shared stats', [x, w, b], (xx, ww, bb) => batchNorm(xx, rm, rv, ww, bb, { training: true, eps: 1e-3, momentum: 0.3 }));
    expect(rm.data[0]).not.toBeCloseTo(0.3, 6);
    const y1 = noGrad(() => batchNorm(x, rm, rv, w, b, { eps: 1e-3 }));
    const y2 = noGrad(() => batchNorm(x, null, null, w, b, { eps: 1e-3 }));
    expect(Array.from(y1.data)).toEqual(Array.from(y2.data));
  });
});

describe('batchNorm (eval) backward vs finite differences', () => {
  for (const [i, shape] of [[5, 3], [3, 2, 4, 3], [2, 3, 2, 2, 3]].entries()) {
    const C = shape[1];
    it(`x [${shape}]`, () => {
      const x = randomTensor(shape, 60 + i, true);
      const w = rangeTensor([C], 61 + i, 0.5, 1.5), b = randomTensor([C], 62 + i, true);
      const rm = randomTensor([C], 63 + i), rv = rangeTensor([C], 64 + i, 0.3, 2, false);
      gradCheck(`bn eval [${shape}]`, [x, w, b], (xx, ww, bb) => batchNorm(xx, rm, rv, ww, bb, { training: false, eps: 1e-3 }));
    });
  }
  it('without affine', () => {
    const x = randomTensor([4, 3, 5], 70, true);
    const rm = randomTensor([3], 71), rv = rangeTensor([3], 72, 0.3, 2, false);
    gradCheck('bn eval no affine', [x], (xx) => batchNorm(xx, rm, rv, null, null, { training: false }));
  });
});

describe('layerNorm backward vs finite differences', () => {
  it('x [4,6] over [6] with weight and bias', () => {
    const x = randomTensor([4, 6], 80, true), w = rangeTensor([6], 81, 0.5, 1.5), b = randomTensor([6], 82, true);
    gradCheck('layerNorm [4,6]', [x, w, b], (xx, ww, bb) => layerNorm(xx, [6], ww, bb));
  });
  it('x [2,3,4] over [3,4] with weight and bias', () => {
    const x = randomTensor([2, 3, 4], 83, true), w = rangeTensor([3, 4], 84, 0.5, 1.5), b = randomTensor([3, 4], 85, true);
    gradCheck('layerNorm [2,3,4]', [x, w, b], (xx, ww, bb) => layerNorm(xx, [3, 4], ww, bb));
  });
  it('x [3,2,5] over [5] without affine, eps 1e-3', () => {
    gradCheck('layerNorm no affine', [randomTensor([3, 2, 5], 86, true)], (xx) => layerNorm(xx, [5], null, null, 1e-3));
  });
  it('weight/bias only (x without requiresGrad)', () => {
    const x = randomTensor([4, 6], 87), w = rangeTensor([6], 88, 0.5, 1.5), b = randomTensor([6], 89, true);
    gradCheck('layerNorm params only', [x, w, b], (xx, ww, bb) => layerNorm(xx, [6], ww, bb));
  });
});
