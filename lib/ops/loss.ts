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
}

export function crossEntropy(logits: Tensor, targets: Int32Array | readonly number[], opts?: CrossEntropyOptions): Tensor {
  const o = checkOptions<CrossEntropyOptions>('options', opts, ['labelSmoothing', 'ignoreIndex']);
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
  const nb = native();
  const wantGrad = isGradEnabled() && logits.requiresGrad;
  const grad = wantGrad ? gradBuffer(logits.size) : null; // the kernel writes every element
  const loss = nb.softmaxCrossEntropy(grad, logits.data, t, R, Cn, ls, ignore);
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

function pairLoss(name: string, pred: Tensor, target: Tensor, f: (d: number) => number, df: (d: number) => number): Tensor {
  checkTensor('pred', pred);
  checkTensor('target', target);
  if (pred.size !== target.size || pred.ndim !== target.ndim || pred.shape.some((d, i) => d !== target.shape[i]))
    throw outOfRange('target', `shape [${pred.shape.join(', ')}] (same as pred)`, `shape [${target.shape.join(', ')}]`);
  const n = pred.size;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(pred.data[i] - target.data[i]);
  return attach(new Tensor(new Float32Array([s / n]), []), name, [pred, target], (g) => {
    const k = g[0] / n;
    const gp = new Float32Array(n);
    for (let i = 0; i < n; i++) gp[i] = k * df(pred.data[i] - target.data[i]);
    if (target.requiresGrad) accumulateGrad(target, gp.map((v) => -v));
    accumulateGrad(pred, gp);
  });
}

export const mseLoss = (pred: Tensor, target: Tensor) => pairLoss('mseLoss', pred, target, (d) => d * d, (d) => 2 * d);
export const l1Loss = (pred: Tensor, target: Tensor) =>
  pairLoss('l1Loss', pred, target, Math.abs, (d) => (d > 0 ? 1 : d < 0 ? -1 : 0));
