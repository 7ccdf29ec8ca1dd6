// Every op's forward and input/parameter gradients against PyTorch 1.13 (float64 reference,
// committed fixtures from test/reference/generate_fixtures.py), through the public ops + autograd.
import { describe, expect, it } from 'vitest';
import * as ops from '../../lib/ops/index.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { Generator } from '../../lib/random.js';
import { SGD } from '../../lib/optim/sgd.js';
import { AdamW } from '../../lib/optim/adamw.js';
import { expectClose, fixture } from '../helpers.js';

type F = ReturnType<typeof fixture>;
const leaf = (f: F, k: string) => new Tensor(f.f32(k).slice(), f.shape(k), true);
const meta = (f: F, k: string) => JSON.parse(f.meta[k]);

// Backpropagates sum(y * gy) so every input receives d/dinput of that, as the fixture defines.
function backprop(y: Tensor, gy: Float32Array): void {
  y.backward(gy);
}

describe('conv vs PyTorch', () => {
  // Each fixture: forward output, then input, weight and bias gradients of sum(y * gy).
  const cases: [string, (f: F, x: Tensor, w: Tensor, b: Tensor) => Tensor][] = [
    ...['conv1d', 'conv2d', 'conv2d_depthwise', 'conv3d'].map((name) => [name, (f: F, x: Tensor, w: Tensor, b: Tensor) =>
      ops.conv(x, w, b, { stride: meta(f, 'stride'), padding: meta(f, 'padding'), dilation: meta(f, 'dilation'), groups: Number(f.meta.groups) })] as const),
    ...['conv_transpose2d', 'conv_transpose3d'].map((name) => [name, (f: F, x: Tensor, w: Tensor, b: Tensor) =>
      ops.convTranspose(x, w, b, { stride: meta(f, 'stride'), padding: meta(f, 'padding'), outputPadding: meta(f, 'output_padding'),
        dilation: meta(f, 'dilation'), groups: Number(f.meta.groups) })] as const),
  ];
  for (const [name, op] of cases) {
    it(name, () => {
      const f = fixture(name);
      const x = leaf(f, 'x'), w = leaf(f, 'w'), b = leaf(f, 'b');
      const y = op(f, x, w, b);
      expect(y.shape).toEqual(f.shape('y'));
      expectClose(y.data, f.f32('y'), 1e-4, 1e-5, 'y');
      backprop(y, f.f32('gy'));
      expectClose(x.grad!, f.f32('gx'), 1e-4, 1e-5, 'gx');
      expectClose(w.grad!, f.f32('gw'), 1e-4, 1e-5, 'gw');
      expectClose(b.grad!, f.f32('gb'), 1e-4, 1e-5, 'gb');
    });
  }
});

describe('pooling vs PyTorch', () => {
  it('maxpool2d / maxpool1d', () => {
    for (const name of ['maxpool2d', 'maxpool1d']) {
      const f = fixture(name);
      const x = leaf(f, 'x');
      const y = ops.maxPool(x, meta(f, 'kernel_size'), { stride: meta(f, 'stride'), padding: meta(f, 'padding') });
      expectClose(y.data, f.f32('y'), 0, 0, `${name} y`);
      backprop(y, f.f32('gy'));
      expectClose(x.grad!, f.f32('gx'), 1e-6, 1e-6, `${name} gx`);
    }
  });
  it('avgpool2d with and without count_include_pad, avgpool3d', () => {
    const f = fixture('avgpool2d');
    for (const [cip, yk, gk] of [[true, 'y', 'gx'], [false, 'y_nopad', 'gx_nopad']] as const) {
      const x = leaf(f, 'x');
      const y = ops.avgPool(x, meta(f, 'kernel_size'), { stride: meta(f, 'stride'), padding: meta(f, 'padding'), countIncludePad: cip });
      expectClose(y.data, f.f32(yk), 1e-5, 1e-6, yk);
      backprop(y, f.f32('gy'));
      expectClose(x.grad!, f.f32(gk), 1e-5, 1e-6, gk);
    }
    const g = fixture('avgpool3d');
    const x = leaf(g, 'x');
    const y = ops.avgPool(x, meta(g, 'kernel_size'), { stride: meta(g, 'stride'), padding: meta(g, 'padding') });
    expectClose(y.data, g.f32('y'), 1e-5, 1e-6, 'avgpool3d y');
    backprop(y, g.f32('gy'));
    expectClose(x.grad!, g.f32('gx'), 1e-5, 1e-6, 'avgpool3d gx');
  });
});

describe('normalization vs PyTorch', () => {
  it('batchnorm2d train (y, grads, running stats) then eval', () => {
    const f = fixture('batchnorm2d');
    const x = leaf(f, 'x'), gamma = leaf(f, 'gamma'), beta = leaf(f, 'beta');
    const rm = new Tensor(new Float32Array(3), [3]), rv = new Tensor(new Float32Array(3).fill(1), [3]);
    const y = ops.batchNorm(x, rm, rv, gamma, beta, { training: true, momentum: 0.1, eps: 1e-5 });
    expectClose(y.data, f.f32('y'), 1e-4, 1e-5, 'y');
    expectClose(rm.data, f.f32('running_mean'), 1e-5, 1e-6, 'running_mean');
    expectClose(rv.data, f.f32('running_var'), 1e-5, 1e-6, 'running_var');
    backprop(y, f.f32('gy'));
    expectClose(x.grad!, f.f32('gx'), 1e-3, 1e-5, 'gx');
    expectClose(gamma.grad!, f.f32('ggamma'), 1e-4, 1e-5, 'ggamma');
    expectClose(beta.grad!, f.f32('gbeta'), 1e-4, 1e-5, 'gbeta');
    const ye = ops.batchNorm(x.detach(), rm, rv, gamma.detach(), beta.detach(), { training: false, eps: 1e-5 });
    expectClose(ye.data, f.f32('y_eval'), 1e-4, 1e-5, 'y_eval');
  });
  it('layernorm', () => {
    const f = fixture('layernorm');
    const x = leaf(f, 'x'), gamma = leaf(f, 'gamma'), beta = leaf(f, 'beta');
    const y = ops.layerNorm(x, [10], gamma, beta, 1e-5);
    expectClose(y.data, f.f32('y'), 1e-4, 1e-5, 'y');
    backprop(y, f.f32('gy'));
    expectClose(x.grad!, f.f32('gx'), 1e-3, 1e-5, 'gx');
    expectClose(gamma.grad!, f.f32('ggamma'), 1e-4, 1e-5, 'ggamma');
    expectClose(beta.grad!, f.f32('gbeta'), 1e-4, 1e-5, 'gbeta');
  });
});

describe('activations, upsampling, cross-entropy, optimizers vs PyTorch', () => {
  it('activations', () => {
    const f = fixture('activations');
    const fns: Record<string, (x: Tensor) => Tensor> = { relu: ops.relu, leaky: (x) => ops.leakyRelu(x, 0.1), gelu: ops.gelu, sigmoid: ops.sigmoid, tanh: ops.tanh };
    for (const [k, fn] of Object.entries(fns)) {
      const x = leaf(f, 'x');
      const y = fn(x);
      expectClose(y.data, f.f32(`y_${k}`), 1e-5, 1e-6, `y_${k}`);
      backprop(y, f.f32('gy'));
      expectClose(x.grad!, f.f32(`gx_${k}`), 1e-5, 1e-6, `gx_${k}`);
    }
  });
  it('upsample nearest / bilinear / bilinear align_corners', () => {
    const f = fixture('upsample');
    for (const k of ['nearest', 'bilinear', 'bilinear_ac']) {
      const m = meta(f, k);
      const x = leaf(f, 'x');
      const y = ops.upsample2d(x, { size: m.size, mode: m.mode, alignCorners: m.align_corners ?? false });
      expectClose(y.data, f.f32(`y_${k}`), 1e-5, 1e-6, `y_${k}`);
      backprop(y, f.f32(`gy_${k}`));
      expectClose(x.grad!, f.f32(`gx_${k}`), 1e-5, 1e-6, `gx_${k}`);
    }
  });
  it('cross-entropy with label smoothing and ignore index, and plain', () => {
    const f = fixture('cross_entropy');
    for (const [tk, lk, gk, ls] of [['targets', 'loss', 'glogits', 0.1], ['targets_plain', 'loss_plain', 'glogits_plain', 0]] as const) {
      const z = leaf(f, 'logits');
      const loss = ops.crossEntropy(z, f.i32(tk), { labelSmoothing: ls, ignoreIndex: -100 });
      expect(loss.item()).toBeCloseTo(f.f32(lk)[0], 5);
      loss.backward();
      expectClose(z.grad!, f.f32(gk), 1e-4, 1e-7, gk);
    }
  });
  it('SGD (nesterov + weight decay, dampening) and AdamW match three torch steps', () => {
    const f = fixture('optim');
    const run = (make: (p: Tensor) => { step(): void }, key: string) => {
      const p = new Tensor(f.f32('p0').slice(), [20], true);
      const opt = make(p);
      for (const g of ['g1', 'g2', 'g3']) {
        p.grad = f.f32(g).slice();
        opt.step();
      }
      expectClose(p.data, f.f32(key), 1e-5, 1e-6, key);
    };
    run((p) => new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true }), 'p_sgd_nesterov');
    run((p) => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1 }), 'p_sgd_damp');
    run((p) => new AdamW([p], { lr: 0.01, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0.05 }), 'p_adamw');
  });
  it('dropout keeps each element with probability 1-p and scales by 1/(1-p), reproducibly', () => {
    const x = new Tensor(new Float32Array(20000).fill(1), [20000]);
    const y1 = ops.dropout(x, 0.3, true, new Generator(5)), y2 = ops.dropout(x, 0.3, true, new Generator(5));
    expectClose(y1.data, y2.data, 0, 0, 'same seed');
    const kept = y1.data.filter((v) => v !== 0);
    expect(Math.abs(kept.length / 20000 - 0.7)).toBeLessThan(0.015);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
  });
});
