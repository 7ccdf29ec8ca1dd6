// Shared test helpers: seeded data, tolerance checks, ISA enumeration, fixtures and finite differences.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { native } from '../lib/native/loader.js';
import type { Isa } from '../lib/native/binding.js';
import { loadSafetensors, StoredTensor } from '../lib/io/safetensors.js';
import { Tensor } from '../lib/tensor/tensor.js';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const fixturesDir = path.join(here, 'reference', 'fixtures');

// Deterministic pseudo-random floats in [-1, 1) (test data, independent of the library's RNG).
export function randomArray(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    a[i] = (s / 4294967296) * 2 - 1;
  }
  return a;
}

export function randomTensor(shape: number[], seed = 1, requiresGrad = false): Tensor {
  return new Tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed), shape, requiresGrad);
}

// max |a-b| / (atol + rtol*|b|) <= 1 elementwise; reports the worst element on failure.
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, atol = 1e-5, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let worst = 0, at = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    const e = d === 0 ? 0 : d / (atol + rtol * Math.abs(expected[i]));
    if (!(e <= worst)) { worst = e; at = i; }
  }
  if (!(worst <= 1))
    throw new Error(`${what}: element ${at}: ${actual[at]} vs expected ${expected[at]} (ratio to tolerance ${worst.toFixed(2)})`);
}

// Relative L2 error ||a-b|| / ||b||: robust for large sums where elementwise rtol is too strict.
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

export function supportedIsas(): Isa[] {
  const order: Isa[] = ['scalar', 'avx2', 'avx512'];
  const best = native().isaInfo().detected;
  return order.slice(0, order.indexOf(best) + 1);
}

// Runs fn under each ISA the machine supports, restoring the detected one after.
export function forEachIsa(fn: (isa: Isa) => void): void {
  const nb = native();
  const initial = nb.isaInfo().active;
  try {
    for (const isa of supportedIsas()) {
      nb.setIsa(isa);
      fn(isa);
    }
  } finally {
    nb.setIsa(initial);
  }
}

export function fixture(name: string): { t: Map<string, StoredTensor>; meta: Record<string, string>; f32: (k: string) => Float32Array; i32: (k: string) => Int32Array; shape: (k: string) => number[] } {
  const { tensors, metadata } = loadSafetensors(path.join(fixturesDir, `${name}.safetensors`));
  const get = (k: string) => {
    const v = tensors.get(k);
    if (!v) throw new Error(`fixture ${name} has no tensor ${k}`);
    return v;
  };
  return {
    t: tensors,
    meta: metadata,
    f32: (k) => get(k).data as Float32Array,
    i32: (k) => get(k).data as Int32Array,
    shape: (k) => get(k).shape,
  };
}

// Central finite differences of scalar f() with respect to every element of x (float64 step
// arithmetic on a float32 buffer: keep inputs O(1) and eps ~1e-2..1e-3).
export function numericGrad(f: () => number, x: Float32Array, eps = 1e-2): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + eps; const fp = f();
    x[i] = v - eps; const fm = f();
    x[i] = v;
    g[i] = (fp - fm) / (2 * eps);
  }
  return g;
}

// The error a call throws (fails the test when it returns normally).
export function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw, but it returned normally');
}

// Awaits p and checks it rejected with a message matching re; returns the message.
export async function rejects(p: Promise<unknown>, re: RegExp): Promise<string> {
  let msg = '';
  try {
    await p;
  } catch (e) {
    msg = (e as Error).message;
  }
  expect(msg, `expected an error matching ${re}`).toMatch(re);
  return msg;
}
