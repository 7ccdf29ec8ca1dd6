// Linear probe on frozen features (the protocol of CPC v2 / SimCLR / BYOL appendices): softmax
// regression fitted to convergence by full-batch L-BFGS on standardised features, the L2 weight
// decay chosen from a log-spaced grid on a stratified, seeded held-out part of the training
// features, then refitted on all training features with the chosen value. Fitting to convergence
// (instead of a fixed SGD budget) makes the number a property of the features, not of an optimiser
// schedule; picking wd on held-out training data keeps the test set untouched.
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { accuracy, checkFeatures, checkLabels, maxLabel } from './check.js';
import { LBFGS_DEFAULTS, LbfgsStop } from './lbfgs.js';
import { fitSoftmaxRegression, softmaxRegressionLoss, softmaxRegressionPredict, SoftmaxRegression } from './logistic.js';
import { applyStandardizer, fitStandardizer, Standardizer } from './standardize.js';
import { stratifiedSplit } from './subset.js';

export interface LinearProbeOptions {
  wdGrid?: readonly number[]; // candidates for the held-out selection
  wd?: number;                // a fixed weight decay: no selection
  valFraction?: number;       // held-out share of each class for the selection
  seed?: number;              // of the held-out split
  maxIter?: number;
  history?: number;
  gtol?: number;
  ftol?: number;
  numClasses?: number;        // default: max label + 1 over train and test
  dim?: number;               // features per row (default: inferred from the lengths)
  standardize?: boolean;
}

export const LINEAR_PROBE_DEFAULTS = {
  wdGrid: [1e-6, 1e-5, 1e-4, 1e-3, 1e-2] as readonly number[],
  valFraction: 0.1,
  seed: 0,
  maxIter: LBFGS_DEFAULTS.maxIter,
  history: LBFGS_DEFAULTS.history,
  gtol: LBFGS_DEFAULTS.gtol,
  ftol: LBFGS_DEFAULTS.ftol,
  standardize: true,
} as const;

export interface WdCandidate {
  wd: number;
  valAccuracy: number;
  valLoss: number;
  iterations: number;
}

export interface LinearProbeResult {
  accuracy: number;          // test accuracy of the refitted classifier
  trainAccuracy: number;
  wd: number;                // the chosen (or given) weight decay
  iterations: number;        // L-BFGS iterations of the final fit
  evaluations: number;
  converged: boolean;
  reason: LbfgsStop;
  loss: number;              // final regularised training objective
  selection: WdCandidate[];  // one row per grid value (empty when wd was given)
  predictions: Int32Array;   // test predictions
  model: SoftmaxRegression & { standardizer: Standardizer | null };
  settings: string;
}

export function describeLinearProbe(o: { wdGrid: readonly number[]; valFraction: number; history: number; maxIter: number; gtol: number; standardize: boolean; wd?: number }): string {
  const wd = o.wd !== undefined ? `wd=${o.wd}` : `wd∈{${o.wdGrid.map((v) => v.toExponential(0)).join(',')}} by ${Math.round(o.valFraction * 100)}% stratified held-out, refit`;
  return `full-batch L-BFGS (m=${o.history}, strong Wolfe, ≤${o.maxIter} it, gtol ${o.gtol.toExponential(0)}), ${o.standardize ? 'standardized, ' : ''}${wd}`;
}

export function linearProbe(trainFeats: Float32Array, trainLabels: Int32Array | readonly number[], testFeats: Float32Array,
  testLabels: Int32Array | readonly number[], opts?: LinearProbeOptions): LinearProbeResult {
  const o = checkOptions<LinearProbeOptions>('options', opts, ['wdGrid', 'wd', 'valFraction', 'seed', 'maxIter', 'history',
    'gtol', 'ftol', 'numClasses', 'dim', 'standardize']);
  const numClassesOpt = o.numClasses === undefined ? undefined : checkInt('numClasses', o.numClasses, 2);
  const yTr = checkLabels('trainLabels', trainLabels, numClassesOpt);
  const yTe = checkLabels('testLabels', testLabels, numClassesOpt);
  const dimOpt = o.dim === undefined ? undefined : checkInt('dim', o.dim, 1);
  const F = checkFeatures('trainFeats', trainFeats, yTr.length, 'trainLabels', dimOpt);
  checkFeatures('testFeats', testFeats, yTe.length, 'testLabels', F);
  const C = numClassesOpt ?? Math.max(2, maxLabel(yTr, yTe) + 1);
  const d = LINEAR_PROBE_DEFAULTS;
  let grid = d.wdGrid;
  if (o.wdGrid !== undefined) {
    if (!Array.isArray(o.wdGrid) || o.wdGrid.length === 0) throw invalidParameter('wdGrid', 'non-empty array of weight decays >= 0', o.wdGrid);
    grid = o.wdGrid.map((v, i) => checkNumber(`wdGrid[${i}]`, v, 0, Infinity));
  }
  const fixedWd = o.wd === undefined ? undefined : checkNumber('wd', o.wd, 0);
  if (fixedWd !== undefined && o.wdGrid !== undefined) throw new TypeError('linearProbe: give options.wd or options.wdGrid, not both');
  const valFraction = checkNumber('valFraction', o.valFraction ?? d.valFraction, 0, 1, true);
  if (valFraction >= 1) throw outOfRange('valFraction', 'number in (0, 1)', valFraction);
  const seed = checkInt('seed', o.seed ?? d.seed);
  const lb = {
    maxIter: checkInt('maxIter', o.maxIter ?? d.maxIter, 1),
    history: checkInt('history', o.history ?? d.history, 1),
    gtol: checkNumber('gtol', o.gtol ?? d.gtol, 0),
    ftol: checkNumber('ftol', o.ftol ?? d.ftol, 0),
  };
  const standardize = o.standardize === undefined ? d.standardize : o.standardize;
  if (typeof standardize !== 'boolean') throw invalidParameter('standardize', 'boolean', standardize);

  // Standardise with statistics of the rows being fitted; returns the fit-ready matrices.
  const prepare = (fitIdx: Int32Array | undefined, others: [Float32Array, Int32Array | undefined][]) => {
    const st = standardize ? fitStandardizer(trainFeats, yTr.length, F, fitIdx) : null;
    const tf = (x: Float32Array, idx?: Int32Array) =>
      st ? applyStandardizer(x, F, st, idx) : idx ? gather(x, F, idx) : x;
    return { st, fit: tf(trainFeats, fitIdx), others: others.map(([x, idx]) => tf(x, idx)) };
  };

  const selection: WdCandidate[] = [];
  const warm = new Map<number, SoftmaxRegression>();
  let wd: number;
  if (fixedWd !== undefined || grid.length === 1) {
    wd = fixedWd ?? grid[0];
  } else {
    const split = stratifiedSplit(yTr, valFraction, seed);
    if (split.val.length === 0)
      throw outOfRange('trainLabels', 'at least one class with 2 or more examples (for the held-out wd selection; or pass options.wd)', yTr);
    const { fit, others: [xVal] } = prepare(split.train, [[trainFeats, split.val]]);
    const yFit = Int32Array.from(split.train, (i) => yTr[i]), yVal = Int32Array.from(split.val, (i) => yTr[i]);
    // Along the regularisation path from the largest wd down, each fit warm-started from the
    // previous optimum (glmnet's pathwise strategy): neighbouring optima are close, so this costs a
    // fraction of independent fits from zero. The order is fixed, so the result is deterministic.
    const order = grid.map((w, i) => [w, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const found: WdCandidate[] = new Array(grid.length);
    let prev: SoftmaxRegression | undefined;
    for (const [w, i] of order) {
      const m = fitSoftmaxRegression(fit, yFit, F, C, w, lb, prev);
      prev = m;
      found[i] = { wd: w, valAccuracy: accuracy(softmaxRegressionPredict(m, xVal, yVal.length), yVal),
        valLoss: softmaxRegressionLoss(m, xVal, yVal), iterations: m.fit.iterations };
      warm.set(w, m);
    }
    selection.push(...found);
    // Best held-out accuracy; ties by held-out loss, then the larger wd (the simpler model).
    const best = selection.reduce((b, c) =>
      c.valAccuracy > b.valAccuracy || (c.valAccuracy === b.valAccuracy && (c.valLoss < b.valLoss || (c.valLoss === b.valLoss && c.wd > b.wd))) ? c : b);
    wd = best.wd;
  }
  const { st, fit, others: [xTest] } = prepare(undefined, [[testFeats, undefined]]);
  // The refit starts from the held-out fit of the same wd (statistics differ slightly: a warm start).
  const m = fitSoftmaxRegression(fit, yTr, F, C, wd, lb, warm.get(wd));
  const predictions = softmaxRegressionPredict(m, xTest, yTe.length);
  return {
    accuracy: accuracy(predictions, yTe),
    trainAccuracy: accuracy(softmaxRegressionPredict(m, fit, yTr.length), yTr),
    wd,
    iterations: m.fit.iterations,
    evaluations: m.fit.evaluations,
    converged: m.fit.converged,
    reason: m.fit.reason,
    loss: m.fit.f,
    selection,
    predictions,
    model: { weight: m.weight, bias: m.bias, numClasses: C, dim: F, standardizer: st },
    settings: describeLinearProbe({ wdGrid: grid, valFraction, ...lb, standardize, wd: fixedWd }),
  };
}

function gather(x: Float32Array, dim: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * dim);
  for (let k = 0; k < idx.length; k++) out.set(x.subarray(idx[k] * dim, (idx[k] + 1) * dim), k * dim);
  return out;
}
