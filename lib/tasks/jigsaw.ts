// Jigsaw puzzles (Noroozi & Favaro 2016): the 9 tiles of a 3x3 grid, shuffled by one of P
// permutations with large Hamming distances between them, go one by one through the shared encoder
// (a siamese "context-free network"); the concatenated features feed an MLP that names the
// permutation (P-way cross-entropy). Tiles are normalized one by one (no shortcut through
// brightness), and the encoder standardizes its input so full images transfer.
import type { ImageSet } from '../data/fashion-mnist.js';
import { ConvEncoder, mlp } from '../nn/encoders.js';
import { crossEntropy } from '../ops/loss.js';
import { reshape } from '../ops/shape.js';
import { checkGrid, jigsawTiles, patchRecord, type GridGeometry, type GridOptions } from '../pretext/patches.js';
import { jigsawPermutations } from '../pretext/permutations.js';
import { Generator } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions } from '../validate.js';
import { EncoderWithHead, predictInEvalMode, pretextAccuracy, type PretextEvalOptions, type PretextPrediction } from './classifier-head.js';
import { checkPatchEncoder } from './relative-position.js';
import type { Batch, StepContext, Task } from './task.js';

export interface JigsawOptions extends GridOptions {
  encoder: ConvEncoder;
  permutations?: number; // P, default 100
  hiddenDim?: number;
}

export class Jigsaw implements Task {
  readonly name = 'jigsaw';
  readonly encoder: ConvEncoder;
  readonly model: EncoderWithHead;
  readonly grid: GridGeometry;
  readonly perms: Int32Array;
  private readonly hidden: number;

  constructor(opts: JigsawOptions) {
    const o = checkOptions<JigsawOptions>('options', opts, ['encoder', 'permutations', 'hiddenDim', 'patch', 'gap', 'jitter', 'aberration']);
    this.encoder = checkPatchEncoder(o.encoder);
    this.grid = checkGrid({ patch: o.patch!, gap: o.gap, jitter: o.jitter, aberration: o.aberration }, Infinity, Infinity);
    // 9! = 362880 orders of 9 tiles exist; more classes than that cannot be made.
    this.perms = jigsawPermutations(checkInt('permutations', o.permutations ?? 100, 2, 362_880));
    const F = this.encoder.outFeatures;
    this.hidden = checkInt('hiddenDim', o.hiddenDim ?? 4 * F, 1);
    this.model = new EncoderWithHead(this.encoder, mlp([9 * F, this.hidden, this.perms.length / 9]));
  }

  get permutations(): number {
    return this.perms.length / 9;
  }

  private forward(batch: Batch, g: Generator, record?: Float32Array): PretextPrediction {
    const { patches, labels } = jigsawTiles(batch, g, this.perms, this.grid, record);
    const f = this.encoder.forward(patches); // (9N, F), the tiles of one puzzle consecutive
    return { inputs: patches, logits: this.model.head.forward(reshape(f, [labels.length, 9 * this.encoder.outFeatures])), labels, record: record ?? null };
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
    return { task: this.name, encoder: this.encoder.spec, hidden: this.hidden, permutations: this.permutations, ...this.grid };
  }
}
