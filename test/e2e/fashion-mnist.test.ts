// Learning end to end: a small CNN trained from scratch with SGD on the embedded Fashion-MNIST
// sample (10,000 training images) for 400 steps must reach >= 85% accuracy on the 2,000 held-out
// test images, which it never sees during training.
import { describe, expect, it } from 'vitest';
import * as nn from '../../lib/nn/index.js';
import { crossEntropy } from '../../lib/ops/loss.js';
import { SGD } from '../../lib/optim/sgd.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { fashionMnist, toFloatBatch } from '../../lib/data/fashion-mnist.js';

describe('Fashion-MNIST from scratch', () => {
  it('reaches at least 85% held-out accuracy in 400 steps', () => {
    manualSeed(0);
    const train = fashionMnist({ split: 'train' });
    const test = fashionMnist({ split: 'test' });
    expect(train.length).toBe(10000);
    expect(test.length).toBe(2000);
    const net = new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10),
    );
    const opt = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 });
    const gen = new Generator(1);
    const B = 64;
    let perm = gen.permutation(train.length), pos = 0;
    const losses: number[] = [];
    for (let step = 0; step < 400; step++) {
      if (pos + B > perm.length) { perm = gen.permutation(train.length); pos = 0; }
      const idx = perm.subarray(pos, pos + B);
      pos += B;
      const x = new Tensor(toFloatBatch(train, idx), [B, 1, 28, 28]);
      const t = Int32Array.from(idx, (i) => train.labels![i]);
      opt.lr = step < 300 ? 0.05 : 0.01;
      opt.zeroGrad();
      const loss = crossEntropy(net.forward(x), t);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    net.eval();
    let correct = 0;
    noGrad(() => {
      for (let s = 0; s < test.length; s += 500) {
        const idx = Int32Array.from({ length: Math.min(500, test.length - s) }, (_, i) => s + i);
        const logits = net.forward(new Tensor(toFloatBatch(test, idx), [idx.length, 1, 28, 28]));
        for (let r = 0; r < idx.length; r++) {
          const row = logits.data.subarray(r * 10, r * 10 + 10);
          const pred = row.indexOf(Math.max(...row));
          if (pred === test.labels![idx[r]]) correct++;
        }
      }
    });
    const acc = correct / test.length;
    const first = losses.slice(0, 20).reduce((a, b) => a + b) / 20, last = losses.slice(-20).reduce((a, b) => a + b) / 20;
    console.log(`fashion-mnist: loss ${first.toFixed(3)} -> ${last.toFixed(3)}, held-out accuracy ${(100 * acc).toFixed(1)}%`);
    expect(last).toBeLessThan(first);
    expect(acc).toBeGreaterThanOrEqual(0.85);
  });
});
