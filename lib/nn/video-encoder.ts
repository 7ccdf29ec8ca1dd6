// A small 3-D convolutional encoder for video clips (N, C, T, H, W), built from a JSON-serializable
// spec so a checkpoint can rebuild it (taskFromConfig): Conv3d(3x3x3) + BatchNorm3d + ReLU per
// stage, then global average pooling over (T, H, W) for the features a probe reads.
//
// With `visibilityMask: true` the first conv reads one extra channel, 1 where a frame is visible
// and 0 where it is hidden (temporal reconstruction zeroes the hidden frames, and a zero frame must
// be told apart from a black one). At transfer nothing is hidden, so a clip of `inChannels`
// channels gets an all-ones mask appended: probes and the report feed plain clips.
import { Generator } from '../random.js';
import { catChannels } from '../ops/concat.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { BatchNorm3d, Conv3d, GlobalAvgPool, ReLU, Sequential } from './layers.js';
import { Module } from './module.js';

export type Stride3 = [number, number, number]; // (time, height, width)

export interface VideoEncoderSpec {
  inChannels: number;       // image channels of a clip (1 gray, 3 RGB), the mask not counted
  widths?: number[];        // output channels per conv, default [16, 32, 64]
  strides?: Stride3[];      // per conv, default [1, 2, 2] for all but the last ([1, 1, 1])
  visibilityMask?: boolean; // one more input channel: 1 visible, 0 hidden (default false)
}

export const VIDEO_ENCODER_DEFAULTS = { widths: [16, 32, 64] } as const;

export class VideoEncoder extends Module {
  readonly spec: Required<VideoEncoderSpec>;
  readonly outFeatures: number;
  private readonly body: Sequential;

  constructor(spec: VideoEncoderSpec, opts: { generator?: Generator } = {}) {
    super();
    const s = checkOptions<VideoEncoderSpec>('spec', spec, ['inChannels', 'widths', 'strides', 'visibilityMask']);
    const inChannels = checkInt('spec.inChannels', s.inChannels, 1);
    const rawWidths = s.widths ?? VIDEO_ENCODER_DEFAULTS.widths;
    if (!Array.isArray(rawWidths) || rawWidths.length === 0) throw invalidParameter('spec.widths', 'non-empty array of channel counts', s.widths);
    const widths = rawWidths.map((w, i) => checkInt(`spec.widths[${i}]`, w, 1));
    // Default: halve height and width at every stage but the last, keep time (the decoder of
    // temporal reconstruction rebuilds every frame, so time is never pooled by default).
    const rawStrides = s.strides ?? widths.map((_, i): Stride3 => (i + 1 < widths.length ? [1, 2, 2] : [1, 1, 1]));
    if (!Array.isArray(rawStrides) || rawStrides.length !== widths.length)
      throw outOfRange('spec.strides', `${widths.length} [time, height, width] strides (one per width)`, s.strides);
    const strides = rawStrides.map((st, i): Stride3 => {
      if (!Array.isArray(st) || st.length !== 3) throw invalidParameter(`spec.strides[${i}]`, '[time, height, width] array of 3 integers in [1, 4]', st);
      return [0, 1, 2].map((k) => checkInt(`spec.strides[${i}][${k}]`, st[k], 1, 4)) as Stride3;
    });
    const visibilityMask = s.visibilityMask === undefined ? false : checkBool('spec.visibilityMask', s.visibilityMask);
    this.spec = { inChannels, widths, strides, visibilityMask };
    const layers: Module[] = [];
    let c = inChannels + (visibilityMask ? 1 : 0);
    widths.forEach((w, i) => {
      layers.push(new Conv3d(c, w, 3, { stride: strides[i], padding: 1, bias: false, generator: opts.generator }), new BatchNorm3d(w), new ReLU());
      c = w;
    });
    layers.push(new GlobalAvgPool());
    this.body = this.registerModule('net', new Sequential(...layers));
    this.outFeatures = c;
  }

  // (N, C, T, H, W) -> (N, outFeatures): the clip's features, pooled over time and space.
  forward(x: Tensor): Tensor {
    return this.body.forward(this.withMask(x));
  }

  // The last stage's activations (N, width, T / st, H / sh, W / sw), before pooling: what the
  // temporal-reconstruction decoder builds on.
  featureMap(x: Tensor): Tensor {
    const y = this.withMask(x);
    return this.body.forwardLayers(y, this.body.layers.length - 1);
  }

  // Product of the strides per axis: input size / feature-map size, [time, height, width].
  get totalStride(): Stride3 {
    return this.spec.strides.reduce<Stride3>((a, s) => [a[0] * s[0], a[1] * s[1], a[2] * s[2]], [1, 1, 1]);
  }

  // Channels the first conv reads (the mask included).
  get convInChannels(): number {
    return this.spec.inChannels + (this.spec.visibilityMask ? 1 : 0);
  }

  private withMask(x: Tensor): Tensor {
    const C = this.spec.inChannels, Cin = this.convInChannels;
    const ch = (k: number) => `${k} channel${k > 1 ? 's' : ''}`;
    const what = this.spec.visibilityMask ? `${ch(C)} (a clip; all frames visible) or ${Cin} (the clip and its visibility mask)` : ch(C);
    if (!(x instanceof Tensor) || x.ndim !== 5 || (x.shape[1] !== Cin && x.shape[1] !== C))
      throw outOfRange('x', `Tensor (N, C, T, H, W) with ${what}`, x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : x);
    if (x.shape[1] === Cin) return x;
    // Plain clips at transfer: append the all-visible mask (a constant).
    const [N, , T, H, W] = x.shape;
    return catChannels([x, new Tensor(new Float32Array(N * T * H * W).fill(1), [N, 1, T, H, W])]);
  }
}

export function videoEncoder(spec: VideoEncoderSpec, opts?: { generator?: Generator }): VideoEncoder {
  return new VideoEncoder(spec, opts);
}
