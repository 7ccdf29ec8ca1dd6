// Per-feature standardisation for the linear probe: mean and standard deviation from the training
// features only (the held-out and test rows never leak into them), accumulated in float64. It
// makes one weight-decay grid fit every encoder (features of very different scales) and makes the
// L-BFGS problem well conditioned. A constant feature (an always-black border pixel) keeps scale 1,
// as scikit-learn's StandardScaler does, instead of dividing by zero.

export interface Standardizer {
  mean: Float32Array;
  scale: Float32Array; // 1 / std, or 1 for a constant feature
}

export function fitStandardizer(x: Float32Array, rows: number, dim: number, indices?: Int32Array): Standardizer {
  const n = indices ? indices.length : rows;
  const sum = new Float64Array(dim), sq = new Float64Array(dim);
  for (let k = 0; k < n; k++) {
    const o = (indices ? indices[k] : k) * dim;
    for (let j = 0; j < dim; j++) sum[j] += x[o + j];
  }
  const mean = new Float64Array(dim);
  for (let j = 0; j < dim; j++) mean[j] = sum[j] / n;
  for (let k = 0; k < n; k++) { // two passes: no cancellation for large-mean features
    const o = (indices ? indices[k] : k) * dim;
    for (let j = 0; j < dim; j++) { const v = x[o + j] - mean[j]; sq[j] += v * v; }
  }
  const scale = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const std = Math.sqrt(sq[j] / n);
    scale[j] = std > 1e-6 * Math.max(1, Math.abs(mean[j])) ? 1 / std : 1;
  }
  return { mean: Float32Array.from(mean), scale };
}

// (x - mean) * scale for the chosen rows (all by default), as a new contiguous matrix.
export function applyStandardizer(x: Float32Array, dim: number, st: Standardizer, indices?: Int32Array): Float32Array {
  const n = indices ? indices.length : x.length / dim;
  const out = new Float32Array(n * dim);
  const { mean, scale } = st;
  for (let k = 0; k < n; k++) {
    const src = (indices ? indices[k] : k) * dim, dst = k * dim;
    for (let j = 0; j < dim; j++) out[dst + j] = (x[src + j] - mean[j]) * scale[j];
  }
  return out;
}
