// A short SimCLR run on the embedded data must improve the kNN accuracy of its encoder over the
// same encoder at random init, on held-out test images (the embedded sample's test split).
import { describe, expect, it } from 'vitest';
import { Augment } from '../../lib/augment/pipeline.js';
import { fashionMnist, type ImageSet } from '../../lib/data/fashion-mnist.js';
import { extractFeatures } from '../../lib/eval/features.js';
import { knn } from '../../lib/eval/knn.js';
import { ConvEncoder, ENCODER_PRESETS } from '../../lib/nn/encoders.js';
import { manualSeed } from '../../lib/random.js';
import { SimCLR } from '../../lib/tasks/simclr.js';
import { fit } from '../../lib/train/fit.js';

function first(set: ImageSet, n: number): ImageSet {
  return { ...set, images: set.images.subarray(0, n * 784), labels: set.labels!.subarray(0, n), length: n };
}

describe('SimCLR learns', () => {
  it('a short run beats random init on held-out kNN accuracy', async () => {
    const train = first(fashionMnist({ split: 'train' }), 3000), test = first(fashionMnist({ split: 'test' }), 1000);
    const knnAcc = (e: ConvEncoder) => {
      const a = extractFeatures(e, train), b = extractFeatures(e, test);
      return knn(a.features, a.labels!, b.features, b.labels!, { k: [20] }).results[0].accuracy;
    };
    manualSeed(0);
    const encoder = new ConvEncoder({ inChannels: 1, ...ENCODER_PRESETS.small });
    const before = knnAcc(encoder);
    const augment = new Augment({ crop: { scale: [0.3, 1] }, hflip: 0.5, translate: 2 / 28, colorJitter: { p: 0.8, brightness: 0.4, contrast: 0.4 } });
    await fit(new SimCLR({ encoder, temperature: 0.2, augment }), train, { epochs: 3, batchSize: 128, seed: 1, progress: false });
    const after = knnAcc(encoder);
    console.log(`kNN-20 on 1,000 held-out images: random init ${(100 * before).toFixed(1)}%, after 3 SimCLR epochs ${(100 * after).toFixed(1)}%`);
    expect(after).toBeGreaterThan(before + 0.01);
  });
});
