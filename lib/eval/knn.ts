// Weighted k-nearest-neighbour classification on frozen features (Wu et al. 2018, "Unsupervised
// feature learning via non-parametric instance discrimination"; the kNN monitor of DINO/MoCo):
// features are L2-normalised, similarity is the cosine, each of the k nearest training items votes
// for its class with weight exp(sim / τ), τ = 0.07, and the class with the largest total wins.
// No training and no hyper-parameter search, so it is a cheap, optimiser-free view of how the
// embedding clusters. Similarities are computed a block of test rows at a time with one GEMM
// (block × train), so memory stays at one block however large the sets.
//
// Determinism: neighbours are ranked by similarity, ties by lower training index; class-vote ties go
// to the lower class index.
import { native } from '../native/loader.js';
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { accuracy, checkFeatures, checkLabels, maxLabel } from './check.js';

export interface KnnOptions {
  k?: number | readonly number[];
  temperature?: number;
  numClasses?: number;
  blockSize?: number; // test rows per similarity block (default: about 4M similarities a block)
  dim?: number;
}

export const KNN_DEFAULTS = { k: [20, 200] as readonly number[], temperature: 0.07 } as const;

export interface KnnResult {
  results: { k: number; accuracy: number; predictions: Int32Array }[];
  temperature: number;
  settings: string;
}

export function describeKnn(o: { k: readonly number[]; temperature: number }): string {
  return `cosine on L2-normalized features, k=${o.k.join('/')}, votes exp(sim/τ), τ=${o.temperature}`;
}

// In place: each row divided by max(‖row‖, 1e-12) (torch.nn.functional.normalize).
export function l2NormalizeRows(x: Float32Array, dim: number): Float32Array {
  for (let o = 0; o < x.length; o += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[o + j] * x[o + j];
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < dim; j++) x[o + j] *= inv;
  }
  return x;
}

// "a ranks below b": lower similarity, or equal similarity and higher index.
const below = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);

// The K best (sim, index) of one row, best first: a size-K min-heap (root = the worst kept).
function topK(sims: Float32Array, off: number, n: number, K: number, hs: Float32Array, hi: Int32Array): void {
  let size = 0;
  const siftDown = (pos: number) => {
    for (;;) {
      const l = 2 * pos + 1, r = l + 1;
      let m = pos;
      if (l < size && below(hs[l], hi[l], hs[m], hi[m])) m = l;
      if (r < size && below(hs[r], hi[r], hs[m], hi[m])) m = r;
      if (m === pos) return;
      const ts = hs[pos], ti = hi[pos];
      hs[pos] = hs[m]; hi[pos] = hi[m]; hs[m] = ts; hi[m] = ti;
      pos = m;
    }
  };
  for (let j = 0; j < n; j++) {
    const s = sims[off + j];
    if (size < K) {
      let pos = size++;
      while (pos > 0) { // sift up
        const p = (pos - 1) >> 1;
        if (!below(s, j, hs[p], hi[p])) break;
        hs[pos] = hs[p]; hi[pos] = hi[p];
        pos = p;
      }
      hs[pos] = s; hi[pos] = j;
    } else if (below(hs[0], hi[0], s, j)) {
      hs[0] = s; hi[0] = j;
      siftDown(0);
    }
  }
  // Heap sort in place: repeatedly move the worst to the end → best first.
  for (let end = size - 1; end > 0; end--) {
    const ts = hs[0], ti = hi[0];
    hs[0] = hs[end]; hi[0] = hi[end]; hs[end] = ts; hi[end] = ti;
    size = end;
    siftDown(0);
  }
}

export function knn(trainFeats: Float32Array, trainLabels: Int32Array | readonly number[], testFeats: Float32Array,
  testLabels: Int32Array | readonly number[], opts?: KnnOptions): KnnResult {
  const o = checkOptions<KnnOptions>('options', opts, ['k', 'temperature', 'numClasses', 'blockSize', 'dim']);
  const numClassesOpt = o.numClasses === undefined ? undefined : checkInt('numClasses', o.numClasses, 1);
  const yTr = checkLabels('trainLabels', trainLabels, numClassesOpt);
  const yTe = checkLabels('testLabels', testLabels, numClassesOpt);
  const dimOpt = o.dim === undefined ? undefined : checkInt('dim', o.dim, 1);
  const F = checkFeatures('trainFeats', trainFeats, yTr.length, 'trainLabels', dimOpt);
  checkFeatures('testFeats', testFeats, yTe.length, 'testLabels', F);
  const N = yTr.length, M = yTe.length;
  const kRaw = o.k ?? KNN_DEFAULTS.k;
  const ks = typeof kRaw === 'number' ? [kRaw] : kRaw;
  if (!Array.isArray(ks) || ks.length === 0) throw invalidParameter('k', 'positive integer or non-empty array of them', kRaw);
  ks.forEach((k, i) => {
    const name = typeof kRaw === 'number' ? 'k' : `k[${i}]`;
    checkInt(name, k, 1);
    if (k > N) throw outOfRange(name, `integer in [1, ${N}] (at most the number of training items)`, k);
  });
  const temperature = checkNumber('temperature', o.temperature ?? KNN_DEFAULTS.temperature, 0, Infinity, true);
  const C = numClassesOpt ?? maxLabel(yTr, yTe) + 1;
  const block = o.blockSize === undefined ? Math.max(1, Math.min(1024, Math.floor(4_194_304 / N))) : checkInt('blockSize', o.blockSize, 1);

  const tr = l2NormalizeRows(trainFeats.slice(), F);
  const te = l2NormalizeRows(testFeats.slice(), F);
  const K = Math.max(...ks);
  const order = ks.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0]);
  const preds = ks.map(() => new Int32Array(M));
  const sims = new Float32Array(Math.min(block, M) * N);
  const hs = new Float32Array(K), hi = new Int32Array(K);
  const votes = new Float64Array(C);
  const nb = native();
  for (let s = 0; s < M; s += block) {
    const B = Math.min(block, M - s);
    nb.gemm(0, 1, B, N, F, 1, te.subarray(s * F, (s + B) * F), F, tr, F, 0, sims, N);
    for (let r = 0; r < B; r++) {
      topK(sims, r * N, N, K, hs, hi);
      votes.fill(0);
      let used = 0;
      for (const [k, which] of order) {
        for (; used < k; used++) votes[yTr[hi[used]]] += Math.exp(hs[used] / temperature);
        let best = 0;
        for (let c = 1; c < C; c++) if (votes[c] > votes[best]) best = c;
        preds[which][s + r] = best;
      }
    }
  }
  return {
    results: ks.map((k, i) => ({ k, accuracy: accuracy(preds[i], yTe), predictions: preds[i] })),
    temperature,
    settings: describeKnn({ k: ks, temperature }),
  };
}
