// LARS against the update computed by hand in float64 (trust ratio, weight decay, momentum,
// exclusion), EMA against its formula, warmup-cosine and BYOL momentum schedules against values
// worked out from their definitions.
import { describe, expect, it } from 'vitest';
import { LARS } from '../../lib/optim/lars.js';
import { byolMomentum, warmupCosine } from '../../lib/optim/schedule.js';
import { emaUpdate } from '../../lib/optim/ema.js';
import * as nn from '../../lib/nn/index.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { expectClose, randomArray } from '../helpers.js';

function larsReference(w: Float64Array, v: Float64Array, g: Float64Array, lr: number, m: number, wd: number, eta: number, excluded: boolean) {
  const d = excluded ? 0 : wd;
  const gg = g.map((x, i) => x + d * w[i]);
  const wn = Math.hypot(...w), gn = Math.hypot(...gg);
  const trust = excluded || wn === 0 || gn === 0 ? 1 : (eta * wn) / gn;
  for (let i = 0; i < w.length; i++) {
    v[i] = m * v[i] + lr * trust * gg[i];
    w[i] -= v[i];
  }
}

describe('LARS', () => {
  it('matches a float64 reference over three steps, with and without exclusion', () => {
    const W = new Tensor(randomArray(50, 1), [5, 10], true), b = new Tensor(randomArray(5, 2), [5], true);
    const opt = new LARS([W, b], { lr: 0.3, momentum: 0.9, weightDecay: 1e-4, eta: 0.02 });
    const wRef = Float64Array.from(W.data), bRef = Float64Array.from(b.data);
    const vw = new Float64Array(50), vb = new Float64Array(5);
    for (let s = 0; s < 3; s++) {
      W.grad = randomArray(50, 10 + s);
      b.grad = randomArray(5, 20 + s);
      larsReference(wRef, vw, Float64Array.from(W.grad), 0.3, 0.9, 1e-4, 0.02, false);
      larsReference(bRef, vb, Float64Array.from(b.grad), 0.3, 0.9, 1e-4, 0.02, true); // rank 1: excluded
      opt.step();
    }
    expectClose(W.data, wRef, 1e-5, 1e-6, 'weight');
    expectClose(b.data, bRef, 1e-5, 1e-6, 'bias');
  });
  it('uses trust 1 for a zero weight and honours a custom exclusion rule', () => {
    const w = new Tensor(new Float32Array(4), [2, 2], true);
    const opt = new LARS([w], { lr: 0.5, momentum: 0, weightDecay: 0, eta: 0.001, exclude: () => false });
    w.grad = Float32Array.from([1, 2, 3, 4]);
    opt.step();
    expect(Array.from(w.data)).toEqual([-0.5, -1, -1.5, -2]);
    expect(() => new LARS([w], { lr: 0.1, exclude: 3 as never })).toThrow(/exclude/);
  });
});

describe('EMA and schedules', () => {
  it('emaUpdate moves parameters by tau and copies buffers', () => {
    const online = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    const target = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    const before = target.parameters().map((p) => Float64Array.from(p.data));
    online.forward(new Tensor(randomArray(12, 3), [4, 3]));
    emaUpdate(target, online, 0.9);
    target.parameters().forEach((p, i) => {
      const o = online.parameters()[i];
      expectClose(p.data, before[i].map((t, k) => 0.9 * t + 0.1 * o.data[k]), 1e-6, 1e-7, `param ${i}`);
    });
    const [, onlineBn] = online.namedChildren()[1], [, targetBn] = target.namedChildren()[1];
    expect(Array.from((targetBn as nn.BatchNorm1d).runningMean!.data)).toEqual(Array.from((onlineBn as nn.BatchNorm1d).runningMean!.data));
  });
  it('warmupCosine: linear warmup, cosine to the final value', () => {
    const f = warmupCosine({ baseLr: 1, warmupSteps: 4, totalSteps: 14, finalLr: 0.1 });
    expect([0, 1, 2, 3].map(f)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(f(4)).toBeCloseTo(1, 12);
    expect(f(9)).toBeCloseTo(0.1 + 0.45 * (1 + Math.cos(Math.PI / 2)), 12);
    expect(f(14)).toBeCloseTo(0.1, 12);
    expect(f(100)).toBeCloseTo(0.1, 12);
    expect(() => warmupCosine({ baseLr: 1, totalSteps: 0 })).toThrow(/totalSteps/);
  });
  it('byolMomentum rises from base to 1', () => {
    expect(byolMomentum(0, 100, 0.99)).toBeCloseTo(0.99, 12);
    expect(byolMomentum(50, 100, 0.99)).toBeCloseTo(0.995, 12);
    expect(byolMomentum(100, 100, 0.99)).toBeCloseTo(1, 12);
  });
});
