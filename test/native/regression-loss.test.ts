// Native L1, MSE and smooth L1 losses against float64 formulas (loss and gradient, both beta
// branches), gradients to pred and target by finite differences, thread-count independence.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { l1Loss, mseLoss, smoothL1Loss } from '../../lib/ops/loss.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { expectClose, numericGrad, randomArray } from '../helpers.js';

const formulas = {
  l1: (d: number) => Math.abs(d),
  mse: (d: number) => d * d,
  smooth: (d: number, beta: number) => (Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta),
};
const grads = {
  l1: (d: number) => Math.sign(d),
  mse: (d: number) => 2 * d,
  smooth: (d: number, beta: number) => (Math.abs(d) < beta ? d / beta : Math.sign(d)),
};

describe('regression losses', () => {
  for (const n of [1, 17, 5000, 70_000]) {
    it(`match float64 formulas, n = ${n}`, () => {
      const p = randomArray(n, n), t = randomArray(n, n + 1).map((v) => v * 0.8);
      for (const [name, fn, kind, beta] of [['l1', l1Loss, 0, 1], ['mse', mseLoss, 1, 1], ['smooth', (a: Tensor, b: Tensor) => smoothL1Loss(a, b, 0.3), 2, 0.3]] as const) {
        const pred = new Tensor(p.slice(), [n], true), target = new Tensor(t, [n]);
        const loss = (fn as (a: Tensor, b: Tensor) => Tensor)(pred, target);
        let ref = 0;
        const g = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const d = Math.fround(p[i] - t[i]);
          ref += formulas[name](d, beta);
          g[i] = grads[name](d, beta) / n;
        }
        expect(Math.abs(loss.item() - ref / n), `${name} loss`).toBeLessThan(1e-5 * Math.max(1, ref / n));
        loss.backward();
        expectClose(pred.grad!, g, 1e-5, 1e-9, `${name} grad (kind ${kind})`);
      }
    });
  }
  it('gradients to pred and target by finite differences, scaled upstream', () => {
    const p = new Tensor(randomArray(12, 3).map((v) => v * 2), [3, 4], true), t = new Tensor(randomArray(12, 4), [3, 4], true);
    const loss = smoothL1Loss(p, t, 0.5);
    loss.backward(new Float32Array([3]));
    const f = () => 3 * noGrad(() => smoothL1Loss(new Tensor(p.data, [3, 4]), new Tensor(t.data, [3, 4]), 0.5).item());
    expectClose(p.grad!, numericGrad(f, p.data, 1e-3), 2e-2, 2e-3, 'dpred');
    expectClose(t.grad!, numericGrad(f, t.data, 1e-3), 2e-2, 2e-3, 'dtarget');
  });
  it('same loss at 1 and 2 threads; bad input rejected', () => {
    const nb = native(), T = nb.getNumThreads();
    const p = randomArray(100_000, 8), t = randomArray(100_000, 9);
    nb.setNumThreads(1);
    const a = nb.regressionLoss(1, null, p, t, 1);
    nb.setNumThreads(2);
    const b = nb.regressionLoss(1, null, p, t, 1);
    nb.setNumThreads(T);
    expect(a).toBe(b);
    expect(() => smoothL1Loss(new Tensor(p.subarray(0, 4), [4]), new Tensor(t.subarray(0, 4), [4]), 0)).toThrow(/beta/);
    expect(() => mseLoss(new Tensor(p.subarray(0, 4), [4]), new Tensor(t.subarray(0, 6), [6]))).toThrow(/target/);
  });
});
