// Frames of video tensors (N, C, T, H, W) picked per clip: temporal reconstruction takes its loss
// on the hidden frames only, and gathering them (rather than masking the full clip) makes the mean
// exactly the mean over hidden pixels and skips the visible ones' arithmetic. Backward scatters
// (adds) the gradient back to the picked frames; all others get zero.
import { accumulateGrad, attach, Tensor } from '../tensor/tensor.js';
import { checkInt, invalidParameter, outOfRange } from '../validate.js';
import { checkRank } from './shape.js';

// frames: N * K time indices, clip n's at [n * K, (n + 1) * K). -> (N, C, K, H, W)
export function gatherFrames(x: Tensor, frames: Int32Array | readonly number[], K: number): Tensor {
  checkRank('x', x, [5]);
  const [N, C, T, H, W] = x.shape;
  checkInt('K', K, 1);
  if (!(frames instanceof Int32Array) && !Array.isArray(frames)) throw invalidParameter('frames', `Int32Array of ${N} × ${K} frame indices`, frames);
  if (frames.length !== N * K) throw outOfRange('frames', `${N} × ${K} = ${N * K} frame indices (K per clip)`, frames);
  for (let i = 0; i < frames.length; i++) checkInt(`frames[${i}]`, frames[i], 0, T - 1);
  const S = H * W, out = new Float32Array(N * C * K * S);
  // Offsets of each output frame's source frame.
  const src = new Int32Array(N * C * K);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let k = 0; k < K; k++) src[(n * C + c) * K + k] = ((n * C + c) * T + frames[n * K + k]) * S;
  for (let f = 0; f < src.length; f++) out.set(x.data.subarray(src[f], src[f] + S), f * S);
  return attach(new Tensor(out, [N, C, K, H, W]), 'gatherFrames', [x], (g) => {
    const gx = new Float32Array(x.size);
    for (let f = 0; f < src.length; f++)
      for (let p = 0; p < S; p++) gx[src[f] + p] += g[f * S + p];
    accumulateGrad(x, gx);
  });
}
