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
import { NextToken, shiftWindows } from '../../lib/tasks/next-token.js';
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
