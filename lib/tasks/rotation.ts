// Rotation prediction (Gidaris, Singh & Komodakis 2018): every image of the batch at 0, 90, 180 and
// 270 degrees in one batch (4N), encoder + MLP head, 4-way cross-entropy. A horizontal flip comes
// first (it keeps "up" up, so the labels stay right).
import { Augment } from '../augment/pipeline.js';
import type { ImageSet } from '../data/fashion-mnist.js';
import { ConvEncoder, mlp } from '../nn/encoders.js';
import { Linear } from '../nn/layers.js';
import { crossEntropy } from '../ops/loss.js';
import { rotations } from '../pretext/patches.js';
import { Generator } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { EncoderWithHead, predictInEvalMode, pretextAccuracy, type PretextEvalOptions, type PretextPrediction } from './classifier-head.js';
import type { Batch, StepContext, Task } from './task.js';

export interface RotationOptions {
  encoder: ConvEncoder;
  augment?: Augment;
  // MLP head width (default 2 x features); null: a linear head. The MLP keeps the orientation
  // detectors in the head: with a linear head the encoder's last layer specializes on rotation
  // and its features transferred worse than random init in our runs (BENCHMARKS.md).
  hiddenDim?: number | null;
}

export class Rotation implements Task {
  readonly name = 'rotation';
  readonly encoder: ConvEncoder;
  readonly model: EncoderWithHead;
  readonly augment: Augment;
  private readonly hidden: number | null;

  constructor(opts: RotationOptions) {
    const o = checkOptions<RotationOptions>('options', opts, ['encoder', 'augment', 'hiddenDim']);
    if (!(o.encoder instanceof ConvEncoder)) throw invalidParameter('encoder', 'ConvEncoder (nn.convEncoder)', o.encoder);
    if (o.augment !== undefined && !(o.augment instanceof Augment)) throw invalidParameter('augment', 'Augment', o.augment);
    this.encoder = o.encoder;
    this.augment = o.augment ?? new Augment({ hflip: 0.5 });
    const F = o.encoder.outFeatures;
    this.hidden = o.hiddenDim === null ? null : checkInt('hiddenDim', o.hiddenDim ?? 2 * F, 1);
    this.model = new EncoderWithHead(o.encoder, this.hidden === null ? new Linear(F, 4) : mlp([F, this.hidden, 4]));
  }

  private forward(batch: Batch, g: Generator, augment: boolean): PretextPrediction {
    const x = augment ? this.augment.apply(batch, g) : new Augment().apply(batch, g);
    const { patches, labels } = rotations(x);
    return { inputs: patches, logits: this.model.head.forward(this.encoder.forward(patches)), labels, record: null };
  }

  // evaluate()'s input for one batch (no crop or flip), in eval mode without a graph.
  predict(batch: Batch, generator: Generator): PretextPrediction {
    return predictInEvalMode(this.model, () => this.forward(batch, generator, false));
  }

  checkInput(shape: readonly number[]): void {
    const [, H, W] = shape;
    const size = this.augment.options.size;
    const [Ho, Wo] = size === undefined ? [H, W] : typeof size === 'number' ? [size, size] : size;
    if (Ho !== Wo) throw outOfRange('dataset.shape', 'square images (rotation by 90 degrees keeps the shape)', `${H}x${W}`);
  }

  loss(batch: Batch, ctx: StepContext): Tensor {
    const { logits, labels } = this.forward(batch, ctx.generator, true);
    return crossEntropy(logits, labels);
  }

  // Rotation accuracy on held-out images (no crop or flip).
  evaluate(set: ImageSet, opts?: PretextEvalOptions): Record<string, number> {
    return pretextAccuracy(this.model, set, opts, (b, g) => this.forward(b, g, false));
  }

  config(): Record<string, unknown> {
    return { task: this.name, encoder: this.encoder.spec, augment: this.augment.options, hidden: this.hidden };
  }
}
