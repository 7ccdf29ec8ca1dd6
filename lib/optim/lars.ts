// LARS (layer-wise adaptive rate scaling) as SimCLR applies it, on the native step kernel. By
// default parameters of rank <= 1 (biases, batch-norm and layer-norm scales) are excluded from
// weight decay and adaptation, as in SimCLR's implementation.
import { native } from '../native/loader.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumber, checkOptions, invalidParameter } from '../validate.js';
import { Optimizer } from './optimizer.js';

export interface LARSOptions {
  lr: number;
  momentum?: number;
  weightDecay?: number;
  eta?: number;
  exclude?: (p: Tensor, index: number) => boolean;
}

export class LARS extends Optimizer {
  momentum: number;
  weightDecay: number;
  eta: number;
  private readonly velocity: Float32Array[];
  private readonly excluded: boolean[];

  constructor(params: Iterable<Tensor>, opts: LARSOptions) {
    const o = checkOptions<LARSOptions>('options', opts, ['lr', 'momentum', 'weightDecay', 'eta', 'exclude']);
    super(params, checkNumber('lr', o.lr, 0));
    this.momentum = checkNumber('momentum', o.momentum ?? 0.9, 0, 1);
    this.weightDecay = checkNumber('weightDecay', o.weightDecay ?? 1e-6, 0);
    this.eta = checkNumber('eta', o.eta ?? 1e-3, 0, Infinity, true);
    if (o.exclude !== undefined && typeof o.exclude !== 'function') throw invalidParameter('exclude', 'function (param, index) => boolean', o.exclude);
    const exclude = o.exclude ?? ((p: Tensor) => p.ndim <= 1);
    this.excluded = this.params.map((p, i) => exclude(p, i) === true);
    this.velocity = this.params.map((p) => new Float32Array(p.size));
  }

  protected update(p: Tensor, grad: Float32Array, i: number): void {
    native().larsStep(p.data, this.velocity[i], grad, this.lr, this.momentum, this.weightDecay, this.eta, this.excluded[i]);
  }

  stateBuffers(): Map<string, Float32Array> {
    return new Map(this.velocity.map((v, i) => [`${i}.velocity`, v] as const));
  }
}
