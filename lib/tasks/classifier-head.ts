// Shared pieces of the classification pretext tasks (rotation, relative position, jigsaw): the
// model (encoder + head, whose forward gives the encoder's features, the part that transfers) and
// pretext accuracy on held-out images, measured with the same sampling as training but a fixed seed.
import type { ImageSet } from '../data/fashion-mnist.js';
import { ConvEncoder } from '../nn/encoders.js';
import { Module } from '../nn/module.js';
import { Generator } from '../random.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions, invalidParameter } from '../validate.js';
import type { Batch } from './task.js';

export class EncoderWithHead extends Module {
  constructor(readonly encoder: ConvEncoder, readonly head: Module) {
    super();
    this.registerModule('encoder', encoder);
    this.registerModule('head', head);
  }
  forward(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
}

// One batch through a classification pretext task, sampled as evaluate() samples it: the network's
// input (the rotations, patch pairs or tiles), its logits and labels, and for the patch tasks where
// each patch came from (`record`, patchRecordSize floats per sample; lib/pretext/patches.ts).
export interface PretextPrediction {
  inputs: Tensor;
  logits: Tensor;
  labels: Int32Array;
  record: Float32Array | null;
}

// `forward()` in eval mode without a graph, the mode restored after (the tasks' predict()).
export function predictInEvalMode(model: Module, forward: () => PretextPrediction): PretextPrediction {
  const wasTraining = model.training;
  model.train(false);
  try {
    return noGrad(forward);
  } finally {
    model.train(wasTraining);
  }
}

export interface PretextEvalOptions {
  seed?: number;
  batchSize?: number;
  limit?: number; // at most this many images
}

// Runs `logits(batch, generator)` over the set in eval mode and counts correct argmaxes.
export function pretextAccuracy(model: Module, set: ImageSet, opts: PretextEvalOptions | undefined,
  logits: (batch: Batch, g: Generator) => { logits: Tensor; labels: Int32Array }): { accuracy: number; samples: number } {
  const o = checkOptions<PretextEvalOptions>('options', opts, ['seed', 'batchSize', 'limit']);
  if (set === null || typeof set !== 'object' || !(set.images instanceof Uint8Array)) throw invalidParameter('set', 'ImageSet', set);
  const seed = checkInt('seed', o.seed ?? 12345), B = checkInt('batchSize', o.batchSize ?? 256, 1);
  const n = Math.min(set.length, checkInt('limit', o.limit ?? set.length, 1));
  const g = new Generator(seed);
  const [C, H, W] = set.shape, per = C * H * W;
  const wasTraining = model.training;
  model.train(false);
  let correct = 0, total = 0;
  try {
    noGrad(() => {
      for (let s = 0; s < n; s += B) {
        const m = Math.min(B, n - s);
        const batch: Batch = { images: set.images.subarray(s * per, (s + m) * per), shape: [m, C, H, W],
          indices: Int32Array.from({ length: m }, (_, i) => s + i), labels: null };
        const { logits: z, labels } = logits(batch, g);
        const K = z.shape[1];
        for (let r = 0; r < labels.length; r++) {
          let best = 0;
          for (let k = 1; k < K; k++) if (z.data[r * K + k] > z.data[r * K + best]) best = k;
          correct += best === labels[r] ? 1 : 0;
        }
        total += labels.length;
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { accuracy: correct / total, samples: total };
}
