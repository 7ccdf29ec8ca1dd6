// Argument checks shared by the evaluation protocols. Feature matrices travel as flat row-major
// Float32Arrays next to their labels, so the row count comes from the labels and the width is
// inferred (and checked against the other split), the way every protocol here receives them.
import { invalidParameter, outOfRange } from '../validate.js';

export function checkLabels(name: string, labels: unknown, numClasses?: number): Int32Array {
  if (!(labels instanceof Int32Array) && !Array.isArray(labels))
    throw invalidParameter(name, 'Int32Array or array of class indices', labels);
  if (labels.length === 0) throw outOfRange(name, 'a non-empty set of labels', labels);
  const max = numClasses ?? 2 ** 31 - 1;
  // Checked before any conversion: Int32Array.from would turn 0.5 or NaN into class 0.
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!(Number.isInteger(v) && v >= 0 && v < max)) throw outOfRange(`${name}[${i}]`, `class index in [0, ${max})`, v);
  }
  return labels instanceof Int32Array ? labels : Int32Array.from(labels as number[]);
}

// Rows = labels.length; returns the feature width F (feats.length / rows, which must divide).
export function checkFeatures(name: string, feats: unknown, rows: number, labelsName: string, dim?: number): number {
  if (!(feats instanceof Float32Array)) throw invalidParameter(name, 'Float32Array (rows × features, row-major)', feats);
  if (feats.length === 0) throw outOfRange(name, 'a non-empty feature matrix', feats);
  if (dim !== undefined) {
    if (feats.length !== rows * dim)
      throw outOfRange(name, `${rows} rows × ${dim} features = ${rows * dim} values (rows from ${labelsName})`, feats);
    return dim;
  }
  if (feats.length % rows !== 0)
    throw outOfRange(name, `a multiple of ${rows} values (one row per entry of ${labelsName})`, feats);
  return feats.length / rows;
}

export function maxLabel(...sets: Int32Array[]): number {
  let m = -1;
  for (const s of sets) for (let i = 0; i < s.length; i++) if (s[i] > m) m = s[i];
  return m;
}

export function accuracy(pred: Int32Array, labels: Int32Array): number {
  let c = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) c++;
  return c / labels.length;
}

// Row argmax with ties to the lowest index (deterministic, as torch.argmax on CPU).
export function argmaxRows(m: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0, bv = m[r * cols];
    for (let j = 1; j < cols; j++) if (m[r * cols + j] > bv) { bv = m[r * cols + j]; best = j; }
    out[r] = best;
  }
  return out;
}
