// AdamW: Adam with decoupled weight decay (torch.optim.AdamW semantics) on the native kernel.
import { native } from '../native/loader.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumber, checkOptions, outOfRange } from '../validate.js';
import { checkStateBuffers, Optimizer } from './optimizer.js';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class AdamW extends Optimizer {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly steps: number[];

  constructor(params: Iterable<Tensor>, opts: AdamWOptions = {}) {
    const o = checkOptions<AdamWOptions>('options', opts, ['lr', 'betas', 'eps', 'weightDecay']);
    super(params, checkNumber('lr', o.lr ?? 1e-3, 0));
    const betas = o.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError('Expected [beta1, beta2] for betas');
    this.beta1 = checkNumber('betas[0]', betas[0], 0, 1);
    this.beta2 = checkNumber('betas[1]', betas[1], 0, 1);
    if (this.beta1 >= 1 || this.beta2 >= 1) throw new RangeError('Expected betas in [0, 1)');
    this.eps = checkNumber('eps', o.eps ?? 1e-8, 0);
    this.weightDecay = checkNumber('weightDecay', o.weightDecay ?? 1e-2, 0);
    this.m = this.params.map((p) => new Float32Array(p.size));
    this.v = this.params.map((p) => new Float32Array(p.size));
    this.steps = this.params.map(() => 0);
  }

  protected update(p: Tensor, grad: Float32Array, i: number): void {
    this.steps[i]++;
    native().adamwStep(p.data, this.m[i], this.v[i], grad, this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, this.steps[i]);
  }

  stateBuffers(): Map<string, Float32Array> {
    const s = new Map<string, Float32Array>();
    this.params.forEach((_, i) => {
      s.set(`${i}.exp_avg`, this.m[i]);
      s.set(`${i}.exp_avg_sq`, this.v[i]);
      s.set(`${i}.step`, new Float32Array([this.steps[i]]));
    });
    return s;
  }

  // The per-parameter step counts are plain numbers (stateBuffers() hands out copies), so they are
  // restored here rather than by copying into the returned arrays.
  override loadStateBuffers(state: Map<string, Float32Array>): void {
    const own = this.stateBuffers();
    checkStateBuffers('AdamW', new Map([...own].map(([k, v]) => [k, v.length])), state, false);
    const bad = this.params.findIndex((_, i) => !Number.isInteger(state.get(`${i}.step`)![0]) || state.get(`${i}.step`)![0] < 0);
    if (bad >= 0) throw outOfRange(`state["${bad}.step"]`, 'a non-negative integer step count', state.get(`${bad}.step`)![0]);
    this.params.forEach((_, i) => {
      this.m[i].set(state.get(`${i}.exp_avg`)!);
      this.v[i].set(state.get(`${i}.exp_avg_sq`)!);
      this.steps[i] = state.get(`${i}.step`)![0];
    });
  }
}
