// SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD semantics) on the
// native update kernel.
import { native } from '../native/loader.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBool, checkNumber, checkOptions } from '../validate.js';
import { checkStateBuffers, Optimizer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  private readonly buffers: (Float32Array | null)[];
  private readonly started: boolean[];

  constructor(params: Iterable<Tensor>, opts: SGDOptions) {
    const o = checkOptions<SGDOptions>('options', opts, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov']);
    super(params, checkNumber('lr', o.lr, 0));
    this.momentum = checkNumber('momentum', o.momentum ?? 0, 0);
    this.dampening = checkNumber('dampening', o.dampening ?? 0, 0, 1);
    this.weightDecay = checkNumber('weightDecay', o.weightDecay ?? 0, 0);
    this.nesterov = o.nesterov === undefined ? false : checkBool('nesterov', o.nesterov);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0))
      throw new RangeError('SGD: nesterov needs momentum > 0 and dampening = 0');
    this.buffers = this.params.map((p) => (this.momentum ? new Float32Array(p.size) : null));
    this.started = this.params.map(() => false);
  }

  protected update(p: Tensor, grad: Float32Array, i: number): void {
    native().sgdStep(p.data, this.buffers[i], grad, this.lr, this.momentum, this.dampening, this.weightDecay,
      this.nesterov, !this.started[i]);
    this.started[i] = true;
  }

  stateBuffers(): Map<string, Float32Array> {
    const m = new Map<string, Float32Array>();
    this.buffers.forEach((b, i) => {
      if (b && this.started[i]) m.set(`${i}.momentum_buffer`, b);
    });
    return m;
  }

  // A parameter whose momentum buffer was saved has taken a step (its buffer is no longer
  // initialised from the next gradient); one without has not.
  override loadStateBuffers(state: Map<string, Float32Array>): void {
    const expected = new Map<string, number>();
    this.buffers.forEach((b, i) => {
      if (b) expected.set(`${i}.momentum_buffer`, b.length);
    });
    checkStateBuffers('SGD', expected, state, true);
    this.buffers.forEach((b, i) => {
      const saved = state.get(`${i}.momentum_buffer`);
      this.started[i] = saved !== undefined;
      if (b) {
        if (saved) b.set(saved);
        else b.fill(0);
      }
    });
  }
}
