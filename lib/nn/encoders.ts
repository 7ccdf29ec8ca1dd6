// Convolutional encoders built from a JSON-serializable spec, so a checkpoint can rebuild them and
// BYOL can make its target copy: conv(3x3) + BN + ReLU per stage, then global average pooling.
import { Generator } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { layerNorm } from '../ops/norm.js';
import { reshape } from '../ops/shape.js';
import { checkInt, checkOneOf, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { BatchNorm1d as BatchNorm1d_, BatchNorm2d, Conv2d, GlobalAvgPool, Linear as Linear_, ReLU, Sequential } from './layers.js';
import { Module } from './module.js';

export interface ConvEncoderSpec {
  inChannels: number;
  widths: number[];    // output channels per conv
  strides?: number[];  // per conv, default 1
  // 'instance': each image is standardized per channel before the first conv. Tasks that train on
  // individually normalized patches (relative position, jigsaw) set it, so full images at
  // evaluation reach the encoder with the statistics it was trained on.
  inputNorm?: 'none' | 'instance';
}

// Named presets: `small` is the native-core benchmark encoder; `deep` the six-conv encoder of the
// reference SimCLR runs (about 4x the FLOPs of small); `wide` the same with 256 channels in its
// last conv (256 features: +1.3 points of linear probe after 10 SimCLR epochs on Fashion-MNIST,
// for 25% more FLOPs; BENCHMARKS.md).
export const ENCODER_PRESETS: Record<string, Omit<ConvEncoderSpec, 'inChannels'>> = {
  small: { widths: [32, 64, 128], strides: [1, 2, 2] },
  deep: { widths: [32, 32, 64, 64, 128, 128], strides: [1, 1, 2, 1, 2, 1] },
  wide: { widths: [32, 32, 64, 64, 128, 256], strides: [1, 1, 2, 1, 2, 1] },
};

export class ConvEncoder extends Module {
  readonly spec: Required<ConvEncoderSpec>;
  readonly outFeatures: number;
  private readonly body: Sequential;

  constructor(spec: ConvEncoderSpec, opts: { generator?: Generator } = {}) {
    super();
    const s = checkOptions<ConvEncoderSpec>('spec', spec, ['inChannels', 'widths', 'strides', 'inputNorm']);
    const inChannels = checkInt('spec.inChannels', s.inChannels, 1);
    if (!Array.isArray(s.widths) || s.widths.length === 0) throw invalidParameter('spec.widths', 'non-empty array of channel counts', s.widths);
    const widths = s.widths.map((w, i) => checkInt(`spec.widths[${i}]`, w, 1));
    const strides = (s.strides ?? widths.map(() => 1)).map((v, i) => checkInt(`spec.strides[${i}]`, v, 1, 4));
    if (strides.length !== widths.length) throw outOfRange('spec.strides', `${widths.length} strides (one per width)`, s.strides);
    const inputNorm = checkOneOf('spec.inputNorm', s.inputNorm ?? 'none', ['none', 'instance'] as const);
    this.spec = { inChannels, widths, strides, inputNorm };
    const layers: Module[] = [];
    let c = inChannels;
    widths.forEach((w, i) => {
      layers.push(new Conv2d(c, w, 3, { stride: strides[i], padding: 1, bias: false, generator: opts.generator }), new BatchNorm2d(w), new ReLU());
      c = w;
    });
    layers.push(new GlobalAvgPool());
    this.body = this.registerModule('net', new Sequential(...layers));
    this.outFeatures = c;
  }

  forward(x: Tensor): Tensor {
    return this.body.forward(this.normalizeInput(x));
  }

  // The last conv stage's activations (N, width, H / stride, W / stride), before pooling: what
  // dense pretext heads (colorization's decoder) build on.
  featureMap(x: Tensor): Tensor {
    const y = this.normalizeInput(x);
    return this.body.forwardLayers(y, this.body.layers.length - 1);
  }

  // Product of the strides: input size / feature-map size.
  get totalStride(): number {
    return this.spec.strides.reduce((a, b) => a * b, 1);
  }

  private normalizeInput(x: Tensor): Tensor {
    if (this.spec.inputNorm === 'none') return x;
    if (x.ndim !== 4) throw outOfRange('x', 'Tensor (N, C, H, W)', `shape [${x.shape.join(', ')}]`);
    const [N, C, H, W] = x.shape;
    return reshape(layerNorm(reshape(x, [N * C, H * W]), [H * W]), [N, C, H, W]);
  }

  // Multiply-adds of one forward pass for an input of size (H, W), counting the convolutions.
  flops(H: number, W: number): number {
    let h = H, w = W, c = this.spec.inChannels, total = 0;
    this.spec.widths.forEach((o, i) => {
      const s = this.spec.strides[i];
      h = Math.floor((h + 2 - 3) / s) + 1;
      w = Math.floor((w + 2 - 3) / s) + 1;
      total += 2 * h * w * o * c * 9;
      c = o;
    });
    return total;
  }

  // A new encoder with the same spec and a copy of this one's parameters and buffers.
  clone(): ConvEncoder {
    const copy = new ConvEncoder(this.spec);
    copy.loadStateDict(new Map([...this.stateDict()].map(([k, v]) => [k, v instanceof Tensor ? { shape: v.shape, data: v.data } : { shape: [], data: [v.value] }])));
    copy.train(this.training);
    return copy;
  }
}

export function convEncoder(spec: ConvEncoderSpec | { inChannels: number; preset: keyof typeof ENCODER_PRESETS }, opts?: { generator?: Generator }): ConvEncoder {
  if (spec && typeof spec === 'object' && 'preset' in spec) {
    const p = ENCODER_PRESETS[spec.preset];
    if (!p) throw invalidParameter('spec.preset', `one of ${Object.keys(ENCODER_PRESETS).join(', ')}`, spec.preset);
    return new ConvEncoder({ inChannels: spec.inChannels, ...p }, opts);
  }
  return new ConvEncoder(spec as ConvEncoderSpec, opts);
}

// An encoder followed by a projection head (SimCLR's model, BYOL's online and target branches):
// forward gives the projection; the features that transfer are `encoder.forward`.
export class ProjectedEncoder extends Module {
  constructor(readonly encoder: ConvEncoder, readonly projector: Module) {
    super();
    this.registerModule('encoder', encoder);
    this.registerModule('projector', projector);
  }
  forward(x: Tensor): Tensor {
    return this.projector.forward(this.encoder.forward(x));
  }
}

// Projection / prediction MLP: Linear + BN + ReLU (+ Linear + BN + ReLU)... + Linear.
export function mlp(dims: number[], opts: { generator?: Generator; batchNorm?: boolean } = {}): Sequential {
  if (!Array.isArray(dims) || dims.length < 2) throw invalidParameter('dims', 'array of at least 2 layer sizes', dims);
  dims.forEach((d, i) => checkInt(`dims[${i}]`, d, 1));
  const layers: Module[] = [];
  for (let i = 0; i + 1 < dims.length; i++) {
    const last = i + 2 === dims.length;
    layers.push(new Linear_(dims[i], dims[i + 1], opts.generator ? { generator: opts.generator } : undefined));
    if (!last) {
      if (opts.batchNorm ?? true) layers.push(new BatchNorm1d_(dims[i + 1]));
      layers.push(new ReLU());
    }
  }
  return new Sequential(...layers);
}

