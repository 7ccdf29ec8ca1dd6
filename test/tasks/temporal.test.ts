// Temporal reconstruction: a step reaches every parameter (with and without the input skip); a
// short training (28 steps) on 64 tiny clips lowers the loss and ends below both baselines (copy the last
// visible frame, mean of the visible frames) on held-out clips; hidden frames never reach the
// model's input; the hidden draw is seeded; the baselines and PSNR match hand-computed values; a
// config rebuilds the same task (same loss); bad shapes and options are named before any work.
import { describe, expect, it } from 'vitest';
import { Loader } from '../../lib/data/loader.js';
import { VideoEncoder } from '../../lib/nn/video-encoder.js';
import { catChannels } from '../../lib/ops/concat.js';
import { gatherFrames } from '../../lib/ops/frames.js';
import { sum } from '../../lib/ops/elementwise.js';
import { AdamW } from '../../lib/optim/adamw.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { taskFromConfig, TASK_NAMES } from '../../lib/tasks/registry.js';
import type { Batch } from '../../lib/tasks/task.js';
import { TemporalReconstruction } from '../../lib/tasks/temporal.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { caught } from '../helpers.js';
import { tinyClips, tinyEncoder } from './clips.js';

const ctx = (step: number, seed = 100) => ({ step, epoch: 0, totalSteps: 100, generator: new Generator(seed + step) });
const batchOf = (set: ReturnType<typeof tinyClips>, n: number): Batch => new Loader(set, { batchSize: n, shuffle: false }).batch(new Loader(set, { batchSize: n, shuffle: false }).order(0), 0);

describe('temporal reconstruction', () => {
  it('a step reaches every parameter, with and without the input skip', () => {
    const b = batchOf(tinyClips(4, 1), 4);
    for (const skip of [true, false]) {
      manualSeed(1);
      const task = new TemporalReconstruction({ encoder: tinyEncoder([4, 8, 8]), decoderWidth: 4, skip });
      const loss = task.loss(b, ctx(0));
      expect(Number.isFinite(loss.item())).toBe(true);
      loss.backward();
      for (const [name, p] of task.model.namedParameters()) {
        expect(p.grad, `${name} (skip ${skip})`).not.toBeNull();
        expect(p.grad!.some((v) => v !== 0), `${name} (skip ${skip})`).toBe(true);
      }
    }
  });

  it('28 steps on 64 clips lower the loss and beat both baselines on held-out clips', () => {
    manualSeed(0);
    const train = tinyClips(64, 1), test = tinyClips(48, 2);
    const task = new TemporalReconstruction({ encoder: tinyEncoder([8, 16, 16]), decoderWidth: 8, hidden: 2 });
    const opt = new AdamW(task.model.parameters(), { lr: 5e-3 });
    const loader = new Loader(train, { batchSize: 16, seed: 1, dropLast: true });
    const losses: number[] = [];
    for (let e = 0, s = 0; e < 7; e++)
      for (const b of loader.epoch(e)) {
        opt.zeroGrad();
        const loss = task.loss(b, ctx(s++));
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(losses.slice(-8))).toBeLessThan(0.3 * mean(losses.slice(0, 4)));
    const r = task.evaluate(test);
    expect(r.clips).toBe(48);
    expect(r.hiddenFrames).toBe(96);
    // The baselines are the real thing here: a blurry guess of the background alone does worse.
    expect(r.mse).toBeLessThan(r.meanVisibleMse);
    expect(r.mse).toBeLessThan(r.copyLastMse);
    expect(r.psnr).toBeGreaterThan(r.meanVisiblePsnr);
    expect(task.evaluate(test)).toEqual(r); // fixed seed: the same hidden frames every time
  });

  it('hidden frames never reach the input; the mask marks them; the draw is seeded', () => {
    const task = new TemporalReconstruction({ encoder: tinyEncoder([4, 4, 4]), hidden: 2, decoderWidth: 4 });
    const b = batchOf(tinyClips(8, 3), 8), [N, C, T, H, W] = b.shape, S = H * W;
    const hidden = task.hiddenFrames(N, T, new Generator(5));
    expect(hidden).toEqual(task.hiddenFrames(N, T, new Generator(5)));
    expect(hidden).not.toEqual(task.hiddenFrames(N, T, new Generator(6)));
    const scrambled = b.images.slice();
    for (let n = 0; n < N; n++) {
      const h = Array.from(hidden.subarray(2 * n, 2 * n + 2));
      expect(h[0]).toBeLessThan(h[1]);
      for (const t of h) for (let p = 0; p < S; p++) scrambled[((n * C) * T + t) * S + p] = (p * 37 + n) % 256;
    }
    expect(Buffer.from(scrambled).equals(Buffer.from(b.images))).toBe(false);
    const x = task.maskedInput(b, hidden), y = task.maskedInput({ ...b, images: scrambled }, hidden);
    expect(x.shape).toEqual([N, C + 1, T, H, W]);
    expect(y.data).toEqual(x.data);
    for (let n = 0; n < N; n++)
      for (let t = 0; t < T; t++) {
        const isHidden = hidden[2 * n] === t || hidden[2 * n + 1] === t;
        const mask = x.data.subarray(((n * 2 + 1) * T + t) * S, ((n * 2 + 1) * T + t + 1) * S);
        expect(mask.every((v) => v === (isHidden ? 0 : 1))).toBe(true);
      }
    // The loss itself does see the scrambled frames: they are its targets.
    const g = () => ctx(0, 7);
    expect(task.loss({ ...b, images: scrambled }, g()).item()).not.toBe(task.loss(b, g()).item());
    // 'last' hides the last K frames of every clip.
    const last = new TemporalReconstruction({ encoder: tinyEncoder([4, 4, 4]), hidden: 2, mode: 'last', decoderWidth: 4 });
    expect(Array.from(last.hiddenFrames(3, 6, new Generator(0)))).toEqual([4, 5, 4, 5, 4, 5]);
  });

  it('baselines and PSNR match hand-computed values', () => {
    // Frames of constant value v_t; T = 4. 'last' with K = 1 hides frame 3: copy-last copies frame
    // 2, mean-visible is the mean of frames 0..2.
    const v = [40, 80, 100, 200], T = 4, S = 16 * 16;
    const images = new Uint8Array(T * S);
    v.forEach((x, t) => images.fill(x, t * S, (t + 1) * S));
    const set = { images, labels: null, shape: [1, T, 16, 16], length: 1, source: 'memory' };
    const task = new TemporalReconstruction({ encoder: tinyEncoder([4, 4, 4]), hidden: 1, mode: 'last', decoderWidth: 4 });
    const r = task.evaluate(set);
    expect(r.copyLastMse).toBeCloseTo(((200 - 100) / 255) ** 2, 6);
    expect(r.meanVisibleMse).toBeCloseTo(((200 - (40 + 80 + 100) / 3) / 255) ** 2, 6);
    expect(r.copyLastPsnr).toBeCloseTo(10 * Math.log10(1 / ((100 / 255) ** 2)), 4);
    // With frame 0 hidden, "copy last" has nothing earlier and copies the nearest later frame.
    const rnd = new TemporalReconstruction({ encoder: tinyEncoder([4, 4, 4]), hidden: 3, decoderWidth: 4 });
    const hid = rnd.hiddenFrames(1, T, new Generator(12345));
    const visible = [0, 1, 2, 3].find((t) => !hid.includes(t))!;
    const want = [0, 1, 2, 3].filter((t) => t !== visible).map((t) => ((v[t] - v[visible]) / 255) ** 2);
    const r2 = rnd.evaluate(set);
    expect(r2.copyLastMse).toBeCloseTo(want.reduce((a, b) => a + b) / 3, 6);
    expect(r2.meanVisibleMse).toBeCloseTo(r2.copyLastMse, 6); // one visible frame: both baselines agree
  });

  it('a config rebuilds the same task: same loss from the same state', () => {
    manualSeed(4);
    const task = new TemporalReconstruction({ encoder: tinyEncoder([4, 8, 8]), hidden: 3, mode: 'last', loss: 'l1', decoderWidth: 6, skip: false });
    const config = JSON.parse(JSON.stringify(task.config()));
    expect(config).toMatchObject({ task: 'temporal', hidden: 3, mode: 'last', loss: 'l1', decoderWidth: 6, skip: false });
    expect(TASK_NAMES).toContain('temporal');
    const copy = taskFromConfig(config) as TemporalReconstruction;
    expect(copy).toBeInstanceOf(TemporalReconstruction);
    expect(copy.config()).toEqual(task.config());
    copy.model.loadStateDict(new Map([...task.model.stateDict()].map(([k, v]) =>
      [k, v instanceof Tensor ? { shape: v.shape, data: v.data } : { shape: [], data: [v.value] }])));
    const b = batchOf(tinyClips(4, 9), 4);
    expect(copy.loss(b, ctx(3)).item()).toBe(task.loss(b, ctx(3)).item());
  });

  it('gatherFrames and catChannels move values and gradients where they belong', () => {
    const x = new Tensor(Float32Array.from({ length: 2 * 1 * 3 * 2 }, (_, i) => i), [2, 1, 3, 1, 2], true);
    const g = gatherFrames(x, [2, 0, 1, 1], 2);
    expect(g.shape).toEqual([2, 1, 2, 1, 2]);
    expect(Array.from(g.data)).toEqual([4, 5, 0, 1, 8, 9, 8, 9]);
    sum(g).backward();
    expect(Array.from(x.grad!)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0]); // frame 1 of clip 1 picked twice
    expect(caught(() => gatherFrames(x, [3, 0, 1, 1], 2)).message).toMatch(/frames\[0\]/);
    const a = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 1, 2], true), c = new Tensor(new Float32Array([5, 6, 7, 8, 9, 10, 11, 12]), [2, 2, 2], true);
    const y = catChannels([a, c]);
    expect(Array.from(y.data)).toEqual([1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]);
    sum(y).backward();
    expect(Array.from(a.grad!)).toEqual([1, 1, 1, 1]);
    expect(c.grad!.length).toBe(8);
    expect(caught(() => catChannels([a, new Tensor(new Float32Array(6), [2, 1, 3])])).message).toMatch(/xs\[1\]/);
  });

  it('names bad shapes, K >= T and bad options before any work', () => {
    const task = new TemporalReconstruction({ encoder: tinyEncoder([4, 4, 4]), hidden: 6, decoderWidth: 4 });
    const kt = caught(() => task.checkInput([1, 6, 16, 16])).message;
    expect(kt).toMatch(/hidden < frames/);
    expect(kt).toMatch(/6 frames per clip.*for hidden but received 6/);
    const ok = new TemporalReconstruction({ encoder: tinyEncoder([4, 4, 4]), decoderWidth: 4 });
    expect(caught(() => ok.checkInput([1, 28, 28])).message).toMatch(/clips \[C, T, H, W\]/);
    expect(caught(() => ok.checkInput([1, 6, 18, 16])).message).toMatch(/multiples of the encoder's total stride 4.*18x16/);
    expect(caught(() => ok.checkInput([3, 6, 16, 16])).message).toMatch(/1 channel.*3 channels/);
    expect(caught(() => ok.loss({ images: new Uint8Array(4 * 784), shape: [4, 1, 28, 28], indices: new Int32Array(4), labels: null }, ctx(0))).message)
      .toMatch(/clips \[C, T, H, W\]/);
    expect(caught(() => ok.evaluate({ images: new Uint8Array(784), labels: null, shape: [1, 28, 28], length: 1, source: 'x' })).message).toMatch(/clips/);
    expect(caught(() => new TemporalReconstruction({ encoder: new VideoEncoder({ inChannels: 1 }) })).message).toMatch(/visibilityMask: true/);
    expect(caught(() => new TemporalReconstruction({ encoder: new VideoEncoder({ inChannels: 1, visibilityMask: true, widths: [4], strides: [[2, 2, 2]] }) })).message).toMatch(/time strides of 1/);
    expect(caught(() => new TemporalReconstruction({ encoder: new VideoEncoder({ inChannels: 1, visibilityMask: true, widths: [4], strides: [[1, 3, 3]] }) })).message).toMatch(/power of 2/);
    expect(caught(() => new TemporalReconstruction({ encoder: {} as never })).message).toMatch(/VideoEncoder \(nn.videoEncoder\) for encoder/);
    expect(caught(() => new TemporalReconstruction({ hidden: 0 })).message).toMatch(/for hidden/);
    expect(caught(() => new TemporalReconstruction({ mode: 'middle' as never })).message).toMatch(/random, last for mode/);
    expect(caught(() => new TemporalReconstruction({ loss: 'l3' as never })).message).toMatch(/l1, l2 for loss/);
    expect(caught(() => new TemporalReconstruction({ skip: 1 as never })).message).toMatch(/boolean for skip/);
    expect(caught(() => new TemporalReconstruction({ hiden: 2 } as never)).message).toMatch(/Unknown option "hiden"/);
  });
});
