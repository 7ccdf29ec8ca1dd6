// Fine-tuning on 1,000 embedded Fashion-MNIST training images with a tiny CNN: both modes beat
// chance (10%) clearly on 500 test images, are deterministic in the seed, and leave the caller's
// encoder exactly as it was (weights, BatchNorm statistics, gradients, train/eval flags).
import { describe, expect, it } from 'vitest';
import { fashionMnist } from '../../lib/data/fashion-mnist.js';
import { fineTune, stratifiedSubset } from '../../lib/eval/index.js';
import * as nn from '../../lib/nn/index.js';
import { Generator } from '../../lib/random.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { range } from './data.js';

function tinyCnn(seed = 0) {
  const g = new Generator(seed);
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1, generator: g }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1, generator: g }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(),
  ); // 16 × 7 × 7 = 784 features
}

function snapshot(m: nn.Module) {
  return {
    state: [...m.stateDict()].map(([k, v]) => [k, v instanceof Tensor ? Array.from(v.data) : v.value]),
    grads: m.parameters().map((p) => p.grad),
    flags: (m as nn.Sequential).layers.map((l) => l.training).concat(m.training),
  };
}

describe('fineTune', () => {
  const train = fashionMnist({ split: 'train' }), test = fashionMnist({ split: 'test' });
  const trainIndices = range(1000), testIndices = range(500);

  it('last layer: frozen random encoder + linear head beats chance, encoder untouched', () => {
    const enc = tinyCnn(1);
    const before = snapshot(enc);
    const t0 = performance.now();
    const r = fineTune(enc, train, test, { mode: 'last-layer', trainIndices, testIndices, epochs: 3, seed: 1, minSteps: 0 });
    console.log(`last-layer fine-tune (random-init encoder): ${(r.accuracy * 100).toFixed(1)}% in ${(performance.now() - t0).toFixed(0)} ms; epoch losses ${r.epochLosses.map((l) => l.toFixed(3)).join(' ')}`);
    expect(r.accuracy).toBeGreaterThan(0.5);
    expect(r.epochLosses[2]).toBeLessThan(r.epochLosses[0]);
    expect(r.encoder).toBeNull();
    expect(r.head.weight.shape).toEqual([10, 784]);
    expect(snapshot(enc)).toEqual(before);
    const again = fineTune(enc, train, test, { mode: 'last-layer', trainIndices, testIndices, epochs: 3, seed: 1, minSteps: 0 });
    expect(Array.from(again.predictions)).toEqual(Array.from(r.predictions));
    // Few labels: the default minSteps adds epochs (100 items, batch 64: 2 steps an epoch -> 150 epochs).
    const few = fineTune(enc, train, test, { mode: 'last-layer', trainIndices: range(100), testIndices, seed: 1 });
    expect(few.steps).toBe(300);
    expect(few.settings).toMatch(/150 ep \(300 steps\)/);
  });

  it('end to end: trains a copy (makeEncoder) or restores the encoder; beats chance clearly', () => {
    const enc = tinyCnn(2);
    enc.layers[1].eval(); // mixed flags must come back as they were
    const before = snapshot(enc);
    const t0 = performance.now();
    const r = fineTune(enc, train, test, { mode: 'end-to-end', trainIndices, testIndices, epochs: 2, seed: 2, minSteps: 0 });
    console.log(`end-to-end fine-tune: ${(r.accuracy * 100).toFixed(1)}% in ${(performance.now() - t0).toFixed(0)} ms; epoch losses ${r.epochLosses.map((l) => l.toFixed(3)).join(' ')}`);
    expect(r.accuracy).toBeGreaterThan(0.6);
    expect(r.steps).toBe(2 * 16);
    expect(r.encoder).toBeNull();
    expect(snapshot(enc)).toEqual(before);
    // With a factory the trained copy comes back; same seed → same result as the in-place run.
    const c = fineTune(enc, train, test, { mode: 'end-to-end', trainIndices, testIndices, epochs: 2, seed: 2, minSteps: 0, makeEncoder: () => tinyCnn(99) });
    expect(c.accuracy).toBe(r.accuracy);
    expect(c.encoder).not.toBeNull();
    expect(c.encoder).not.toBe(enc);
    expect(snapshot(enc)).toEqual(before);
    const w0 = (enc.layers[0] as nn.Conv2d).weight.data, w1 = (c.encoder as nn.Sequential).layers[0] as nn.Conv2d;
    expect(Array.from(w1.weight.data)).not.toEqual(Array.from(w0));
  });

  it('few labels: 10% stratified subset still beats chance', () => {
    const sub = stratifiedSubset(Int32Array.from(trainIndices, (i) => train.labels![i]), 0.1, 0);
    expect(Math.abs(sub.length - 100)).toBeLessThanOrEqual(5); // per-class rounding
    const r = fineTune(tinyCnn(3), train, test, { trainIndices: sub, testIndices, epochs: 5, batchSize: 20, seed: 3, minSteps: 0 });
    console.log(`10%-label fine-tune (last layer, ${sub.length} labels): ${(r.accuracy * 100).toFixed(1)}%`);
    expect(r.accuracy).toBeGreaterThan(0.35);
  });

  it('rejects bad input with errors naming the argument', () => {
    const enc = tinyCnn(4);
    expect(() => fineTune(enc, train, test, { mode: 'linear' as never })).toThrow(/mode/);
    expect(() => fineTune(enc, train, test, { epochs: 0 })).toThrow(/epochs/);
    expect(() => fineTune(enc, train, test, { minSteps: -1 })).toThrow(/minSteps/);
    expect(() => fineTune(enc, train, test, { lr: 0 })).toThrow(/lr/);
    expect(() => fineTune(enc, train, test, { trainIndices: [] })).toThrow(/trainIndices/);
    expect(() => fineTune(enc, train, test, { testIndices: [2000] })).toThrow(/testIndices\[0\]/);
    expect(() => fineTune(enc, train, test, { numClasses: 5, trainIndices: range(50) })).toThrow(/trainSet\.labels\[/);
    expect(() => fineTune(enc, train, test, { makeEncoder: 3 as never })).toThrow(/makeEncoder/);
    expect(() => fineTune(enc, train, test, { mode: 'end-to-end', trainIndices: range(4), testIndices: range(4), makeEncoder: () => enc })).toThrow(/makeEncoder/);
    expect(() => fineTune(enc, { ...train, labels: null }, test)).toThrow(/trainSet\.labels/);
    expect(() => fineTune(enc, train, test, { optimizer: 'adam' } as never)).toThrow(/Unknown option "optimizer"/);
  });
});
