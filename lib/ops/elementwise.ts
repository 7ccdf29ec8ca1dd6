// Elementwise arithmetic with NumPy broadcasting, unary maths and reductions. These run in
// TypeScript: they are memory-bound and off the hot path of the conv networks (whose bias, norm
// and activation work is native); a broadcast gradient is summed back to the input's shape.
import { attach, accumulateGrad, needsGrad, sizeOf, Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, outOfRange } from '../validate.js';
import { checkTensor } from './shape.js';
import { emptyFloat32 } from '../tensor/storage.js';

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw outOfRange('b', `a shape broadcastable with [${a.join(', ')}]`, `shape [${b.join(', ')}]`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

// Element offsets of `shape` broadcast into `out` (stride 0 on broadcast dims).
function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const n = out.length, total = sizeOf(out);
  const strides = new Array<number>(n).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const k = n - shape.length + i;
    strides[k] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  const idx = new Int32Array(total);
  const pos = new Array<number>(n).fill(0);
  let off = 0;
  for (let e = 0; e < total; e++) {
    idx[e] = off;
    for (let d = n - 1; d >= 0; d--) {
      pos[d]++;
      off += strides[d];
      if (pos[d] < out[d]) break;
      off -= strides[d] * out[d];
      pos[d] = 0;
    }
  }
  return idx;
}

// Sums a gradient of shape `out` down to `shape`.
function reduceTo(g: Float32Array, shape: readonly number[], out: readonly number[], idx: Int32Array | null): Float32Array {
  if (!idx) return g;
  const r = new Float32Array(sizeOf(shape));
  for (let e = 0; e < g.length; e++) r[idx[e]] += g[e];
  return r;
}

type Kernel = (a: number, b: number) => number;

function binary(op: string, a: Tensor, b: Tensor, f: Kernel, da: (a: number, b: number, g: number) => number,
  db: (a: number, b: number, g: number) => number): Tensor {
  checkTensor('a', a);
  checkTensor('b', b);
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  const outShape = same ? [...a.shape] : broadcastShape(a.shape, b.shape);
  const n = sizeOf(outShape);
  const ia = same || a.size === n ? null : broadcastIndex(a.shape, outShape);
  const ib = same || b.size === n ? null : broadcastIndex(b.shape, outShape);
  const A = a.data, B = b.data, y = emptyFloat32(n);
  if (!ia && !ib) for (let i = 0; i < n; i++) y[i] = f(A[i], B[i]);
  else for (let i = 0; i < n; i++) y[i] = f(A[ia ? ia[i] : i], B[ib ? ib[i] : i]);
  return attach(new Tensor(y, outShape), op, [a, b], (g) => {
    if (needsGrad(a)) {
      const ga = new Float32Array(n);
      for (let i = 0; i < n; i++) ga[i] = da(A[ia ? ia[i] : i], B[ib ? ib[i] : i], g[i]);
      accumulateGrad(a, reduceTo(ga, a.shape, outShape, ia));
    }
    if (needsGrad(b)) {
      const gb = new Float32Array(n);
      for (let i = 0; i < n; i++) gb[i] = db(A[ia ? ia[i] : i], B[ib ? ib[i] : i], g[i]);
      accumulateGrad(b, reduceTo(gb, b.shape, outShape, ib));
    }
  });
}

export const add = (a: Tensor, b: Tensor) => binary('add', a, b, (x, y) => x + y, (_x, _y, g) => g, (_x, _y, g) => g);
export const sub = (a: Tensor, b: Tensor) => binary('sub', a, b, (x, y) => x - y, (_x, _y, g) => g, (_x, _y, g) => -g);
export const mul = (a: Tensor, b: Tensor) => binary('mul', a, b, (x, y) => x * y, (_x, y, g) => g * y, (x, _y, g) => g * x);
export const div = (a: Tensor, b: Tensor) =>
  binary('div', a, b, (x, y) => x / y, (_x, y, g) => g / y, (x, y, g) => (-g * x) / (y * y));

function unary(op: string, x: Tensor, f: (v: number) => number, df: (v: number, y: number, g: number) => number): Tensor {
  checkTensor('x', x);
  const X = x.data, n = X.length, y = emptyFloat32(n);
  for (let i = 0; i < n; i++) y[i] = f(X[i]);
  return attach(new Tensor(y, x.shape), op, [x], (g) => {
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = df(X[i], y[i], g[i]);
    accumulateGrad(x, gx);
  });
}

export const neg = (x: Tensor) => unary('neg', x, (v) => -v, (_v, _y, g) => -g);
export const exp = (x: Tensor) => unary('exp', x, Math.exp, (_v, y, g) => g * y);
export const log = (x: Tensor) => unary('log', x, Math.log, (v, _y, g) => g / v);
export const sqrt = (x: Tensor) => unary('sqrt', x, Math.sqrt, (_v, y, g) => g / (2 * y));
export const square = (x: Tensor) => unary('square', x, (v) => v * v, (v, _y, g) => 2 * v * g);
export const abs = (x: Tensor) => unary('abs', x, Math.abs, (v, _y, g) => (v > 0 ? g : v < 0 ? -g : 0));

export function mulScalar(x: Tensor, s: number): Tensor {
  checkNumber('s', s);
  return unary('mulScalar', x, (v) => v * s, (_v, _y, g) => g * s);
}

export function addScalar(x: Tensor, s: number): Tensor {
  checkNumber('s', s);
  return unary('addScalar', x, (v) => v + s, (_v, _y, g) => g);
}

export function powScalar(x: Tensor, p: number): Tensor {
  checkNumber('p', p);
  return unary('pow', x, (v) => v ** p, (v, _y, g) => g * p * v ** (p - 1));
}

// Sum over all elements, or over `dim` (keepDim keeps it with size 1).
export function sum(x: Tensor, dim?: number, keepDim = false): Tensor {
  checkTensor('x', x);
  if (dim === undefined) {
    let s = 0;
    for (let i = 0; i < x.size; i++) s += x.data[i];
    return attach(new Tensor(new Float32Array([s]), keepDim ? x.shape.map(() => 1) : []), 'sum', [x], (g) =>
      accumulateGrad(x, new Float32Array(x.size).fill(g[0])));
  }
  const d = checkInt('dim', dim < 0 ? dim + x.ndim : dim, 0, x.ndim - 1);
  const outer = sizeOf(x.shape.slice(0, d)), len = x.shape[d], inner = sizeOf(x.shape.slice(d + 1));
  const y = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < len; k++) {
      const base = (o * len + k) * inner;
      for (let i = 0; i < inner; i++) y[o * inner + i] += x.data[base + i];
    }
  const shape = keepDim ? x.shape.map((s, i) => (i === d ? 1 : s)) : x.shape.filter((_, i) => i !== d);
  return attach(new Tensor(y, shape), 'sum', [x], (g) => {
    const gx = new Float32Array(x.size);
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < len; k++) gx.set(g.subarray(o * inner, (o + 1) * inner), (o * len + k) * inner);
    accumulateGrad(x, gx);
  });
}

export function mean(x: Tensor, dim?: number, keepDim = false): Tensor {
  checkTensor('x', x);
  const count = dim === undefined ? x.size : x.shape[dim < 0 ? dim + x.ndim : dim];
  if (count === undefined) throw outOfRange('dim', `integer in [${-x.ndim}, ${x.ndim - 1}]`, dim);
  return mulScalar(sum(x, dim, keepDim), 1 / Math.max(1, count));
}
