// Prefetch: SimCLR/BYOL views made on worker threads (Augment.applyAsync, Task.prefetch) are the
// pixels the synchronous path makes from the same generator, in the same counter order, and a run
// with prefetch takes exactly the steps of a run without it (same losses, same final weights).
import { describe, expect, it } from 'vitest';
import { Augment, byol as byolRecipe } from '../../lib/augment/pipeline.js';
import { fashionMnist } from '../../lib/data/fashion-mnist.js';
import { Loader } from '../../lib/data/loader.js';
import * as nn from '../../lib/nn/index.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { BYOL } from '../../lib/tasks/byol.js';
import { SimCLR } from '../../lib/tasks/simclr.js';
import type { Task } from '../../lib/tasks/task.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { fit } from '../../lib/train/fit.js';
import { rejects } from '../helpers.js';

const set = fashionMnist();
const loader = new Loader(set, { batchSize: 24, seed: 5 });
const batch = loader.batch(loader.order(0), 1);
const strong = new Augment({ crop: { scale: [0.2, 1] }, hflip: 0.5, rotate: { p: 0.5, degrees: 20 }, colorJitter: { p: 0.8, brightness: 0.4, contrast: 0.4 }, blur: { p: 0.5 }, solarize: { p: 0.2 } });
const small = (n: number) => ({ ...set, images: set.images.subarray(0, n * 784), labels: set.labels!.subarray(0, n), length: n });

describe('prefetch', () => {
  it('applyAsync gives apply\'s pixels and records, and reserves the same counters in call order', async () => {
    const gSync = new Generator(42), gAsync = new Generator(42);
    const rs = new Float32Array(24 * 32), ra = new Float32Array(24 * 32);
    const a1 = strong.apply(batch, gSync, rs), a2 = strong.apply(batch, gSync);
    const p1 = strong.applyAsync(batch, gAsync, ra), p2 = strong.applyAsync(batch, gAsync); // both in flight at once
    expect(gAsync.offset).toBe(gSync.offset);
    const [b1, b2] = await Promise.all([p1, p2]);
    expect(b1).toBeInstanceOf(Tensor);
    expect(b1.shape).toEqual(a1.shape);
    expect(Buffer.from(b1.data.buffer).equals(Buffer.from(a1.data.buffer))).toBe(true);
    expect(Buffer.from(b2.data.buffer).equals(Buffer.from(a2.data.buffer))).toBe(true);
    expect(Array.from(ra)).toEqual(Array.from(rs));
    expect(a1.data.some((v, i) => v !== a2.data[i])).toBe(true); // the two views differ
  });

  it('applyAsync rejects bad input before any work, naming it', async () => {
    expect(() => strong.applyAsync({ ...batch, images: new Uint8Array(5) }, new Generator(1))).toThrow(/batch\.images/);
    expect(() => strong.applyAsync(batch, {} as never)).toThrow(/generator/);
    expect(() => strong.applyAsync(batch, new Generator(1), new Float32Array(3))).toThrow(/record/);
    await rejects(Promise.resolve().then(() => strong.applyAsync({ ...batch, shape: [24, 1, 28] }, new Generator(1))), /batch\.shape/);
  });

  it('loss() rejects prepared inputs that are not this batch\'s two views', () => {
    const task = new SimCLR({ encoder: nn.convEncoder({ inChannels: 1, widths: [4], strides: [2] }), augment: strong });
    const ctx = { step: 0, epoch: 0, totalSteps: 1, generator: new Generator(1) };
    expect(() => task.loss(batch, ctx, [new Tensor(new Float32Array(4), [1, 1, 2, 2])])).toThrow(/prepared/);
  });

  const tasks: [string, () => Task][] = [
    ['simclr', () => new SimCLR({ encoder: nn.convEncoder({ inChannels: 1, widths: [4, 8], strides: [2, 2] }), projectionDim: 8, augment: strong })],
    ['byol', () => new BYOL({ encoder: nn.convEncoder({ inChannels: 1, widths: [4, 8], strides: [2, 2] }), projectionDim: 8, augment: byolRecipe() })],
  ];
  for (const [name, make] of tasks)
    it(`${name}: a run with prefetch equals one without (losses and weights, bit for bit)`, async () => {
      const run = async (prefetch: boolean) => {
        manualSeed(3);
        const task = make();
        const losses: number[] = [];
        let prefetched = 0;
        const original = task.prefetch!.bind(task);
        task.prefetch = (batch, ctx) => { prefetched++; return original(batch, ctx); };
        await fit(task, small(96), { epochs: 2, batchSize: 32, seed: 9, prefetch, progress: false,
          callbacks: { onBatchEnd: (_b, l) => { losses.push(l.loss); } } });
        return { losses, prefetched, weights: task.model.parameters().map((p) => Array.from(p.data)) };
      };
      const a = await run(true), b = await run(false);
      expect(a.losses).toHaveLength(6);
      // Every batch but each epoch's first was prefetched; none without prefetch.
      expect(a.prefetched).toBe(4);
      expect(b.prefetched).toBe(0);
      expect(a.losses).toEqual(b.losses);
      expect(a.weights).toEqual(b.weights);
      await expect(fit(make(), small(64), { epochs: 1, batchSize: 32, prefetch: 'yes' as never, progress: false })).rejects.toThrow(/prefetch/);
    });
});
