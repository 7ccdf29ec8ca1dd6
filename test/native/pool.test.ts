// Pooling kernels against the reference (which scans each full window literally), 1-D..3-D,
// with padding, strides, and count_include_pad both ways; max-pool backward routes each gradient
// to the recorded argmax.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { poolParams } from '../../lib/native/params.js';
import { expectClose, randomArray } from '../helpers.js';

const cases = [
  { N: 2, C: 3, in: [9, 9], k: [3, 3], s: [2, 2], p: [1, 1] },
  { N: 1, C: 2, in: [7, 8], k: [2, 3], s: [2, 1], p: [0, 1] },
  { N: 2, C: 1, in: [1, 1], k: [1, 1], s: [1, 1], p: [0, 0] },
  { N: 2, C: 3, in: [13], k: [3], s: [2], p: [1] },
  { N: 1, C: 2, in: [5, 6, 7], k: [2, 3, 2], s: [2, 2, 1], p: [1, 1, 0] },
  // One window over the whole plane (global average pooling's contiguous fast path).
  { N: 3, C: 5, in: [7, 7], k: [7, 7], s: [7, 7], p: [0, 0] },
  { N: 2, C: 3, in: [20], k: [20], s: [1], p: [0] },
  { N: 1, C: 2, in: [2, 3, 5], k: [2, 3, 5], s: [1, 1, 1], p: [0, 0, 0] },
];

describe('pool kernels vs reference', () => {
  for (const [ci, c] of cases.entries()) {
    for (const cip of [true, false]) {
      it(`case ${ci} countIncludePad=${cip}`, () => {
        const nb = native();
        const out = c.in.map((n, i) => Math.floor((n + 2 * c.p[i] - c.k[i]) / c.s[i]) + 1);
        const params = poolParams({ N: c.N, C: c.C, inSize: c.in, outSize: out, kernel: c.k, stride: c.s, padding: c.p, countIncludePad: cip });
        const S = (a: number[]) => a.reduce((x, y) => x * y, 1);
        const nx = c.N * c.C * S(c.in), ny = c.N * c.C * S(out);
        const x = randomArray(nx, ci + 1), dy = randomArray(ny, ci + 2);
        const y = new Float32Array(ny), yr = new Float32Array(ny), am = new Int32Array(ny), amr = new Int32Array(ny);
        nb.maxPoolForward(y, am, x, params);
        nb.ref.maxPoolForward(yr, amr, x, params);
        expectClose(y, yr, 0, 0, 'max forward');
        expect(Array.from(am)).toEqual(Array.from(amr));
        // Backward: scatter dy to argmax, checked against a plain loop over the reference argmax.
        const dx = new Float32Array(nx), dxr = new Float32Array(nx);
        nb.maxPoolBackward(dx, dy, am, params);
        const inPlane = S(c.in), outPlane = S(out);
        for (let pl = 0; pl < c.N * c.C; pl++)
          for (let o = 0; o < outPlane; o++) dxr[pl * inPlane + amr[pl * outPlane + o]] += dy[pl * outPlane + o];
        expectClose(dx, dxr, 1e-6, 1e-7, 'max backward');
        nb.avgPoolForward(y, x, params);
        nb.ref.avgPoolForward(yr, x, params);
        expectClose(y, yr, 1e-5, 1e-6, 'avg forward');
        nb.avgPoolBackward(dx, dy, params);
        nb.ref.avgPoolBackward(dxr, dy, params);
        expectClose(dx, dxr, 1e-5, 1e-6, 'avg backward');
      });
    }
  }

  it('max pool propagates NaN like PyTorch', () => {
    const nb = native();
    const params = poolParams({ N: 1, C: 1, inSize: [2, 2], outSize: [1, 1], kernel: [2, 2], stride: [2, 2], padding: [0, 0], countIncludePad: true });
    const y = new Float32Array(1), am = new Int32Array(1);
    nb.maxPoolForward(y, am, Float32Array.from([1, NaN, 3, 2]), params);
    expect(Number.isNaN(y[0])).toBe(true);
    expect(am[0]).toBe(1);
  });
});
