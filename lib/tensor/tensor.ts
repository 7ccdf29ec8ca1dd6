// Tensor: a float32 array in row-major order plus a shape. JS owns the memory; the addon reads
// views. Autograd is micrograd-style: an op's result keeps a GradNode with its parents and a
// backward closure written next to the forward (lib/ops/*); backward() walks the graph in reverse
// topological order. Gradients of intermediate tensors are dropped once used (as PyTorch does), so
// an op's backward may hand its gradient buffer straight to a parent.
import { checkInt, invalidParameter, outOfRange } from '../validate.js';
import { releaseGradBuffer } from './pool.js';

export interface GradNode {
  op: string;
  parents: readonly Tensor[];
  backward(grad: Float32Array): void;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

// Runs fn with graph recording off (evaluation, optimizer updates).
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw invalidParameter(name, 'array of non-negative integers', shape);
  return shape.map((d, i) => checkInt(`${name}[${i}]`, d, 0));
}

export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  grad: Float32Array | null = null;
  requiresGrad: boolean;
  node: GradNode | null = null;
  retainGrad = false;

  constructor(data: Float32Array, shape: readonly number[], requiresGrad = false) {
    if (!(data instanceof Float32Array)) throw invalidParameter('data', 'Float32Array', data);
    const s = checkShape('shape', shape);
    if (sizeOf(s) !== data.length)
      throw outOfRange('data', `Float32Array of length ${sizeOf(s)} for shape [${s.join(', ')}]`, data);
    this.data = data;
    this.shape = Object.freeze(s);
    this.requiresGrad = requiresGrad;
  }

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  // Leaf tensors keep their gradient; intermediate results only on request.
  get isLeaf(): boolean {
    return this.node === null;
  }

  item(): number {
    if (this.data.length !== 1) throw outOfRange('tensor', 'a tensor with exactly one element', this.shape);
    return this.data[0];
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, this.requiresGrad);
  }

  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  zeroGrad(): void {
    this.grad = null;
  }

  // Reverse-mode sweep from this tensor; a scalar gets d(self)/d(self) = 1 unless a seed is given.
  backward(seed?: Float32Array): void {
    if (!this.requiresGrad) throw new Error('backward: this tensor does not require grad (no parameter or input with requiresGrad reached it)');
    if (!seed) {
      if (this.size !== 1) throw outOfRange('seed', `a gradient of length ${this.size} for a non-scalar tensor`, seed);
      seed = new Float32Array([1]);
    } else if (!(seed instanceof Float32Array)) {
      throw invalidParameter("seed", "Float32Array", seed);
    } else if (seed.length !== this.size) {
      throw outOfRange('seed', `Float32Array of length ${this.size}`, seed);
    }
    const order: Tensor[] = [];
    const seen = new Set<Tensor>();
    // Iterative DFS (deep networks would overflow a recursive one).
    const stack: [Tensor, number][] = [[this, 0]];
    seen.add(this);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [t, i] = top;
      const parents = t.node ? t.node.parents : [];
      if (i < parents.length) {
        top[1]++;
        const p = parents[i];
        if (p.requiresGrad && !seen.has(p)) {
          seen.add(p);
          stack.push([p, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
    accumulateGrad(this, seed.slice());
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      if (!t.node || !t.grad) continue;
      const g = t.grad;
      if (!t.retainGrad) t.grad = null;
      // Closures may hand g on to a parent (reshape): a retained gradient must not alias it.
      const node = t.node;
      const passed = t.retainGrad ? g.slice() : g;
      node.backward(passed);
      if (!node.parents.some((p) => p.grad === passed)) releaseGradBuffer(passed);
      t.node = t.retainGrad ? t.node : null; // free the graph as it is consumed
    }
  }
}

// Adds g into t.grad; takes ownership of g when t has no gradient yet.
export function accumulateGrad(t: Tensor, g: Float32Array): void {
  if (!t.requiresGrad) return;
  if (t.grad === null) {
    t.grad = g;
    return;
  }
  const d = t.grad;
  for (let i = 0; i < d.length; i++) d[i] += g[i];
}

// Wires a result into the graph when recording and any input needs a gradient.
export function attach(out: Tensor, op: string, parents: readonly Tensor[], backward: (g: Float32Array) => void): Tensor {
  if (gradEnabled && parents.some((p) => p.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, parents, backward };
  }
  return out;
}

// For backward closures: whether a parent wants a gradient. Deliberately ignores noGrad(), which
// only stops graph recording: backward() inside noGrad still computes gradients, as in PyTorch.
export function needsGrad(t: Tensor | null | undefined): boolean {
  return !!t && t.requiresGrad;
}
