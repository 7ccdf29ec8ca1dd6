// Losses: softmax cross-entropy (native, fused forward+backward, label smoothing, ignore index),
// softmax / log-softmax, MSE and L1 with mean reduction.
import { native } from '../native/loader.js';
import { attach, accumulateGrad, isGradEnabled, Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/pool.js';
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { checkRank, checkTensor } from './shape.js';

export interface CrossEntropyOptions {
  labelSmoothing?: number;
  ignoreIndex?: number;
  weight?: Float32Array | readonly number[]; // per-class weights (PyTorch's `weight`): a weighted mean
}

export function crossEntropy(logits: Tensor, targets: Int32Array | readonly number[], opts?: CrossEntropyOptions): Tensor {
  const o = checkOptions<CrossEntropyOptions>('options', opts, ['labelSmoothing', 'ignoreIndex', 'weight']);
  checkRank('logits', logits, [2]);
  const [R, Cn] = logits.shape;
  const ls = checkNumber('labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
  const ignore = checkInt('ignoreIndex', o.ignoreIndex ?? -100, -(2 ** 31), 2 ** 31 - 1);
  if (!(targets instanceof Int32Array) && !Array.isArray(targets)) throw invalidParameter('targets', 'Int32Array or array of class indices', targets);
  if (targets.length !== R) throw outOfRange('targets', `${R} class indices (one per row of logits)`, targets);
  // Checked before any conversion: Int32Array.from would turn 0.5 or NaN into class 0.
  for (let i = 0; i < R; i++) {
    const v = targets[i];
    if (v !== ignore && !(Number.isInteger(v) && v >= 0 && v < Cn))
      throw outOfRange(`targets[${i}]`, `class index in [0, ${Cn}) or ignoreIndex ${ignore}`, v);
  }
  const t = targets instanceof Int32Array ? targets : Int32Array.from(targets);
  let weight: Float32Array | null = null;
  if (o.weight !== undefined) {
    if (!(o.weight instanceof Float32Array) && !Array.isArray(o.weight)) throw invalidParameter('weight', `Float32Array or array of ${Cn} class weights`, o.weight);
    if (o.weight.length !== Cn) throw outOfRange('weight', `${Cn} class weights (one per column of logits)`, o.weight);
    for (let j = 0; j < Cn; j++) if (!(Number.isFinite(o.weight[j]) && o.weight[j] >= 0)) throw outOfRange(`weight[${j}]`, 'a finite weight >= 0', o.weight[j]);
    weight = o.weight instanceof Float32Array ? o.weight : Float32Array.from(o.weight);
  }
  const nb = native();
  const wantGrad = isGradEnabled() && logits.requiresGrad;
  const grad = wantGrad ? gradBuffer(logits.size) : null; // the kernel writes every element
  const loss = nb.softmaxCrossEntropy(grad, logits.data, t, R, Cn, ls, ignore, weight);
  return attach(new Tensor(new Float32Array([loss]), []), 'crossEntropy', [logits], (g) => {
    const s = g[0];
    if (!grad) return;
    if (s !== 1) for (let i = 0; i < grad.length; i++) grad[i] *= s;
    accumulateGrad(logits, grad);
  });
}

export function softmax(x: Tensor, log = false): Tensor {
  checkRank('x', x, [2]);
  const [R, Cn] = x.shape;
  const y = new Float32Array(x.size);
  native().softmaxForward(y, x.data, R, Cn, log);
  return attach(new Tensor(y, x.shape), log ? 'logSoftmax' : 'softmax', [x], (g) => {
    const gx = new Float32Array(x.size);
    for (let r = 0; r < R; r++) {
      let dot = 0;
      const o = r * Cn;
      if (log) {
        for (let j = 0; j < Cn; j++) dot += g[o + j];
        for (let j = 0; j < Cn; j++) gx[o + j] = g[o + j] - Math.exp(y[o + j]) * dot;
      } else {
        for (let j = 0; j < Cn; j++) dot += g[o + j] * y[o + j];
        for (let j = 0; j < Cn; j++) gx[o + j] = y[o + j] * (g[o + j] - dot);
      }
    }
    accumulateGrad(x, gx);
  });
}

export const logSoftmax = (x: Tensor) => softmax(x, true);

// Mean regression losses on the native fused kernel (forward and gradient in one pass). The target
// receives the negated gradient when it requires one (both sides of d = pred - target).
function regression(name: string, kind: number, pred: Tensor, target: Tensor, beta = 1): Tensor {
  checkTensor('pred', pred);
  checkTensor('target', target);
  if (pred.size !== target.size || pred.ndim !== target.ndim || pred.shape.some((d, i) => d !== target.shape[i]))
    throw outOfRange('target', `shape [${pred.shape.join(', ')}] (same as pred)`, `shape [${target.shape.join(', ')}]`);
  if (pred.size === 0) throw outOfRange('pred', 'at least one element', `shape [${pred.shape.join(', ')}]`);
  const wantGrad = isGradEnabled() && (pred.requiresGrad || target.requiresGrad);
  const grad = wantGrad ? gradBuffer(pred.size) : null;
  const loss = native().regressionLoss(kind, grad, pred.data, target.data, beta);
  return attach(new Tensor(new Float32Array([loss]), []), name, [pred, target], (g) => {
    if (!grad) return;
    const s = g[0];
    if (target.requiresGrad) accumulateGrad(target, grad.map((v) => -v * s));
    if (s !== 1) for (let i = 0; i < grad.length; i++) grad[i] *= s;
    accumulateGrad(pred, grad);
  });
}

export const l1Loss = (pred: Tensor, target: Tensor) => regression('l1Loss', 0, pred, target);
export const mseLoss = (pred: Tensor, target: Tensor) => regression('mseLoss', 1, pred, target);
// PyTorch's smooth_l1_loss: 0.5 d^2 / beta for |d| < beta, |d| - 0.5 beta otherwise.
export function smoothL1Loss(pred: Tensor, target: Tensor, beta = 1): Tensor {
  return regression('smoothL1Loss', 2, pred, target, checkNumber('beta', beta, 0, Infinity, true));
}
