// SimCLR and BYOL tasks: one step trains encoder and heads; BYOL's target network receives no
// gradient and moves only by the EMA (checked against the formula); configs are JSON; encoders
// clone exactly; bad options are rejected.
import { describe, expect, it } from 'vitest';
import { Augment } from '../../lib/augment/pipeline.js';
import { fashionMnist } from '../../lib/data/fashion-mnist.js';
import { Loader } from '../../lib/data/loader.js';
import * as nn from '../../lib/nn/index.js';
import { SGD } from '../../lib/optim/sgd.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { BYOL } from '../../lib/tasks/byol.js';
import { SimCLR } from '../../lib/tasks/simclr.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { expectClose } from '../helpers.js';

const tiny = () => nn.convEncoder({ inChannels: 1, widths: [4, 8], strides: [2, 2] });
const batch = () => new Loader(fashionMnist(), { batchSize: 16, seed: 3 }).batch(new Loader(fashionMnist(), { batchSize: 16, seed: 3 }).order(0), 0);
const ctx = (step: number) => ({ step, epoch: 0, totalSteps: 10, generator: new Generator(100 + step) });
const light = new Augment({ crop: { scale: [0.5, 1] }, hflip: 0.5, colorJitter: { brightness: 0.3, contrast: 0.3 } });

describe('SimCLR task', () => {
  it('a step gives finite loss and gradients to every encoder and projector parameter', () => {
    manualSeed(1);
    const task = new SimCLR({ encoder: tiny(), projectionDim: 8, temperature: 0.2, augment: light });
    const loss = task.loss(batch(), ctx(0));
    expect(Number.isFinite(loss.item())).toBe(true);
    expect(loss.item()).toBeGreaterThan(0);
    loss.backward();
    for (const [name, p] of task.model.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.some((v) => v !== 0), name).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(task.config())).task).toBe('simclr');
  });
  it('several SGD steps on the same batch lower the loss', () => {
    manualSeed(2);
    const task = new SimCLR({ encoder: tiny(), projectionDim: 8, temperature: 0.5, augment: light });
    const opt = new SGD(task.model.parameters(), { lr: 0.1, momentum: 0.9 });
    const b = batch();
    const losses: number[] = [];
    for (let s = 0; s < 15; s++) {
      opt.zeroGrad();
      const loss = task.loss(b, ctx(0)); // same views every step: a pure optimization check
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses[14]).toBeLessThan(losses[0] - 0.05);
  });
  it('rejects bad options', () => {
    expect(() => new SimCLR({ encoder: new nn.Linear(2, 2) as never })).toThrow(/encoder/);
    expect(() => new SimCLR({ encoder: tiny(), temperature: 0 })).toThrow(/temperature/);
    expect(() => new SimCLR({ encoder: tiny(), projection: 3 } as never)).toThrow(/Unknown option/);
  });
});

describe('BYOL task', () => {
  it('the target gets no gradient and follows the EMA of the online branch', () => {
    manualSeed(3);
    const task = new BYOL({ encoder: tiny(), projectionDim: 8, hiddenDim: 16, baseMomentum: 0.9, augment: [light, light] });
    const onlineState = () => task.model.online.parameters().map((p) => Float64Array.from(p.data));
    const targetState = () => task.target.parameters().map((p) => Float64Array.from(p.data));
    expect(targetState()).toEqual(onlineState()); // starts as a copy
    const opt = new SGD(task.model.parameters(), { lr: 0.05 });
    const loss = task.loss(batch(), ctx(0));
    expect(loss.item()).toBeGreaterThan(0);
    expect(loss.item()).toBeLessThanOrEqual(8);
    loss.backward();
    for (const p of task.target.parameters()) expect(p.grad).toBeNull();
    const targetBefore = targetState();
    opt.step();
    const online = onlineState();
    task.afterStep({ step: 0, epoch: 0, totalSteps: 10, generator: new Generator(0) });
    const tau = 0.9; // byolMomentum(0, 10, 0.9)
    targetState().forEach((t, i) => expectClose(t, targetBefore[i].map((v, k) => tau * v + (1 - tau) * online[i][k]), 1e-6, 1e-7, `target ${i}`));
    expect(task.extraState().size).toBeGreaterThan(0);
  });
  it('cloned encoders are identical and independent', () => {
    const e = tiny();
    noGrad(() => e.forward(new Tensor(new Float32Array(2 * 784).fill(0.5), [2, 1, 28, 28])));
    const c = e.clone();
    expect([...c.stateDict().keys()]).toEqual([...e.stateDict().keys()]);
    c.parameters()[0].data[0] += 1;
    expect(c.parameters()[0].data[0]).not.toBe(e.parameters()[0].data[0]);
    expect(e.flops(28, 28)).toBe(2 * 14 * 14 * 4 * 1 * 9 + 2 * 7 * 7 * 8 * 4 * 9);
  });
});
