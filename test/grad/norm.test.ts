// batchNorm (train / eval) and layerNorm backward against central finite differences.
import { describe, expect, it } from 'vitest';
import * as nn from '../../lib/nn/index.js';
import { batchNorm, layerNorm, mul, relu, sum } from '../../lib/ops/index.js';
import { Generator } from '../../lib/random.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { expectClose, randomTensor } from '../helpers.js';
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

// batchNorm({ relu: true }) against the composition relu(batchNorm(x)) of the two ops checked
// above: same output, same gradients for x, weight and bias, in training and eval mode; and
// nn.Sequential runs a BatchNorm followed by a ReLU through it.
describe('batchNorm with fused ReLU', () => {
  const grads = (fused: boolean, training: boolean, shape: number[]) => {
    const C = shape[1];
    const x = randomTensor(shape, 60, true), w = rangeTensor([C], 61, 0.5, 1.5), b = randomTensor([C], 62, true);
    const rm = new Tensor(Float32Array.from({ length: C }, (_, c) => 0.1 * c), [C]), rv = new Tensor(new Float32Array(C).fill(0.8), [C]);
    const y = fused ? batchNorm(x, rm, rv, w, b, { training, relu: true }) : relu(batchNorm(x, rm, rv, w, b, { training }));
    const R = randomTensor(shape, 63);
    sum(mul(y, R)).backward();
    return { y: y.data, gx: x.grad!, gw: w.grad!, gb: b.grad!, rm: rm.data, rv: rv.data };
  };
  for (const training of [true, false])
    for (const shape of [[6, 3], [4, 3, 5, 5], [2, 2, 3, 3, 2]])
      it(`${training ? 'training' : 'eval'} [${shape}]`, () => {
        const f = grads(true, training, shape), u = grads(false, training, shape);
        expectClose(f.y, u.y, 1e-6, 1e-6, 'y');
        expect(f.y.some((v) => v === 0) && f.y.some((v) => v > 0)).toBe(true);
        expectClose(f.gx, u.gx, 1e-4, 1e-5, 'dx');
        expectClose(f.gw, u.gw, 1e-4, 1e-5, 'dweight');
        expectClose(f.gb, u.gb, 1e-4, 1e-5, 'dbias');
        expectClose(f.rm, u.rm, 0, 0, 'running mean');
        expectClose(f.rv, u.rv, 0, 0, 'running var');
      });

  it('nn.Sequential fuses BatchNorm + ReLU: same output and gradients as the layers one by one', () => {
    const net = new nn.Sequential(new nn.Conv2d(2, 4, 3, { padding: 1, generator: new Generator(3) }), new nn.BatchNorm2d(4), new nn.ReLU(),
      new nn.Conv2d(4, 3, 3, { stride: 2, generator: new Generator(4) }), new nn.BatchNorm2d(3), new nn.LeakyReLU(0.1));
    const x = randomTensor([3, 2, 6, 6], 70);
    const run = (fused: boolean) => {
      for (const p of net.parameters()) p.grad = null;
      const y = fused ? net.forward(x) : net.layers.reduce((h, m) => m.forward(h), x);
      sum(mul(y, randomTensor(y.shape, 71))).backward();
      return { y: Array.from(y.data), grads: net.parameters().map((p) => Array.from(p.grad!)) };
    };
    const f = run(true), u = run(false);
    expectClose(f.y, u.y, 1e-6, 1e-6, 'output');
    f.grads.forEach((g, i) => expectClose(g, u.grads[i], 1e-4, 1e-5, `parameter ${i}`));
    // The fused op is in the graph: the first stage's output comes from a batchNormRelu node, the
    // second (a LeakyReLU after its BatchNorm) is not fused.
    const stage1 = net.forwardLayers(x, 3) as unknown as { node: { op: string } };
    expect(stage1.node.op).toBe('batchNormRelu');
    const stage2 = net.forwardLayers(x, 5) as unknown as { node: { op: string } };
    expect(stage2.node.op).toBe('batchNorm');
  });
});
