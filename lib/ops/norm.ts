// Batch norm (train: batch statistics, running averages updated in place; eval: running
// statistics) and layer norm over the trailing dims, on the native kernels.
import { native } from '../native/loader.js';
import { attach, accumulateGrad, needsGrad, sizeOf, Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/pool.js';
import { checkBool, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { checkRank, checkTensor } from './shape.js';
import { emptyFloat32 } from '../tensor/storage.js';

export interface BatchNormOptions {
  training?: boolean;
  momentum?: number;
  eps?: number;
  relu?: boolean;  // ReLU(BN(x)) fused: one pass, and the backward masks the gradient itself
}

function checkVec(name: string, t: Tensor | null, C: number): void {
  if (t === null) return;
  checkRank(name, t, [1]);
  if (t.shape[0] !== C) throw outOfRange(name, `shape [${C}]`, `shape [${t.shape.join(', ')}]`);
}

// x is (N, C) or (N, C, ...spatial); statistics per channel.
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null,
  bias: Tensor | null, opts?: BatchNormOptions): Tensor {
  const o = checkOptions<BatchNormOptions>('options', opts, ['training', 'momentum', 'eps', 'relu']);
  checkRank('x', x, [2, 3, 4, 5]);
  const training = o.training === undefined ? true : checkBool('training', o.training);
  const momentum = checkNumber('momentum', o.momentum ?? 0.1, 0, 1);
  const eps = checkNumber('eps', o.eps ?? 1e-5, 0, Infinity, true);
  const relu = o.relu === undefined ? false : checkBool('relu', o.relu);
  const [N, C] = x.shape;
  const S = sizeOf(x.shape.slice(2));
  if (C < 1 || S < 1) throw outOfRange('x', 'at least one channel and one position per channel', `shape [${x.shape.join(', ')}]`);
  checkVec('runningMean', runningMean, C);
  checkVec('runningVar', runningVar, C);
  checkVec('weight', weight, C);
  checkVec('bias', bias, C);
  const nb = native();
  const y = emptyFloat32(x.size);
  const parents = [x, weight, bias].filter((t): t is Tensor => t !== null);
  if (!training) {
    if (!runningMean || !runningVar) throw new TypeError('batchNorm: eval mode needs runningMean and runningVar');
    nb.batchNormForwardEval(y, x.data, weight?.data ?? null, bias?.data ?? null, runningMean.data, runningVar.data, N, C, S, eps, relu ? 1 : 0);
    // Eval-mode BN is an affine map per channel: dx = dy * gamma * invstd (through the fused ReLU:
    // dy where the output is positive).
    return attach(new Tensor(y, x.shape), relu ? 'batchNormReluEval' : 'batchNormEval', parents, (g0) => {
      const g = relu ? g0.map((v, i) => (y[i] > 0 ? v : 0)) : g0;
      const inv = runningVar.data.map((v) => 1 / Math.sqrt(v + eps));
      if (needsGrad(x)) {
        const gx = new Float32Array(x.size);
        for (let r = 0; r < N * C; r++) {
          const c = r % C, k = (weight ? weight.data[c] : 1) * inv[c];
          for (let i = r * S; i < (r + 1) * S; i++) gx[i] = g[i] * k;
        }
        accumulateGrad(x, gx);
      }
      if ((weight && needsGrad(weight)) || (bias && needsGrad(bias))) {
        const gw = new Float32Array(C), gb = new Float32Array(C);
        for (let r = 0; r < N * C; r++) {
          const c = r % C;
          for (let i = r * S; i < (r + 1) * S; i++) {
            gw[c] += g[i] * (x.data[i] - runningMean.data[c]) * inv[c];
            gb[c] += g[i];
          }
        }
        if (weight && needsGrad(weight)) accumulateGrad(weight, gw);
        if (bias && needsGrad(bias)) accumulateGrad(bias, gb);
      }
    });
  }
  if (N * S < 2) throw outOfRange('x', 'more than one value per channel in training mode', `shape [${x.shape.join(', ')}]`);
  const saveMean = new Float32Array(C), saveInvstd = new Float32Array(C);
  nb.batchNormForwardTrain(y, saveMean, saveInvstd, runningMean?.data ?? null, runningVar?.data ?? null, x.data,
    weight?.data ?? null, bias?.data ?? null, N, C, S, momentum, eps, relu ? 1 : 0);
  return attach(new Tensor(y, x.shape), relu ? 'batchNormRelu' : 'batchNorm', parents, (g) => {
    const gx = needsGrad(x) ? gradBuffer(x.size) : null;
    const gw = weight && needsGrad(weight) ? new Float32Array(C) : null;
    const gb = bias && needsGrad(bias) ? new Float32Array(C) : null;
    nb.batchNormBackward(gx, gw, gb, g, x.data, weight?.data ?? null, saveMean, saveInvstd, N, C, S, relu ? y : null);
    if (gx) accumulateGrad(x, gx);
    if (gw && weight) accumulateGrad(weight, gw);
    if (gb && bias) accumulateGrad(bias, gb);
  });
}

// Normalizes over the trailing dims whose sizes are normalizedShape.
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null,
  bias: Tensor | null = null, eps = 1e-5): Tensor {
  checkTensor('x', x);
  checkNumber('eps', eps, 0, Infinity, true);
  if (!Array.isArray(normalizedShape)) throw invalidParameter('normalizedShape', 'array of the trailing dims of x', normalizedShape);
  if (normalizedShape.some((d) => d === 0)) throw outOfRange('normalizedShape', 'dims of at least 1', normalizedShape);
  const k = normalizedShape.length;
  if (k === 0 || k > x.ndim || normalizedShape.some((d, i) => d !== x.shape[x.ndim - k + i]))
    throw outOfRange('normalizedShape', `the trailing dims of x [${x.shape.join(', ')}]`, normalizedShape);
  const D = sizeOf(normalizedShape), R = x.size / D;
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const)
    if (t && t.size !== D) throw outOfRange(name, `${D} elements`, `shape [${t.shape.join(', ')}]`);
  const nb = native();
  const y = emptyFloat32(x.size), mean = new Float32Array(R), rstd = new Float32Array(R);
  nb.layerNormForward(y, mean, rstd, x.data, weight?.data ?? null, bias?.data ?? null, R, D, eps);
  const parents = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return attach(new Tensor(y, x.shape), 'layerNorm', parents, (g) => {
    const gx = gradBuffer(x.size);
    const gw = weight && needsGrad(weight) ? new Float32Array(D) : null;
    const gb = bias && needsGrad(bias) ? new Float32Array(D) : null;
    nb.layerNormBackward(gx, gw, gb, g, x.data, weight?.data ?? null, mean, rstd, R, D);
    if (needsGrad(x)) accumulateGrad(x, gx);
    if (gw && weight) accumulateGrad(weight, gw);
    if (gb && bias) accumulateGrad(bias, gb);
  });
}
