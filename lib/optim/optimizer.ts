// Optimizer base: a flat list of parameters, a learning rate a schedule can set, and per-parameter
// state buffers that a checkpoint can save and restore.
import { Tensor } from '../tensor/tensor.js';
import { invalidParameter } from '../validate.js';

export abstract class Optimizer {
  readonly params: Tensor[];
  lr: number;
  stepCount = 0;

  constructor(params: Iterable<Tensor>, lr: number) {
    if (params === null || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== 'function')
      throw invalidParameter('params', 'iterable of Tensors', params);
    this.params = [...params];
    this.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw invalidParameter(`params[${i}]`, 'Tensor', p);
    });
    if (this.params.length === 0) throw invalidParameter('params', 'at least one parameter', this.params);
    this.lr = lr;
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  // Parameters without a gradient (unused this step) are skipped, as in PyTorch.
  step(): void {
    this.stepCount++;
    this.params.forEach((p, i) => {
      if (p.grad) this.update(p, p.grad, i);
    });
  }

  protected abstract update(p: Tensor, grad: Float32Array, index: number): void;

  // Named state buffers per parameter index, for checkpoints.
  abstract stateBuffers(): Map<string, Float32Array>;
}
