// The 2-D map of the test embeddings: UMAP (umap-js, the reference algorithm in pure JS) of the
// encoder's features. Rows are L2-normalised first because the kNN protocol compares features by
// cosine similarity, and Euclidean distance between unit vectors ranks neighbours the same way, so
// the map shows the neighbourhoods that kNN votes with. umap-js draws every random number (forest,
// NN-descent, initial layout, negative samples) from its `random` option; feeding it the library's
// seeded Philox generator makes the map a function of (features, seed).
import { UMAP } from 'umap-js';
import { Generator } from '../random.js';
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';

export interface EmbedOptions {
  seed?: number;        // default 0
  nNeighbors?: number;  // default 15 (UMAP's), at most points - 1
  minDist?: number;     // default 0.1 (UMAP's)
  epochs?: number;      // layout optimisation epochs; default 200 (UMAP's choice for large sets)
}

export const EMBED_DEFAULTS = { seed: 0, nNeighbors: 15, minDist: 0.1, epochs: 200 } as const;

// umap-js wants () => [0, 1); Philox gives float32 uniforms in [0, 1) with 24 random bits,
// drawn in blocks so the native call is amortised.
export function seededRandom(generator: Generator): () => number {
  let buf = generator.uniform(4096), i = 0;
  return () => {
    if (i === buf.length) {
      buf = generator.uniform(buf.length, 0, 1, buf);
      i = 0;
    }
    return buf[i++];
  };
}

// features: N × dim row-major; returns N × 2 row-major.
export function embed2d(features: Float32Array, dim: number, opts?: EmbedOptions): Float32Array {
  if (!(features instanceof Float32Array)) throw invalidParameter('features', 'Float32Array (N × dim)', features);
  checkInt('dim', dim, 1);
  if (features.length % dim !== 0) throw outOfRange('features', `a multiple of dim = ${dim} values`, features);
  const n = features.length / dim;
  if (n < 3) throw outOfRange('features', 'at least 3 points to map', `${n} points`);
  const o = checkOptions<EmbedOptions>('options', opts, ['seed', 'nNeighbors', 'minDist', 'epochs']);
  const seed = checkInt('seed', o.seed ?? EMBED_DEFAULTS.seed);
  const nNeighbors = Math.min(checkInt('nNeighbors', o.nNeighbors ?? EMBED_DEFAULTS.nNeighbors, 2), n - 1);
  const minDist = checkNumber('minDist', o.minDist ?? EMBED_DEFAULTS.minDist, 0);
  const nEpochs = checkInt('epochs', o.epochs ?? EMBED_DEFAULTS.epochs, 1);

  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r = Array.from(features.subarray(i * dim, (i + 1) * dim));
    const norm = Math.sqrt(r.reduce((s, v) => s + v * v, 0)) || 1; // an all-zero row stays at the origin
    rows.push(r.map((v) => v / norm));
  }
  const umap = new UMAP({ nComponents: 2, nNeighbors, minDist, nEpochs, random: seededRandom(new Generator(seed)) });
  const y = umap.fit(rows);
  const out = new Float32Array(n * 2);
  y.forEach(([a, b], i) => { out[2 * i] = a; out[2 * i + 1] = b; });
  return out;
}
