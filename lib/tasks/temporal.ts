// Temporal reconstruction on video clips: K of a clip's T frames are hidden ('random': any K,
// drawn per clip from the step's generator; 'last': the last K, i.e. future prediction, as in
// Srivastava et al. 2015) and the network rebuilds them from the rest.
//
// The encoder (a 3-D conv VideoEncoder with a visibility-mask channel) reads the clip with the
// hidden frames zeroed plus the mask (1 visible, 0 hidden: a zeroed frame is not a black one); a
// decoder on its feature map (ConvTranspose3d stride (1, 2, 2) + BN + ReLU per halving the encoder
// did, then a 3x3x3 Conv3d to C channels) outputs every frame. The loss (L1 or MSE, pixels in
// [0, 1]) is taken on the hidden frames only, gathered per clip, so it is exactly the mean over
// hidden pixels.
//
// With `skip` (default) the last conv also reads the encoder's input at full resolution (the
// visible frames and the mask), as U-Net decoders do. That conv sees one frame and one pixel
// around each output, so it can lend the visible frames' appearance to a hidden neighbour but
// not say where an object went a few pixels away: motion still has to come through the encoder.
// It speeds learning a lot in our small runs (64 clips of 16x16, batch 16, AdamW 3e-3: the
// held-out MSE fell below both baselines after 24 steps with it, after about 70 without it; the
// direction probe read the same from both encoders); `skip: false` is the plain encoder-decoder.
//
// The output layer is linear, not a sigmoid: most target pixels of these clips are 0 (black
// background) or near 1 (bright strokes), exactly where a sigmoid saturates and its gradient
// vanishes, so a linear output learns them faster under L1/L2. Predictions are clamped to [0, 1]
// where they are used (evaluate, predict, the report): the true frames lie in [0, 1], so clamping
// can only lower the error, and it is part of the predictor both metrics and pictures show.
//
// evaluate() reports, over held-out clips with hidden frames drawn from a fixed seed, the MSE
// per hidden frame and PSNR next to two baselines that need no learning: "copy the last visible
// frame" (for each hidden frame the nearest earlier visible frame, or the nearest later one when
// none is earlier) and "mean of the visible frames".
import type { Dataset } from '../data/dataset.js';
import { BatchNorm3d, Conv3d, ConvTranspose3d, ReLU, Sequential } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { VideoEncoder } from '../nn/video-encoder.js';
import { catChannels } from '../ops/concat.js';
import { gatherFrames } from '../ops/frames.js';
import { l1Loss, mseLoss } from '../ops/loss.js';
import { Generator } from '../random.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt, checkOneOf, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import type { PretextEvalOptions } from './classifier-head.js';
import type { Batch, StepContext, Task } from './task.js';

export const TEMPORAL_MODES = ['random', 'last'] as const;
export type TemporalMode = (typeof TEMPORAL_MODES)[number];
export const TEMPORAL_LOSSES = ['l1', 'l2'] as const;
export type TemporalLoss = (typeof TEMPORAL_LOSSES)[number];
export const PSNR_CAP = 100; // dB, for a frame predicted exactly (MSE 0)

export interface TemporalOptions {
  encoder?: VideoEncoder;  // default VideoEncoder({ inChannels: 1, visibilityMask: true }) (gray clips)
  hidden?: number;         // K frames hidden per clip, default 2
  mode?: TemporalMode;     // default 'random'
  loss?: TemporalLoss;     // default 'l2'
  decoderWidth?: number;   // default 32
  skip?: boolean;          // the last conv also reads the input (default true)
}

export const TEMPORAL_DEFAULTS = { hidden: 2, mode: 'random' as TemporalMode, loss: 'l2' as TemporalLoss, decoderWidth: 32, skip: true } as const;

export interface TemporalPrediction {
  input: Tensor;      // (N, C + 1, T, H, W): what the encoder read (hidden frames zeroed, then the mask)
  predicted: Tensor;  // (N, C, T, H, W) in [0, 1]: the decoder's frames, clamped
  truth: Tensor;      // (N, C, T, H, W) in [0, 1]
  hidden: Int32Array; // N * K hidden frame indices, ascending per clip
  K: number;
}

// decoder: the upsampling stages, then `out` (the last conv), which reads their output and, with
// skip, the input next to it.
class TemporalModel extends Module {
  constructor(readonly encoder: VideoEncoder, readonly decoder: Sequential, readonly out: Conv3d, readonly skip: boolean) {
    super();
    this.registerModule('encoder', encoder);
    this.registerModule('decoder', decoder);
    this.registerModule('out', out);
  }
  forward(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
  reconstruct(input: Tensor): Tensor {
    const y = this.decoder.forward(this.encoder.featureMap(input));
    return this.out.forward(this.skip ? catChannels([y, input]) : y);
  }
}

export const psnr = (mse: number) => (mse > 0 ? 10 * Math.log10(1 / mse) : PSNR_CAP);

// The frame the "copy the last visible frame" baseline shows for hidden frame t: the nearest
// earlier visible frame, or the nearest later one when none is earlier. visible: ascending.
export function copyLastSource(t: number, visible: readonly number[]): number {
  let before = -1;
  for (const v of visible) if (v < t) before = v;
  if (before >= 0) return before;
  const after = visible.find((v) => v > t);
  if (after === undefined) throw outOfRange('visible', `at least one visible frame other than ${t}`, visible);
  return after;
}

// Visible frames of a clip (ascending) from its hidden ones.
export function visibleFrames(T: number, hidden: ArrayLike<number>): number[] {
  const hid = new Set(Array.from(hidden));
  return Array.from({ length: T }, (_, t) => t).filter((t) => !hid.has(t));
}

export class TemporalReconstruction implements Task {
  readonly name = 'temporal';
  readonly encoder: VideoEncoder;
  readonly model: TemporalModel;
  readonly hidden: number;
  readonly mode: TemporalMode;
  readonly lossKind: TemporalLoss;
  readonly decoderWidth: number;
  readonly skip: boolean;

  constructor(opts: TemporalOptions = {}) {
    const o = checkOptions<TemporalOptions>('options', opts, ['encoder', 'hidden', 'mode', 'loss', 'decoderWidth', 'skip']);
    if (o.encoder !== undefined && !(o.encoder instanceof VideoEncoder)) throw invalidParameter('encoder', 'VideoEncoder (nn.videoEncoder)', o.encoder);
    const encoder = o.encoder ?? new VideoEncoder({ inChannels: 1, visibilityMask: true });
    if (!encoder.spec.visibilityMask)
      throw outOfRange('encoder', 'a VideoEncoder with visibilityMask: true (it must know which frames are hidden)', 'visibilityMask false');
    const [st, sh, sw] = encoder.totalStride;
    if (st !== 1) throw outOfRange('encoder', 'time strides of 1 (the decoder rebuilds every frame)', `total time stride ${st}`);
    if (sh !== sw || sh & (sh - 1))
      throw outOfRange('encoder', 'equal height and width strides whose product is a power of 2 (the decoder doubles both)', `total stride ${sh}x${sw}`);
    this.encoder = encoder;
    this.hidden = checkInt('hidden', o.hidden ?? TEMPORAL_DEFAULTS.hidden, 1);
    this.mode = checkOneOf('mode', o.mode ?? TEMPORAL_DEFAULTS.mode, TEMPORAL_MODES);
    this.lossKind = checkOneOf('loss', o.loss ?? TEMPORAL_DEFAULTS.loss, TEMPORAL_LOSSES);
    this.decoderWidth = checkInt('decoderWidth', o.decoderWidth ?? TEMPORAL_DEFAULTS.decoderWidth, 1);
    this.skip = o.skip === undefined ? TEMPORAL_DEFAULTS.skip : checkBool('skip', o.skip);
    const D = this.decoderWidth, layers: Module[] = [];
    let c = encoder.outFeatures;
    for (let s = sh; s > 1; s /= 2) {
      layers.push(new ConvTranspose3d(c, D, [3, 4, 4], { stride: [1, 2, 2], padding: 1, bias: false }), new BatchNorm3d(D), new ReLU());
      c = D;
    }
    const out = new Conv3d(c + (this.skip ? encoder.convInChannels : 0), encoder.spec.inChannels, 3, { padding: 1 });
    this.model = new TemporalModel(encoder, new Sequential(...layers), out, this.skip);
  }

  checkInput(shape: readonly number[]): void {
    if (!Array.isArray(shape) || shape.length !== 4)
      throw outOfRange('dataset.shape', 'clips [C, T, H, W] (channels, frames, height, width; e.g. data.movingMnist or data.frameFolders)',
        Array.isArray(shape) ? `[${shape.join(', ')}]` : shape);
    const [C, T, H, W] = shape, s = this.encoder.totalStride[1];
    if (C !== this.encoder.spec.inChannels)
      throw outOfRange('dataset.shape', `clips of ${this.encoder.spec.inChannels} channel${this.encoder.spec.inChannels > 1 ? 's' : ''} (the encoder's inChannels)`, `${C} channels`);
    if (this.hidden >= T)
      throw outOfRange('hidden', `fewer hidden frames than the ${T} frames per clip (hidden < frames)`, this.hidden);
    if (H % s || W % s) throw outOfRange('dataset.shape', `frames whose sides are multiples of the encoder's total stride ${s}`, `${H}x${W}`);
  }

  // K hidden frame indices per clip, ascending: the last K, or K drawn uniformly without
  // replacement (the K smallest of T uniform keys) from `g`.
  hiddenFrames(N: number, T: number, g: Generator): Int32Array {
    const K = this.hidden, out = new Int32Array(N * K);
    if (this.mode === 'last') {
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) out[n * K + k] = T - K + k;
      return out;
    }
    const u = g.uniform(N * T), order = new Int32Array(T);
    for (let n = 0; n < N; n++) {
      for (let t = 0; t < T; t++) order[t] = t;
      const keys = u.subarray(n * T, (n + 1) * T);
      const picked = Array.from(order).sort((a, b) => keys[a] - keys[b] || a - b).slice(0, K).sort((a, b) => a - b);
      out.set(picked, n * K);
    }
    return out;
  }

  // The encoder's input (N, C + 1, T, H, W): pixels / 255 with the hidden frames zeroed, then the
  // visibility mask. Nothing of a hidden frame reaches it.
  maskedInput(batch: Batch, hidden: Int32Array): Tensor {
    const [N, C, T, H, W] = batch.shape, S = H * W, K = this.hidden;
    const x = new Float32Array(N * (C + 1) * T * S);
    for (let n = 0; n < N; n++) {
      const visible = new Uint8Array(T).fill(1);
      for (let k = 0; k < K; k++) visible[hidden[n * K + k]] = 0;
      for (let t = 0; t < T; t++) {
        if (!visible[t]) continue;
        for (let c = 0; c < C; c++) {
          const from = ((n * C + c) * T + t) * S, to = ((n * (C + 1) + c) * T + t) * S;
          for (let p = 0; p < S; p++) x[to + p] = batch.images[from + p] * (1 / 255);
        }
        x.fill(1, ((n * (C + 1) + C) * T + t) * S, ((n * (C + 1) + C) * T + t + 1) * S);
      }
    }
    return new Tensor(x, [N, C + 1, T, H, W]);
  }

  // The true hidden frames (N, C, K, H, W) in [0, 1].
  private hiddenTruth(batch: Batch, hidden: Int32Array): Tensor {
    const [N, C, T, H, W] = batch.shape, S = H * W, K = this.hidden;
    const y = new Float32Array(N * C * K * S);
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++)
        for (let k = 0; k < K; k++) {
          const from = ((n * C + c) * T + hidden[n * K + k]) * S, to = ((n * C + c) * K + k) * S;
          for (let p = 0; p < S; p++) y[to + p] = batch.images[from + p] * (1 / 255);
        }
    return new Tensor(y, [N, C, K, H, W]);
  }

  private checkBatch(batch: Batch): void {
    if (batch === null || typeof batch !== 'object' || !(batch.images instanceof Uint8Array) || !Array.isArray(batch.shape))
      throw invalidParameter('batch', 'Batch {images, shape: [N, C, T, H, W], indices, labels}', batch);
    this.checkInput(batch.shape.slice(1));
  }

  loss(batch: Batch, ctx: StepContext): Tensor {
    this.checkBatch(batch);
    const [N, , T] = batch.shape;
    const hidden = this.hiddenFrames(N, T, ctx.generator);
    const pred = gatherFrames(this.model.reconstruct(this.maskedInput(batch, hidden)), hidden, this.hidden);
    const truth = this.hiddenTruth(batch, hidden);
    return this.lossKind === 'l2' ? mseLoss(pred, truth) : l1Loss(pred, truth);
  }

  // One batch as evaluate() sees it (hidden frames from `generator`), in eval mode without a graph.
  predict(batch: Batch, generator: Generator): TemporalPrediction {
    this.checkBatch(batch);
    if (!(generator instanceof Generator)) throw invalidParameter('generator', 'Generator', generator);
    const [N, C, T, H, W] = batch.shape;
    const hidden = this.hiddenFrames(N, T, generator);
    const input = this.maskedInput(batch, hidden);
    const wasTraining = this.model.training;
    this.model.train(false);
    let out: Tensor;
    try {
      out = noGrad(() => this.model.reconstruct(input));
    } finally {
      this.model.train(wasTraining);
    }
    const predicted = new Tensor(out.data.map((v) => (v < 0 ? 0 : v > 1 ? 1 : v)), out.shape);
    const truth = new Tensor(Float32Array.from(batch.images, (v) => v / 255), [N, C, T, H, W]);
    return { input, predicted, truth, hidden, K: this.hidden };
  }

  // Held-out reconstruction of the hidden frames against the copy-last and mean-visible baselines.
  // mse: mean over hidden frames (and so over hidden pixels) of the squared error in [0, 1] units;
  // psnr: mean over hidden frames of 10 log10(1 / that frame's MSE), capped at PSNR_CAP dB.
  evaluate(set: Dataset, opts?: PretextEvalOptions): Record<string, number> {
    const o = checkOptions<PretextEvalOptions>('options', opts, ['seed', 'batchSize', 'limit']);
    if (set === null || typeof set !== 'object' || !(set.images instanceof Uint8Array) || !Array.isArray(set.shape))
      throw invalidParameter('set', 'Dataset of clips (shape [C, T, H, W])', set);
    this.checkInput(set.shape);
    checkInt('set.length', set.length, 1);
    const seed = checkInt('seed', o.seed ?? 12345), B = checkInt('batchSize', o.batchSize ?? 32, 1);
    const n = Math.min(set.length, checkInt('limit', o.limit ?? set.length, 1));
    const [C, T, H, W] = set.shape, S = H * W, per = C * T * S, K = this.hidden;
    const g = new Generator(seed);
    const acc = { model: new FrameMetric(), copyLast: new FrameMetric(), meanVisible: new FrameMetric() };
    for (let s = 0; s < n; s += B) {
      const m = Math.min(B, n - s);
      const batch: Batch = { images: set.images.subarray(s * per, (s + m) * per), shape: [m, C, T, H, W],
        indices: Int32Array.from({ length: m }, (_, i) => s + i), labels: null };
      const { predicted, truth, hidden } = this.predict(batch, g);
      for (let i = 0; i < m; i++) {
        const hid = hidden.subarray(i * K, (i + 1) * K), visible = visibleFrames(T, hid);
        const frame = (data: Float32Array, t: number) => (c: number) => data.subarray(((i * C + c) * T + t) * S, ((i * C + c) * T + t + 1) * S);
        const mean = new Float32Array(C * S);
        for (const t of visible) for (let c = 0; c < C; c++) {
          const f = frame(truth.data, t)(c);
          for (let p = 0; p < S; p++) mean[c * S + p] += f[p] / visible.length;
        }
        for (const t of hid) {
          const copy = copyLastSource(t, visible), want = frame(truth.data, t);
          acc.model.add(want, frame(predicted.data, t), C, S);
          acc.copyLast.add(want, frame(truth.data, copy), C, S);
          acc.meanVisible.add(want, (c) => mean.subarray(c * S, (c + 1) * S), C, S);
        }
      }
    }
    return {
      mse: acc.model.mse(), psnr: acc.model.psnr(),
      copyLastMse: acc.copyLast.mse(), copyLastPsnr: acc.copyLast.psnr(),
      meanVisibleMse: acc.meanVisible.mse(), meanVisiblePsnr: acc.meanVisible.psnr(),
      clips: n, hiddenFrames: n * K,
    };
  }

  config(): Record<string, unknown> {
    return { task: this.name, encoder: this.encoder.spec, hidden: this.hidden, mode: this.mode, loss: this.lossKind, decoderWidth: this.decoderWidth, skip: this.skip };
  }
}

// Per-frame squared error, averaged over frames (MSE) and as mean per-frame PSNR.
class FrameMetric {
  private mseSum = 0;
  private psnrSum = 0;
  private frames = 0;
  add(truth: (c: number) => Float32Array, pred: (c: number) => Float32Array, C: number, S: number): void {
    let se = 0;
    for (let c = 0; c < C; c++) {
      const a = truth(c), b = pred(c);
      for (let p = 0; p < S; p++) se += (a[p] - b[p]) ** 2;
    }
    const mse = se / (C * S);
    this.mseSum += mse;
    this.psnrSum += psnr(mse);
    this.frames++;
  }
  mse(): number { return this.mseSum / this.frames; }
  psnr(): number { return this.psnrSum / this.frames; }
}
