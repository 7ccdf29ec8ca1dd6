// Next-token prediction on bytes: each batch item is a window of L + 1 bytes; the causal network
// reads the first L and is scored by cross-entropy on the next byte at every position (targets:
// the window shifted by one), so one window gives L predictions. Held-out quality is bits per
// byte: the mean cross-entropy in nats / ln 2 (8 for a uniform guess over 256 byte values).
import type { Dataset } from '../data/dataset.js';
import { itemSize } from '../data/dataset.js';
import { CausalConvNet, type CausalConvSpec } from '../nn/causal-conv.js';
import { crossEntropy } from '../ops/loss.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import type { Batch, Task } from './task.js';

export interface NextTokenOptions {
  model?: CausalConvNet;   // default: new CausalConvNet(spec)
  spec?: CausalConvSpec;   // when no model is given
}

export interface NextTokenEvalOptions {
  seed?: number;           // accepted for the Task interface; nothing here is random
  batchSize?: number;
  limit?: number;          // at most this many windows (the first ones)
}

// Inputs (N * L token ids) and targets (N * L next tokens) of N windows of W = L + 1 bytes.
export function shiftWindows(bytes: Uint8Array, N: number, W: number): { inputs: Uint8Array; targets: Int32Array } {
  const L = W - 1;
  const inputs = new Uint8Array(N * L), targets = new Int32Array(N * L);
  for (let n = 0; n < N; n++) {
    inputs.set(bytes.subarray(n * W, n * W + L), n * L);
    for (let t = 0; t < L; t++) targets[n * L + t] = bytes[n * W + t + 1];
  }
  return { inputs, targets };
}

export class NextToken implements Task {
  readonly name = 'next-token';
  // The whole network transfers (forward: mean-pooled hidden features), so encoder = model.
  readonly encoder: CausalConvNet;
  readonly model: CausalConvNet;

  constructor(opts: NextTokenOptions = {}) {
    const o = checkOptions<NextTokenOptions>('options', opts, ['model', 'spec']);
    if (o.model !== undefined && o.spec !== undefined) throw new TypeError('NextToken: give options.model or options.spec, not both');
    if (o.model !== undefined && !(o.model instanceof CausalConvNet)) throw invalidParameter('model', 'CausalConvNet (nn.causalConvNet)', o.model);
    this.model = o.model ?? new CausalConvNet(o.spec);
    this.encoder = this.model;
  }

  checkInput(shape: readonly number[], name = 'dataset.shape'): void {
    if (!Array.isArray(shape) || shape.length !== 1 || !(Number.isInteger(shape[0]) && shape[0] >= 2))
      throw outOfRange(name, '[L + 1]: byte windows of at least 2 bytes (text.textFiles)', Array.isArray(shape) ? `[${shape.join(', ')}]` : shape);
  }

  private logitsAndTargets(images: Uint8Array, shape: readonly number[]): { logits: Tensor; targets: Int32Array } {
    this.checkInput(shape.slice(1), 'batch.shape');
    const [N, W] = shape;
    const { inputs, targets } = shiftWindows(images, N, W);
    return { logits: this.model.logits(inputs, N, W - 1), targets };
  }

  loss(batch: Batch): Tensor {
    const { logits, targets } = this.logitsAndTargets(batch.images, batch.shape);
    return crossEntropy(logits, targets);
  }

  // Mean next-byte cross-entropy over every position of the held-out windows, in eval mode.
  evaluate(set: Dataset, opts?: NextTokenEvalOptions): { bitsPerByte: number; loss: number; windows: number } {
    const o = checkOptions<NextTokenEvalOptions>('options', opts, ['seed', 'batchSize', 'limit']);
    if (set === null || typeof set !== 'object' || !(set.images instanceof Uint8Array) || !Array.isArray(set.shape))
      throw invalidParameter('set', 'Dataset of byte windows (text.textFiles(...).test)', set);
    this.checkInput(set.shape, 'set.shape');
    if (o.seed !== undefined) checkInt('seed', o.seed);
    checkInt('set.length', set.length, 1);
    if (set.images.length !== set.length * itemSize(set.shape))
      throw outOfRange('set.images', `${set.length} × ${set.shape[0]} bytes`, set.images);
    const B = checkInt('batchSize', o.batchSize ?? 64, 1);
    const n = Math.min(set.length, checkInt('limit', o.limit ?? set.length, 1));
    const W = set.shape[0], per = itemSize(set.shape);
    const wasTraining = this.model.training;
    this.model.train(false);
    let total = 0;
    try {
      noGrad(() => {
        for (let s = 0; s < n; s += B) {
          const m = Math.min(B, n - s);
          const { logits, targets } = this.logitsAndTargets(set.images.subarray(s * per, (s + m) * per), [m, W]);
          total += crossEntropy(logits, targets).item() * m; // equal positions per window: weight by windows
        }
      });
    } finally {
      this.model.train(wasTraining);
    }
    const loss = total / n;
    return { bitsPerByte: loss / Math.LN2, loss, windows: n };
  }

  config(): Record<string, unknown> {
    return { task: this.name, model: this.model.spec };
  }
}

export const nextToken = (opts?: NextTokenOptions) => new NextToken(opts);
