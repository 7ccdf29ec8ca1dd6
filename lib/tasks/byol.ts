// BYOL (Grill et al. 2020): an online network (encoder + projector + predictor) regresses the
// projection of another view made by a target network (encoder + projector) that is an EMA of the
// online one, with tau rising from base to 1 on a cosine schedule. The loss is symmetrized over
// the two views; the target gets no gradient.
import { Augment, byol as byolRecipe } from '../augment/pipeline.js';
import { ConvEncoder, mlp, ProjectedEncoder as Branch } from '../nn/encoders.js';
import { Module } from '../nn/module.js';
import { byolLoss } from '../ops/contrastive.js';
import { add } from '../ops/elementwise.js';
import { emaUpdate } from '../optim/ema.js';
import { byolMomentum } from '../optim/schedule.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkOptions, invalidParameter } from '../validate.js';
import type { Batch, StepContext, Task } from './task.js';
import { preparedViews, viewsAsync, type Views } from './views.js';

export interface BYOLOptions {
  encoder: ConvEncoder;
  projectionDim?: number;
  hiddenDim?: number;
  baseMomentum?: number;
  augment?: [Augment, Augment];
}

class BYOLModel extends Module {
  constructor(readonly online: Branch, readonly predictor: Module) {
    super();
    this.registerModule('online', online);
    this.registerModule('predictor', predictor);
  }
  forward(x: Tensor): Tensor {
    return this.online.encoder.forward(x);
  }
}

export class BYOL implements Task {
  readonly name = 'byol';
  readonly encoder: ConvEncoder;
  readonly model: BYOLModel;
  readonly target: Branch;
  readonly baseMomentum: number;
  readonly augment: [Augment, Augment];
  private readonly dims: { hidden: number; projection: number };

  constructor(opts: BYOLOptions) {
    const o = checkOptions<BYOLOptions>('options', opts, ['encoder', 'projectionDim', 'hiddenDim', 'baseMomentum', 'augment']);
    if (!(o.encoder instanceof ConvEncoder)) throw invalidParameter('encoder', 'ConvEncoder (nn.convEncoder)', o.encoder);
    if (o.augment !== undefined && (!Array.isArray(o.augment) || o.augment.length !== 2 || !o.augment.every((a) => a instanceof Augment)))
      throw invalidParameter('augment', '[Augment, Augment]', o.augment);
    this.encoder = o.encoder;
    const F = o.encoder.outFeatures;
    this.dims = { hidden: checkInt('hiddenDim', o.hiddenDim ?? 2 * F, 1), projection: checkInt('projectionDim', o.projectionDim ?? 64, 1) };
    this.baseMomentum = checkNumber('baseMomentum', o.baseMomentum ?? 0.99, 0, 1);
    this.augment = o.augment ?? byolRecipe();
    const projector = mlp([F, this.dims.hidden, this.dims.projection]);
    this.model = new BYOLModel(new Branch(o.encoder, projector), mlp([this.dims.projection, this.dims.hidden, this.dims.projection]));
    // The target starts as a copy of the online branch and is never trained by gradients.
    const targetProjector = mlp([F, this.dims.hidden, this.dims.projection]);
    this.target = new Branch(o.encoder.clone(), targetProjector);
    emaUpdate(this.target, this.model.online, 0);
    for (const p of this.target.parameters()) p.requiresGrad = false;
  }

  // The two (asymmetric) views, made on worker threads while the previous step trains.
  prefetch(batch: Batch, ctx: StepContext): Promise<Views> {
    return viewsAsync(batch, ctx.generator, this.augment[0], this.augment[1]);
  }

  loss(batch: Batch, ctx: StepContext, prepared?: unknown): Tensor {
    const [v1, v2] = preparedViews(prepared, batch, ctx.generator, this.augment[0], this.augment[1]);
    const p1 = this.model.predictor.forward(this.model.online.forward(v1));
    const p2 = this.model.predictor.forward(this.model.online.forward(v2));
    this.target.train(this.model.training);
    const [t1, t2] = noGrad(() => [this.target.forward(v1), this.target.forward(v2)]);
    return add(byolLoss(p1, t2), byolLoss(p2, t1));
  }

  afterStep(ctx: StepContext): void {
    emaUpdate(this.target, this.model.online, byolMomentum(ctx.step, ctx.totalSteps, this.baseMomentum));
  }

  extraState(): Map<string, Float32Array> {
    return new Map([...this.target.stateDict()].flatMap(([k, v]) => (v instanceof Tensor ? [[`target.${k}`, v.data] as const] : [])));
  }

  config(): Record<string, unknown> {
    return { task: this.name, encoder: this.encoder.spec, ...this.dims, baseMomentum: this.baseMomentum,
      augment: this.augment.map((a) => a.options) };
  }
}

export const byol = (opts: BYOLOptions) => new BYOL(opts);
