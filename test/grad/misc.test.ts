// Losses, linear algebra, elementwise maths with broadcasting, reductions and shape ops against
// central finite differences; a small network end to end; gradient accumulation and noGrad.
import { describe, expect, it } from 'vitest';
import * as nn from '../../lib/nn/index.js';
import * as ops from '../../lib/ops/index.js';
import { Generator } from '../../lib/random.js';
import { accumulateGrad, attach, isGradEnabled, noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { expectClose, numericGrad, randomArray, randomTensor } from '../helpers.js';
import { awayFromZero, gradCheck, rangeTensor } from './gradcheck.js';

const scaled = (shape: number[], seed: number, s: number) => {
  const t = randomTensor(shape, seed, true);
  for (let i = 0; i < t.size; i++) t.data[i] *= s;
  return t;
};

describe('the gradient check itself', () => {
  // A deliberately wrong backward must be caught (the harness is not tautological).
  const twice = (x: Tensor, k: number) =>
    attach(new Tensor(x.data.map((v) => 2 * v), x.shape), 'twice', [x], (g) => accumulateGrad(x, g.map((v) => k * v)));
  it('passes a correct backward and rejects a wrong or missing one', () => {
    gradCheck('twice ok', [randomTensor([3, 4], 1, true)], (x) => twice(x, 2));
    expect(() => gradCheck('twice wrong', [randomTensor([3, 4], 1, true)], (x) => twice(x, 2.1))).toThrow();
    const dropsB = (a: Tensor, b: Tensor) => attach(new Tensor(a.data.map((v, i) => v * b.data[i]), a.shape), 'bad', [a, b],
      (g) => accumulateGrad(a, g.map((v, i) => v * b.data[i])));
    expect(() => gradCheck('missing grad', [randomTensor([5], 2, true), randomTensor([5], 3, true)], dropsB)).toThrow();
  });
});

describe('losses', () => {
  const targets = [0, 3, 1, 4, 2, 3];
  const cases: [string, ops.CrossEntropyOptions, number[]][] = [
    ['plain', {}, targets],
    ['labelSmoothing 0.1', { labelSmoothing: 0.1 }, targets],
    ['labelSmoothing 1', { labelSmoothing: 1 }, targets],
    ['default ignoreIndex -100 on two rows', {}, [0, -100, 1, 4, -100, 3]],
    ['ignoreIndex 2 with labelSmoothing 0.2', { ignoreIndex: 2, labelSmoothing: 0.2 }, [0, 2, 1, 4, 2, 3]],
    ['class weights', { weight: [0.2, 1, 3, 0.5, 2] }, targets],
    ['class weights with labelSmoothing 0.3 and an ignored row', { weight: Float32Array.of(1, 0, 2, 4, 0.5), labelSmoothing: 0.3 }, [0, -100, 1, 4, 2, 3]],
  ];
  for (const [i, [name, opts, t]] of cases.entries())
    it(`crossEntropy ${name}`, () => {
      gradCheck(`crossEntropy ${name}`, [scaled([6, 5], 10 + i, 3)], (x) => ops.crossEntropy(x, Int32Array.from(t), opts), { eps: 3e-3 });
    });
  it('crossEntropy scaled and combined with another loss on the same logits', () => {
    const y = randomTensor([6, 5], 18);
    gradCheck('ce*2.5 + mse', [scaled([6, 5], 17, 2)], (x) =>
      ops.add(ops.mulScalar(ops.crossEntropy(x, targets), 2.5), ops.mseLoss(x, y)), { eps: 3e-3 });
  });
  it('channelsToRows (NCHW -> rows of channels) feeding a weighted per-pixel crossEntropy', () => {
    const t = Int32Array.from({ length: 2 * 6 }, (_, i) => (i * 3) % 4);
    gradCheck('channelsToRows', [scaled([2, 4, 2, 3], 22, 2)], (x) => ops.crossEntropy(ops.channelsToRows(x), t, { weight: [1, 2, 0.5, 3] }), { eps: 3e-3 });
    const x = randomTensor([2, 3, 2, 2], 23);
    const rows = ops.channelsToRows(x);
    expect(rows.shape).toEqual([8, 3]);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let p = 0; p < 4; p++)
      expect(rows.data[(n * 4 + p) * 3 + c]).toBe(x.data[(n * 3 + c) * 4 + p]);
  });
  it('softmax and logSoftmax', () => {
    gradCheck('softmax', [scaled([4, 6], 20, 3)], (x) => ops.softmax(x), { eps: 3e-3 });
    gradCheck('logSoftmax', [scaled([4, 6], 21, 3)], ops.logSoftmax, { eps: 3e-3 });
    gradCheck('softmax 1 class', [scaled([3, 1], 22, 3)], ops.logSoftmax, { allowZero: [0] });
  });
  it('mseLoss w.r.t. pred and target', () => {
    gradCheck('mse', [randomTensor([3, 5], 23, true), randomTensor([3, 5], 24, true)], ops.mseLoss);
  });
  it('l1Loss w.r.t. pred and target (differences kept away from 0)', () => {
    const pred = randomTensor([3, 5], 25, true), off = awayFromZero([3, 5], 26, 0.05, false);
    const target = new Tensor(pred.data.map((v, i) => v + off.data[i]), [3, 5], true);
    gradCheck('l1', [pred, target], ops.l1Loss);
  });
});

describe('linear algebra', () => {
  it('matmul (odd sizes)', () => {
    gradCheck('matmul 3x5 5x4', [randomTensor([3, 5], 30, true), randomTensor([5, 4], 31, true)], ops.matmul);
    gradCheck('matmul 9x17 17x11', [randomTensor([9, 17], 32, true), randomTensor([17, 11], 33, true)], ops.matmul);
    gradCheck('matmul a only', [randomTensor([4, 3], 34, true), randomTensor([3, 2], 35)], ops.matmul);
  });
  it('linear with and without bias', () => {
    gradCheck('linear', [randomTensor([4, 5], 36, true), randomTensor([3, 5], 37, true), randomTensor([3], 38, true)], ops.linear);
    gradCheck('linear no bias', [randomTensor([7, 6], 39, true), randomTensor([5, 6], 40, true)], (x, w) => ops.linear(x, w));
    gradCheck('linear bias only', [randomTensor([4, 5], 41), randomTensor([3, 5], 42), randomTensor([3], 43, true)], ops.linear);
  });
});

describe('elementwise with broadcasting', () => {
  const pairs: [number[], number[]][] = [
    [[3, 4], [3, 4]], [[2, 3, 4], [3, 1]], [[2, 3, 4], [4]], [[3, 1], [2, 3, 4]], [[2, 1, 4], [3, 1]], [[1, 4], [3, 1]], [[1], [2, 3]],
  ];
  const binaries = { add: ops.add, sub: ops.sub, mul: ops.mul, div: ops.div };
  for (const [name, f] of Object.entries(binaries))
    for (const [k, [sa, sb]] of pairs.entries())
      it(`${name} [${sa}] with [${sb}]`, () => {
        const a = randomTensor(sa, 50 + k, true);
        // Denominators in +-[0.5, 1].
        const b = name === 'div' ? awayFromZero(sb, 60 + k, 0.5) : randomTensor(sb, 60 + k, true);
        gradCheck(`${name} [${sa}] [${sb}]`, [a, b], f);
      });
  it('one side without requiresGrad', () => {
    gradCheck('mul b const', [randomTensor([2, 3, 4], 70, true), randomTensor([3, 1], 71)], ops.mul);
    gradCheck('div a const', [randomTensor([4], 72), awayFromZero([2, 3, 4], 73, 0.5)], ops.div);
  });
  it('unary maths', () => {
    const shape = [3, 5];
    gradCheck('exp', [randomTensor(shape, 80, true)], ops.exp, { eps: 3e-3 });
    gradCheck('log', [rangeTensor(shape, 81, 0.3, 2)], ops.log, { eps: 3e-3 });
    gradCheck('sqrt', [rangeTensor(shape, 82, 0.3, 2)], ops.sqrt, { eps: 3e-3 });
    gradCheck('square', [randomTensor(shape, 83, true)], ops.square);
    gradCheck('neg', [randomTensor(shape, 84, true)], ops.neg);
    gradCheck('abs', [awayFromZero(shape, 85)], ops.abs);
    gradCheck('pow 3', [randomTensor(shape, 86, true)], (x) => ops.powScalar(x, 3), { eps: 3e-3 });
    gradCheck('pow 2.5', [rangeTensor(shape, 87, 0.3, 2)], (x) => ops.powScalar(x, 2.5), { eps: 3e-3 });
    gradCheck('pow -1.5', [rangeTensor(shape, 88, 0.5, 2)], (x) => ops.powScalar(x, -1.5), { eps: 3e-3 });
    gradCheck('pow 0.5', [rangeTensor(shape, 89, 0.3, 2)], (x) => ops.powScalar(x, 0.5), { eps: 3e-3 });
    gradCheck('mulScalar', [randomTensor(shape, 90, true)], (x) => ops.mulScalar(x, -1.7));
    gradCheck('addScalar', [randomTensor(shape, 91, true)], (x) => ops.addScalar(x, 0.3));
  });
});

describe('reductions', () => {
  const x = () => randomTensor([2, 3, 4], 100, true);
  it('sum over everything', () => {
    gradCheck('sum', [x()], (t) => ops.sum(t));
    gradCheck('sum keepDim', [x()], (t) => ops.sum(t, undefined, true));
  });
  for (const dim of [0, 1, 2, -1, -3])
    for (const keepDim of [false, true])
      it(`sum dim ${dim} keepDim ${keepDim}`, () => gradCheck(`sum ${dim} ${keepDim}`, [x()], (t) => ops.sum(t, dim, keepDim)));
  it('mean', () => {
    gradCheck('mean', [x()], (t) => ops.mean(t));
    gradCheck('mean dim 1', [x()], (t) => ops.mean(t, 1));
    gradCheck('mean dim -1 keepDim', [x()], (t) => ops.mean(t, -1, true));
  });
});

describe('shape ops', () => {
  it('reshape and flatten', () => {
    const w = randomTensor([4, 6], 110);
    gradCheck('reshape', [randomTensor([2, 3, 4], 111, true)], (t) => ops.mul(ops.reshape(t, [4, -1]), w));
    gradCheck('flatten 1', [randomTensor([2, 3, 2, 2], 112, true)], (t) => ops.square(ops.flatten(t)));
    gradCheck('flatten 2', [randomTensor([2, 3, 2, 2], 113, true)], (t) => ops.flatten(t, 2));
  });
  it('transpose', () => {
    gradCheck('transpose', [randomTensor([3, 5], 114, true)], ops.transpose);
    gradCheck('transpose in matmul', [randomTensor([3, 5], 115, true), randomTensor([3, 5], 116, true)],
      (a, b) => ops.matmul(a, ops.transpose(b)));
  });
  it('cat (one part without requiresGrad, one part used twice)', () => {
    const a = randomTensor([2, 3], 117, true), b = randomTensor([1, 3], 118), c = randomTensor([3, 3], 119, true);
    gradCheck('cat', [a, b, c], (p, q, r) => ops.cat([p, q, r, p]));
  });
  it('sliceRows', () => {
    gradCheck('sliceRows 1..3', [randomTensor([4, 2, 3], 120, true)], (t) => ops.sliceRows(t, 1, 3));
    gradCheck('sliceRows halves', [randomTensor([4, 3], 121, true)], (t) => ops.mul(ops.sliceRows(t, 0, 2), ops.sliceRows(t, 2, 4)));
  });
});

describe('composite network', () => {
  it('Conv2d-BatchNorm2d-ReLU-MaxPool2d-Flatten-Linear + crossEntropy: every parameter and the input', () => {
    const gen = new Generator(7);
    const model = new nn.Sequential(
      new nn.Conv2d(2, 4, 3, { padding: 1, generator: gen }),
      new nn.BatchNorm2d(4),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(16, 3, { generator: gen }),
    );
    // Non-trivial BN affine parameters.
    const bn = model.layers[1] as nn.BatchNorm2d;
    bn.weight!.data.set([0.8, 1.3, 1.1, 0.6]);
    bn.bias!.data.set([0.1, -0.2, 0.3, 0.05]);
    const x = randomTensor([4, 2, 4, 4], 130, true);
    const t = Int32Array.from([0, 2, 1, 2]);
    const params = model.namedParameters();
    expect(params.map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '5.weight', '5.bias']);
    const rmBefore = Float32Array.from(bn.runningMean!.data);
    gradCheck('model', [x, ...params.map(([, p]) => p)], () => ops.crossEntropy(model.forward(x), t),
      // The conv bias (input 2) feeds train-mode BN, which removes any per-channel shift: its true
      // gradient is 0 and the analytic one must match that.
      { eps: 1e-3, rtol: 3e-2, atol: 3e-3, maxRelL2: 2e-2, allowZero: [2] });
    // The running stats did move (train mode) without affecting the check.
    expect(Array.from(bn.runningMean!.data)).not.toEqual(Array.from(rmBefore));
  });
});

describe('gradient accumulation and noGrad', () => {
  it('a tensor used twice in one op gets both contributions', () => {
    const x = randomTensor([3, 4], 140, true);
    ops.sum(ops.add(x, x)).backward();
    expect(Array.from(x.grad!)).toEqual(new Array(12).fill(2));
    x.grad = null;
    ops.sum(ops.mul(x, x)).backward();
    expectClose(x.grad!, Array.from(x.data, (v) => 2 * v), 1e-6, 1e-7, 'd sum(x*x)');
    gradCheck('add(x,x)', [randomTensor([3, 4], 141, true)], (t) => ops.add(t, t));
    gradCheck('mul(x,x)', [randomTensor([3, 4], 142, true)], (t) => ops.mul(t, t));
  });
  it('diamond graphs: an intermediate consumed by several ops', () => {
    gradCheck('diamond', [randomTensor([2, 5], 143, true)], (t) => {
      const a = ops.tanh(t);
      const b = ops.mul(a, a), c = ops.exp(a);
      return ops.add(ops.sub(b, c), ops.mulScalar(a, 0.5));
    }, { eps: 3e-3 });
    gradCheck('shared conv input', [randomTensor([1, 2, 5, 5], 144, true), randomTensor([3, 2, 3, 3], 145, true)], (xx, w) => {
      const y = ops.conv(xx, w, null, { padding: 1 });
      return ops.add(ops.relu(ops.addScalar(y, 10)), ops.conv(xx, w, null, { padding: 1 }));
    });
  });
  it('leaf gradients add up across two backward() calls on separate graphs', () => {
    const x = randomTensor([3, 4], 146, true);
    const R = randomTensor([3, 4], 147);
    ops.sum(ops.mul(x, R)).backward();
    ops.sum(ops.square(x)).backward();
    const f = () => {
      let s = 0;
      for (let i = 0; i < x.size; i++) s += x.data[i] * R.data[i] + x.data[i] * x.data[i];
      return s;
    };
    expectClose(x.grad!, numericGrad(f, x.data, 1e-2), 1e-3, 1e-4, 'accumulated grad');
    // Module-level: two forward/backward passes double every parameter gradient.
    const lin = new nn.Linear(4, 2, { generator: new Generator(3) });
    const inp = randomTensor([5, 4], 148);
    ops.sum(ops.square(lin.forward(inp))).backward();
    const once = lin.parameters().map((p) => Float32Array.from(p.grad!));
    ops.sum(ops.square(lin.forward(inp))).backward();
    lin.parameters().forEach((p, k) => expectClose(p.grad!, once[k].map((v) => 2 * v), 1e-5, 1e-6, `param ${k}`));
  });
  it('noGrad records no graph and restores the mode', () => {
    const x = randomTensor([1, 2, 4, 4], 149, true), w = randomTensor([3, 2, 3, 3], 150, true);
    const outs = noGrad(() => [
      ops.conv(x, w), ops.add(x, x), ops.relu(x), ops.maxPool(x, 2), ops.batchNorm(x, null, null, null, null),
      ops.reshape(x, [2, 16]), ops.sum(x), ops.crossEntropy(ops.flatten(x), [0]), ops.dropout(x, 0.5, true, new Generator(1)),
    ]);
    for (const y of outs) {
      expect(y.requiresGrad).toBe(false);
      expect(y.node).toBeNull();
    }
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => { noGrad(() => undefined); expect(isGradEnabled()).toBe(false); });
    // And the same ops outside noGrad do record.
    expect(ops.conv(x, w).requiresGrad).toBe(true);
    expect(() => ops.sum(noGrad(() => ops.relu(x))).backward()).toThrow(/does not require grad/);
  });
  it('a weighted objective built in JS matches one built from ops (R weights)', () => {
    // Guards the harness' numeric side: sum(mul(y, R)) and the float64 JS sum agree.
    const y = randomTensor([4, 5], 151), R = randomArray(20, 152);
    const js = Array.from(y.data).reduce((s, v, i) => s + v * R[i], 0);
    expect(ops.sum(ops.mul(y, new Tensor(R, [4, 5]))).item()).toBeCloseTo(js, 5);
  });
});

describe('autograd regressions', () => {
  it('backward() inside noGrad still computes gradients (as PyTorch)', () => {
    const x = randomTensor([2, 3], 1, true), w = randomTensor([2, 3], 2, true);
    const L = ops.sum(ops.linear(x, w));
    noGrad(() => L.backward());
    expect(x.grad).not.toBeNull();
    expect(w.grad).not.toBeNull();
  });
  it('a retained gradient of a reshape does not alias its input gradient', () => {
    const x = randomTensor([2, 3], 3, true);
    const y = ops.reshape(x, [6]);
    y.retainGrad = true;
    ops.add(ops.sum(ops.mulScalar(x, 3)), ops.sum(y)).backward();
    expect(Array.from(y.grad!)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(x.grad!)).toEqual([4, 4, 4, 4, 4, 4]);
  });
});
