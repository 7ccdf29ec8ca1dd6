// Quantized ab space for colorization as classification (Zhang, Isola & Efros 2016, "Colorful
// Image Colorization"): the ab plane is cut into gridSize-wide cells centred on multiples of
// gridSize in [-110, 110], and the cells some sRGB colour falls into are the Q classes. Encoding
// (ab -> class), class rebalancing (their eq. 4) and decoding (annealed mean, mode) live here.
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { checkFinite, linearToLabInto, srgbToLinear } from './lab.js';

const AB_LIMIT = 110;
// encode's table: one entry per 1x1 ab cell of [-128, 128)^2, which holds every Lab colour of sRGB.
const LUT_MIN = -128;
const LUT_SIZE = 256;
// Samples per cube edge in the gamut scan. The edges trace the outline of the ab gamut, where a
// bin can be touched by a sliver only; 2^16 per edge is where the count stops changing.
const EDGE_SAMPLES = 1 << 16;

export interface RebalanceOptions {
  lambda?: number; // weight of the uniform distribution mixed into the prior (Zhang: 0.5)
  sigma?: number;  // std of the Gaussian smoothing the empirical distribution, in ab units (Zhang: 5); 0: none
}

type FloatArray = Float32Array | Float64Array;

export function checkGridSize(gridSize: unknown): number {
  const g = checkInt('gridSize', gridSize, 1, AB_LIMIT);
  if (AB_LIMIT % g !== 0) throw outOfRange('gridSize', 'positive integer dividing 110 (1, 2, 5, 10, 11, 22, 55 or 110)', gridSize);
  return g;
}

// Grid cells (a-major, then b, ascending) that some sRGB colour rounds into. Every ab reached
// inside the RGB cube is reached on its surface (full-volume grids of 128^3 to 200^3 hit no bin the
// surface misses), so the six faces are sampled on a grid and the twelve edges much more finely.
function gamutCenters(g: number): Float64Array {
  const G = AB_LIMIT / g, S = 2 * G + 1;
  const hit = new Uint8Array(S * S);
  const lab = new Float64Array(3);
  const cell = (v: number) => Math.min(S - 1, Math.max(0, Math.round(v / g) + G));
  const mark = (lr: number, lg: number, lb: number) => {
    linearToLabInto(lr, lg, lb, lab);
    hit[cell(lab[1]) * S + cell(lab[2])] = 1;
  };
  // Decoded once per sample position: the pow in srgbToLinear dominates otherwise.
  const decoded = (n: number) => Float64Array.from({ length: n }, (_, i) => srgbToLinear(i / (n - 1)));
  const face = decoded(Math.max(128, Math.ceil(512 / g)));
  for (const u of face) {
    for (const v of face) {
      for (let e = 0; e <= 1; e++) { mark(e, u, v); mark(u, e, v); mark(u, v, e); }
    }
  }
  for (const u of decoded(EDGE_SAMPLES)) {
    for (let e = 0; e <= 1; e++) {
      for (let f = 0; f <= 1; f++) { mark(e, f, u); mark(e, u, f); mark(u, e, f); }
    }
  }
  const centers: number[] = [];
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) if (hit[i * S + j]) centers.push((i - G) * g, (j - G) * g);
  }
  return Float64Array.from(centers);
}

const cache = new Map<number, AbBins>();

export class AbBins {
  readonly gridSize: number;
  readonly Q: number;
  /** (Q, 2): a then b of each bin's centre. Shared by every user of a cached instance: read only. */
  readonly centers: Float32Array;
  // float64 copies that every computation reads, so writes into `centers` cannot change results.
  private readonly ca: Float64Array;
  private readonly cb: Float64Array;
  // Bin of each grid point (a-major over [-110, 110]^2 in steps of gridSize), -1 where none.
  private readonly gridIndex: Int32Array;
  private lut: Int32Array | null = null;

  private constructor(gridSize: number, centers: Float64Array) {
    this.gridSize = gridSize;
    this.Q = centers.length / 2;
    this.centers = Float32Array.from(centers);
    this.ca = new Float64Array(this.Q);
    this.cb = new Float64Array(this.Q);
    const G = AB_LIMIT / gridSize, S = 2 * G + 1;
    this.gridIndex = new Int32Array(S * S).fill(-1);
    for (let q = 0; q < this.Q; q++) {
      this.ca[q] = centers[2 * q];
      this.cb[q] = centers[2 * q + 1];
      this.gridIndex[(centers[2 * q] / gridSize + G) * S + centers[2 * q + 1] / gridSize + G] = q;
    }
  }

  /** The bins that sRGB colours fall into (262 for gridSize 10), ordered by a then b; cached. */
  static inGamut(gridSize = 10): AbBins {
    const g = checkGridSize(gridSize);
    let bins = cache.get(g);
    if (!bins) cache.set(g, (bins = new AbBins(g, gamutCenters(g))));
    return bins;
  }

  /**
   * Bins with the given centres, in the given order (e.g. the 313 of Zhang's pts_in_hull.npy,
   * to match pretrained weights). Centres must be distinct multiples of gridSize in [-110, 110].
   */
  static fromCenters(centers: ArrayLike<number>, gridSize = 10): AbBins {
    const g = checkGridSize(gridSize);
    if (!ArrayBuffer.isView(centers) && !Array.isArray(centers)) throw invalidParameter('centers', 'array of (a, b) pairs', centers);
    if (centers.length < 2 || centers.length % 2 !== 0) throw outOfRange('centers', 'a non-empty array of (a, b) pairs (even length)', centers);
    const seen = new Set<number>();
    for (let i = 0; i < centers.length; i++) {
      const v = centers[i];
      if (typeof v !== 'number' || !(Math.abs(v) <= AB_LIMIT) || v % g !== 0)
        throw outOfRange(`centers[${i}]`, `multiple of gridSize ${g} in [-110, 110]`, v);
      if (i % 2 === 1) {
        const key = (centers[i - 1] + 128) * 256 + v + 128;
        if (seen.has(key)) throw outOfRange(`centers[${i - 1}..${i}]`, 'distinct centres', [centers[i - 1], v]);
        seen.add(key);
      }
    }
    return new AbBins(g, Float64Array.from(centers));
  }

  /** Index of the bin centre nearest to (a, b); ties go to the lower index. */
  nearest(a: number, b: number): number {
    return this.nearestUnchecked(checkFinite('a', a), checkFinite('b', b));
  }

  private nearestUnchecked(a: number, b: number): number {
    // Strictly inside a grid cell whose centre is a bin, that centre is the unique nearest. The
    // rounded differences cannot pass the test when the exact ones fail (rounding is monotone).
    const g = this.gridSize, G = AB_LIMIT / g;
    const ka = Math.round(a / g), kb = Math.round(b / g);
    if (Math.abs(ka) <= G && Math.abs(kb) <= G && Math.abs(a - ka * g) < g / 2 && Math.abs(b - kb * g) < g / 2) {
      const q = this.gridIndex[(ka + G) * (2 * G + 1) + kb + G];
      if (q >= 0) return q;
    }
    const ca = this.ca, cb = this.cb;
    // Beyond ~1e154 the squared distances overflow; a power-of-two scale keeps them ordered.
    const s = Math.abs(a) > 1e150 || Math.abs(b) > 1e150 ? 2 ** -512 : 1;
    let best = 0, bestD = Infinity;
    for (let q = 0; q < ca.length; q++) {
      const da = (a - ca[q]) * s, db = (b - cb[q]) * s;
      const d = da * da + db * db;
      if (d < bestD) { bestD = d; best = q; }
    }
    return best;
  }

  // Bin per 1x1 ab cell of [-128, 128)^2, or -1 where the nearest bin changes inside the cell.
  // Voronoi cells are convex, so a cell whose four corners share a nearest bin lies in that bin
  // (ties at corners resolve to the lower index, as in nearest), and the table agrees with nearest.
  private table(): Int32Array {
    if (this.lut) return this.lut;
    const n = LUT_SIZE + 1;
    const corner = new Int32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) corner[i * n + j] = this.nearestUnchecked(LUT_MIN + i, LUT_MIN + j);
    }
    const lut = new Int32Array(LUT_SIZE * LUT_SIZE);
    for (let i = 0; i < LUT_SIZE; i++) {
      for (let j = 0; j < LUT_SIZE; j++) {
        const q = corner[i * n + j];
        const same = q === corner[i * n + j + 1] && q === corner[(i + 1) * n + j] && q === corner[(i + 1) * n + j + 1];
        lut[i * LUT_SIZE + j] = same ? q : -1;
      }
    }
    return (this.lut = lut);
  }

  /**
   * ab planes laid out (N, 2, HW), channel 0 = a, 1 = b -> the bin of each pixel, (N, HW) row
   * order (row n * HW + p). Same answer as nearest for every pixel.
   */
  encode(ab: FloatArray, N: number, HW: number): Int32Array {
    checkInt('N', N);
    checkInt('HW', HW);
    if (!(ab instanceof Float32Array) && !(ab instanceof Float64Array)) throw invalidParameter('ab', 'Float32Array of (N, 2, HW) ab planes', ab);
    if (ab.length !== N * 2 * HW) throw outOfRange('ab', `length N * 2 * HW = ${N * 2 * HW}`, ab);
    const lut = this.table();
    const out = new Int32Array(N * HW);
    for (let n = 0; n < N; n++) {
      const base = n * 2 * HW;
      for (let p = 0; p < HW; p++) {
        const a = ab[base + p], b = ab[base + HW + p];
        const ia = Math.floor(a) - LUT_MIN, ib = Math.floor(b) - LUT_MIN;
        // NaN fails these comparisons too and reaches the check below.
        let q = ia >= 0 && ia < LUT_SIZE && ib >= 0 && ib < LUT_SIZE ? lut[ia * LUT_SIZE + ib] : -1;
        if (q < 0) {
          if (!Number.isFinite(a)) throw outOfRange(`ab[${base + p}]`, 'finite number', a);
          if (!Number.isFinite(b)) throw outOfRange(`ab[${base + HW + p}]`, 'finite number', b);
          q = this.nearestUnchecked(a, b);
        }
        out[n * HW + p] = q;
      }
    }
    return out;
  }

  /** Count of each bin in `bins`, added to `into` when given (to accumulate over a data set). */
  histogram(bins: Int32Array | readonly number[], into?: Float64Array): Float64Array {
    const Q = this.Q;
    if (!(bins instanceof Int32Array) && !Array.isArray(bins)) throw invalidParameter('bins', 'Int32Array of bin indices', bins);
    if (into !== undefined && !(into instanceof Float64Array && into.length === Q)) throw invalidParameter('into', `Float64Array(${Q})`, into);
    // Checked before counting, so a bad index leaves `into` untouched.
    for (let i = 0; i < bins.length; i++) {
      const q = bins[i];
      if (!(Number.isInteger(q) && q >= 0 && q < Q)) throw outOfRange(`bins[${i}]`, `bin index in [0, ${Q})`, q);
    }
    const counts = into ?? new Float64Array(Q);
    for (let i = 0; i < bins.length; i++) counts[bins[i]]++;
    return counts;
  }

  /**
   * counts / sum, convolved with a Gaussian of std sigma over the bin centres and renormalised to
   * sum 1: the smoothed empirical distribution p~ of Zhang's eq. 4.
   */
  smoothPrior(counts: ArrayLike<number>, sigma = 5): Float64Array {
    const Q = this.Q;
    checkNumber('sigma', sigma, 0);
    if (!ArrayBuffer.isView(counts) && !Array.isArray(counts)) throw invalidParameter('counts', `array of ${Q} bin counts`, counts);
    if (counts.length !== Q) throw outOfRange('counts', `${Q} bin counts (one per bin)`, counts);
    let total = 0;
    for (let i = 0; i < Q; i++) {
      const c = counts[i];
      if (!(Number.isFinite(c) && c >= 0)) throw outOfRange(`counts[${i}]`, 'finite count >= 0', c);
      total += c;
    }
    if (!(total > 0)) throw outOfRange('counts', 'counts with a positive sum', counts);
    const p = Float64Array.from({ length: Q }, (_, i) => counts[i] / total);
    if (sigma === 0) return p;
    const ca = this.ca, cb = this.cb, k = -1 / (2 * sigma * sigma);
    const smooth = new Float64Array(Q);
    let sum = 0;
    for (let i = 0; i < Q; i++) {
      let s = 0;
      for (let j = 0; j < Q; j++) s += p[j] * Math.exp(k * ((ca[i] - ca[j]) ** 2 + (cb[i] - cb[j]) ** 2));
      smooth[i] = s;
      sum += s;
    }
    for (let i = 0; i < Q; i++) smooth[i] /= sum;
    return smooth;
  }

  /**
   * Class-rebalancing weights (Zhang eq. 4): w ∝ 1 / ((1 - lambda) p~ + lambda / Q) with p~ the
   * smoothed prior (smoothPrior), scaled so that sum_q p~_q w_q = 1.
   */
  rebalanceWeights(counts: ArrayLike<number>, opts?: RebalanceOptions): Float32Array {
    const o = checkOptions<RebalanceOptions>('options', opts, ['lambda', 'sigma']);
    const lambda = checkNumber('lambda', o.lambda ?? 0.5, 0, 1);
    const sigma = checkNumber('sigma', o.sigma ?? 5, 0);
    const Q = this.Q;
    const p = this.smoothPrior(counts, sigma);
    const w = new Float64Array(Q);
    let norm = 0;
    for (let i = 0; i < Q; i++) {
      w[i] = 1 / ((1 - lambda) * p[i] + lambda / Q);
      if (!Number.isFinite(w[i])) throw outOfRange('counts', 'counts whose smoothed distribution is positive in every bin (or lambda > 0)', counts);
      norm += p[i] * w[i];
    }
    return Float32Array.from(w, (v) => v / norm);
  }

  private checkLogits(logits: unknown, R: number): FloatArray {
    checkInt('R', R);
    if (!(logits instanceof Float32Array) && !(logits instanceof Float64Array)) throw invalidParameter('logits', `Float32Array of R x Q = ${R} x ${this.Q}`, logits);
    if (logits.length !== R * this.Q) throw outOfRange('logits', `length R * Q = ${R * this.Q}`, logits);
    return logits;
  }

  /**
   * Annealed mean (Zhang sec. 2.3): per row, sum_q softmax(logits / T)_q * centre_q, as R x 2
   * (a, b). T -> 0 gives the mode, T = 1 the mean; Zhang use 0.38.
   */
  annealedMean(logits: FloatArray, R: number, T = 0.38): Float32Array {
    const x = this.checkLogits(logits, R);
    checkNumber('T', T, 0, Infinity, true);
    const Q = this.Q, ca = this.ca, cb = this.cb;
    const out = new Float32Array(R * 2);
    for (let r = 0; r < R; r++) {
      const o = r * Q;
      let m = -Infinity;
      for (let q = 0; q < Q; q++) {
        const v = x[o + q];
        if (!Number.isFinite(v)) throw outOfRange(`logits[${o + q}]`, 'finite number', v);
        if (v > m) m = v;
      }
      // (v - m) / T rather than v / T - m / T: no overflow however small T is.
      let s = 0, ea = 0, eb = 0;
      for (let q = 0; q < Q; q++) {
        const e = Math.exp((x[o + q] - m) / T);
        s += e;
        ea += e * ca[q];
        eb += e * cb[q];
      }
      out[2 * r] = ea / s;
      out[2 * r + 1] = eb / s;
    }
    return out;
  }

  /** Centre of each row's most likely bin (the first on ties), as R x 2 (a, b). */
  mode(logits: FloatArray, R: number): Float32Array {
    const x = this.checkLogits(logits, R);
    const Q = this.Q;
    const out = new Float32Array(R * 2);
    for (let r = 0; r < R; r++) {
      const o = r * Q;
      let best = 0;
      for (let q = 0; q < Q; q++) {
        const v = x[o + q];
        if (!Number.isFinite(v)) throw outOfRange(`logits[${o + q}]`, 'finite number', v);
        if (v > x[o + best]) best = q;
      }
      out[2 * r] = this.ca[best];
      out[2 * r + 1] = this.cb[best];
    }
    return out;
  }
}
