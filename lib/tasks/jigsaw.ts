// Jigsaw puzzles (Noroozi & Favaro 2016): the 9 tiles of a 3x3 grid, shuffled by one of P
// permutations with large Hamming distances between them, go one by one through the shared encoder
// (a siamese "context-free network"); the concatenated features feed an MLP that names the
// permutation (P-way cross-entropy). Tiles are normalized one by one (no shortcut through
// brightness), and the encoder standardizes its input so full images transfer.
import { ConvEncoder, mlp } from '../nn/encoders.js';
import { checkGrid, jigsawTiles, type GridGeometry, type GridOptions, type PatchSample } from '../pretext/patches.js';
import { jigsawPermutations } from '../pretext/permutations.js';
import { Generator } from '../random.js';
import { checkInt, checkOptions } from '../validate.js';
import { EncoderWithHead } from './classifier-head.js';
import { checkPatchEncoder, GridPatchTask } from './grid-task.js';
import type { Batch } from './task.js';

export interface JigsawOptions extends GridOptions {
  encoder: ConvEncoder;
  permutations?: number; // P, default 100
  hiddenDim?: number;
}

export class Jigsaw extends GridPatchTask {
  readonly name = 'jigsaw';
  readonly encoder: ConvEncoder;
  readonly model: EncoderWithHead;
  readonly grid: GridGeometry;
  protected readonly patchesPerImage = 9;
  readonly perms: Int32Array;
  private readonly hidden: number;

  constructor(opts: JigsawOptions) {
    super();
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

  protected sample(batch: Batch, g: Generator, record?: Float32Array): PatchSample {
    return jigsawTiles(batch, g, this.perms, this.grid, record);
  }

  config(): Record<string, unknown> {
    return { task: this.name, encoder: this.encoder.spec, hidden: this.hidden, permutations: this.permutations, ...this.grid };
  }
}
