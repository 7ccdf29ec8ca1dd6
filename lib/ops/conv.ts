// Convolution over 1, 2 or 3 spatial dims and its adjoint, transposed convolution, on the native
// im2col + GEMM kernels. Transposed conv reuses the same three kernels with roles swapped:
// its forward is conv's backward-data, its backward-data is conv's forward, and its weight
// gradient is conv's weight gradient with input and output exchanged. Weights use PyTorch layouts:
// conv (Cout, Cin/groups, k...), transposed (Cin, Cout/groups, k...).
import { native } from '../native/loader.js';
import { convParams } from '../native/params.js';
import { attach, accumulateGrad, needsGrad, sizeOf, Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/pool.js';
import { checkOptions, checkInt, checkTuple, outOfRange } from '../validate.js';
import { checkRank } from './shape.js';
import { emptyFloat32 } from '../tensor/storage.js';

export interface ConvOptions {
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  groups?: number;
}

export interface ConvTransposeOptions extends ConvOptions {
  outputPadding?: number | number[];
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;

interface Resolved {
  nsp: number; N: number; Cin: number; Cout: number; groups: number;
  inSize: number[]; kernel: number[]; stride: number[]; padding: number[]; dilation: number[];
}

function resolve(x: Tensor, w: Tensor, b: Tensor | null, opts: ConvOptions | undefined, transposed: boolean,
  extraKeys: readonly string[] = []): Resolved & { outputPadding: number[] } {
  const o = checkOptions<ConvTransposeOptions>('options', opts, [...CONV_KEYS, ...extraKeys]);
  checkRank('x', x, [3, 4, 5]);
  const nsp = x.ndim - 2;
  checkRank('w', w, [x.ndim]);
  const groups = checkInt('groups', o.groups ?? 1, 1);
  const stride = checkTuple('stride', o.stride ?? 1, nsp, 1);
  const padding = checkTuple('padding', o.padding ?? 0, nsp, 0);
  const dilation = checkTuple('dilation', o.dilation ?? 1, nsp, 1);
  const outputPadding = checkTuple('outputPadding', o.outputPadding ?? 0, nsp, 0);
  const [N, Cin] = x.shape;
  const kernel = w.shape.slice(2);
  if (Cin < 1 || x.shape.slice(2).some((d) => d < 1))
    throw outOfRange('x', 'at least one channel and non-empty spatial dims', `shape [${x.shape.join(', ')}]`);
  if (w.shape[0] < 1 || w.shape[1] < 1 || kernel.some((d) => d < 1))
    throw outOfRange('w', 'non-zero dims', `shape [${w.shape.join(', ')}]`);
  // conv: w (Cout, Cin/g, k); transposed: w (Cin, Cout/g, k).
  const wIn = transposed ? w.shape[0] : w.shape[1] * groups;
  const Cout = transposed ? w.shape[1] * groups : w.shape[0];
  if (Cin % groups) throw outOfRange('groups', `a divisor of the ${Cin} input channels`, groups);
  if (wIn !== Cin)
    throw outOfRange('w', transposed ? `shape [${Cin}, Cout/${groups}, ...]` : `shape [Cout, ${Cin / groups}, ...]`,
      `shape [${w.shape.join(', ')}] for input [${x.shape.join(', ')}]`);
  if (Cout % groups) throw outOfRange('groups', `a divisor of the ${Cout} output channels`, groups);
  if (b) {
    checkRank('b', b, [1]);
    if (b.shape[0] !== Cout) throw outOfRange('b', `shape [${Cout}]`, `shape [${b.shape.join(', ')}]`);
  }
  for (let i = 0; i < nsp; i++)
    if (outputPadding[i] >= stride[i])
      throw outOfRange(`outputPadding[${i}]`, `integer smaller than stride (${stride[i]})`, outputPadding[i]);
  return { nsp, N, Cin, Cout, groups, inSize: x.shape.slice(2), kernel, stride, padding, dilation, outputPadding };
}

export function convOutputSize(inSize: readonly number[], kernel: readonly number[], stride: readonly number[],
  padding: readonly number[], dilation: readonly number[]): number[] {
  return inSize.map((n, i) => Math.floor((n + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1);
}

export function conv(x: Tensor, w: Tensor, b: Tensor | null = null, opts?: ConvOptions): Tensor {
  const r = resolve(x, w, b, opts, false);
  const outSize = convOutputSize(r.inSize, r.kernel, r.stride, r.padding, r.dilation);
  outSize.forEach((s, i) => {
    if (s < 1) throw outOfRange('x', `spatial size >= ${r.dilation[i] * (r.kernel[i] - 1) + 1 - 2 * r.padding[i]} on dim ${i + 2}`, `shape [${x.shape.join(', ')}]`);
  });
  const p = convParams({ N: r.N, C: r.Cin, K: r.Cout, groups: r.groups, inSize: r.inSize, outSize, kernel: r.kernel,
    stride: r.stride, padding: r.padding, dilation: r.dilation });
  const nb = native();
  const y = emptyFloat32(r.N * r.Cout * sizeOf(outSize));
  nb.convForward(y, x.data, w.data, b ? b.data : null, p);
  return attach(new Tensor(y, [r.N, r.Cout, ...outSize]), `conv${r.nsp}d`, b ? [x, w, b] : [x, w], (g) => {
    if (needsGrad(x)) {
      const gx = gradBuffer(x.size);
      nb.convBackwardData(gx, g, w.data, p);
      accumulateGrad(x, gx);
    }
    const gw = needsGrad(w) ? new Float32Array(w.size) : null;
    const gb = b && needsGrad(b) ? new Float32Array(b.size) : null;
    if (gw) nb.convBackwardWeight(gw, gb, x.data, g, p);
    else if (gb) nb.reduceChannels(gb, g, r.N, r.Cout, sizeOf(outSize), false);
    if (gw) accumulateGrad(w, gw);
    if (b && gb) accumulateGrad(b, gb);
  });
}

export function convTranspose(x: Tensor, w: Tensor, b: Tensor | null = null, opts?: ConvTransposeOptions): Tensor {
  const r = resolve(x, w, b, opts, true, ['outputPadding']);
  const outSize = r.inSize.map((n, i) => (n - 1) * r.stride[i] - 2 * r.padding[i] + r.dilation[i] * (r.kernel[i] - 1) + r.outputPadding[i] + 1);
  outSize.forEach((s) => {
    if (s < 1) throw outOfRange('x', 'a spatial size giving a positive transposed-conv output', `shape [${x.shape.join(', ')}]`);
  });
  // The conv this one is the adjoint of maps (N, Cout, outSize) -> (N, Cin, inSize).
  const p = convParams({ N: r.N, C: r.Cout, K: r.Cin, groups: r.groups, inSize: outSize, outSize: r.inSize,
    kernel: r.kernel, stride: r.stride, padding: r.padding, dilation: r.dilation });
  const nb = native();
  const S = sizeOf(outSize);
  const y = emptyFloat32(r.N * r.Cout * S);
  nb.convBackwardData(y, x.data, w.data, p);
  if (b) nb.biasAdd(y, b.data, r.N, r.Cout, S);
  return attach(new Tensor(y, [r.N, r.Cout, ...outSize]), `convTranspose${r.nsp}d`, b ? [x, w, b] : [x, w], (g) => {
    if (needsGrad(x)) {
      const gx = gradBuffer(x.size);
      nb.convForward(gx, g, w.data, null, p);
      accumulateGrad(x, gx);
    }
    if (needsGrad(w)) {
      const gw = new Float32Array(w.size);
      nb.convBackwardWeight(gw, null, g, x.data, p);
      accumulateGrad(w, gw);
    }
    if (b && needsGrad(b)) {
      const gb = new Float32Array(b.size);
      nb.reduceChannels(gb, g, r.N, r.Cout, S, false);
      accumulateGrad(b, gb);
    }
  });
}
