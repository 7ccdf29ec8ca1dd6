// 2-D upsampling (nearest, bilinear) for decoders, on the native kernels.
import { native } from '../native/loader.js';
import { attach, accumulateGrad, Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/pool.js';
import { checkBool, checkOneOf, checkOptions, checkTuple } from '../validate.js';
import { checkRank } from './shape.js';
import { emptyFloat32 } from '../tensor/storage.js';

export interface UpsampleOptions {
  size?: number | [number, number];
  scaleFactor?: number | [number, number];
  mode?: 'nearest' | 'bilinear';
  alignCorners?: boolean;
}

export function upsample2d(x: Tensor, opts: UpsampleOptions): Tensor {
  const o = checkOptions<UpsampleOptions>('options', opts, ['size', 'scaleFactor', 'mode', 'alignCorners']);
  checkRank('x', x, [4]);
  const [N, C, H, W] = x.shape;
  const mode = checkOneOf('mode', o.mode ?? 'nearest', ['nearest', 'bilinear'] as const);
  const ac = o.alignCorners === undefined ? false : checkBool('alignCorners', o.alignCorners);
  if ((o.size === undefined) === (o.scaleFactor === undefined))
    throw new TypeError('upsample2d: expected exactly one of options.size and options.scaleFactor');
  let Ho: number, Wo: number;
  if (o.size !== undefined) [Ho, Wo] = checkTuple('size', o.size, 2, 1);
  else {
    const [sh, sw] = checkTuple('scaleFactor', o.scaleFactor, 2, 1);
    Ho = H * sh;
    Wo = W * sw;
  }
  const nb = native();
  const y = emptyFloat32(N * C * Ho * Wo);
  const m = mode === 'nearest' ? 0 : 1;
  nb.upsample2dForward(y, x.data, N, C, H, W, Ho, Wo, m, ac);
  return attach(new Tensor(y, [N, C, Ho, Wo]), `upsample2d_${mode}`, [x], (g) => {
    const gx = gradBuffer(x.size);
    nb.upsample2dBackward(gx, g, N, C, H, W, Ho, Wo, m, ac);
    accumulateGrad(x, gx);
  });
}
