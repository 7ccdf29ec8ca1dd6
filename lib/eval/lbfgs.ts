// Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 7.4 two-loop
// recursion, Alg. 3.5/3.6 strong-Wolfe line search with safeguarded cubic interpolation, the same
// scheme as torch.optim.LBFGS(line_search_fn='strong_wolfe')). The linear probe is a small, smooth,
// strongly convex problem (softmax regression + L2), where full-batch L-BFGS converges in tens to
// hundreds of iterations with no learning rate to tune — which is why the probe protocols of
// SimCLR/CPC-era papers and scikit-learn's LogisticRegression use it.
//
// The iterate and the history live in float64 (the vectors are small: classes × features); the
// objective may compute in float32 (the probe does, through the native GEMM), so the stopping rules
// allow for a loss that is only float32-exact: a relative decrease below ftol, or a line search
// that can no longer find a decrease, both count as converged.

import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';

export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  history?: number;   // pairs (s, y) kept
  maxIter?: number;   // outer iterations
  gtol?: number;      // stop when max |grad_i| <= gtol
  ftol?: number;      // stop when (f_prev - f) <= ftol * max(|f_prev|, |f|, 1)
  c1?: number;        // sufficient decrease (Armijo)
  c2?: number;        // curvature (strong Wolfe)
  maxLineSearch?: number; // function evaluations per line search
}

export const LBFGS_DEFAULTS = { history: 10, maxIter: 1000, gtol: 1e-4, ftol: 1e-9, c1: 1e-4, c2: 0.9, maxLineSearch: 25 } as const;

export type LbfgsStop = 'gtol' | 'ftol' | 'lineSearch' | 'maxIter';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  gradInf: number;     // max |grad_i| at x
  iterations: number;
  evaluations: number;
  converged: boolean;  // stopped by gtol, ftol or an exhausted line search (no decrease left)
  reason: LbfgsStop;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

// Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to [lo, hi]; the midpoint
// when the cubic has no minimiser (N&W eq. 3.59).
function cubicMin(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, lo: number, hi: number): number {
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const t = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    if (Number.isFinite(t)) return Math.min(Math.max(t, lo), hi);
  }
  return (lo + hi) / 2;
}

interface Point { t: number; f: number; g: Float64Array; gtd: number }

// Strong-Wolfe line search along d from x (f0, g0, gtd0 = g0·d < 0), first trial step t.
// Returns the accepted point (`ok`) or the best point seen.
function strongWolfe(fg: Objective, x: Float64Array, f0: number, g0: Float64Array, d: Float64Array, t: number,
  gtd0: number, c1: number, c2: number, maxEvals: number): { p: Point; ok: boolean; evals: number } {
  const n = x.length;
  const xt = new Float64Array(n);
  let evals = 0;
  const evalAt = (s: number): Point => {
    for (let i = 0; i < n; i++) xt[i] = x[i] + s * d[i];
    const g = new Float64Array(n);
    let f = fg(xt, g);
    if (Number.isNaN(f)) f = Infinity; // a step into overflow fails the Armijo test
    evals++;
    return { t: s, f, g, gtd: dot(g, d) };
  };
  const dMax = infNorm(d);
  let prev: Point = { t: 0, f: f0, g: g0, gtd: gtd0 };
  let cur = evalAt(t);
  let bracket: [Point, Point] | null = null;
  // Phase 1: grow the step until the interval [prev, cur] brackets an acceptable point.
  for (let it = 0; ; it++) {
    if (cur.f > f0 + c1 * cur.t * gtd0 || (it > 0 && cur.f >= prev.f)) { bracket = [prev, cur]; break; }
    if (Math.abs(cur.gtd) <= -c2 * gtd0) return { p: cur, ok: true, evals };
    if (cur.gtd >= 0) { bracket = [prev, cur]; break; }
    if (evals >= maxEvals) return { p: cur, ok: false, evals };
    const next = cubicMin(prev.t, prev.f, prev.gtd, cur.t, cur.f, cur.gtd, cur.t + 0.01 * (cur.t - prev.t), cur.t * 10);
    prev = cur;
    cur = evalAt(next);
  }
  // Phase 2 (zoom): shrink the bracket; lo always holds the lowest sufficient-decrease point.
  let [lo, hi] = bracket[0].f <= bracket[1].f ? bracket : [bracket[1], bracket[0]];
  let insufficient = false;
  while (evals < maxEvals) {
    const a = Math.min(lo.t, hi.t), b = Math.max(lo.t, hi.t);
    if ((b - a) * dMax < 1e-12) break; // the step no longer changes x
    let tn = cubicMin(lo.t, lo.f, lo.gtd, hi.t, hi.f, hi.gtd, a, b);
    // Keep trials away from the ends so the bracket keeps shrinking (torch's safeguard).
    const eps = 0.1 * (b - a);
    if (Math.min(b - tn, tn - a) < eps) {
      if (insufficient || tn >= b || tn <= a) {
        tn = Math.abs(tn - b) < Math.abs(tn - a) ? b - eps : a + eps;
        insufficient = false;
      } else {
        insufficient = true;
      }
    } else {
      insufficient = false;
    }
    const p = evalAt(tn);
    if (p.f > f0 + c1 * p.t * gtd0 || p.f >= lo.f) {
      hi = p;
    } else {
      if (Math.abs(p.gtd) <= -c2 * gtd0) return { p, ok: true, evals };
      if (p.gtd * (hi.t - lo.t) >= 0) hi = lo;
      lo = p;
    }
  }
  return { p: lo, ok: false, evals };
}

export function minimizeLbfgs(fg: Objective, x0: Float64Array, opts?: LbfgsOptions): LbfgsResult {
  if (typeof fg !== 'function') throw invalidParameter('fg', 'function (x, grad) => f', fg);
  if (!(x0 instanceof Float64Array) || x0.length === 0) throw invalidParameter('x0', 'non-empty Float64Array', x0);
  const p = checkOptions<LbfgsOptions>('options', opts, Object.keys(LBFGS_DEFAULTS));
  const D = LBFGS_DEFAULTS;
  const o = {
    history: checkInt('history', p.history ?? D.history, 1),
    maxIter: checkInt('maxIter', p.maxIter ?? D.maxIter, 0),
    gtol: checkNumber('gtol', p.gtol ?? D.gtol, 0),
    ftol: checkNumber('ftol', p.ftol ?? D.ftol, 0),
    c1: checkNumber('c1', p.c1 ?? D.c1, 0, 1, true),
    c2: checkNumber('c2', p.c2 ?? D.c2, 0, 1, true),
    maxLineSearch: checkInt('maxLineSearch', p.maxLineSearch ?? D.maxLineSearch, 1),
  };
  if (!(o.c1 < o.c2 && o.c2 < 1)) throw outOfRange('c2', `number in (c1 = ${o.c1}, 1)`, o.c2);
  const n = x0.length;
  let x: Float64Array = x0.slice();
  let g: Float64Array = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) throw new RangeError(`L-BFGS: the objective is ${f} at the starting point`);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const alpha = new Float64Array(o.history);
  const d = new Float64Array(n);
  let iterations = 0;
  let reason: LbfgsStop = 'maxIter';
  let gInf = infNorm(g);
  if (gInf <= o.gtol) return { x, f, gradInf: gInf, iterations, evaluations, converged: true, reason: 'gtol' };
  for (let i = 0; i < n; i++) d[i] = -g[i];
  while (iterations < o.maxIter) {
    let gtd = dot(g, d);
    if (!(gtd < 0)) { // lost descent (numerical trouble): forget the curvature pairs, go downhill
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      gtd = -dot(g, g);
    }
    // First step: scaled so |t·d|_1 <= 1 (no curvature known yet); after that the quasi-Newton step 1.
    let l1 = 0;
    for (let i = 0; i < n; i++) l1 += Math.abs(g[i]);
    const t0 = S.length === 0 ? Math.min(1, 1 / l1) : 1;
    const ls = strongWolfe(fg, x, f, g, d, t0, gtd, o.c1, o.c2, o.maxLineSearch);
    evaluations += ls.evals;
    if (!(ls.p.f < f)) { reason = 'lineSearch'; break; }
    const xNew = new Float64Array(n);
    for (let i = 0; i < n; i++) xNew[i] = x[i] + ls.p.t * d[i];
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) { s[i] = xNew[i] - x[i]; y[i] = ls.p.g[i] - g[i]; }
    const sy = dot(s, y);
    if (sy > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y))) { // curvature pair only when positive
      if (S.length === o.history) { S.shift(); Y.shift(); rho.shift(); }
      S.push(s); Y.push(y); rho.push(1 / sy);
    }
    const fPrev = f;
    x = xNew; f = ls.p.f; g = ls.p.g;
    iterations++;
    gInf = infNorm(g);
    if (gInf <= o.gtol) { reason = 'gtol'; break; }
    if (fPrev - f <= o.ftol * Math.max(Math.abs(fPrev), Math.abs(f), 1)) { reason = 'ftol'; break; }
    // Two-loop recursion: d = -H g with H0 = (s·y / y·y) I from the newest pair.
    const q = g.slice();
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], q);
      const yk = Y[k];
      for (let i = 0; i < n; i++) q[i] -= alpha[k] * yk[i];
    }
    if (S.length) {
      const m = S.length - 1;
      const gamma = dot(S[m], Y[m]) / dot(Y[m], Y[m]);
      for (let i = 0; i < n; i++) q[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], q);
      const sk = S[k];
      for (let i = 0; i < n; i++) q[i] += sk[i] * (alpha[k] - beta);
    }
    for (let i = 0; i < n; i++) d[i] = -q[i];
  }
  return { x, f, gradInf: gInf, iterations, evaluations, converged: reason !== 'maxIter', reason };
}
