// NextToken: the loss is the next byte's cross-entropy at every position, held-out bits per byte
// follow from it, a short training on the embedded fortunes sample gets far below a uniform guess
// (8 bits), and a run's checkpoint rebuilds the same model through taskFromConfig.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunTask } from '../../lib/cli/eval-command.js';
import type { Dataset } from '../../lib/data/dataset.js';
import { CausalConvNet } from '../../lib/nn/causal-conv.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { NextToken, shiftWindows, slidingWindows } from '../../lib/tasks/next-token.js';
import { stepGenerator } from '../../lib/train/step.js';
import { TASK_NAMES, taskFromConfig } from '../../lib/tasks/registry.js';
import { fortunesSample } from '../../lib/text/fortunes.js';
import { fit } from '../../lib/train/fit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-next-token-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const corpus = fortunesSample(); // context 64: windows of 65 bytes
const tiny = () => new NextToken({ model: new CausalConvNet({ channels: 8, dilations: [1, 2, 4] }, { generator: new Generator(2) }) });

// `count` training windows drawn at random (the windows come grouped by file).
function subset(set: Dataset, count: number, seed: number): Dataset {
  const W = set.shape[0], pick = new Generator(seed).permutation(set.length).subarray(0, count);
  const images = new Uint8Array(count * W);
  pick.forEach((p, i) => images.set(set.images.subarray(p * W, (p + 1) * W), i * W));
  return { images, labels: null, shape: [W], length: count, source: 'subset' };
}

describe('NextToken', () => {
  it('scores byte t + 1 from bytes 0..t at every position', () => {
    const task = tiny();
    const W = 9, N = 2, images = corpus.train.images.slice(0, N * W);
    const { inputs, targets } = shiftWindows(images, N, W);
    expect(Array.from(inputs)).toEqual([...images.subarray(0, 8), ...images.subarray(9, 17)]);
    expect(Array.from(targets)).toEqual([...images.subarray(1, 9), ...images.subarray(10, 18)]);
    // The mean of -log softmax(logits)[next byte], in float64 from the raw logits.
    const z = task.model.logits(inputs, N, W - 1).data;
    let sum = 0;
    for (let r = 0; r < N * (W - 1); r++) {
      const row = z.subarray(r * 256, (r + 1) * 256), m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      sum += lse - row[targets[r]];
    }
    const loss = task.loss({ images, shape: [N, W], indices: Int32Array.of(0, 1), labels: null }).item();
    expect(loss).toBeCloseTo(sum / (N * (W - 1)), 5);
  });

  it('evaluate: bits per byte = mean nats / ln 2 over every held-out window, whatever the batch size', () => {
    const task = tiny();
    const r = task.evaluate(corpus.test);
    expect(r.windows).toBe(corpus.test.length);
    expect(r.bitsPerByte).toBeCloseTo(r.loss / Math.LN2, 10);
    expect(r.bitsPerByte).toBeGreaterThan(7); // random init: about a uniform guess
    expect(task.evaluate(corpus.test, { batchSize: 7 }).loss).toBeCloseTo(r.loss, 5);
    expect(task.evaluate(corpus.test, { limit: 10 }).windows).toBe(10);
    expect(task.model.training).toBe(true); // the mode is restored
  });

  it('sliding windows score every byte after the first exactly once, each from at least L - stride bytes (or all before it)', () => {
    for (const [n, L, stride] of [[2, 8, 4], [9, 8, 4], [10, 8, 4], [57, 8, 4], [57, 8, 1], [57, 8, 8], [100, 16, 5], [5, 64, 32]]) {
      const seen = new Int32Array(n);
      for (const w of slidingWindows(n, L, stride)) {
        expect(w.length).toBeGreaterThan(0);
        expect(w.length).toBeLessThanOrEqual(L);
        expect(w.start + w.length).toBeLessThanOrEqual(n - 1);
        for (let t = w.scoreFrom; t < w.length; t++) {
          const p = w.start + t + 1; // the byte output t predicts, from bytes start ... p - 1
          seen[p]++;
          expect(p - w.start, `n ${n} L ${L} stride ${stride}: byte ${p}`).toBeGreaterThanOrEqual(Math.min(p, L - stride + 1));
        }
      }
      expect(seen[0]).toBe(0);
      for (let p = 1; p < n; p++) expect(seen[p], `n ${n} L ${L} stride ${stride}: byte ${p}`).toBe(1);
    }
  });

  it('document bits per byte: one whole forward per short document, a per-byte window for long ones', () => {
    const task = tiny();
    task.model.train(false);
    const L = 16, docs = [corpus.test.texts[0].subarray(0, 12), corpus.test.texts[1].subarray(0, 17), corpus.test.texts[2].subarray(0, 45), Uint8Array.of(65)];
    const W = L + 1;
    const set = { images: docs[1].slice(0, W), labels: null, shape: [W], length: 1, source: 'docs', texts: docs };
    // Independent reference: byte p of a document from its previous min(p, L) bytes (stride 1:
    // the one window that ends just before p), in float64 from the raw logits.
    const nll = (row: Float32Array, y: number) => {
      const m = Math.max(...row);
      return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - row[y];
    };
    let nats = 0, count = 0;
    for (const d of docs)
      for (let p = 1; p < d.length; p++) {
        const a = Math.max(0, p - L), ctx = d.subarray(a, p);
        const z = task.model.logits(ctx, 1, ctx.length).data;
        nats += nll(z.subarray((ctx.length - 1) * 256, ctx.length * 256), d[p]);
        count++;
      }
    task.model.train(true);
    const r = task.evaluate(set, { slidingStride: 1, batchSize: 3 });
    expect(r.documentBytes).toBe(count);
    expect(r.documentBitsPerByte!).toBeCloseTo(nats / count / Math.LN2, 4);
    expect(task.evaluate(set, { slidingStride: 1, batchSize: 50 }).documentBitsPerByte!).toBeCloseTo(r.documentBitsPerByte!, 4);
    // Default stride L / 2: the same bytes, scored from less context on average.
    expect(task.evaluate(set).documentBytes).toBe(count);
    expect(() => task.evaluate(set, { slidingStride: 17 })).toThrow(/slidingStride/);
    expect(() => task.evaluate({ ...set, texts: ['abc'] } as never)).toThrow(/set\.texts/);
    // The corpus' held-out split carries its documents, so evaluate scores them.
    expect(corpus.test.texts.length).toBeGreaterThan(corpus.test.length / 10);
    const limited = task.evaluate(corpus.test, { limit: 2 });
    expect(limited.documentBitsPerByte).toBeGreaterThan(7);
    expect(limited.documentBytes).toBe(corpus.test.texts[0].length + corpus.test.texts[1].length - 2); // limit caps the documents too
  });

  it('dropout in a step comes from the step generator: the same step gives the same loss', () => {
    const task = new NextToken({ model: new CausalConvNet({ channels: 8, dilations: [1, 2], dropout: 0.5 }, { generator: new Generator(2) }) });
    const W = 17, images = corpus.train.images.slice(0, 4 * W), batch = { images, shape: [4, W], indices: Int32Array.of(0, 1, 2, 3), labels: null };
    const ctx = (step: number) => ({ step, epoch: 0, totalSteps: 10, generator: stepGenerator(0, step) });
    const a = task.loss(batch, ctx(3)).item();
    expect(task.loss(batch, ctx(3)).item()).toBe(a);
    expect(task.loss(batch, ctx(4)).item()).not.toBe(a);
    task.model.train(false);
    const clean = task.loss(batch, ctx(3)).item();
    expect(task.loss(batch, ctx(4)).item()).toBe(clean);
    expect(TASK_NAMES).toContain('next-token');
    expect((taskFromConfig(JSON.parse(JSON.stringify(task.config()))) as NextToken).model.spec.dropout).toBe(0.5);
    // Without dropout the config is what it was before the option existed, so older runs resume.
    const plain = new NextToken({ spec: { channels: 8 } });
    expect(plain.config().model).not.toHaveProperty('dropout');
    expect((taskFromConfig(plain.config()) as NextToken).model.spec.dropout).toBe(0);
  });

  it('rejects item shapes that are not byte windows, and bad evaluate input', async () => {
    const task = tiny();
    for (const shape of [[1], [1, 28, 28], []]) expect(() => task.checkInput(shape)).toThrow(/dataset\.shape/);
    const images: Dataset = { images: new Uint8Array(4 * 3 * 8 * 8), labels: null, shape: [3, 8, 8], length: 4, source: 'images' };
    await expect(fit(task, images, { epochs: 1, batchSize: 2, progress: false })).rejects.toThrow(/dataset\.shape/);
    expect(() => task.evaluate(images)).toThrow(/set\.shape/);
    expect(() => task.evaluate(corpus.test, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => task.evaluate(corpus.test, { limit: 0 })).toThrow(/limit/);
    expect(() => task.evaluate(corpus.test, { batch: 4 } as never)).toThrow(/Unknown option "batch"/);
    expect(() => task.evaluate(null as never)).toThrow(/set/);
    expect(() => new NextToken({ model: {} as never })).toThrow(/model/);
    expect(() => new NextToken({ model: new CausalConvNet({ channels: 4 }), spec: {} })).toThrow(/not both/);
  });

  it('30 steps of a tiny model on the fortunes sample: held-out bits per byte below 5, checkpoint rebuilt by taskFromConfig', async () => {
    manualSeed(0);
    const task = new NextToken({ spec: { channels: 16 } });
    const before = task.evaluate(corpus.test).bitsPerByte;
    const runDir = path.join(root, 'run');
    const r = await fit(task, subset(corpus.train, 480, 1), { epochs: 1, batchSize: 16, optimizer: 'adamw', lr: 1e-2,
      schedule: 'constant', runDir, progress: false });
    expect(r.steps).toBe(30);
    const after = task.evaluate(corpus.test);
    // Uniform over 256 bytes is 8 bits; byte frequencies alone give about 4.5 on English text.
    expect(before).toBeGreaterThan(7.5);
    expect(after.bitsPerByte, `held-out bits per byte ${before} -> ${after.bitsPerByte}`).toBeLessThan(5);
    expect(after.bitsPerByte).toBeGreaterThan(1); // a model that peeked at its targets would go lower

    expect(TASK_NAMES).toContain('next-token');
    const rebuilt = taskFromConfig(JSON.parse(JSON.stringify(task.config())));
    expect(rebuilt).toBeInstanceOf(NextToken);
    expect((rebuilt as NextToken).model.spec).toEqual(task.model.spec);
    const loaded = loadRunTask(runDir).task as NextToken;
    expect(loaded).toBeInstanceOf(NextToken);
    expect(loaded.evaluate(corpus.test).loss).toBe(after.loss);
  });
});
