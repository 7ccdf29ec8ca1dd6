// Synthetic data for the evaluation tests: seeded Gaussian clusters, independent of the library's RNG.
import { randomArray } from '../helpers.js';

// Standard normals by Box-Muller over the helpers' xorshift uniforms.
export function gaussian(n: number, seed: number): Float64Array {
  const u = randomArray(2 * n, seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = (u[2 * i] + 1) / 2 || 1e-12, u2 = (u[2 * i + 1] + 1) / 2;
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}

// perClass items per class around random centres (std `spread`), classes interleaved
// (label = i % classes), features (N, dim) row-major.
// The centres depend on `seed` only, the noise on `noiseSeed`: a test split shares the centres.
export function clusters(classes: number, perClass: number, dim: number, spread: number, seed: number, centreScale = 1,
  noiseSeed = seed + 1000): { x: Float32Array; y: Int32Array; centres: Float64Array } {
  const centres = gaussian(classes * dim, seed).map((v) => v * centreScale);
  const N = classes * perClass;
  const noise = gaussian(N * dim, noiseSeed);
  const x = new Float32Array(N * dim), y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < dim; j++) x[i * dim + j] = centres[c * dim + j] + spread * noise[i * dim + j];
  }
  return { x, y, centres };
}

export const range = (n: number, start = 0) => Int32Array.from({ length: n }, (_, i) => start + i);
