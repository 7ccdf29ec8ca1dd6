// Frozen features for the probes: the encoder in eval mode (BatchNorm running statistics, no
// dropout), no graph recording, fixed-size batches of pixels scaled to [0, 1] exactly as training
// saw them (toFloatBatch), shaped (b, ...item shape): images (b, C, H, W), clips (b, C, T, H, W).
// Raw pixels go through the same shape so every protocol has a pixel baseline row.
import { itemSize, type Dataset } from '../data/dataset.js';
import { toFloatBatch } from '../data/fashion-mnist.js';
import { Module } from '../nn/module.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';

export interface FeatureSet {
  features: Float32Array; // N × dim, row-major
  dim: number;
  labels: Int32Array | null; // the set's labels at the chosen indices
}

export interface ExtractOptions {
  batchSize?: number;
  indices?: ArrayLike<number>;
}

export const EXTRACT_DEFAULTS = { batchSize: 256 } as const;

// A data set of uint8 items of any shape: images (C, H, W), clips (C, T, H, W) or windows (L).
// Every protocol here flattens what the encoder returns, so the item rank is the encoder's concern.
export function checkItemSet(name: string, set: unknown): Dataset {
  const s = set as Dataset;
  if (s === null || typeof s !== 'object' || !(s.images instanceof Uint8Array) || !Array.isArray(s.shape) || s.shape.length === 0 ||
    !s.shape.every((d) => Number.isInteger(d) && d >= 1))
    throw invalidParameter(name, 'data set {images: Uint8Array, labels, shape: [C, H, W] images or [C, T, H, W] clips, length}', set);
  checkInt(`${name}.length`, s.length);
  if (s.length === 0) throw outOfRange(name, 'a non-empty data set', `${s.length} items`);
  const per = itemSize(s.shape);
  if (s.images.length !== s.length * per)
    throw outOfRange(`${name}.images`, `${s.length} × ${per} values`, s.images);
  if (s.labels !== null && (!(s.labels instanceof Int32Array) || s.labels.length !== s.length))
    throw outOfRange(`${name}.labels`, `null or Int32Array of ${s.length} labels`, s.labels);
  return s;
}

// Item indices: all of the set by default; otherwise integers in [0, set.length), non-empty.
export function checkIndices(name: string, indices: ArrayLike<number> | undefined, length: number): Int32Array {
  if (indices === undefined) return Int32Array.from({ length }, (_, i) => i);
  if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number')
    throw invalidParameter(name, 'array or Int32Array of item indices', indices);
  if (indices.length === 0) throw outOfRange(name, 'a non-empty list of item indices', indices);
  for (let i = 0; i < indices.length; i++) checkInt(`${name}[${i}]`, indices[i], 0, length - 1);
  return Int32Array.from(indices);
}

// Every module's own flag, so a model with some submodules deliberately in eval mode (a frozen
// BatchNorm) gets exactly that mixture back rather than a blanket train(true).
export function saveModes(m: Module): () => void {
  const saved: [Module, boolean][] = [];
  const walk = (x: Module) => {
    saved.push([x, x.training]);
    for (const [, c] of x.namedChildren()) walk(c);
  };
  walk(m);
  return () => {
    for (const [x, t] of saved) x.training = t;
  };
}

// Runs the model over the items in batches (no graph, current mode) and returns the flattened
// outputs (N × prod(output.shape[1:])).
export function forwardBatches(model: Module, set: Dataset, idx: Int32Array, batchSize: number): FeatureSet {
  let out: Float32Array | null = null;
  let dim = 0;
  noGrad(() => {
    for (let s = 0; s < idx.length; s += batchSize) {
      const b = idx.subarray(s, Math.min(idx.length, s + batchSize));
      const y = model.forward(new Tensor(toFloatBatch(set, b), [b.length, ...set.shape]));
      if (!(y instanceof Tensor) || y.ndim < 2 || y.shape[0] !== b.length)
        throw outOfRange('encoder output', `Tensor of shape [${b.length}, …]`, y instanceof Tensor ? `shape [${y.shape.join(', ')}]` : y);
      if (out === null) {
        dim = y.size / b.length;
        out = new Float32Array(idx.length * dim);
      } else if (y.size !== b.length * dim) {
        throw outOfRange('encoder output', `${dim} features per item (as in the first batch)`, `shape [${y.shape.join(', ')}]`);
      }
      out.set(y.data, s * dim);
    }
  });
  return { features: out!, dim, labels: set.labels ? Int32Array.from(idx, (i) => set.labels![i]) : null };
}

export function extractFeatures(encoder: Module, set: Dataset, opts?: ExtractOptions): FeatureSet {
  if (!(encoder instanceof Module)) throw invalidParameter('encoder', 'Module', encoder);
  checkItemSet('set', set);
  const o = checkOptions<ExtractOptions>('options', opts, ['batchSize', 'indices']);
  const batchSize = checkInt('batchSize', o.batchSize ?? EXTRACT_DEFAULTS.batchSize, 1);
  const idx = checkIndices('indices', o.indices, set.length);
  const restore = saveModes(encoder);
  encoder.eval();
  try {
    return forwardBatches(encoder, set, idx, batchSize);
  } finally {
    restore();
  }
}

// The pixel baseline: flattened pixels / 255, one row per item.
export function rawPixels(set: Dataset, opts?: { indices?: ArrayLike<number> }): FeatureSet {
  checkItemSet('set', set);
  const o = checkOptions<{ indices: ArrayLike<number> }>('options', opts, ['indices']);
  const idx = checkIndices('indices', o.indices, set.length);
  const dim = itemSize(set.shape);
  return { features: toFloatBatch(set, idx), dim, labels: set.labels ? Int32Array.from(idx, (i) => set.labels![i]) : null };
}
