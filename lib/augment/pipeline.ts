// Augmentation pipelines over the native batched kernel (native/kernels/cpu/augment.cc): one call
// per view turns a uint8 batch into a float tensor. Options mirror torchvision's transforms; every
// op has a probability. Randomness comes from a Generator: a view reserves 64 counters per sample,
// so a seed gives the same pixels at any thread count.
import { native } from '../native/loader.js';
import { Generator } from '../random.js';
import type { Batch } from '../tasks/task.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt, checkNumber, checkOptions, checkTuple, invalidParameter, outOfRange } from '../validate.js';

export interface AugmentOptions {
  size?: number | [number, number];           // output (H, W); default: the input size
  crop?: { p?: number; scale?: [number, number]; ratio?: [number, number] } | false;
  hflip?: number;
  vflip?: number;
  rot90?: number;                             // probability of a random 90/180/270-degree turn
  rotate?: { p?: number; degrees: number } | false;
  translate?: number;                         // max shift as a fraction of the size
  colorJitter?: { p?: number; brightness?: number; contrast?: number; saturation?: number; hue?: number } | false;
  grayscale?: number;
  blur?: { p?: number; sigma?: [number, number]; kernelSize?: number } | false;
  solarize?: { p?: number; threshold?: number } | false;
  normalize?: { mean: number[]; std: number[] } | false;
}

const KEYS = ['size', 'crop', 'hflip', 'vflip', 'rot90', 'rotate', 'translate', 'colorJitter', 'grayscale', 'blur', 'solarize', 'normalize'] as const;
const SAMPLE_COUNTERS = 64;

function prob(name: string, v: unknown, dflt = 1): number {
  return v === undefined ? dflt : checkNumber(name, v, 0, 1);
}

export class Augment {
  readonly options: AugmentOptions;
  private readonly params = new Float32Array(32);
  private readonly size: [number, number] | null;

  constructor(opts: AugmentOptions = {}) {
    const o = checkOptions<AugmentOptions>('options', opts, KEYS);
    this.options = o;
    this.size = o.size === undefined ? null : (checkTuple('size', o.size, 2, 1) as [number, number]);
    const P = this.params;
    P[1] = 1; P[2] = 1; P[3] = 1; P[4] = 1; // scale and ratio ranges when no crop
    if (o.crop) {
      const c = checkOptions<{ p: number; scale: [number, number]; ratio: [number, number] }>('crop', o.crop, ['p', 'scale', 'ratio']);
      const scale = c.scale ?? [0.08, 1], ratio = c.ratio ?? [3 / 4, 4 / 3];
      if (!Array.isArray(scale) || scale.length !== 2 || !(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1))
        throw outOfRange('crop.scale', '[min, max] with 0 < min <= max <= 1', scale);
      if (!Array.isArray(ratio) || ratio.length !== 2 || !(ratio[0] > 0 && ratio[0] <= ratio[1]))
        throw outOfRange('crop.ratio', '[min, max] with 0 < min <= max', ratio);
      P[0] = prob('crop.p', c.p); P[1] = scale[0]; P[2] = scale[1]; P[3] = ratio[0]; P[4] = ratio[1];
    }
    P[5] = prob('hflip', o.hflip, 0);
    P[6] = prob('vflip', o.vflip, 0);
    P[7] = prob('rot90', o.rot90, 0);
    if (o.rotate) {
      const r = checkOptions<{ p: number; degrees: number }>('rotate', o.rotate, ['p', 'degrees']);
      P[8] = prob('rotate.p', r.p);
      P[9] = checkNumber('rotate.degrees', r.degrees, 0, 180);
    }
    P[10] = o.translate === undefined ? 0 : checkNumber('translate', o.translate, 0, 1);
    if (o.colorJitter) {
      const j = checkOptions<{ p: number; brightness: number; contrast: number; saturation: number; hue: number }>('colorJitter', o.colorJitter, ['p', 'brightness', 'contrast', 'saturation', 'hue']);
      P[11] = prob('colorJitter.p', j.p);
      P[12] = checkNumber('colorJitter.brightness', j.brightness ?? 0, 0);
      P[13] = checkNumber('colorJitter.contrast', j.contrast ?? 0, 0);
      P[14] = checkNumber('colorJitter.saturation', j.saturation ?? 0, 0);
      P[15] = checkNumber('colorJitter.hue', j.hue ?? 0, 0, 0.5);
    }
    P[16] = prob('grayscale', o.grayscale, 0);
    if (o.blur) {
      const b = checkOptions<{ p: number; sigma: [number, number]; kernelSize: number }>('blur', o.blur, ['p', 'sigma', 'kernelSize']);
      const sigma = b.sigma ?? [0.1, 2];
      if (!Array.isArray(sigma) || sigma.length !== 2 || !(sigma[0] > 0 && sigma[0] <= sigma[1])) throw outOfRange('blur.sigma', '[min, max] with 0 < min <= max', sigma);
      P[17] = prob('blur.p', b.p); P[18] = sigma[0]; P[19] = sigma[1];
      if (b.kernelSize !== undefined) {
        const k = checkInt('blur.kernelSize', b.kernelSize, 1, 255);
        if (k % 2 === 0) throw outOfRange('blur.kernelSize', 'odd integer', k);
        P[20] = k;
      }
    }
    if (o.solarize) {
      const s = checkOptions<{ p: number; threshold: number }>('solarize', o.solarize, ['p', 'threshold']);
      P[21] = prob('solarize.p', s.p); P[22] = checkNumber('solarize.threshold', s.threshold ?? 0.5, 0, 1);
    }
    if (o.normalize) {
      const n = checkOptions<{ mean: number[]; std: number[] }>('normalize', o.normalize, ['mean', 'std']);
      if (!Array.isArray(n.mean) || !Array.isArray(n.std) || n.mean.length !== n.std.length || n.mean.length < 1 || n.mean.length > 4)
        throw invalidParameter('normalize', '{ mean, std } arrays of one value per channel (1-4)', n);
      P[23] = 1;
      n.mean.forEach((m, c) => { P[24 + c] = checkNumber(`normalize.mean[${c}]`, m); });
      n.std.forEach((s, c) => { P[28 + c] = checkNumber(`normalize.std[${c}]`, s, 0, Infinity, true); });
    }
  }

  // Augments a batch into (N, C, Ho, Wo) floats. `record`, if given, receives the parameters drawn
  // for each sample (native/include/selfsup/kernels.h, SS_AUG_RECORD floats per sample).
  apply(batch: Batch, generator: Generator, record?: Float32Array): Tensor {
    const c = this.prepareCall(batch, generator, record);
    native().augment(...c.args);
    return c.tensor;
  }

  // The same views made on a worker thread: the counters are reserved now, in call order, so
  // applyAsync then apply (or two applyAsync) draw exactly what two apply calls would, and the
  // pixels are identical. The batch's images must stay unchanged until the promise settles.
  applyAsync(batch: Batch, generator: Generator, record?: Float32Array): Promise<Tensor> {
    const c = this.prepareCall(batch, generator, record);
    return native().augmentAsync(...c.args).then(() => c.tensor);
  }

  private prepareCall(batch: Batch, generator: Generator, record?: Float32Array) {
    if (!batch || !(batch.images instanceof Uint8Array)) throw invalidParameter('batch.images', 'Uint8Array', batch?.images);
    if (!(generator instanceof Generator)) throw invalidParameter('generator', 'Generator', generator);
    if (!Array.isArray(batch.shape) || batch.shape.length !== 4) throw invalidParameter('batch.shape', '[N, C, H, W]', batch.shape);
    const [N, C, H, W] = batch.shape;
    if (C > 4) throw outOfRange('batch.shape[1]', 'at most 4 channels', C);
    if (this.options.normalize && this.options.normalize.mean.length !== C)
      throw outOfRange('normalize.mean', `${C} values (one per channel of the batch)`, this.options.normalize.mean);
    if (batch.images.length !== N * C * H * W) throw outOfRange('batch.images', `${N * C * H * W} bytes for shape [${batch.shape.join(', ')}]`, batch.images);
    const [Ho, Wo] = this.size ?? [H, W];
    const nb = native();
    if (record !== undefined && (!(record instanceof Float32Array) || record.length < N * nb.augmentRecordSize))
      throw invalidParameter('record', `Float32Array of at least ${N * nb.augmentRecordSize} elements`, record);
    const out = new Float32Array(N * C * Ho * Wo);
    const args = [out, record ?? null, batch.images, N, C, H, W, Ho, Wo, this.params, generator.seed, generator.reserve(N * SAMPLE_COUNTERS)] as const;
    return { args, tensor: new Tensor(out, [N, C, Ho, Wo]) };
  }
}

export interface RecipeOptions {
  size?: number;
  channels?: number;
  strength?: number;   // colour jitter strength s (SimCLR: 1.0 on ImageNet, 0.5 on CIFAR)
  blur?: boolean;      // Gaussian blur (SimCLR uses it on ImageNet-size images, not on small ones)
}

// SimCLR (Chen et al. 2020, appendix A): random resized crop (0.08-1), flip, colour jitter
// (0.8s, 0.8s, 0.8s, 0.2s) with p = 0.8, grayscale p = 0.2, optional blur p = 0.5. On one-channel
// input only brightness and contrast act, and grayscale is a no-op.
export function simclr(opts: RecipeOptions = {}): Augment {
  const o = checkOptions<RecipeOptions>('options', opts, ['size', 'channels', 'strength', 'blur']);
  const s = checkNumber('strength', o.strength ?? 0.5, 0);
  const blur = o.blur === undefined ? false : checkBool('blur', o.blur);
  const size = o.size === undefined ? undefined : checkInt('size', o.size, 1);
  return new Augment({
    size, crop: { scale: [0.08, 1] }, hflip: 0.5,
    colorJitter: { p: 0.8, brightness: 0.8 * s, contrast: 0.8 * s, saturation: 0.8 * s, hue: 0.2 * s },
    grayscale: 0.2,
    blur: blur ? { p: 0.5, sigma: [0.1, 2] } : false,
  });
}

// BYOL (Grill et al. 2020, table 6): two asymmetric views. Crop (0.08-1), flip, jitter
// (0.4, 0.4, 0.2, 0.1) p = 0.8, grayscale 0.2, blur p = 1.0 / 0.1, solarize p = 0 / 0.2.
export function byol(opts: RecipeOptions = {}): [Augment, Augment] {
  const o = checkOptions<RecipeOptions>('options', opts, ['size', 'channels', 'strength', 'blur']);
  const size = o.size === undefined ? undefined : checkInt('size', o.size, 1);
  const blur = o.blur === undefined ? true : checkBool('blur', o.blur);
  const common = { size, crop: { scale: [0.08, 1] as [number, number] }, hflip: 0.5,
    colorJitter: { p: 0.8, brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1 }, grayscale: 0.2 };
  return [
    new Augment({ ...common, blur: blur ? { p: 1, sigma: [0.1, 2] } : false }),
    new Augment({ ...common, blur: blur ? { p: 0.1, sigma: [0.1, 2] } : false, solarize: { p: 0.2, threshold: 0.5 } }),
  ];
}
