// Shape ops: reshape/flatten (views sharing data), transpose of a matrix, channels <-> rows,
// concatenation, row slicing along the first axis and narrowing along any axis. Each op's
// backward sits next to its forward.
import { attach, checkShape, needsGrad, sizeOf, Tensor, accumulateGrad } from '../tensor/tensor.js';
import { native } from '../native/loader.js';
import { checkInt, invalidParameter, outOfRange } from '../validate.js';

export function checkTensor(name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw invalidParameter(name, 'Tensor', t);
  return t;
}

export function checkRank(name: string, t: unknown, ranks: readonly number[]): Tensor {
  const x = checkTensor(name, t);
  if (!ranks.includes(x.ndim))
    throw outOfRange(name, `Tensor of rank ${ranks.join(' or ')}`, `shape [${x.shape.join(', ')}]`);
  return x;
}

// Shape with at most one -1, inferred from the element count.
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('x', x);
  if (!Array.isArray(shape)) throw invalidParameter('shape', 'array of integers', shape);
  const s = [...shape];
  if (s.filter((d) => d === -1).length > 1) throw outOfRange('shape', 'a shape with at most one -1', shape);
  const infer = s.indexOf(-1);
  if (infer >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== infer));
    if (rest === 0 || x.size % rest) throw outOfRange('shape', `a shape compatible with ${x.size} elements`, shape);
    s[infer] = x.size / rest;
  }
  checkShape('shape', s);
  if (sizeOf(s) !== x.size) throw outOfRange('shape', `a shape with ${x.size} elements`, shape);
  const out = new Tensor(x.data, s);
  return attach(out, 'reshape', [x], (g) => accumulateGrad(x, g));
}

// Flattens all dims from startDim on (PyTorch nn.Flatten default startDim = 1).
export function flatten(x: Tensor, startDim = 1): Tensor {
  checkTensor('x', x);
  checkInt('startDim', startDim, 0, Math.max(0, x.ndim - 1));
  return reshape(x, [...x.shape.slice(0, startDim), sizeOf(x.shape.slice(startDim))]);
}

export function transpose(x: Tensor): Tensor {
  checkRank('x', x, [2]);
  const [R, C] = x.shape;
  const t = (src: Float32Array, rows: number, cols: number) => {
    const out = new Float32Array(src.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j];
    return out;
  };
  const out = new Tensor(t(x.data, R, C), [C, R]);
  return attach(out, 'transpose', [x], (g) => accumulateGrad(x, t(g, C, R)));
}

// (N, C, spatial...) -> (N * spatial, C): one row per pixel, for per-pixel classification with
// crossEntropy (colorization's ab bins). Backward is the inverse permutation (native blocked
// transpose both ways).
export function channelsToRows(x: Tensor): Tensor {
  checkTensor('x', x);
  if (x.ndim < 3) throw outOfRange('x', 'Tensor of rank >= 3 (N, C, spatial...)', `shape [${x.shape.join(', ')}]`);
  const [N, C] = x.shape;
  const S = sizeOf(x.shape.slice(2));
  const nb = native();
  const out = new Float32Array(x.size);
  nb.transposeBatched(out, x.data, N, C, S);
  return attach(new Tensor(out, [N * S, C]), 'channelsToRows', [x], (g) => {
    const dx = new Float32Array(x.size);
    nb.transposeBatched(dx, g, N, S, C);
    accumulateGrad(x, dx);
  });
}

// (N * S, C) -> (N, C, S): the inverse of channelsToRows for one spatial dim (token embeddings
// (N * L, D) into a 1-D convolution's (N, D, L) layout, rows normalized per position back).
export function rowsToChannels(x: Tensor, batch: number): Tensor {
  checkRank('x', x, [2]);
  const [R, C] = x.shape;
  checkInt('batch', batch, 1);
  if (R % batch) throw outOfRange('batch', `a divisor of the ${R} rows of x`, batch);
  const S = R / batch;
  const nb = native();
  const out = new Float32Array(x.size);
  nb.transposeBatched(out, x.data, batch, S, C);
  return attach(new Tensor(out, [batch, C, S]), 'rowsToChannels', [x], (g) => {
    const dx = new Float32Array(x.size);
    nb.transposeBatched(dx, g, batch, C, S);
    accumulateGrad(x, dx);
  });
}

// Concatenates along axis 0 (the batch axis: two augmented views, patch pairs).
export function cat(xs: readonly Tensor[]): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw invalidParameter('xs', 'non-empty array of Tensors', xs);
  xs.forEach((x, i) => {
    checkTensor(`xs[${i}]`, x);
    if (x.ndim < 1) throw outOfRange(`xs[${i}]`, 'Tensor of rank >= 1 (concatenated along axis 0)', `shape [${x.shape.join(', ')}]`);
  });
  const tail = xs[0].shape.slice(1);
  for (let i = 1; i < xs.length; i++)
    if (xs[i].ndim !== xs[0].ndim || xs[i].shape.slice(1).some((d: number, k: number) => d !== tail[k]))
      throw outOfRange(`xs[${i}]`, `shape [*, ${tail.join(', ')}]`, `shape [${xs[i].shape.join(', ')}]`);
  const data = new Float32Array(xs.reduce((s, x) => s + x.size, 0));
  let off = 0;
  for (const x of xs) {
    data.set(x.data, off);
    off += x.size;
  }
  const out = new Tensor(data, [xs.reduce((s, x) => s + x.shape[0], 0), ...tail]);
  return attach(out, 'cat', xs, (g) => {
    let o = 0;
    for (const x of xs) {
      if (needsGrad(x)) accumulateGrad(x, g.slice(o, o + x.size));
      o += x.size;
    }
  });
}

// Rows [start, end) along axis 0.
export function sliceRows(x: Tensor, start: number, end: number): Tensor {
  checkTensor('x', x);
  if (x.ndim < 1) throw outOfRange('x', 'Tensor of rank >= 1', x.shape);
  checkInt('start', start, 0, x.shape[0]);
  checkInt('end', end, start, x.shape[0]);
  const row = x.size / Math.max(1, x.shape[0]);
  const out = new Tensor(x.data.slice(start * row, end * row), [end - start, ...x.shape.slice(1)]);
  return attach(out, 'sliceRows', [x], (g) => {
    const full = new Float32Array(x.size);
    full.set(g, start * row);
    accumulateGrad(x, full);
  });
}

// Elements [start, start + length) along `dim`, all of every other dim (PyTorch's narrow, but a
// copy). Causal convolution keeps the first L outputs of a conv padded on both sides with it.
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('x', x);
  if (x.ndim < 1) throw outOfRange('x', 'Tensor of rank >= 1', `shape [${x.shape.join(', ')}]`);
  checkInt('dim', dim, 0, x.ndim - 1);
  const D = x.shape[dim];
  checkInt('start', start, 0, D);
  checkInt('length', length, 0, D - start);
  // Row-major: `outer` blocks of D * inner elements, each copied as one contiguous run.
  const outer = sizeOf(x.shape.slice(0, dim)), inner = sizeOf(x.shape.slice(dim + 1));
  const run = length * inner, from = start * inner, block = D * inner;
  const out = new Float32Array(outer * run);
  for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * block + from, o * block + from + run), o * run);
  const shape = [...x.shape];
  shape[dim] = length;
  return attach(new Tensor(out, shape), 'narrow', [x], (g) => {
    const dx = new Float32Array(x.size); // outside the kept range the gradient is zero
    for (let o = 0; o < outer; o++) dx.set(g.subarray(o * run, (o + 1) * run), o * block + from);
    accumulateGrad(x, dx);
  });
}
