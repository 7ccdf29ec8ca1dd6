// Optimized convolution (im2col + packed GEMM, every ISA) against the direct-loop reference, on
// 1-D, 2-D and 3-D edge shapes: 1x1, odd sizes, non-tile-multiple channel counts, batch 1,
// stride, padding, dilation, groups and depthwise, pointwise.
import { describe, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { convParams } from '../../lib/native/params.js';
import { convOutputSize } from '../../lib/ops/conv.js';
import { expectClose, forEachIsa, randomArray } from '../helpers.js';

interface Case {
  N: number; C: number; K: number; groups: number; in: number[]; k: number[]; s: number[]; p: number[]; d: number[];
}

const cases: Case[] = [
  { N: 1, C: 1, K: 1, groups: 1, in: [1, 1], k: [1, 1], s: [1, 1], p: [0, 0], d: [1, 1] },
  { N: 2, C: 3, K: 5, groups: 1, in: [7, 9], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  { N: 1, C: 17, K: 33, groups: 1, in: [11, 6], k: [3, 2], s: [2, 1], p: [1, 0], d: [1, 2] },
  { N: 3, C: 4, K: 6, groups: 2, in: [8, 8], k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1] },
  { N: 2, C: 8, K: 8, groups: 8, in: [9, 7], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // depthwise
  { N: 2, C: 12, K: 40, groups: 1, in: [5, 5], k: [1, 1], s: [1, 1], p: [0, 0], d: [1, 1] }, // pointwise
  { N: 2, C: 5, K: 7, groups: 1, in: [13], k: [5], s: [3], p: [2], d: [1] }, // 1-D
  { N: 1, C: 4, K: 6, groups: 2, in: [21], k: [3], s: [1], p: [2], d: [2] }, // 1-D dilated grouped
  { N: 2, C: 3, K: 4, groups: 1, in: [5, 6, 7], k: [3, 3, 2], s: [1, 2, 1], p: [1, 1, 0], d: [1, 1, 2] }, // 3-D
  { N: 1, C: 2, K: 3, groups: 1, in: [4, 4, 4], k: [1, 1, 1], s: [2, 2, 2], p: [0, 0, 0], d: [1, 1, 1] },
  { N: 4, C: 32, K: 64, groups: 1, in: [10, 10], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  { N: 3, C: 5, K: 9, groups: 1, in: [13, 13], k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1] }, // 7x7 out: two rows per vector, odd row count
  { N: 2, C: 3, K: 4, groups: 1, in: [9, 16], k: [3, 3], s: [1, 2], p: [1, 0], d: [1, 1] }, // 9 rows of 7, stride 2 in x only
  { N: 2, C: 3, K: 5, groups: 1, in: [28, 28], k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1] }, // 14-wide stride-2 rows (the step's layer)
  { N: 1, C: 2, K: 3, groups: 1, in: [6, 41], k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1] }, // 21-wide rows: two vector chunks
  // 2-D stride 2 with input rows of at most 32: im2col / col2im straight from the unpadded plane
  // on AVX-512, padding folded into the lane masks.
  { N: 2, C: 3, K: 4, groups: 1, in: [15, 31], k: [5, 5], s: [2, 2], p: [2, 2], d: [1, 1] }, // 16 outputs a row, 31 inputs
  { N: 2, C: 2, K: 3, groups: 1, in: [16, 32], k: [3, 3], s: [2, 2], p: [0, 0], d: [1, 1] }, // 32 inputs, no padding
  { N: 2, C: 3, K: 5, groups: 1, in: [10, 10], k: [4, 4], s: [2, 2], p: [1, 1], d: [1, 1] }, // even kernel, rows paired
  { N: 2, C: 3, K: 2, groups: 1, in: [9, 17], k: [1, 1], s: [2, 2], p: [0, 0], d: [1, 1] }, // 1x1 downsampling
  { N: 3, C: 2, K: 3, groups: 1, in: [14, 14], k: [2, 2], s: [2, 2], p: [0, 0], d: [1, 1] }, // 7 outputs from exactly 14
  { N: 2, C: 2, K: 3, groups: 1, in: [5, 12], k: [3, 3], s: [2, 2], p: [2, 2], d: [1, 1] }, // rows wholly in the padding
  { N: 2, C: 3, K: 4, groups: 1, in: [28, 28], k: [7, 7], s: [2, 2], p: [3, 3], d: [1, 1] }, // 7x7 stem
  // First layers (1 or 2 input channels, 3x3 same-size, rows up to 32): direct AVX-512 weight gradient.
  { N: 3, C: 1, K: 32, groups: 1, in: [28, 28], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // the encoders' first layer
  { N: 2, C: 2, K: 9, groups: 1, in: [5, 17], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // one lane past 16; odd K
  { N: 2, C: 2, K: 3, groups: 1, in: [1, 1], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // one pixel: all padding around
  { N: 9, C: 1, K: 1, groups: 1, in: [3, 32], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // 32 wide, more images than chunks
  // More output channels than one GEMM row block (128; AVX2 pads its blocks to 6-row tiles): the
  // filter packed once per call, im2col and Winograd.
  { N: 2, C: 3, K: 136, groups: 1, in: [9, 9], k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1] },
  { N: 2, C: 20, K: 136, groups: 1, in: [6, 5], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  // 3x3 stride 1 pad 1 with >= 16 channels each way: Winograd F(2x2, 3x3) forward and backward-data.
  { N: 3, C: 16, K: 17, groups: 1, in: [7, 7], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // odd plane: a half tile
  { N: 2, C: 20, K: 16, groups: 1, in: [9, 14], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  { N: 5, C: 16, K: 16, groups: 1, in: [1, 1], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // one tile, mostly padding
  { N: 2, C: 16, K: 24, groups: 1, in: [33, 35], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // 18 tiles a row: two vectors
  { N: 9, C: 32, K: 16, groups: 1, in: [14, 14], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // batches of images, a partial one
  // Rows up to 32 wide: the register-row AVX-512 transforms, two tile rows a vector up to 16 wide.
  { N: 2, C: 16, K: 20, groups: 1, in: [12, 13], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // paired, odd width
  { N: 2, C: 16, K: 16, groups: 1, in: [11, 29], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // one tile row of 15 a vector
  { N: 2, C: 16, K: 16, groups: 1, in: [4, 17], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // 17 wide: a one-lane second register
  // Planes of at most 64 positions and 16 tiles: the whole-plane AVX-512 transforms.
  { N: 3, C: 16, K: 16, groups: 1, in: [8, 8], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // 64 positions: four registers
  { N: 2, C: 17, K: 16, groups: 1, in: [5, 6], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // 30 positions: two registers
  { N: 2, C: 16, K: 18, groups: 1, in: [3, 16], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // two rows of 8 tiles
];

describe('conv kernels vs reference', () => {
  it('forward, backward-data and backward-weight match on every ISA', () => {
    const nb = native();
    forEachIsa((isa) => {
      cases.forEach((c, ci) => {
        const out = convOutputSize(c.in, c.k, c.s, c.p, c.d);
        const params = convParams({ N: c.N, C: c.C, K: c.K, groups: c.groups, inSize: c.in, outSize: out, kernel: c.k, stride: c.s, padding: c.p, dilation: c.d });
        const S = (a: number[]) => a.reduce((x, y) => x * y, 1);
        const nx = c.N * c.C * S(c.in), nw = c.K * (c.C / c.groups) * S(c.k), ny = c.N * c.K * S(out);
        const x = randomArray(nx, ci + 1), w = randomArray(nw, ci + 100), b = randomArray(c.K, ci + 200), dy = randomArray(ny, ci + 300);
        const tag = `${isa} case ${ci} ${JSON.stringify(c)}`;
        const y = new Float32Array(ny), yr = new Float32Array(ny);
        nb.convForward(y, x, w, b, params);
        nb.ref.convForward(yr, x, w, b, params);
        expectClose(y, yr, 1e-4, 1e-5 * Math.sqrt(nw), `${tag} forward`);
        const dx = new Float32Array(nx).fill(NaN), dxr = new Float32Array(nx);
        nb.convBackwardData(dx, dy, w, params);
        nb.ref.convBackwardData(dxr, dy, w, params);
        expectClose(dx, dxr, 1e-4, 1e-5 * Math.sqrt(nw), `${tag} backward data`);
        // Parameter gradients accumulate (+=): start from a non-zero value.
        const dw = randomArray(nw, 7), dwr = dw.slice(), db = randomArray(c.K, 8), dbr = db.slice();
        nb.convBackwardWeight(dw, db, x, dy, params);
        nb.ref.convBackwardWeight(dwr, dbr, x, dy, params);
        expectClose(dw, dwr, 1e-4, 1e-5 * Math.sqrt(ny), `${tag} backward weight`);
        expectClose(db, dbr, 1e-4, 1e-5 * Math.sqrt(ny), `${tag} backward bias`);
      });
    });
  });

  it('forward without bias equals forward with zero bias; results do not depend on the thread count', () => {
    const nb = native();
    const c = cases[3];
    const out = convOutputSize(c.in, c.k, c.s, c.p, c.d);
    const params = convParams({ N: c.N, C: c.C, K: c.K, groups: c.groups, inSize: c.in, outSize: out, kernel: c.k, stride: c.s, padding: c.p, dilation: c.d });
    const nx = c.N * c.C * 64, nw = c.K * 2 * 9, ny = c.N * c.K * out[0] * out[1];
    const x = randomArray(nx, 5), w = randomArray(nw, 6), dy = randomArray(ny, 7);
    const y1 = new Float32Array(ny), y2 = new Float32Array(ny);
    nb.convForward(y1, x, w, null, params);
    nb.convForward(y2, x, w, new Float32Array(c.K), params);
    expectClose(y1, y2, 0, 0, 'bias null');
    const T = nb.getNumThreads();
    const results = [1, 2].map((t) => {
      nb.setNumThreads(t);
      const dw = new Float32Array(nw);
      nb.convBackwardWeight(dw, null, x, dy, params);
      return dw;
    });
    nb.setNumThreads(T);
    expectClose(results[1], results[0], 0, 0, 'dw at 1 vs 2 threads');
  });

  it('weight and bias gradients of a first layer and a stride-2 layer are the same bits at 1 and 2 threads', () => {
    const nb = native();
    const layers: Case[] = [
      { N: 11, C: 1, K: 32, groups: 1, in: [28, 28], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // direct kernel on AVX-512
      { N: 5, C: 8, K: 16, groups: 1, in: [28, 28], k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1] },
    ];
    const T = nb.getNumThreads();
    for (const [li, c] of layers.entries()) {
      const out = convOutputSize(c.in, c.k, c.s, c.p, c.d);
      const params = convParams({ N: c.N, C: c.C, K: c.K, groups: c.groups, inSize: c.in, outSize: out, kernel: c.k, stride: c.s, padding: c.p, dilation: c.d });
      const x = randomArray(c.N * c.C * c.in[0] * c.in[1], 20 + li), dy = randomArray(c.N * c.K * out[0] * out[1], 30 + li);
      const nw = c.K * c.C * 9;
      const runs = [1, 2].map((t) => {
        nb.setNumThreads(t);
        const dw = new Float32Array(nw), db = new Float32Array(c.K);
        nb.convBackwardWeight(dw, db, x, dy, params);
        return [dw, db];
      });
      nb.setNumThreads(T);
      expectClose(runs[1][0], runs[0][0], 0, 0, `layer ${li} dw at 1 vs 2 threads`);
      expectClose(runs[1][1], runs[0][1], 0, 0, `layer ${li} db at 1 vs 2 threads`);
    }
  });

  it('Winograd passes: bias null equals zero bias; every pass bit-identical at 1 and 2 threads', () => {
    const nb = native();
    // 9 images of 14x14: several image batches and weight-gradient chunks.
    const [N, C, K, H] = [9, 32, 16, 14];
    const params = convParams({ N, C, K, groups: 1, inSize: [H, H], outSize: [H, H], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] });
    const x = randomArray(N * C * H * H, 15), w = randomArray(K * C * 9, 16), dy = randomArray(N * K * H * H, 17);
    const y0 = new Float32Array(N * K * H * H), yz = new Float32Array(N * K * H * H);
    nb.convForward(y0, x, w, null, params);
    nb.convForward(yz, x, w, new Float32Array(K), params);
    expectClose(y0, yz, 0, 0, 'Winograd bias null');
    const T = nb.getNumThreads();
    const runs = [1, 2].map((t) => {
      nb.setNumThreads(t);
      const y = new Float32Array(N * K * H * H), dx = new Float32Array(N * C * H * H), dw = new Float32Array(K * C * 9), db = new Float32Array(K);
      nb.convForward(y, x, w, null, params);
      nb.convBackwardData(dx, dy, w, params);
      nb.convBackwardWeight(dw, db, x, dy, params);
      return { y, dx, dw, db };
    });
    nb.setNumThreads(T);
    for (const k of ['y', 'dx', 'dw', 'db'] as const) expectClose(runs[1][k], runs[0][k], 0, 0, `Winograd ${k} at 1 vs 2 threads`);
  });
});
