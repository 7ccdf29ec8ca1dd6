// The image pretext tasks (rotation, relative position, jigsaw, colorization): a step reaches every
// parameter; a short training run lifts held-out pretext accuracy well above chance (or, for
// colorization, lowers the loss); configs rebuild the same task; bad inputs are named before work.
import { describe, expect, it } from 'vitest';
import { fashionMnist, type ImageSet } from '../../lib/data/fashion-mnist.js';
import { fromUint8 } from '../../lib/data/image-folder.js';
import { Loader } from '../../lib/data/loader.js';
import * as nn from '../../lib/nn/index.js';
import { AdamW } from '../../lib/optim/adamw.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { Colorization, colorStatistics } from '../../lib/tasks/colorization.js';
import { Jigsaw } from '../../lib/tasks/jigsaw.js';
import { taskFromConfig } from '../../lib/tasks/registry.js';
import { RelativePosition } from '../../lib/tasks/relative-position.js';
import { Rotation } from '../../lib/tasks/rotation.js';
import type { Batch, Task } from '../../lib/tasks/task.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { caught } from '../helpers.js';

const fm = fashionMnist();
const fmTest = fashionMnist({ split: 'test' });
const ctx = (step: number) => ({ step, epoch: 0, totalSteps: 100, generator: new Generator(100 + step) });
const encoder = (inputNorm: 'none' | 'instance' = 'none', inChannels = 1) =>
  nn.convEncoder({ inChannels, widths: [8, 16], strides: [2, 2], inputNorm });

function train(task: Task, set: ImageSet, steps: number, lr = 3e-3, batchSize = 32): number[] {
  const opt = new AdamW(task.model.parameters(), { lr });
  const loader = new Loader(set, { batchSize, seed: 1, dropLast: true });
  const order = loader.order(0), losses: number[] = [];
  task.model.train();
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const loss = task.loss(loader.batch(order, s % loader.batchesPerEpoch()), ctx(s));
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

function everyParameterGetsGradient(task: Task, b: Batch): void {
  const loss = task.loss(b, ctx(0));
  expect(Number.isFinite(loss.item())).toBe(true);
  loss.backward();
  for (const [name, p] of task.model.namedParameters()) {
    expect(p.grad, name).not.toBeNull();
    expect(p.grad!.some((v) => v !== 0), name).toBe(true);
  }
}

function copyState(from: Task, to: Task): void {
  to.model.loadStateDict(new Map([...from.model.stateDict()].map(([k, v]) =>
    [k, v instanceof Tensor ? { shape: v.shape, data: v.data } : { shape: [], data: [v.value] }])));
}

const fmBatch = (n = 16): Batch => new Loader(fm, { batchSize: n, seed: 3 }).batch(new Loader(fm, { batchSize: n, seed: 3 }).order(0), 0);

describe('classification pretext tasks', () => {
  it('rotation: gradients everywhere; 60 steps reach > 35% held-out rotation accuracy (chance 25%)', () => {
    manualSeed(1);
    const task = new Rotation({ encoder: encoder() });
    everyParameterGetsGradient(task, fmBatch());
    train(task, fm, 60);
    expect(task.evaluate(fmTest, { limit: 512 }).accuracy).toBeGreaterThan(0.35);
  });

  it('relative position: gradients everywhere; 80 steps beat chance (12.5%) on held-out pairs', () => {
    manualSeed(2);
    const task = new RelativePosition({ encoder: encoder('instance'), patch: 8, gap: 1, jitter: 1 });
    everyParameterGetsGradient(task, fmBatch());
    train(task, fm, 80);
    expect(task.evaluate(fmTest, { limit: 512 }).accuracy).toBeGreaterThan(0.3);
  });

  it('jigsaw: gradients everywhere; 80 steps beat chance (10%) with 10 permutations', () => {
    manualSeed(3);
    const task = new Jigsaw({ encoder: encoder('instance'), patch: 8, gap: 1, jitter: 1, permutations: 10 });
    expect(task.permutations).toBe(10);
    everyParameterGetsGradient(task, fmBatch());
    train(task, fm, 80);
    expect(task.evaluate(fmTest, { limit: 512 }).accuracy).toBeGreaterThan(0.3);
  });

  it('configs rebuild the same task (same loss on the same batch and generator)', () => {
    for (const make of [
      () => new Rotation({ encoder: encoder() }),
      () => new RelativePosition({ encoder: encoder('instance'), patch: 8, gap: 1, jitter: 1, aberration: 'gray', hiddenDim: 12 }),
      () => new Jigsaw({ encoder: encoder('instance'), patch: 7, gap: 2, jitter: 1, permutations: 12 }),
    ]) {
      manualSeed(4);
      const a = make();
      const b = taskFromConfig(JSON.parse(JSON.stringify(a.config())));
      copyState(a, b);
      expect(b.config()).toEqual(a.config());
      expect(b.loss(fmBatch(), ctx(5)).item()).toBeCloseTo(a.loss(fmBatch(), ctx(5)).item(), 5);
    }
  });

  it('bad options and inputs are named before any work', () => {
    expect(caught(() => new RelativePosition({ encoder: encoder(), patch: 8 })).message).toMatch(/inputNorm 'instance'/);
    expect(caught(() => new Jigsaw({ encoder: encoder('instance'), patch: 8, permutations: 1 })).message).toMatch(/permutations/);
    expect(caught(() => new Jigsaw({ encoder: encoder('instance'), patch: 8, permutations: 400000 })).message).toMatch(/\[2, 362880\] for permutations/);
    expect(caught(() => new RelativePosition({ encoder: encoder('instance'), patch: 10, gap: 1, jitter: 1 }).checkInput([1, 28, 28])).message)
      .toMatch(/3 \* patch \+ 2 \* gap \+ 2 \* jitter = 34.*28x28/);
    expect(caught(() => new Rotation({ encoder: encoder() }).checkInput([1, 28, 32])).message).toMatch(/square/);
    expect(caught(() => new Rotation({ encoder: 3 as never })).message).toMatch(/encoder/);
  });
});

// Colour images where colour follows structure a network can see in L: stripes whose lightness
// and hue go together, on a background of the opposite colour.
function colourSet(N: number, S: number, seed: number): ImageSet {
  const images = new Uint8Array(N * 3 * S * S);
  let r = seed;
  const rnd = () => ((r = (r * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
  for (let n = 0; n < N; n++) {
    const period = 4 + Math.floor(rnd() * 4), phase = Math.floor(rnd() * period), vertical = rnd() < 0.5;
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const on = ((vertical ? x : y) + phase) % period < period / 2;
      const [R, G, B] = on ? [230, 200, 40] : [30, 40, 160]; // bright yellow stripes on dark blue
      const o = n * 3 * S * S + y * S + x;
      images[o] = R; images[o + S * S] = G; images[o + 2 * S * S] = B;
    }
  }
  return fromUint8(images, [N, 3, S, S]);
}

describe('colorization', () => {
  const set = colourSet(64, 16, 5), held = colourSet(16, 16, 6);
  const batch = (): Batch => new Loader(set, { batchSize: 16, seed: 2 }).batch(new Loader(set, { batchSize: 16, seed: 2 }).order(0), 0);

  it('colour statistics: bin counts cover every pixel at the output stride and the mean ab is right', () => {
    const { prior, meanAb } = colorStatistics(set);
    expect(prior.reduce((a, b) => a + b, 0)).toBe(64 * 8 * 8);
    expect(meanAb[0]).toBeGreaterThan(-60);
    expect(meanAb[1]).toBeLessThan(60); // yellow has large positive b, blue large negative b
    expect(caught(() => colorStatistics(fm)).message).toMatch(/colour images \(3 channels\)/);
  });

  for (const loss of ['classification', 'l2'] as const)
    it(`${loss}: gradients everywhere, loss falls, beats the gray baseline on held-out images`, () => {
      manualSeed(7);
      const stats = colorStatistics(set);
      const task = new Colorization({ encoder: encoder(), loss, prior: stats.prior, meanAb: stats.meanAb, decoderWidth: 16 });
      everyParameterGetsGradient(task, batch());
      const losses = train(task, set, 60, 1e-2, 16);
      expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(0.7 * losses[0]);
      const m = task.evaluate(held);
      expect(m.images).toBe(16);
      expect(m.abError).toBeLessThan(m.grayAbError);
      expect(m.psnr).toBeGreaterThan(m.grayPsnr);
      expect(m.pooledPsnr).toBeGreaterThan(m.grayPooledPsnr);
      expect(Number.isFinite(m.meanPsnr)).toBe(true);
    });

  it('the true ab composes back into the original image; a config rebuilds the task', () => {
    manualSeed(8);
    const task = new Colorization({ encoder: encoder(), decoderWidth: 8 });
    const b = batch();
    const { lab } = task.predictAb(b);
    const [N, , H, W] = lab.shape, S = H * W;
    const ab = new Float32Array(N * 2 * S);
    for (let n = 0; n < N; n++) ab.set(lab.data.subarray(n * 3 * S + S, (n + 1) * 3 * S), n * 2 * S);
    const rgb = Colorization.compose(lab, new Tensor(ab, [N, 2, H, W]));
    for (let i = 0; i < rgb.size; i++) expect(Math.abs(rgb.data[i] - b.images[i] / 255)).toBeLessThan(1e-4);
    const again = taskFromConfig(JSON.parse(JSON.stringify(task.config())));
    copyState(task, again);
    expect(again.loss(b, ctx(3)).item()).toBeCloseTo(task.loss(b, ctx(3)).item(), 5);
  });

  it('bad inputs: grayscale data, a colour encoder, a prior of the wrong size', () => {
    expect(caught(() => new Colorization({ encoder: encoder() }).checkInput([1, 28, 28])).message).toMatch(/colour images/);
    expect(caught(() => new Colorization({ encoder: encoder('none', 3) })).message).toMatch(/one input channel/);
    expect(caught(() => new Colorization({ encoder: encoder(), prior: [1, 2, 3] })).message).toMatch(/prior/);
    expect(caught(() => new Colorization({ encoder: encoder(), loss: 'l3' as never })).message).toMatch(/loss/);
    expect(caught(() => new Colorization({ encoder: encoder() }).checkInput([3, 30, 30])).message).toMatch(/multiples of the encoder's total stride 4/);
  });
});
