// Relative patch position (Doersch, Gupta & Efros 2015): the centre patch of a 3x3 grid and one of
// its 8 neighbours go through the shared encoder; their features, concatenated, feed an MLP that
// names the neighbour's position (8-way cross-entropy). The gap and jitter between patches keep the
// network from matching edges and lines across patch borders; each patch is normalized on its own,
// and the encoder standardizes its input (inputNorm 'instance') so full images transfer.
import { ConvEncoder, mlp } from '../nn/encoders.js';
import { checkGrid, relativePositionPatches, type GridGeometry, type GridOptions, type PatchSample } from '../pretext/patches.js';
import { Generator } from '../random.js';
import { checkInt, checkOptions } from '../validate.js';
import { EncoderWithHead } from './classifier-head.js';
import { checkPatchEncoder, GridPatchTask } from './grid-task.js';
import type { Batch } from './task.js';

export { checkPatchEncoder };

export interface RelativePositionOptions extends GridOptions {
  encoder: ConvEncoder;
  hiddenDim?: number;
}

export class RelativePosition extends GridPatchTask {
  readonly name = 'relative-position';
  readonly encoder: ConvEncoder;
  readonly model: EncoderWithHead;
  readonly grid: GridGeometry;
  protected readonly patchesPerImage = 2;
  private readonly hidden: number;

  constructor(opts: RelativePositionOptions) {
    super();
    const o = checkOptions<RelativePositionOptions>('options', opts, ['encoder', 'hiddenDim', 'patch', 'gap', 'jitter', 'aberration']);
    this.encoder = checkPatchEncoder(o.encoder);
    // The grid is checked against the images at each step; here only its own numbers.
    this.grid = checkGrid({ patch: o.patch!, gap: o.gap, jitter: o.jitter, aberration: o.aberration }, Infinity, Infinity);
    const F = this.encoder.outFeatures;
    this.hidden = checkInt('hiddenDim', o.hiddenDim ?? 2 * F, 1);
    this.model = new EncoderWithHead(this.encoder, mlp([2 * F, this.hidden, 8]));
  }

  protected sample(batch: Batch, g: Generator, record?: Float32Array): PatchSample {
    return relativePositionPatches(batch, g, this.grid, record);
  }

  config(): Record<string, unknown> {
    return { task: this.name, encoder: this.encoder.spec, hidden: this.hidden, ...this.grid };
  }
}
