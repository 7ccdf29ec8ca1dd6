// What relative position and jigsaw share: k patches per image from a 3x3 grid go through the
// shared encoder one by one, their features are concatenated per image, and an MLP head names the
// arrangement (cross-entropy). Subclasses say how the k patches and the label are sampled.
import type { ImageSet } from '../data/fashion-mnist.js';
import { ConvEncoder } from '../nn/encoders.js';
import { crossEntropy } from '../ops/loss.js';
import { reshape } from '../ops/shape.js';
import { checkGrid, patchRecord, type GridGeometry, type PatchSample } from '../pretext/patches.js';
import { Generator } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { outOfRange, invalidParameter } from '../validate.js';
import { EncoderWithHead, predictInEvalMode, pretextAccuracy, type PretextEvalOptions, type PretextPrediction } from './classifier-head.js';
import type { Batch, StepContext, Task } from './task.js';

export function checkPatchEncoder(encoder: unknown): ConvEncoder {
  if (!(encoder instanceof ConvEncoder)) throw invalidParameter('encoder', 'ConvEncoder (nn.convEncoder)', encoder);
  if (encoder.spec.inputNorm !== 'instance')
    throw outOfRange('encoder', "an encoder with spec.inputNorm 'instance' (patches are normalized one by one)", `inputNorm '${encoder.spec.inputNorm}'`);
  return encoder;
}

export abstract class GridPatchTask implements Task {
  abstract readonly name: string;
  abstract readonly encoder: ConvEncoder;
  abstract readonly model: EncoderWithHead;
  abstract readonly grid: GridGeometry;
  protected abstract readonly patchesPerImage: number;

  // The k patches of every image ((N * k, C, P, P), an image's patches consecutive) and the labels.
  protected abstract sample(batch: Batch, g: Generator, record?: Float32Array): PatchSample;
  abstract config(): Record<string, unknown>;

  private forward(batch: Batch, g: Generator, record?: Float32Array): PretextPrediction {
    const { patches, labels } = this.sample(batch, g, record);
    const f = this.encoder.forward(patches);
    const joined = reshape(f, [labels.length, this.patchesPerImage * this.encoder.outFeatures]);
    return { inputs: patches, logits: this.model.head.forward(joined), labels, record: record ?? null };
  }

  // evaluate()'s sampling of one batch, in eval mode without a graph, with each patch's position.
  predict(batch: Batch, generator: Generator): PretextPrediction {
    return predictInEvalMode(this.model, () => this.forward(batch, generator, patchRecord(batch.shape[0])));
  }

  checkInput(shape: readonly number[]): void {
    const [, H, W] = shape;
    checkGrid(this.grid, H, W);
  }

  loss(batch: Batch, ctx: StepContext): Tensor {
    const { logits, labels } = this.forward(batch, ctx.generator);
    return crossEntropy(logits, labels);
  }

  evaluate(set: ImageSet, opts?: PretextEvalOptions): Record<string, number> {
    return pretextAccuracy(this.model, set, opts, (b, g) => this.forward(b, g));
  }
}
