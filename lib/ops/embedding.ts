// Embedding lookup (native gather) with its backward (native scatter-add into the table's gradient,
// summing repeated ids in a fixed order).
import { native } from '../native/loader.js';
import { gradBuffer } from '../tensor/pool.js';
import { accumulateGrad, attach, isGradEnabled, Tensor } from '../tensor/tensor.js';
import { invalidParameter, outOfRange } from '../validate.js';
import { checkRank } from './shape.js';

// ids: integer indices (any shape `idsShape`, default [ids.length]); weight: (V, D).
// Returns (...idsShape, D).
export function embedding(ids: Int32Array | Uint8Array | readonly number[], weight: Tensor, idsShape?: readonly number[]): Tensor {
  checkRank('weight', weight, [2]);
  const [V, D] = weight.shape;
  if (!(ids instanceof Int32Array) && !(ids instanceof Uint8Array) && !Array.isArray(ids))
    throw invalidParameter('ids', 'Int32Array, Uint8Array or array of token ids', ids);
  const shape = idsShape ? [...idsShape] : [ids.length];
  if (shape.reduce((a, b) => a * b, 1) !== ids.length) throw outOfRange('idsShape', `a shape with ${ids.length} elements (one per id)`, idsShape);
  // Checked before conversion: Int32Array.from would turn 0.5 or NaN into id 0.
  for (let i = 0; i < ids.length; i++)
    if (!(Number.isInteger(ids[i]) && ids[i] >= 0 && ids[i] < V)) throw outOfRange(`ids[${i}]`, `a token id in [0, ${V})`, ids[i]);
  const idx = ids instanceof Int32Array ? ids : Int32Array.from(ids);
  const nb = native();
  const out = new Float32Array(idx.length * D);
  nb.embeddingForward(out, weight.data, idx, V, D);
  const y = new Tensor(out, [...shape, D]);
  if (!isGradEnabled() || !weight.requiresGrad) return y;
  return attach(y, 'embedding', [weight], (g) => {
    const dw = gradBuffer(weight.size).fill(0); // scatter-add accumulates: start from zero
    nb.embeddingBackward(dw, g, idx, V, D);
    accumulateGrad(weight, dw);
  });
}
