// Activations, dropout and upsample2d backward against central finite differences.
import { describe, expect, it } from 'vitest';
import { dropout, gelu, leakyRelu, relu, sigmoid, tanh, upsample2d, UpsampleOptions } from '../../lib/ops/index.js';
import { Generator } from '../../lib/random.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { randomTensor } from '../helpers.js';
import { awayFromZero, gradCheck } from './gradcheck.js';

describe('activation backward vs finite differences', () => {
  const shape = [3, 4, 5];
  it('relu (inputs kept 0.05 away from the kink)', () => {
    gradCheck('relu', [awayFromZero(shape, 1)], relu);
  });
  it('leakyRelu default slope and slope 0.2', () => {
    gradCheck('leakyRelu', [awayFromZero(shape, 2)], (x) => leakyRelu(x));
    gradCheck('leakyRelu 0.2', [awayFromZero(shape, 3)], (x) => leakyRelu(x, 0.2));
    gradCheck('leakyRelu -0.5', [awayFromZero(shape, 4)], (x) => leakyRelu(x, -0.5));
  });
  it('gelu (including larger inputs)', () => {
    const x = randomTensor(shape, 5, true);
    for (let i = 0; i < x.size; i += 3) x.data[i] *= 3;
    gradCheck('gelu', [x], gelu, { eps: 3e-3 });
  });
  it('sigmoid', () => {
    const x = randomTensor(shape, 6, true);
    for (let i = 0; i < x.size; i += 4) x.data[i] *= 4;
    gradCheck('sigmoid', [x], sigmoid, { eps: 3e-3 });
  });
  it('tanh', () => {
    const x = randomTensor(shape, 7, true);
    for (let i = 0; i < x.size; i += 4) x.data[i] *= 2.5;
    gradCheck('tanh', [x], tanh, { eps: 3e-3 });
  });
});

describe('dropout backward vs finite differences', () => {
  for (const p of [0.3, 0.5, 0.8])
    it(`p=${p} with a fixed generator (same mask on every forward)`, () => {
      const x = randomTensor([4, 50], 8, true);
      gradCheck(`dropout p=${p}`, [x], (t) => dropout(t, p, true, new Generator(1234)));
      // The mask really drops something and scales the rest by 1/(1-p).
      const y = noGrad(() => dropout(x, p, true, new Generator(1234)));
      let zeros = 0;
      for (let i = 0; i < x.size; i++) {
        if (y.data[i] === 0) zeros++;
        else expect(y.data[i]).toBeCloseTo(x.data[i] / (1 - p), 5);
      }
      expect(zeros).toBeGreaterThan(0);
      expect(zeros).toBeLessThan(x.size);
    });
  it('eval mode and p=0 are the identity', () => {
    const x = randomTensor([3, 7], 10, true);
    expect(dropout(x, 0.5, false)).toBe(x);
    expect(dropout(x, 0, true)).toBe(x);
  });
  it('p=1 gives zero output and zero gradient', () => {
    const x = randomTensor([3, 7], 11, true);
    gradCheck('dropout p=1', [x], (t) => dropout(t, 1, true, new Generator(1)), { allowZero: [0] });
    expect(Array.from(x.grad!).every((v) => v === 0)).toBe(true);
  });
});

describe('upsample2d backward vs finite differences', () => {
  const cases: [string, number[], UpsampleOptions][] = [
    ['nearest scale 2', [2, 2, 3, 4], { scaleFactor: 2, mode: 'nearest' }],
    ['nearest scale [3,1]', [1, 2, 3, 4], { scaleFactor: [3, 1] }],
    ['nearest size [5,7] (non-integer ratio)', [2, 2, 3, 4], { size: [5, 7], mode: 'nearest' }],
    ['nearest size [2,3] (downsampling)', [1, 2, 5, 6], { size: [2, 3], mode: 'nearest' }],
    ['bilinear scale 2 alignCorners false', [2, 2, 3, 4], { scaleFactor: 2, mode: 'bilinear', alignCorners: false }],
    ['bilinear scale 2 alignCorners true', [2, 2, 3, 4], { scaleFactor: 2, mode: 'bilinear', alignCorners: true }],
    ['bilinear size [5,7] alignCorners false', [1, 3, 3, 4], { size: [5, 7], mode: 'bilinear' }],
    ['bilinear size [5,7] alignCorners true', [1, 3, 3, 4], { size: [5, 7], mode: 'bilinear', alignCorners: true }],
    ['bilinear size [2,3] (downsampling)', [1, 2, 5, 6], { size: [2, 3], mode: 'bilinear' }],
    ['bilinear 1x1 input', [1, 2, 1, 1], { size: [3, 4], mode: 'bilinear', alignCorners: true }],
  ];
  for (const [i, [name, shape, opts]] of cases.entries())
    it(name, () => gradCheck(`upsample2d ${name}`, [randomTensor(shape, 20 + i, true)], (x: Tensor) => upsample2d(x, opts)));
});
