// Next-token prediction on bytes: each batch item is a window of L + 1 bytes; the causal network
// reads the first L and is scored by cross-entropy on the next byte at every position (targets:
// the window shifted by one), so one window gives L predictions. Held-out quality is bits per
// byte: the mean cross-entropy in nats / ln 2 (8 for a uniform guess over 256 byte values), over
// the held-out windows as they are (a byte near a window's start is predicted from few bytes) and
// over whole held-out documents with sliding windows (every byte predicted from at least half a
// context of the bytes before it, as language models are usually scored).
import type { Dataset } from '../data/dataset.js';
import { itemSize } from '../data/dataset.js';
import { CausalConvNet, type CausalConvSpec } from '../nn/causal-conv.js';
import { crossEntropy } from '../ops/loss.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import type { Generator } from '../random.js';
import type { Batch, StepContext, Task } from './task.js';

export interface NextTokenOptions {
  model?: CausalConvNet;   // default: new CausalConvNet(spec)
  spec?: CausalConvSpec;   // when no model is given
}

export interface NextTokenEvalOptions {
  seed?: number;           // accepted for the Task interface; nothing here is random
  batchSize?: number;
  limit?: number;          // at most this many windows and this many documents (the first ones)
  slidingStride?: number;  // documents: bytes between sliding-window starts, in [1, L] (default L / 2)
}

// A type, not an interface: Task.evaluate returns Record<string, number>.
export type NextTokenMetrics = {
  bitsPerByte: number;     // held-out windows, each scored at every position
  loss: number;            // the same in nats
  windows: number;
  // Whole held-out documents (when the set carries them: text.textFiles) in windows of the set's
  // context L sliding by `slidingStride`: each byte scored once, from min(its position, L - stride)
  // to L - 1 bytes before it. Windows no longer than the training context keep every prediction
  // within what the model was trained on.
  documentBitsPerByte?: number;
  documentBytes?: number;  // bytes scored (all but each document's first)
};

// Sliding windows over one document of n bytes for a context of L input bytes: window k reads
// bytes [a, a + m) (a = k * stride, m <= L) and predicts bytes a + 1 ... a + m, of which it scores
// those after the previous window's last prediction.
export function slidingWindows(n: number, L: number, stride: number): { start: number; length: number; scoreFrom: number }[] {
  const out: { start: number; length: number; scoreFrom: number }[] = [];
  let scored = 0; // last byte scored so far (byte 0 is never a target)
  for (let a = 0; scored < n - 1; a += stride) {
    const m = Math.min(L, n - 1 - a);
    out.push({ start: a, length: m, scoreFrom: scored - a }); // output t predicts byte a + t + 1
    scored = a + m;
  }
  return out;
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

  private logitsAndTargets(images: Uint8Array, shape: readonly number[], generator?: Generator): { logits: Tensor; targets: Int32Array } {
    this.checkInput(shape.slice(1), 'batch.shape');
    const [N, W] = shape;
    const { inputs, targets } = shiftWindows(images, N, W);
    return { logits: this.model.logits(inputs, N, W - 1, generator), targets };
  }

  // The step's generator draws the dropout masks, so a resumed run repeats them.
  loss(batch: Batch, ctx?: StepContext): Tensor {
    const { logits, targets } = this.logitsAndTargets(batch.images, batch.shape, ctx?.generator);
    return crossEntropy(logits, targets);
  }

  // Summed next-byte cross-entropy (nats, float64) of whole documents under sliding windows of L
  // input bytes, batched B windows at a time (padded on the right: causality keeps the padding
  // away from every real position). Eval mode is the caller's business.
  private documentNats(texts: readonly Uint8Array[], L: number, stride: number, B: number): { nats: number; bytes: number } {
    const jobs: { text: Uint8Array; start: number; length: number; scoreFrom: number }[] = [];
    for (const text of texts) if (text.length >= 2) for (const w of slidingWindows(text.length, L, stride)) jobs.push({ text, ...w });
    const V = this.model.spec.vocab;
    let nats = 0, bytes = 0;
    for (let s = 0; s < jobs.length; s += B) {
      const batch = jobs.slice(s, s + B), N = batch.length;
      const inputs = new Uint8Array(N * L);
      batch.forEach((j, n) => inputs.set(j.text.subarray(j.start, j.start + j.length), n * L));
      const z = this.model.logits(inputs, N, L).data;
      batch.forEach((j, n) => {
        for (let t = j.scoreFrom; t < j.length; t++) {
          const row = z.subarray((n * L + t) * V, (n * L + t + 1) * V);
          let m = -Infinity;
          for (let v = 0; v < V; v++) if (row[v] > m) m = row[v];
          let e = 0;
          for (let v = 0; v < V; v++) e += Math.exp(row[v] - m);
          nats += m + Math.log(e) - row[j.text[j.start + t + 1]];
          bytes++;
        }
      });
    }
    return { nats, bytes };
  }

  // Mean next-byte cross-entropy over every position of the held-out windows, and over the
  // held-out documents whole when the set carries them; in eval mode.
  evaluate(set: Dataset, opts?: NextTokenEvalOptions): NextTokenMetrics {
    const o = checkOptions<NextTokenEvalOptions>('options', opts, ['seed', 'batchSize', 'limit', 'slidingStride']);
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
    const stride = checkInt('slidingStride', o.slidingStride ?? Math.max(1, Math.floor((W - 1) / 2)), 1, W - 1);
    const texts = (set as { texts?: unknown }).texts;
    if (texts !== undefined && !(Array.isArray(texts) && texts.every((t) => t instanceof Uint8Array)))
      throw invalidParameter('set.texts', 'array of Uint8Array documents (text.textFiles)', texts);
    const wasTraining = this.model.training;
    this.model.train(false);
    let total = 0;
    let documents: { nats: number; bytes: number } | null = null;
    try {
      noGrad(() => {
        for (let s = 0; s < n; s += B) {
          const m = Math.min(B, n - s);
          const { logits, targets } = this.logitsAndTargets(set.images.subarray(s * per, (s + m) * per), [m, W]);
          total += crossEntropy(logits, targets).item() * m; // equal positions per window: weight by windows
        }
        if (texts !== undefined) documents = this.documentNats((texts as Uint8Array[]).slice(0, o.limit), W - 1, stride, B);
      });
    } finally {
      this.model.train(wasTraining);
    }
    const loss = total / n;
    const d = documents as { nats: number; bytes: number } | null;
    if (d === null || d.bytes === 0) return { bitsPerByte: loss / Math.LN2, loss, windows: n };
    return { bitsPerByte: loss / Math.LN2, loss, windows: n, documentBitsPerByte: d.nats / d.bytes / Math.LN2, documentBytes: d.bytes };
  }

  // dropout 0 is left out, so runs made before the option existed still resume (the checkpoint's
  // task config must equal this one).
  config(): Record<string, unknown> {
    const { dropout, ...rest } = this.model.spec;
    return { task: this.name, model: dropout === 0 ? rest : this.model.spec };
  }
}

export const nextToken = (opts?: NextTokenOptions) => new NextToken(opts);
