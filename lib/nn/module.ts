// Module: named parameters, buffers and children, train/eval mode and a state dict whose names
// and shapes match PyTorch's (children by attribute name, Sequential children "0", "1", …), so a
// safetensors file written here loads into the equivalent torch module and the other way round.
import { noGrad, Tensor } from '../tensor/tensor.js';
import { invalidParameter, outOfRange } from '../validate.js';

// Integer buffers (num_batches_tracked) are kept as numbers and saved as I64, as PyTorch does.
export interface IntBuffer {
  kind: 'int';
  value: number;
}

export type StateValue = Tensor | IntBuffer;

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly buffers = new Map<string, Tensor | IntBuffer | null>();
  private readonly children = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;

  call(x: Tensor): Tensor {
    return this.forward(x);
  }

  protected registerParameter(name: string, t: Tensor | null): Tensor | null {
    if (t) t.requiresGrad = true;
    this.params.set(name, t);
    return t;
  }

  protected registerBuffer<T extends Tensor | IntBuffer | null>(name: string, t: T): T {
    this.buffers.set(name, t);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    if (!(m instanceof Module)) throw invalidParameter(name, 'Module', m);
    this.children.set(name, m);
    return m;
  }

  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [k, t] of this.params) if (t) out.push([prefix + k, t]);
    for (const [k, m] of this.children) out.push(...m.namedParameters(`${prefix}${k}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(prefix = ''): [string, Tensor | IntBuffer][] {
    const out: [string, Tensor | IntBuffer][] = [];
    for (const [k, t] of this.buffers) if (t) out.push([prefix + k, t]);
    for (const [k, m] of this.children) out.push(...m.namedBuffers(`${prefix}${k}.`));
    return out;
  }

  // PyTorch order: a module's own parameters, then its own buffers, then each child in turn.
  stateDict(prefix = ''): Map<string, StateValue> {
    const out = new Map<string, StateValue>();
    for (const [k, t] of this.params) if (t) out.set(prefix + k, t);
    for (const [k, t] of this.buffers) if (t) out.set(prefix + k, t);
    for (const [k, m] of this.children) for (const [kk, v] of m.stateDict(`${prefix}${k}.`)) out.set(kk, v);
    return out;
  }

  // Copies values in place (tensors keep their identity, so optimizers stay attached).
  loadStateDict(state: Map<string, { shape: readonly number[]; data: Float32Array | number[] | ArrayLike<number> }>,
    opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    if (strict && (missing.length || unexpected.length))
      throw new Error(`loadStateDict: missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`);
    noGrad(() => {
      for (const [k, v] of own) {
        const src = state.get(k);
        if (!src) continue;
        if (v instanceof Tensor) {
          if (src.shape.length !== v.shape.length || src.shape.some((d, i) => d !== v.shape[i]))
            throw outOfRange(`state["${k}"]`, `shape [${v.shape.join(', ')}]`, `shape [${src.shape.join(', ')}]`);
          v.data.set(src.data as ArrayLike<number>);
        } else {
          v.value = Number(src.data[0]);
        }
      }
    });
  }

  train(mode = true): this {
    this.training = mode;
    for (const m of this.children.values()) m.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }
}
