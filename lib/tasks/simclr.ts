// SimCLR (Chen et al. 2020): two augmented views of every image through a shared encoder and a
// projection MLP (with batch norm), NT-Xent between the projections. Both views go through the
// encoder as one 2N batch, so batch-norm statistics cover both (SimCLR's global BN on one device).
import { Augment, simclr as simclrRecipe } from '../augment/pipeline.js';
import { ConvEncoder, mlp, ProjectedEncoder } from '../nn/encoders.js';
import { ntXent } from '../ops/contrastive.js';
import { cat, sliceRows } from '../ops/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkOptions, invalidParameter } from '../validate.js';
import type { Batch, StepContext, Task } from './task.js';
import { preparedViews, viewsAsync, type Views } from './views.js';

export interface SimCLROptions {
  encoder: ConvEncoder;
  projectionDim?: number;
  hiddenDim?: number;
  temperature?: number;
  augment?: Augment;
}

export class SimCLR implements Task {
  readonly name = 'simclr';
  readonly encoder: ConvEncoder;
  readonly model: ProjectedEncoder;
  readonly temperature: number;
  readonly augment: Augment;
  private readonly dims: { hidden: number; projection: number };

  constructor(opts: SimCLROptions) {
    const o = checkOptions<SimCLROptions>('options', opts, ['encoder', 'projectionDim', 'hiddenDim', 'temperature', 'augment']);
    if (!(o.encoder instanceof ConvEncoder)) throw invalidParameter('encoder', 'ConvEncoder (nn.convEncoder)', o.encoder);
    if (o.augment !== undefined && !(o.augment instanceof Augment)) throw invalidParameter('augment', 'Augment', o.augment);
    this.encoder = o.encoder;
    const F = o.encoder.outFeatures;
    this.dims = { hidden: checkInt('hiddenDim', o.hiddenDim ?? F, 1), projection: checkInt('projectionDim', o.projectionDim ?? 64, 1) };
    this.temperature = checkNumber('temperature', o.temperature ?? 0.5, 0, Infinity, true);
    this.augment = o.augment ?? simclrRecipe();
    this.model = new ProjectedEncoder(o.encoder, mlp([F, this.dims.hidden, this.dims.projection]));
  }

  // The two views, made on worker threads while the previous step trains.
  prefetch(batch: Batch, ctx: StepContext): Promise<Views> {
    return viewsAsync(batch, ctx.generator, this.augment, this.augment);
  }

  loss(batch: Batch, ctx: StepContext, prepared?: unknown): Tensor {
    const [v1, v2] = preparedViews(prepared, batch, ctx.generator, this.augment, this.augment);
    const N = batch.shape[0];
    const z = this.model.forward(cat([v1, v2]));
    return ntXent(sliceRows(z, 0, N), sliceRows(z, N, 2 * N), this.temperature);
  }

  config(): Record<string, unknown> {
    return { task: this.name, encoder: this.encoder.spec, ...this.dims, temperature: this.temperature, augment: this.augment.options };
  }
}

export const simclr = (opts: SimCLROptions) => new SimCLR(opts);
