// Optimizer base: a flat list of parameters, a learning rate a schedule can set, and per-parameter
// state buffers that a checkpoint can save and restore.
import { Tensor } from '../tensor/tensor.js';
import { describe, invalidParameter } from '../validate.js';

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

  // Restores what stateBuffers() returned when a checkpoint was written, by copying the saved
  // values into the live buffers. Names and lengths must match exactly; nothing changes on error.
  // Optimizers with state outside live Float32Arrays (SGD's first-step flags, AdamW's step
  // counts) override this.
  loadStateBuffers(state: Map<string, Float32Array>): void {
    const own = this.stateBuffers();
    checkStateBuffers(this.constructor.name, new Map([...own].map(([k, v]) => [k, v.length])), state, false);
    for (const [k, v] of own) v.set(state.get(k)!);
  }
}

// Throws one Error naming every missing, unexpected or wrongly sized buffer. `subset` allows
// missing names (SGD saves momentum buffers only for parameters that have taken a step).
export function checkStateBuffers(who: string, expected: Map<string, number>, state: Map<string, Float32Array>,
  subset: boolean): void {
  if (!(state instanceof Map)) throw invalidParameter('state', 'Map of name -> Float32Array', state);
  const missing = subset ? [] : [...expected.keys()].filter((k) => !state.has(k));
  const unexpected = [...state.keys()].filter((k) => !expected.has(k));
  const wrong = [...state].filter(([k, v]) => expected.has(k) && (!(v instanceof Float32Array) || v.length !== expected.get(k)))
    .map(([k, v]) => `${k} (${v instanceof Float32Array ? v.length : describe(v)} instead of ${expected.get(k)} elements)`);
  if (missing.length || unexpected.length || wrong.length)
    throw new Error(`${who}.loadStateBuffers: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}], ` +
      `wrong size [${wrong.join(', ')}]`);
}
