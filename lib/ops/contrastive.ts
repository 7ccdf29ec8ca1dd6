// Contrastive losses on the native fused kernels: InfoNCE / NT-Xent (SimCLR) and BYOL's normalized
// regression loss. The kernel computes the loss and the input gradient in one call (the R x R
// similarity matrix never outlives it); the backward scales that gradient by the upstream one.
import { native } from '../native/loader.js';
import { attach, accumulateGrad, isGradEnabled, Tensor } from '../tensor/tensor.js';
import { checkNumber, invalidParameter, outOfRange } from '../validate.js';
import { checkRank } from './shape.js';

function scaledBackward(grad: Float32Array | null, target: Tensor) {
  return (g: Float32Array) => {
    if (!grad) return;
    const s = g[0];
    if (s !== 1) for (let i = 0; i < grad.length; i++) grad[i] *= s;
    accumulateGrad(target, grad);
  };
}

// InfoNCE over the rows of z (R, D): pos[i] is the index of row i's positive (never i itself).
export function infoNce(z: Tensor, pos: Int32Array | readonly number[], temperature: number): Tensor {
  checkRank('z', z, [2]);
  const [R, D] = z.shape;
  if (R < 2) throw outOfRange('z', 'at least 2 rows', `shape [${z.shape.join(', ')}]`);
  checkNumber('temperature', temperature, 0, Infinity, true);
  if (!(pos instanceof Int32Array) && !Array.isArray(pos)) throw invalidParameter('pos', 'Int32Array or array of row indices', pos);
  if (pos.length !== R) throw outOfRange('pos', `${R} row indices (one per row of z)`, pos);
  for (let i = 0; i < R; i++)
    if (!Number.isInteger(pos[i]) || pos[i] < 0 || pos[i] >= R || pos[i] === i)
      throw outOfRange(`pos[${i}]`, `a row index in [0, ${R}) other than ${i}`, pos[i]);
  const grad = isGradEnabled() && z.requiresGrad ? new Float32Array(z.size) : null;
  const loss = native().infoNce(grad, z.data, pos instanceof Int32Array ? pos : Int32Array.from(pos), R, D, temperature);
  return attach(new Tensor(new Float32Array([loss]), []), 'infoNce', [z], scaledBackward(grad, z));
}

// SimCLR's NT-Xent on two views (N, D) each: the positive of view-1 row i is view-2 row i.
export function ntXent(z1: Tensor, z2: Tensor, temperature = 0.5): Tensor {
  checkRank('z1', z1, [2]);
  checkRank('z2', z2, [2]);
  if (z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1])
    throw outOfRange('z2', `shape [${z1.shape.join(', ')}] (same as z1)`, `shape [${z2.shape.join(', ')}]`);
  const N = z1.shape[0];
  const pos = Int32Array.from({ length: 2 * N }, (_, i) => (i + N) % (2 * N));
  const z = catRows(z1, z2);
  return infoNce(z, pos, temperature);
}

// [z1; z2] with gradients split back (kept local to avoid a dependency cycle with shape.ts).
function catRows(a: Tensor, b: Tensor): Tensor {
  const data = new Float32Array(a.size + b.size);
  data.set(a.data);
  data.set(b.data, a.size);
  return attach(new Tensor(data, [a.shape[0] + b.shape[0], a.shape[1]]), 'cat', [a, b], (g) => {
    accumulateGrad(a, g.slice(0, a.size));
    accumulateGrad(b, g.slice(a.size));
  });
}

// BYOL: mean over rows of 2 - 2 cos(p_i, t_i); t is treated as a constant target.
export function byolLoss(p: Tensor, t: Tensor): Tensor {
  checkRank('p', p, [2]);
  checkRank('t', t, [2]);
  if (p.shape[0] !== t.shape[0] || p.shape[1] !== t.shape[1])
    throw outOfRange('t', `shape [${p.shape.join(', ')}] (same as p)`, `shape [${t.shape.join(', ')}]`);
  const [N, D] = p.shape;
  const grad = isGradEnabled() && p.requiresGrad ? new Float32Array(p.size) : null;
  const loss = native().byolLoss(grad, p.data, t.data, N, D);
  return attach(new Tensor(new Float32Array([loss]), []), 'byolLoss', [p], scaledBackward(grad, p));
}
