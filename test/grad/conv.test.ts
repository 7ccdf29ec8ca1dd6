// conv / convTranspose backward (x, w, b) against central finite differences, 1-D to 3-D.
import { describe, it } from 'vitest';
import { conv, convTranspose, ConvTransposeOptions, ConvOptions } from '../../lib/ops/index.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { randomTensor } from '../helpers.js';
import { gradCheck } from './gradcheck.js';

interface Case {
  name: string;
  x: number[];
  w: number[];
  bias: boolean;
  opts: ConvTransposeOptions;
}

const convCases: Case[] = [
  { name: '1d plain pad 1', x: [2, 4, 9], w: [6, 4, 3], bias: true, opts: { padding: 1 } },
  { name: '1d stride 2 dilation 2 groups 2', x: [2, 4, 11], w: [6, 2, 3], bias: true, opts: { stride: 2, dilation: 2, groups: 2, padding: 1 } },
  { name: '2d groups 2 stride 2 pad 1', x: [2, 4, 6, 5], w: [6, 2, 3, 3], bias: true, opts: { stride: 2, padding: 1, groups: 2 } },
  { name: '2d depthwise dilation 2 no bias', x: [1, 4, 6, 6], w: [4, 1, 3, 3], bias: false, opts: { groups: 4, dilation: 2, padding: 2 } },
  { name: '2d depthwise multiplier 2', x: [2, 3, 5, 5], w: [6, 1, 3, 3], bias: true, opts: { groups: 3, padding: 1 } },
  { name: '2d rect kernel, per-dim stride/pad, no bias', x: [2, 3, 7, 5], w: [4, 3, 3, 2], bias: false, opts: { stride: [2, 1], padding: [1, 0] } },
  { name: '2d 1x1', x: [2, 5, 3, 4], w: [3, 5, 1, 1], bias: true, opts: {} },
  { name: '3d stride/pad', x: [1, 2, 4, 5, 3], w: [3, 2, 2, 3, 2], bias: true, opts: { stride: [1, 2, 1], padding: 1 } },
  { name: '3d groups 2 dilation 2 stride 2', x: [2, 4, 5, 5, 5], w: [2, 2, 2, 2, 2], bias: true, opts: { groups: 2, dilation: 2, stride: 2 } },
];

const convTCases: Case[] = [
  { name: '1d stride 2 pad 1 outputPadding 1', x: [2, 4, 5], w: [4, 3, 3], bias: true, opts: { stride: 2, padding: 1, outputPadding: 1 } },
  { name: '1d dilation 2 groups 2', x: [2, 4, 4], w: [4, 1, 3], bias: true, opts: { dilation: 2, groups: 2 } },
  { name: '2d groups 2 stride 2 outputPadding 1', x: [1, 4, 3, 4], w: [4, 2, 3, 3], bias: true, opts: { stride: 2, padding: 1, outputPadding: 1, groups: 2 } },
  { name: '2d dilation 2 no bias', x: [2, 3, 3, 3], w: [3, 2, 2, 3], bias: false, opts: { dilation: 2, padding: [0, 1] } },
  { name: '2d depthwise stride [2,1]', x: [1, 3, 3, 4], w: [3, 1, 3, 2], bias: true, opts: { groups: 3, stride: [2, 1], outputPadding: [1, 0] } },
  { name: '3d stride 2', x: [1, 2, 3, 2, 3], w: [2, 3, 2, 2, 2], bias: true, opts: { stride: 2 } },
  { name: '3d groups 2 pad 1 outputPadding', x: [1, 4, 2, 3, 2], w: [4, 1, 3, 3, 2], bias: false, opts: { groups: 2, stride: [2, 1, 2], padding: 1, outputPadding: [1, 0, 1] } },
];

function make(c: Case, transposed: boolean, seed: number, grads: [boolean, boolean, boolean] = [true, true, true]): Tensor[] {
  const g = c.opts.groups ?? 1;
  const cout = transposed ? c.w[1] * g : c.w[0];
  const xs = [randomTensor(c.x, seed, grads[0]), randomTensor(c.w, seed + 1, grads[1])];
  if (c.bias) xs.push(randomTensor([cout], seed + 2, grads[2]));
  return xs;
}

function fwd(c: Case, transposed: boolean) {
  return (x: Tensor, w: Tensor, b?: Tensor) => transposed
    ? convTranspose(x, w, b ?? null, c.opts)
    : conv(x, w, b ?? null, c.opts as ConvOptions);
}

describe('conv backward vs finite differences', () => {
  for (const [k, c] of convCases.entries())
    it(c.name, () => gradCheck(`conv ${c.name}`, make(c, false, 10 * k + 1), fwd(c, false)));

  it('bias-only and input-only gradients (other inputs without requiresGrad)', () => {
    const c = convCases[2];
    gradCheck('conv bias only', make(c, false, 91, [false, false, true]), fwd(c, false));
    gradCheck('conv weight only', make(c, false, 92, [false, true, false]), fwd(c, false));
    gradCheck('conv input only', make(c, false, 93, [true, false, false]), fwd(c, false));
  });
});

describe('convTranspose backward vs finite differences', () => {
  for (const [k, c] of convTCases.entries())
    it(c.name, () => gradCheck(`convTranspose ${c.name}`, make(c, true, 10 * k + 5), fwd(c, true)));

  it('bias-only and weight-only gradients', () => {
    const c = convTCases[2];
    gradCheck('convTranspose bias only', make(c, true, 94, [false, false, true]), fwd(c, true));
    gradCheck('convTranspose weight only', make(c, true, 95, [false, true, false]), fwd(c, true));
  });
});
