// Max and average pooling over 1..3 spatial dims (PyTorch semantics: floor output size, implicit
// -inf / zero padding at most half the window) and global average pooling.
import { native } from '../native/loader.js';
import { poolParams } from '../native/params.js';
import { attach, accumulateGrad, sizeOf, Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/pool.js';
import { checkBool, checkOptions, checkTuple, outOfRange } from '../validate.js';
import { checkRank } from './shape.js';
import { emptyFloat32 } from '../tensor/storage.js';

export interface PoolOptions {
  stride?: number | number[];
  padding?: number | number[];
  countIncludePad?: boolean;
}

function geometry(x: Tensor, kernelSize: number | number[], opts: PoolOptions | undefined, keys: readonly string[]) {
  const o = checkOptions<PoolOptions>('options', opts, keys);
  checkRank('x', x, [3, 4, 5]);
  const nsp = x.ndim - 2;
  if (x.shape[1] < 1) throw outOfRange('x', 'at least one channel', `shape [${x.shape.join(', ')}]`);
  const kernel = checkTuple('kernelSize', kernelSize, nsp, 1);
  const stride = checkTuple('stride', o.stride ?? kernel, nsp, 1);
  const padding = checkTuple('padding', o.padding ?? 0, nsp, 0);
  padding.forEach((p, i) => {
    if (2 * p > kernel[i]) throw outOfRange(`padding[${i}]`, `integer <= kernelSize/2 (${Math.floor(kernel[i] / 2)})`, p);
  });
  const inSize = x.shape.slice(2);
  const outSize = inSize.map((n, i) => Math.floor((n + 2 * padding[i] - kernel[i]) / stride[i]) + 1);
  outSize.forEach((s, i) => {
    if (s < 1) throw outOfRange('x', `spatial size >= ${kernel[i] - 2 * padding[i]} on dim ${i + 2}`, `shape [${x.shape.join(', ')}]`);
  });
  const countIncludePad = o.countIncludePad === undefined ? true : checkBool('countIncludePad', o.countIncludePad);
  const [N, C] = x.shape;
  return { N, C, nsp, inSize, outSize, p: poolParams({ N, C, inSize, outSize, kernel, stride, padding, countIncludePad }) };
}

export function maxPool(x: Tensor, kernelSize: number | number[], opts?: Omit<PoolOptions, 'countIncludePad'>): Tensor {
  const g = geometry(x, kernelSize, opts, ['stride', 'padding']);
  const nb = native();
  const n = g.N * g.C * sizeOf(g.outSize);
  const y = emptyFloat32(n), argmax = new Int32Array(n);
  nb.maxPoolForward(y, argmax, x.data, g.p);
  return attach(new Tensor(y, [g.N, g.C, ...g.outSize]), `maxPool${g.nsp}d`, [x], (gy) => {
    const gx = gradBuffer(x.size);
    nb.maxPoolBackward(gx, gy, argmax, g.p);
    accumulateGrad(x, gx);
  });
}

export function avgPool(x: Tensor, kernelSize: number | number[], opts?: PoolOptions): Tensor {
  const g = geometry(x, kernelSize, opts, ['stride', 'padding', 'countIncludePad']);
  const nb = native();
  const y = emptyFloat32(g.N * g.C * sizeOf(g.outSize));
  nb.avgPoolForward(y, x.data, g.p);
  return attach(new Tensor(y, [g.N, g.C, ...g.outSize]), `avgPool${g.nsp}d`, [x], (gy) => {
    const gx = gradBuffer(x.size);
    nb.avgPoolBackward(gx, gy, g.p);
    accumulateGrad(x, gx);
  });
}

// Mean over all spatial positions: (N, C, ...) -> (N, C). Planes of up to 1024 positions (an
// encoder's last feature map) go through the native average pool with the window set to the whole
// plane (parallel; the JS loop cost ~2 ms of the SimCLR step); larger ones sum in double in JS,
// since the native kernel sums each window in one float.
const NATIVE_GLOBAL_POOL_MAX = 1024;

export function globalAvgPool(x: Tensor): Tensor {
  checkRank('x', x, [3, 4, 5]);
  const [N, C] = x.shape;
  const inSize = x.shape.slice(2);
  const S = sizeOf(inSize);
  if (S < 1) throw outOfRange('x', 'at least one spatial position', `shape [${x.shape.join(', ')}]`);
  if (N > 0 && C > 0 && S <= NATIVE_GLOBAL_POOL_MAX) {
    const ones = inSize.map(() => 1), zeros = inSize.map(() => 0);
    const p = poolParams({ N, C, inSize, outSize: ones, kernel: inSize, stride: inSize, padding: zeros, countIncludePad: true });
    const nb = native();
    const y = emptyFloat32(N * C);
    nb.avgPoolForward(y, x.data, p);
    return attach(new Tensor(y, [N, C]), 'globalAvgPool', [x], (g) => {
      const gx = gradBuffer(x.size);
      nb.avgPoolBackward(gx, g, p);
      accumulateGrad(x, gx);
    });
  }
  const y = new Float32Array(N * C);
  const X = x.data;
  for (let r = 0; r < N * C; r++) {
    let s = 0;
    for (let i = r * S, e = i + S; i < e; i++) s += X[i];
    y[r] = s / S;
  }
  return attach(new Tensor(y, [N, C]), 'globalAvgPool', [x], (g) => {
    const gx = gradBuffer(x.size);
    for (let r = 0; r < N * C; r++) gx.fill(g[r] / S, r * S, (r + 1) * S);
    accumulateGrad(x, gx);
  });
}
