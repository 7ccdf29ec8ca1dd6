// Frozen features: eval-mode outputs, batching, index selection, mode restoration, raw pixels.
import { describe, expect, it } from 'vitest';
import { fashionMnist, toFloatBatch } from '../../lib/data/fashion-mnist.js';
import { extractFeatures, rawPixels } from '../../lib/eval/index.js';
import * as nn from '../../lib/nn/index.js';
import { Generator } from '../../lib/random.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { expectClose } from '../helpers.js';

function tinyEncoder(seed: number) {
  const g = new Generator(seed);
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1, generator: g }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(4),
    new nn.Conv2d(4, 6, 3, { generator: g }), new nn.BatchNorm2d(6), new nn.ReLU(),
  ); // output (N, 6, 5, 5): flattened to 150 features
}

describe('extractFeatures', () => {
  const set = fashionMnist({ split: 'test' });
  const idx = Int32Array.from([5, 0, 17, 3, 99, 42, 7]);

  it('gives eval-mode outputs, flattened, for the chosen items in order, batch size irrelevant', () => {
    const enc = tinyEncoder(1);
    // Non-trivial running statistics so train and eval mode differ.
    noGrad(() => enc.forward(new Tensor(toFloatBatch(set, Int32Array.from({ length: 32 }, (_, i) => i)), [32, 1, 28, 28])));
    const f = extractFeatures(enc, set, { indices: idx, batchSize: 3 });
    expect(f.dim).toBe(150);
    expect(f.features.length).toBe(7 * 150);
    expect(Array.from(f.labels!)).toEqual(Array.from(idx, (i) => set.labels![i]));
    enc.eval();
    const direct = noGrad(() => enc.forward(new Tensor(toFloatBatch(set, idx), [7, 1, 28, 28])));
    expectClose(f.features, direct.data, 1e-5, 1e-6, 'features');
    const big = extractFeatures(enc, set, { indices: idx });
    expectClose(big.features, f.features, 1e-5, 1e-6, 'batch 256 vs 3');
  });

  it('restores each module\'s train/eval flag and keeps BatchNorm statistics untouched', () => {
    const enc = tinyEncoder(2);
    (enc.layers[5] as nn.Module).eval(); // a deliberately frozen BatchNorm inside a training model
    const flags = () => [enc.training, ...enc.layers.map((m) => m.training)];
    const before = flags();
    const stats = enc.namedBuffers().map(([k, v]) => [k, v instanceof Tensor ? Array.from(v.data) : v.value]);
    extractFeatures(enc, set, { indices: idx });
    expect(flags()).toEqual(before);
    expect(enc.training).toBe(true);
    expect(enc.namedBuffers().map(([k, v]) => [k, v instanceof Tensor ? Array.from(v.data) : v.value])).toEqual(stats);
    expect(enc.parameters().every((p) => p.grad === null)).toBe(true);
    // Restored even when the forward throws.
    const bad = new nn.Sequential(new nn.Linear(3, 2));
    expect(() => extractFeatures(bad, set, { indices: idx })).toThrow();
    expect(bad.training).toBe(true);
  });

  it('rejects bad input with errors naming the argument', () => {
    const enc = tinyEncoder(3);
    expect(() => extractFeatures({} as never, set)).toThrow(/encoder/);
    expect(() => extractFeatures(enc, { ...set, length: 0, images: new Uint8Array(0), labels: null })).toThrow(/set/);
    expect(() => extractFeatures(enc, set, { indices: [] })).toThrow(/indices/);
    expect(() => extractFeatures(enc, set, { indices: [0, set.length] })).toThrow(/indices\[1\]/);
    expect(() => extractFeatures(enc, set, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => extractFeatures(enc, set, { batch: 4 } as never)).toThrow(/Unknown option "batch"/);
  });
});

describe('rawPixels', () => {
  it('is the flattened pixels / 255', () => {
    const set = fashionMnist({ split: 'test' });
    const r = rawPixels(set, { indices: [3, 1] });
    expect(r.dim).toBe(784);
    expect(r.features[0]).toBeCloseTo(set.images[3 * 784] / 255, 7);
    expect(r.features[784 + 400]).toBeCloseTo(set.images[784 + 400] / 255, 7);
    expect(Array.from(r.labels!)).toEqual([set.labels![3], set.labels![1]]);
    expect(rawPixels(set).features.length).toBe(set.length * 784);
    expect(() => rawPixels(set, { indices: [-1] })).toThrow(/indices\[0\]/);
  });
});
