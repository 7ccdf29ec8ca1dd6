// Batched sRGB <-> CIE Lab over planar (N, 3, H, W) float images (native/kernels/cpu/color.cc,
// checked against the float64 scalar conversion in lab.ts). RGB in [0, 1]; Lab to RGB clamps.
import { native } from '../native/loader.js';
import { Tensor } from '../tensor/tensor.js';
import { invalidParameter, outOfRange } from '../validate.js';

function planes(name: string, x: unknown): [number, number] {
  if (!(x instanceof Tensor) || x.ndim !== 4) throw invalidParameter(name, 'Tensor (N, 3, H, W)', x);
  if (x.shape[1] !== 3) throw outOfRange(name, 'three channels (N, 3, H, W)', `shape [${x.shape.join(', ')}]`);
  return [x.shape[0], x.shape[2] * x.shape[3]];
}

export function rgbToLab(rgb: Tensor): Tensor {
  const [N, S] = planes('rgb', rgb);
  const out = new Float32Array(rgb.size);
  native().rgbToLab(out, rgb.data, N, S);
  return new Tensor(out, [...rgb.shape]);
}

export function labToRgb(lab: Tensor): Tensor {
  const [N, S] = planes('lab', lab);
  const out = new Float32Array(lab.size);
  native().labToRgb(out, lab.data, N, S);
  return new Tensor(out, [...lab.shape]);
}
