// The linear probe's solver and objective: L-BFGS on a classic non-convex test function, the
// softmax-regression loss/gradient (native float32 GEMM + fused cross-entropy) against central finite
// differences and against an independent float64 JS implementation, and convergence to 100% on a
// linearly separable 3-class problem.
import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../lib/eval/index.js';
import { fitSoftmaxRegression, softmaxRegressionObjective, softmaxRegressionPredict } from '../../lib/eval/logistic.js';
import { randomArray } from '../helpers.js';
import { clusters } from './data.js';

// Plain float64 softmax regression: (1/N) Σ CE + wd/2 ‖W‖², θ = [W (C×F) | b].
function jsObjective(x: Float32Array, y: Int32Array, F: number, C: number, wd: number, theta: Float64Array): { f: number; g: Float64Array } {
  const N = y.length, CF = C * F;
  const g = new Float64Array(CF + C);
  let f = 0;
  const z = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = theta[CF + c];
      for (let j = 0; j < F; j++) s += theta[c * F + j] * x[n * F + j];
      z[c] = s;
      mx = Math.max(mx, s);
    }
    let se = 0;
    for (let c = 0; c < C; c++) se += Math.exp(z[c] - mx);
    const lse = mx + Math.log(se);
    f += (lse - z[y[n]]) / N;
    for (let c = 0; c < C; c++) {
      const d = (Math.exp(z[c] - lse) - (c === y[n] ? 1 : 0)) / N;
      g[CF + c] += d;
      for (let j = 0; j < F; j++) g[c * F + j] += d * x[n * F + j];
    }
  }
  for (let i = 0; i < CF; i++) {
    f += 0.5 * wd * theta[i] * theta[i];
    g[i] += wd * theta[i];
  }
  return { f, g };
}

describe('L-BFGS', () => {
  it('minimises the Rosenbrock function from (-1.2, 1)', () => {
    const rosen = (x: Float64Array, g: Float64Array) => {
      const [a, b] = x;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const r = minimizeLbfgs(rosen, Float64Array.of(-1.2, 1), { gtol: 1e-8, ftol: 0 });
    expect(r.converged).toBe(true);
    expect(r.reason).toBe('gtol');
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.iterations).toBeLessThan(60);
  });

  it('solves an ill-conditioned convex quadratic (condition 51) to 1e-7 in few iterations', () => {
    const n = 6, diag = Float64Array.from({ length: n }, (_, i) => 1 + 10 * i);
    const quad = (x: Float64Array, g: Float64Array) => {
      let f = 0;
      for (let i = 0; i < n; i++) { g[i] = diag[i] * (x[i] - i); f += 0.5 * diag[i] * (x[i] - i) ** 2; }
      return f;
    };
    const r = minimizeLbfgs(quad, new Float64Array(n), { gtol: 1e-9, ftol: 0 });
    for (let i = 0; i < n; i++) expect(r.x[i]).toBeCloseTo(i, 7);
    expect(r.iterations).toBeLessThanOrEqual(30); // inexact (Wolfe) steps: not the n + 1 of exact line search
  });

  it('rejects bad arguments', () => {
    const f = (x: Float64Array, g: Float64Array) => { g[0] = 2 * x[0]; return x[0] * x[0]; };
    expect(() => minimizeLbfgs(f, new Float64Array(0))).toThrow(/x0/);
    expect(() => minimizeLbfgs(3 as never, new Float64Array(1))).toThrow(/fg/);
    expect(() => minimizeLbfgs(f, new Float64Array(1), { history: 0 })).toThrow(/history/);
    expect(() => minimizeLbfgs(f, new Float64Array(1), { c1: 0.5, c2: 0.1 })).toThrow(/c2/);
    expect(() => minimizeLbfgs(f, new Float64Array(1), { tol: 1 } as never)).toThrow(/Unknown option "tol"/);
    expect(() => minimizeLbfgs(() => Number.NaN, new Float64Array(1))).toThrow(/starting point/);
  });
});

describe('softmax-regression objective (native float32)', () => {
  const N = 24, F = 5, C = 3, wd = 0.3;
  const x = randomArray(N * F, 11);
  const y = Int32Array.from({ length: N }, (_, i) => (i * 7) % C);
  const theta = Float64Array.from(randomArray(C * F + C, 12), (v) => 0.8 * v);

  it('matches an independent float64 implementation', () => {
    const g = new Float64Array(theta.length);
    const f = softmaxRegressionObjective(x, y, F, C, wd)(theta, g);
    const ref = jsObjective(x, y, F, C, wd, theta);
    expect(Math.abs(f - ref.f) / ref.f).toBeLessThan(2e-6);
    for (let i = 0; i < g.length; i++) expect(Math.abs(g[i] - ref.g[i]), `grad[${i}]`).toBeLessThan(2e-6);
  });

  it('has the gradient of its own loss (central finite differences)', () => {
    const fg = softmaxRegressionObjective(x, y, F, C, wd);
    const g = new Float64Array(theta.length), scratch = new Float64Array(theta.length);
    fg(theta, g);
    const eps = 1e-2;
    for (let i = 0; i < theta.length; i++) {
      const t = theta.slice();
      t[i] += eps; const fp = fg(t, scratch);
      t[i] -= 2 * eps; const fm = fg(t, scratch);
      expect(Math.abs((fp - fm) / (2 * eps) - g[i]), `theta[${i}]`).toBeLessThan(1e-4);
    }
    // The bias is not decayed: with W = 0 and balanced classes the bias gradient is the class
    // frequency gap only, whatever wd is.
    const zero = new Float64Array(theta.length);
    const g0 = new Float64Array(theta.length), g1 = new Float64Array(theta.length);
    softmaxRegressionObjective(x, y, F, C, 0)(zero, g0);
    softmaxRegressionObjective(x, y, F, C, 10)(zero, g1);
    expect(Array.from(g1)).toEqual(Array.from(g0));
  });

  it('reaches 100% on a linearly separable 3-class problem, at the optimum', () => {
    const F2 = 8;
    const tr = clusters(3, 60, F2, 0.15, 3, 1.5), te = clusters(3, 40, F2, 0.15, 3, 1.5, 77);
    const m = fitSoftmaxRegression(tr.x, tr.y, F2, 3, 1e-3, { gtol: 1e-6 });
    expect(m.fit.converged).toBe(true);
    expect(m.fit.gradInf).toBeLessThan(1e-5);
    const acc = (p: Int32Array, t: Int32Array) => p.filter((v, i) => v === t[i]).length / t.length;
    expect(acc(softmaxRegressionPredict(m, tr.x, tr.y.length), tr.y)).toBe(1);
    expect(acc(softmaxRegressionPredict(m, te.x, te.y.length), te.y)).toBe(1);
    // The float64 reference agrees that this is a stationary point.
    const theta = new Float64Array(3 * F2 + 3);
    theta.set(m.weight); theta.set(m.bias, 3 * F2);
    const ref = jsObjective(tr.x, tr.y, F2, 3, 1e-3, theta);
    expect(Math.max(...ref.g.map(Math.abs))).toBeLessThan(1e-4);
  });
});
