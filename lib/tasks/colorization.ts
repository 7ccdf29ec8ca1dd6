// Colorization (Zhang, Isola & Efros 2016): the encoder sees only the lightness L of a colour
// image (scaled to [0, 1], the range grayscale images have at transfer); a decoder on its feature
// map predicts the colour channels ab at half the input resolution. Two losses:
//   'classification' - ab quantized into the in-gamut bins of a 10x10 grid (lib/color/ab-bins.ts),
//     per-pixel cross-entropy with class rebalancing (weights from the bins' smoothed training
//     frequency, lambda = 0.5), prediction by the annealed mean (T = 0.38);
//   'l2' / 'l1' - regression on ab / 110.
// Held-out evaluation decodes ab, upsamples it to full size, puts the true L back, converts to RGB
// and reports mean ab error (Lab units) and PSNR next to the baselines "gray" (ab = 0) and "the
// training set's mean ab".
import { Augment } from '../augment/pipeline.js';
import { AbBins } from '../color/ab-bins.js';
import { labToRgb, rgbToLab } from '../color/convert.js';
import type { ImageSet } from '../data/fashion-mnist.js';
import { ConvEncoder } from '../nn/encoders.js';
import { BatchNorm2d, Conv2d, ConvTranspose2d, ReLU, Sequential } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { crossEntropy, l1Loss, mseLoss } from '../ops/loss.js';
import { avgPool } from '../ops/pool.js';
import { channelsToRows } from '../ops/shape.js';
import { upsample2d } from '../ops/upsample.js';
import { Generator } from '../random.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkOneOf, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import type { PretextEvalOptions } from './classifier-head.js';
import type { Batch, StepContext, Task } from './task.js';

export const COLORIZATION_LOSSES = ['classification', 'l2', 'l1'] as const;
export type ColorizationLoss = (typeof COLORIZATION_LOSSES)[number];
const AB_SCALE = 110; // regression targets ab / 110 lie in about [-1, 1]

export interface ColorizationOptions {
  encoder: ConvEncoder;               // one input channel (L)
  // default 'l2': on held-out photos it gave both lower ab error and higher PSNR than rebalanced
  // classification, whose vivid guesses cost PSNR where they miss (BENCHMARKS.md)
  loss?: ColorizationLoss;
  gridSize?: number;                  // ab bin size, default 10
  prior?: ArrayLike<number> | null;   // training counts (or frequencies) per bin for rebalancing; null: none
  meanAb?: [number, number];          // training set's mean ab (the "mean colour" baseline)
  lambda?: number;                    // rebalancing mix with the uniform distribution, default 0.5
  temperature?: number;               // annealed mean, default 0.38
  decoderWidth?: number;              // default 64
  hflip?: number;                     // probability, default 0.5
}

// Statistics of a colour image set that the task needs before training: the ab-bin counts (class
// rebalancing) and the mean ab (the baseline). Computed at the decoder's resolution, as trained.
export function colorStatistics(set: ImageSet, gridSize = 10, stride = 2): { prior: Float64Array; meanAb: [number, number] } {
  if (set === null || typeof set !== 'object' || !(set.images instanceof Uint8Array)) throw invalidParameter('set', 'ImageSet', set);
  const [C, H, W] = set.shape;
  if (C !== 3) throw outOfRange('set', 'colour images (3 channels)', `${C} channel${C === 1 ? '' : 's'}`);
  const bins = AbBins.inGamut(gridSize);
  const counts = new Float64Array(bins.Q);
  let sa = 0, sb = 0, n = 0;
  const per = 3 * H * W, B = 64;
  for (let s = 0; s < set.length; s += B) {
    const m = Math.min(B, set.length - s);
    const rgb = new Float32Array(m * per);
    for (let i = 0; i < m * per; i++) rgb[i] = set.images[s * per + i] / 255;
    const ab = abPlanes(rgbToLab(new Tensor(rgb, [m, 3, H, W])), stride);
    const hw = ab.shape[2] * ab.shape[3];
    bins.histogram(bins.encode(ab.data, m, hw), counts);
    for (let k = 0; k < m; k++) for (let p = 0; p < hw; p++) { sa += ab.data[k * 2 * hw + p]; sb += ab.data[k * 2 * hw + hw + p]; }
    n += m * hw;
  }
  return { prior: counts, meanAb: [sa / n, sb / n] };
}

// (N, 3, H, W) Lab -> (N, 2, H/stride, W/stride) ab, average-pooled.
function abPlanes(lab: Tensor, stride: number): Tensor {
  const [N, , H, W] = lab.shape;
  const out = new Float32Array(N * 2 * H * W);
  for (let n = 0; n < N; n++) out.set(lab.data.subarray((n * 3 + 1) * H * W, (n * 3 + 3) * H * W), n * 2 * H * W);
  const t = new Tensor(out, [N, 2, H, W]);
  return stride === 1 ? t : noGrad(() => avgPool(t, stride));
}

class ColorizationModel extends Module {
  constructor(readonly encoder: ConvEncoder, readonly decoder: Sequential) {
    super();
    this.registerModule('encoder', encoder);
    this.registerModule('decoder', decoder);
  }
  forward(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
  predict(L: Tensor): Tensor {
    return this.decoder.forward(this.encoder.featureMap(L));
  }
}

export class Colorization implements Task {
  readonly name = 'colorization';
  readonly encoder: ConvEncoder;
  readonly model: ColorizationModel;
  readonly lossKind: ColorizationLoss;
  readonly bins: AbBins;
  readonly temperature: number;
  readonly outStride: number;
  private readonly prior: Float64Array | null;
  private readonly weights: Float32Array | null;
  private readonly lambda: number;
  private readonly meanAb: [number, number] | null;
  private readonly decoderWidth: number;
  private readonly flip: Augment;

  constructor(opts: ColorizationOptions) {
    const o = checkOptions<ColorizationOptions>('options', opts,
      ['encoder', 'loss', 'gridSize', 'prior', 'meanAb', 'lambda', 'temperature', 'decoderWidth', 'hflip']);
    if (!(o.encoder instanceof ConvEncoder)) throw invalidParameter('encoder', 'ConvEncoder (nn.convEncoder)', o.encoder);
    if (o.encoder.spec.inChannels !== 1)
      throw outOfRange('encoder', 'an encoder with one input channel (it sees the lightness L)', `inChannels ${o.encoder.spec.inChannels}`);
    this.encoder = o.encoder;
    const stride = o.encoder.totalStride;
    if (stride & (stride - 1)) throw outOfRange('encoder', 'strides whose product is a power of 2 (the decoder doubles the size)', `total stride ${stride}`);
    this.lossKind = checkOneOf('loss', o.loss ?? 'l2', COLORIZATION_LOSSES);
    this.bins = AbBins.inGamut(o.gridSize ?? 10);
    this.temperature = checkNumber('temperature', o.temperature ?? 0.38, 0, Infinity, true);
    this.lambda = checkNumber('lambda', o.lambda ?? 0.5, 0, 1);
    this.decoderWidth = checkInt('decoderWidth', o.decoderWidth ?? 64, 1);
    this.flip = new Augment({ hflip: checkNumber('hflip', o.hflip ?? 0.5, 0, 1) });
    if (o.prior !== undefined && o.prior !== null) {
      if (typeof o.prior !== 'object' || o.prior.length !== this.bins.Q) throw outOfRange('prior', `${this.bins.Q} bin counts (one per ab bin)`, o.prior);
      this.prior = Float64Array.from(o.prior as ArrayLike<number>);
      this.weights = this.bins.rebalanceWeights(this.prior, { lambda: this.lambda });
    } else {
      this.prior = null;
      this.weights = null;
    }
    if (o.meanAb !== undefined) {
      if (!Array.isArray(o.meanAb) || o.meanAb.length !== 2) throw invalidParameter('meanAb', '[a, b]', o.meanAb);
      this.meanAb = [checkNumber('meanAb[0]', o.meanAb[0]), checkNumber('meanAb[1]', o.meanAb[1])];
    } else this.meanAb = null;
    // Output at half the input size: a 3x3 conv on the feature map, then transposed convs that
    // double the size until stride 2, then a 1x1 conv to Q logits (or 2 ab values).
    this.outStride = Math.min(2, stride);
    const D = this.decoderWidth, layers: Module[] = [];
    let c = o.encoder.outFeatures;
    layers.push(new Conv2d(c, D, 3, { padding: 1, bias: false }), new BatchNorm2d(D), new ReLU());
    c = D;
    for (let s = stride; s > this.outStride; s /= 2)
      layers.push(new ConvTranspose2d(c, D, 4, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(D), new ReLU());
    layers.push(new Conv2d(D, this.lossKind === 'classification' ? this.bins.Q : 2, 1));
    this.model = new ColorizationModel(o.encoder, new Sequential(...layers));
  }

  checkInput(shape: readonly number[]): void {
    const [C, H, W] = shape;
    if (C !== 3)
      throw outOfRange('dataset', 'colour images (3 channels): colorization learns to predict colour from lightness',
        `${C}-channel images (use --data with a folder of colour photos)`);
    const s = this.encoder.totalStride;
    if (H % s || W % s) throw outOfRange('dataset.shape', `images whose sides are multiples of the encoder's total stride ${s}`, `${H}x${W}`);
  }

  // uint8 RGB batch -> L in [0, 1] (N, 1, H, W), ab targets at the output stride (N, 2, h, w), and
  // the full-size Lab (evaluation needs the true L and ab).
  private prepare(batch: Batch, g: Generator | null): { L: Tensor; abTarget: Tensor; lab: Tensor } {
    const [N, C, H, W] = batch.shape;
    if (C !== 3) this.checkInput([C, H, W]);
    const rgb = g ? this.flip.apply(batch, g) : new Augment().apply(batch, new Generator(0));
    const lab = rgbToLab(rgb);
    const L = new Float32Array(N * H * W);
    for (let n = 0; n < N; n++) {
      const src = lab.data.subarray(n * 3 * H * W, (n * 3 + 1) * H * W);
      for (let p = 0; p < H * W; p++) L[n * H * W + p] = src[p] / 100;
    }
    return { L: new Tensor(L, [N, 1, H, W]), abTarget: abPlanes(lab, this.outStride), lab };
  }

  loss(batch: Batch, ctx: StepContext): Tensor {
    const { L, abTarget } = this.prepare(batch, ctx.generator);
    const out = this.model.predict(L);
    if (this.lossKind === 'classification') {
      const [N, , h, w] = abTarget.shape;
      const targets = this.bins.encode(abTarget.data, N, h * w);
      return crossEntropy(channelsToRows(out), targets, this.weights ? { weight: this.weights } : undefined);
    }
    const scaled = new Tensor(abTarget.data.map((v) => v / AB_SCALE), abTarget.shape);
    return this.lossKind === 'l2' ? mseLoss(out, scaled) : l1Loss(out, scaled);
  }

  // Predicted ab (N, 2, H, W) at full size for a uint8 RGB batch (eval mode, no graph).
  predictAb(batch: Batch): { ab: Tensor; lab: Tensor } {
    const { L, lab } = this.prepare(batch, null);
    const [N, , H, W] = batch.shape;
    const wasTraining = this.model.training;
    this.model.train(false);
    try {
      return noGrad(() => {
        const out = this.model.predict(L);
        const [, , h, w] = out.shape;
        let abLow: Float32Array;
        if (this.lossKind === 'classification') {
          const rows = channelsToRows(out);
          const abRows = this.bins.annealedMean(rows.data, N * h * w, this.temperature); // (N*h*w, 2)
          abLow = new Float32Array(N * 2 * h * w);
          for (let n = 0; n < N; n++) for (let p = 0; p < h * w; p++) {
            abLow[n * 2 * h * w + p] = abRows[2 * (n * h * w + p)];
            abLow[n * 2 * h * w + h * w + p] = abRows[2 * (n * h * w + p) + 1];
          }
        } else {
          abLow = out.data.map((v) => v * AB_SCALE);
        }
        const ab = upsample2d(new Tensor(abLow, [N, 2, h, w]), { size: [H, W], mode: 'bilinear' });
        return { ab, lab };
      });
    } finally {
      this.model.train(wasTraining);
    }
  }

  // RGB (N, 3, H, W) in [0, 1]: the true L with the given ab.
  static compose(lab: Tensor, ab: Tensor): Tensor {
    const [N, , H, W] = lab.shape, S = H * W;
    const out = new Float32Array(lab.size);
    for (let n = 0; n < N; n++) {
      out.set(lab.data.subarray(n * 3 * S, n * 3 * S + S), n * 3 * S);
      out.set(ab.data.subarray(n * 2 * S, (n + 1) * 2 * S), n * 3 * S + S);
    }
    return labToRgb(new Tensor(out, [N, 3, H, W]));
  }

  // Held-out colorization quality next to the gray and mean-colour baselines.
  evaluate(set: ImageSet, opts?: PretextEvalOptions): Record<string, number> {
    const o = checkOptions<PretextEvalOptions>('options', opts, ['seed', 'batchSize', 'limit']);
    const [C, H, W] = set.shape;
    this.checkInput([C, H, W]);
    const B = checkInt('batchSize', o.batchSize ?? 64, 1), n = Math.min(set.length, checkInt('limit', o.limit ?? set.length, 1));
    const per = C * H * W, S = H * W;
    const acc = { model: new Metric(), gray: new Metric(), mean: new Metric() };
    for (let s = 0; s < n; s += B) {
      const m = Math.min(B, n - s);
      const batch: Batch = { images: set.images.subarray(s * per, (s + m) * per), shape: [m, C, H, W], indices: new Int32Array(m), labels: null };
      const { ab, lab } = this.predictAb(batch);
      const truth = new Float32Array(m * per);
      for (let i = 0; i < m * per; i++) truth[i] = batch.images[i] / 255;
      const baselineAb = (a: number, b: number) => {
        const t = new Float32Array(m * 2 * S);
        for (let k = 0; k < m; k++) { t.fill(a, k * 2 * S, k * 2 * S + S); t.fill(b, k * 2 * S + S, (k + 1) * 2 * S); }
        return new Tensor(t, [m, 2, H, W]);
      };
      const candidates: [Metric, Tensor][] = [[acc.model, ab], [acc.gray, baselineAb(0, 0)]];
      if (this.meanAb) candidates.push([acc.mean, baselineAb(this.meanAb[0], this.meanAb[1])]);
      for (const [metric, pred] of candidates) metric.add(lab, pred, Colorization.compose(lab, pred), truth, m, S);
    }
    const r: Record<string, number> = {
      abError: acc.model.abError(), psnr: acc.model.psnr(), pooledPsnr: acc.model.pooledPsnr(),
      grayAbError: acc.gray.abError(), grayPsnr: acc.gray.psnr(), grayPooledPsnr: acc.gray.pooledPsnr(), images: n,
    };
    if (this.meanAb) { r.meanAbError = acc.mean.abError(); r.meanPsnr = acc.mean.psnr(); r.meanPooledPsnr = acc.mean.pooledPsnr(); }
    return r;
  }

  config(): Record<string, unknown> {
    return {
      task: this.name, encoder: this.encoder.spec, loss: this.lossKind, gridSize: this.bins.gridSize, lambda: this.lambda,
      temperature: this.temperature, decoderWidth: this.decoderWidth, hflip: this.flip.options.hflip,
      prior: this.prior ? Array.from(this.prior) : null, meanAb: this.meanAb,
    };
  }
}

// Mean Euclidean ab error per pixel; PSNR of the composed RGB image two ways: the mean of per-image
// PSNRs (near-gray crops, where "no colour" is almost exact, weigh heavily: a sky crop gives gray
// 35 dB) and the PSNR of the squared error pooled over every held-out pixel.
class Metric {
  private abSum = 0;
  private pixels = 0;
  private psnrSum = 0;
  private images = 0;
  private seSum = 0;
  private values = 0;
  add(lab: Tensor, ab: Tensor, rgb: Tensor, truth: Float32Array, N: number, S: number): void {
    for (let n = 0; n < N; n++) {
      for (let p = 0; p < S; p++) {
        const da = ab.data[n * 2 * S + p] - lab.data[n * 3 * S + S + p], db = ab.data[n * 2 * S + S + p] - lab.data[n * 3 * S + 2 * S + p];
        this.abSum += Math.sqrt(da * da + db * db);
      }
      let se = 0;
      for (let i = n * 3 * S; i < (n + 1) * 3 * S; i++) se += (rgb.data[i] - truth[i]) ** 2;
      const mse = se / (3 * S);
      this.psnrSum += mse > 0 ? 10 * Math.log10(1 / mse) : 100;
      this.seSum += se;
      this.values += 3 * S;
      this.images++;
      this.pixels += S;
    }
  }
  abError(): number { return this.abSum / this.pixels; }
  psnr(): number { return this.psnrSum / this.images; }
  pooledPsnr(): number { return this.seSum > 0 ? 10 * Math.log10(this.values / this.seSum) : 100; }
}
