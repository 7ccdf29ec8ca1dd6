// Relative patch position (Doersch, Gupta & Efros 2015): the centre patch of a 3x3 grid and one of
// its 8 neighbours go through the shared encoder; their features, concatenated, feed an MLP that
// names the neighbour's position (8-way cross-entropy). The gap and jitter between patches keep the
// network from matching edges and lines across patch borders; each patch is normalized on its own,
// and the encoder standardizes its input (inputNorm 'instance') so full images transfer.
import type { ImageSet } from '../data/fashion-mnist.js';
import { ConvEncoder, mlp } from '../nn/encoders.js';
import { crossEntropy } from '../ops/loss.js';
import { reshape } from '../ops/shape.js';
import { checkGrid, patchRecord, relativePositionPatches, type GridGeometry, type GridOptions } from '../pretext/patches.js';
import { Generator } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { EncoderWithHead, predictInEvalMode, pretextAccuracy, type PretextEvalOptions, type PretextPrediction } from './classifier-head.js';
import type { Batch, StepContext, Task } from './task.js';

export interface RelativePositionOptions extends GridOptions {
  encoder: ConvEncoder;
  hiddenDim?: number;
}

export function checkPatchEncoder(encoder: unknown): ConvEncoder {
  if (!(encoder instanceof ConvEncoder)) throw invalidParameter('encoder', 'ConvEncoder (nn.convEncoder)', encoder);
  if (encoder.spec.inputNorm !== 'instance')
    throw outOfRange('encoder', "an encoder with spec.inputNorm 'instance' (patches are normalized one by one)", `inputNorm '${encoder.spec.inputNorm}'`);
  return encoder;
}

export class RelativePosition implements Task {
  readonly name = 'relative-position';
  readonly encoder: ConvEncoder;
  readonly model: EncoderWithHead;
  readonly grid: GridGeometry;
  private readonly hidden: number;

  constructor(opts: RelativePositionOptions) {
    const o = checkOptions<RelativePositionOptions>('options', opts, ['encoder', 'hiddenDim', 'patch', 'gap', 'jitter', 'aberration']);
    this.encoder = checkPatchEncoder(o.encoder);
    // The grid is checked against the images at each step; here only its own numbers.
    this.grid = checkGrid({ patch: o.patch!, gap: o.gap, jitter: o.jitter, aberration: o.aberration }, Infinity, Infinity);
    const F = this.encoder.outFeatures;
    this.hidden = checkInt('hiddenDim', o.hiddenDim ?? 2 * F, 1);
    this.model = new EncoderWithHead(this.encoder, mlp([2 * F, this.hidden, 8]));
  }

  private forward(batch: Batch, g: Generator, record?: Float32Array): PretextPrediction {
    const { patches, labels } = relativePositionPatches(batch, g, this.grid, record);
    const f = this.encoder.forward(patches); // (2N, F): centre, neighbour, centre, ...
    return { inputs: patches, logits: this.model.head.forward(reshape(f, [labels.length, 2 * this.encoder.outFeatures])), labels, record: record ?? null };
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

  config(): Record<string, unknown> {
    return { task: this.name, encoder: this.encoder.spec, hidden: this.hidden, ...this.grid };
  }
}
