// Fine-tuning protocols with labels (optionally a few: pass trainIndices from stratifiedSubset):
//
// - 'last-layer': the encoder is frozen in eval mode; its features are computed once (no graph) and
//   a new Linear head is trained on them with SGD. Computing them once is exact here because there
//   is no augmentation in this protocol, and it costs one encoder pass instead of one per epoch.
// - 'end-to-end': encoder and a new head are trained together (encoder in train mode: BatchNorm batch
//   statistics, dropout), then evaluated in eval mode.
//
// The caller's encoder is never left modified. With `makeEncoder` (a factory building the same
// architecture) the encoder's state dict is loaded into a fresh copy, which is trained and returned
// as `encoder`. Without it, the encoder's parameters, buffers, gradients and per-module train/eval
// flags are snapshotted and put back in a `finally` block, so they are restored even when training
// throws; the trained weights are then not kept. (Module has no clone(): copying the state is the
// only generic way, and a factory is the only way to get a second instance of an arbitrary class.)
//
// Optimiser: SGD with momentum 0.9, weight decay on all parameters, cosine decay of the learning
// rate to 0 over the run, no augmentation. The run is at least `minSteps` steps (epochs are added
// for small label subsets: 2 epochs of 1% of Fashion-MNIST are 19 steps, far from converged), and
// the last-layer head reads standardized features (statistics of the training items), as the
// linear probe does, so one learning rate suits encoders whose features differ in scale. Head init, batch order and everything else random come
// from Generator(seed) (dropout layers inside the encoder draw from their own generator).
import type { Dataset } from '../data/dataset.js';
import { toFloatBatch } from '../data/fashion-mnist.js';
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { crossEntropy } from '../ops/loss.js';
import { flatten } from '../ops/shape.js';
import { SGD } from '../optim/sgd.js';
import { warmupCosine } from '../optim/schedule.js';
import { Generator } from '../random.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkOneOf, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { accuracy, argmaxRows, checkLabels, maxLabel } from './check.js';
import { checkIndices, checkItemSet, EXTRACT_DEFAULTS, extractFeatures, forwardBatches, saveModes } from './features.js';
import { applyStandardizer, fitStandardizer } from './standardize.js';

export type FineTuneMode = 'last-layer' | 'end-to-end';

export interface FineTuneOptions {
  mode?: FineTuneMode;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  numClasses?: number;       // default: max label + 1 over the train and test items
  momentum?: number;
  weightDecay?: number;
  makeEncoder?: () => Module;
  trainIndices?: ArrayLike<number>; // default: all of trainSet
  testIndices?: ArrayLike<number>;  // default: all of testSet
  evalBatchSize?: number;
  minSteps?: number;                // at least this many SGD steps (default 300)
}

export const FINE_TUNE_DEFAULTS = {
  mode: 'last-layer' as FineTuneMode,
  epochs: 2,
  lr: 0.05,
  batchSize: 64,
  seed: 0,
  momentum: 0.9,
  weightDecay: 5e-4,
  minSteps: 300,
} as const;

export interface FineTuneResult {
  mode: FineTuneMode;
  accuracy: number;           // on the test items, model in eval mode
  predictions: Int32Array;
  epochLosses: number[];      // mean training loss of each epoch
  steps: number;
  head: Linear;
  encoder: Module | null;     // the trained copy (end-to-end with makeEncoder), else null
  settings: string;
}

export function describeFineTune(o: { mode: FineTuneMode; epochs: number; lr: number; batchSize: number; momentum: number; weightDecay: number; steps?: number }): string {
  const what = o.mode === 'last-layer' ? 'frozen encoder (eval mode), standardized features, new linear head' : 'encoder + new linear head';
  return `${what}; SGD(m=${o.momentum}, wd=${o.weightDecay}) lr ${o.lr} cosine, ${o.epochs} ep${o.steps === undefined ? '' : ` (${o.steps} steps)`}, batch ${o.batchSize}, no augmentation`;
}

type StateCopy = Map<string, { shape: readonly number[]; data: Float32Array | number[] }>;

function copyState(m: Module): StateCopy {
  const out: StateCopy = new Map();
  for (const [k, v] of m.stateDict()) out.set(k, v instanceof Tensor ? { shape: v.shape, data: v.data.slice() } : { shape: [], data: [v.value] });
  return out;
}

export function fineTune(encoder: Module, trainSet: Dataset, testSet: Dataset, opts?: FineTuneOptions): FineTuneResult {
  if (!(encoder instanceof Module)) throw invalidParameter('encoder', 'Module', encoder);
  checkItemSet('trainSet', trainSet);
  checkItemSet('testSet', testSet);
  const o = checkOptions<FineTuneOptions>('options', opts, ['mode', 'epochs', 'lr', 'batchSize', 'seed', 'numClasses',
    'momentum', 'weightDecay', 'makeEncoder', 'trainIndices', 'testIndices', 'evalBatchSize', 'minSteps']);
  const d = FINE_TUNE_DEFAULTS;
  const mode = checkOneOf('mode', o.mode ?? d.mode, ['last-layer', 'end-to-end'] as const);
  const minEpochs = checkInt('epochs', o.epochs ?? d.epochs, 1);
  const minSteps = checkInt('minSteps', o.minSteps ?? d.minSteps);
  const lr = checkNumber('lr', o.lr ?? d.lr, 0, Infinity, true);
  const batchSize = checkInt('batchSize', o.batchSize ?? d.batchSize, 1);
  const seed = checkInt('seed', o.seed ?? d.seed);
  const momentum = checkNumber('momentum', o.momentum ?? d.momentum, 0, 1);
  const weightDecay = checkNumber('weightDecay', o.weightDecay ?? d.weightDecay, 0);
  const evalBatchSize = checkInt('evalBatchSize', o.evalBatchSize ?? EXTRACT_DEFAULTS.batchSize, 1);
  if (o.makeEncoder !== undefined && typeof o.makeEncoder !== 'function') throw invalidParameter('makeEncoder', 'function returning a Module', o.makeEncoder);
  const trIdx = checkIndices('trainIndices', o.trainIndices, trainSet.length);
  const teIdx = checkIndices('testIndices', o.testIndices, testSet.length);
  if (!trainSet.labels) throw invalidParameter('trainSet.labels', 'Int32Array of labels (fine-tuning needs labels)', trainSet.labels);
  if (!testSet.labels) throw invalidParameter('testSet.labels', 'Int32Array of labels (accuracy needs labels)', testSet.labels);
  const yTr = Int32Array.from(trIdx, (i) => trainSet.labels![i]);
  const yTe = Int32Array.from(teIdx, (i) => testSet.labels![i]);
  const numClasses = o.numClasses === undefined ? undefined : checkInt('numClasses', o.numClasses, 2);
  checkLabels('trainSet.labels', yTr, numClasses);
  checkLabels('testSet.labels', yTe, numClasses);
  const C = numClasses ?? Math.max(2, maxLabel(yTr, yTe) + 1);
  const perEpoch = Math.ceil(trIdx.length / batchSize);
  const epochs = Math.max(minEpochs, Math.ceil(minSteps / perEpoch));
  const steps = epochs * perEpoch;
  const settings = describeFineTune({ mode, epochs, lr, batchSize, momentum, weightDecay, steps });
  const gen = new Generator(seed);
  const schedule = warmupCosine({ baseLr: lr, totalSteps: steps });

  // One training run over the items: `batch(ids)` gives the head's input for item positions ids.
  const train = (params: Tensor[], forward: (pos: Int32Array) => Tensor) => {
    const opt = new SGD(params, { lr, momentum, weightDecay });
    const losses: number[] = [];
    let step = 0;
    for (let e = 0; e < epochs; e++) {
      const perm = gen.permutation(trIdx.length);
      let sum = 0, count = 0;
      for (let s = 0; s < perm.length; s += batchSize) {
        const pos = perm.subarray(s, Math.min(perm.length, s + batchSize));
        opt.lr = schedule(step++);
        // A trailing batch of one item is skipped: BatchNorm cannot normalise a single sample.
        if (pos.length < 2 && perm.length >= 2) continue;
        opt.zeroGrad();
        const loss = crossEntropy(forward(pos), Int32Array.from(pos, (p) => yTr[p]));
        loss.backward();
        opt.step();
        sum += loss.item() * pos.length;
        count += pos.length;
      }
      losses.push(sum / count);
    }
    return losses;
  };

  if (mode === 'last-layer') {
    const rawTr = extractFeatures(encoder, trainSet, { indices: trIdx, batchSize: evalBatchSize });
    const rawTe = extractFeatures(encoder, testSet, { indices: teIdx, batchSize: evalBatchSize });
    const F = rawTr.dim;
    const st = fitStandardizer(rawTr.features, trIdx.length, F);
    const ftr = { features: applyStandardizer(rawTr.features, F, st) }, fte = { features: applyStandardizer(rawTe.features, F, st) };
    const head = new Linear(F, C, { generator: gen });
    const epochLosses = train(head.parameters(), (pos) => {
      const x = new Float32Array(pos.length * F);
      for (let k = 0; k < pos.length; k++) x.set(ftr.features.subarray(pos[k] * F, (pos[k] + 1) * F), k * F);
      return head.forward(new Tensor(x, [pos.length, F]));
    });
    const logits = noGrad(() => head.forward(new Tensor(fte.features, [teIdx.length, F])));
    const predictions = argmaxRows(logits.data, teIdx.length, C);
    head.zeroGrad();
    return { mode, accuracy: accuracy(predictions, yTe), predictions, epochLosses, steps, head, encoder: null, settings };
  }

  // end-to-end
  let model: Module;
  let restore: (() => void) | null = null;
  if (o.makeEncoder) {
    model = o.makeEncoder();
    if (!(model instanceof Module)) throw invalidParameter('makeEncoder()', 'Module', model);
    if (model === encoder) throw outOfRange('makeEncoder()', 'a new Module (not the encoder itself)', model);
    model.loadStateDict(copyState(encoder));
  } else {
    model = encoder;
    const state = copyState(encoder);
    const grads = encoder.parameters().map((p) => p.grad);
    const modes = saveModes(encoder);
    restore = () => {
      encoder.loadStateDict(state);
      encoder.parameters().forEach((p, i) => { p.grad = grads[i]; });
      modes();
    };
  }
  try {
    const embed = (x: Tensor) => {
      const y = model.forward(x);
      return y.ndim === 2 ? y : flatten(y, 1);
    };
    // Feature width from one item in eval mode (no BatchNorm statistics are touched).
    const F = (() => {
      const r = saveModes(model);
      model.eval();
      try { return forwardBatches(model, trainSet, trIdx.subarray(0, 1), 1).dim; } finally { r(); }
    })();
    const head = new Linear(F, C, { generator: gen });
    const modes = saveModes(model);
    model.train();
    head.train();
    let epochLosses: number[];
    try {
      epochLosses = train([...model.parameters(), ...head.parameters()], (pos) => {
        const ids = Int32Array.from(pos, (p) => trIdx[p]);
        return head.forward(embed(new Tensor(toFloatBatch(trainSet, ids), [ids.length, ...trainSet.shape])));
      });
    } finally {
      modes();
    }
    const restoreEval = saveModes(model);
    model.eval();
    head.eval();
    const predictions = new Int32Array(teIdx.length);
    try {
      noGrad(() => {
        for (let s = 0; s < teIdx.length; s += evalBatchSize) {
          const ids = teIdx.subarray(s, Math.min(teIdx.length, s + evalBatchSize));
          const logits = head.forward(embed(new Tensor(toFloatBatch(testSet, ids), [ids.length, ...testSet.shape])));
          predictions.set(argmaxRows(logits.data, ids.length, C), s);
        }
      });
    } finally {
      restoreEval();
    }
    head.zeroGrad();
    if (!restore) model.zeroGrad();
    return { mode, accuracy: accuracy(predictions, yTe), predictions, epochLosses, steps, head,
      encoder: restore ? null : model, settings };
  } finally {
    restore?.();
  }
}
