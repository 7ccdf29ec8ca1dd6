// Finite-difference gradient checking shared by test/grad/*.test.ts.
//
// For an op y = f(inputs) the objective is L = sum(y * R) with R a fixed random tensor of y's shape.
// Analytic side: forward with autograd, L = sum(mul(y, R)), L.backward(), read each leaf's .grad.
// Numeric side: central differences of the same objective where the forward runs under noGrad and
// the weighted sum is formed in float64 JS, so it never touches any backward closure.
import { expect } from 'vitest';
import * as ops from '../../lib/ops/index.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { expectClose, numericGrad, randomArray, relL2 } from '../helpers.js';

export interface CheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  maxRelL2?: number;
  seed?: number; // seed of the weighting tensor R
  // Inputs (by index) that are allowed to have an all-zero true gradient.
  allowZero?: number[];
}

export function weightedSum(y: Tensor, R: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.size; i++) s += y.data[i] * R[i];
  return s;
}

// Checks d/d(input) of sum(fwd(inputs) * R) for every input with requiresGrad; inputs without it
// must come out of backward with grad still null.
export function gradCheck(what: string, inputs: Tensor[], fwd: (...xs: Tensor[]) => Tensor, o: CheckOptions = {}): void {
  const eps = o.eps ?? 1e-2, rtol = o.rtol ?? 2e-2, atol = o.atol ?? 2e-3, maxRel = o.maxRelL2 ?? 1e-2;
  for (const x of inputs) x.grad = null;

  // Analytic.
  const y = fwd(...inputs);
  expect(y.requiresGrad, `${what}: output requiresGrad`).toBe(true);
  const R = new Tensor(randomArray(y.size, o.seed ?? 12345), y.shape);
  const L = ops.sum(ops.mul(y, R));
  L.backward();
  const analytic = inputs.map((x) => (x.grad ? Float32Array.from(x.grad) : null));

  // Numeric (forward only, no graph).
  const f = () => noGrad(() => {
    const z = fwd(...inputs);
    if (z.requiresGrad || z.node) throw new Error(`${what}: output under noGrad records a graph`);
    if (z.shape.join() !== y.shape.join()) throw new Error(`${what}: output shape changed`);
    return weightedSum(z, R.data);
  });

  inputs.forEach((x, k) => {
    const name = `${what} d/d(input ${k}) [${x.shape.join(',')}]`;
    if (!x.requiresGrad) {
      expect(x.grad, `${name}: no grad for an input without requiresGrad`).toBeNull();
      return;
    }
    const num = numericGrad(f, x.data, eps);
    const an = analytic[k];
    let scale = 0;
    for (const v of num) scale = Math.max(scale, Math.abs(v));
    if (!o.allowZero?.includes(k)) expect(scale, `${name}: numeric gradient is trivially zero`).toBeGreaterThan(1e-3);
    expect(an, `${name}: analytic gradient missing`).not.toBeNull();
    expectClose(an!, num, rtol, atol * Math.max(1, scale), name);
    // relL2 only where the gradient is above the finite-difference noise floor.
    if (scale > 1e-3) expect(relL2(an!, num), `${name}: relL2`).toBeLessThan(maxRel);
  });
}

// Values -(n-1)/2..(n-1)/2 times `spacing`, in a seeded shuffled order: distinct, well separated.
export function distinctTensor(shape: number[], seed: number, spacing = 0.05, requiresGrad = true): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = randomArray(n, seed);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a] - u[b]);
  const data = new Float32Array(n);
  idx.forEach((j, rank) => { data[j] = (rank - (n - 1) / 2) * spacing; });
  return new Tensor(data, shape, requiresGrad);
}

// Random values in [lo, hi) (for log/sqrt/div inputs away from singularities).
export function rangeTensor(shape: number[], seed: number, lo: number, hi: number, requiresGrad = true): Tensor {
  const a = randomArray(shape.reduce((p, q) => p * q, 1), seed);
  for (let i = 0; i < a.length; i++) a[i] = lo + ((a[i] + 1) / 2) * (hi - lo);
  return new Tensor(a, shape, requiresGrad);
}

// Random values in [-1, 1) pushed out of (-gap, gap) (kinks of relu / abs / l1).
export function awayFromZero(shape: number[], seed: number, gap = 0.05, requiresGrad = true): Tensor {
  const a = randomArray(shape.reduce((p, q) => p * q, 1), seed);
  for (let i = 0; i < a.length; i++) a[i] = Math.sign(a[i] || 1) * (gap + Math.abs(a[i]) * (1 - gap));
  return new Tensor(a, shape, requiresGrad);
}
