// Concatenation along the channel axis (axis 1) of (N, C_i, ...) tensors with the same N and the
// same trailing dims: a decoder reading its features next to the network's input (temporal
// reconstruction), a clip next to its visibility mask. Backward hands each input its channels.
import { sizeOf, Tensor, accumulateGrad, attach, needsGrad } from '../tensor/tensor.js';
import { invalidParameter, outOfRange } from '../validate.js';
import { checkTensor } from './shape.js';
import { emptyFloat32 } from '../tensor/storage.js';

export function catChannels(xs: readonly Tensor[]): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw invalidParameter('xs', 'non-empty array of Tensors', xs);
  xs.forEach((x, i) => {
    checkTensor(`xs[${i}]`, x);
    if (x.ndim < 2) throw outOfRange(`xs[${i}]`, 'Tensor of rank >= 2 (N, C, ...)', `shape [${x.shape.join(', ')}]`);
  });
  const [N] = xs[0].shape, rest = xs[0].shape.slice(2), S = sizeOf(rest);
  for (let i = 1; i < xs.length; i++)
    if (xs[i].ndim !== xs[0].ndim || xs[i].shape[0] !== N || xs[i].shape.slice(2).some((d: number, k: number) => d !== rest[k]))
      throw outOfRange(`xs[${i}]`, `shape [${N}, *, ${rest.join(', ')}]`, `shape [${xs[i].shape.join(', ')}]`);
  const channels = xs.map((x) => x.shape[1]), Ctot = channels.reduce((a, b) => a + b, 0);
  const out = emptyFloat32(N * Ctot * S);
  // Each input's block of C_i * S values per sample lands at its channel offset.
  const offsets = channels.map((_, i) => channels.slice(0, i).reduce((a, b) => a + b, 0) * S);
  for (let n = 0; n < N; n++)
    xs.forEach((x, i) => out.set(x.data.subarray(n * channels[i] * S, (n + 1) * channels[i] * S), n * Ctot * S + offsets[i]));
  return attach(new Tensor(out, [N, Ctot, ...rest]), 'catChannels', xs, (g) => {
    xs.forEach((x, i) => {
      if (!needsGrad(x)) return;
      const gx = new Float32Array(x.size), len = channels[i] * S;
      for (let n = 0; n < N; n++) gx.set(g.subarray(n * Ctot * S + offsets[i], n * Ctot * S + offsets[i] + len), n * len);
      accumulateGrad(x, gx);
    });
  });
}
