// narrow (any axis) and rowsToChannels against central finite differences, their values against
// plain index arithmetic, and their bad input.
import { describe, expect, it } from 'vitest';
import * as ops from '../../lib/ops/index.js';
import { randomTensor } from '../helpers.js';
import { gradCheck } from './gradcheck.js';

describe('narrow', () => {
  it('keeps [start, start + length) along each axis', () => {
    const x = randomTensor([2, 3, 5], 1);
    const y = ops.narrow(x, 2, 1, 3);
    expect(y.shape).toEqual([2, 3, 3]);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let t = 0; t < 3; t++)
      expect(y.data[(n * 3 + c) * 3 + t]).toBe(x.data[(n * 3 + c) * 5 + t + 1]);
    const z = ops.narrow(x, 0, 1, 1);
    expect(z.shape).toEqual([1, 3, 5]);
    expect(Array.from(z.data)).toEqual(Array.from(x.data.subarray(15, 30)));
    expect(ops.narrow(x, 1, 3, 0).shape).toEqual([2, 0, 5]);
  });
  it('gradient on every axis, at the edges and in the middle', () => {
    gradCheck('narrow last axis', [randomTensor([2, 3, 7], 2, true)], (x) => ops.narrow(x, 2, 0, 4));
    gradCheck('narrow middle axis', [randomTensor([2, 5, 3], 3, true)], (x) => ops.narrow(x, 1, 2, 3));
    gradCheck('narrow first axis', [randomTensor([4, 3], 4, true)], (x) => ops.narrow(x, 0, 1, 2));
    gradCheck('narrow everything', [randomTensor([3, 4], 5, true)], (x) => ops.narrow(x, 1, 0, 4));
    // Used twice in one graph: the two gradients add up.
    gradCheck('narrow twice', [randomTensor([2, 6], 6, true)], (x) => ops.add(ops.narrow(x, 1, 0, 3), ops.narrow(x, 1, 2, 3)));
  });
  it('rejects bad input, naming the argument', () => {
    const x = randomTensor([2, 3], 7);
    expect(() => ops.narrow(x, 2, 0, 1)).toThrow(/dim/);
    expect(() => ops.narrow(x, 1, 4, 0)).toThrow(/start/);
    expect(() => ops.narrow(x, 1, 1, 3)).toThrow(/length/);
    expect(() => ops.narrow(x, 1, -1, 1)).toThrow(/start/);
    expect(() => ops.narrow(x, 0.5, 0, 1)).toThrow(/dim/);
    expect(() => ops.narrow([1, 2] as never, 0, 0, 1)).toThrow(/x/);
  });
});

describe('rowsToChannels', () => {
  it('inverts channelsToRows and has the transposed gradient', () => {
    const x = randomTensor([2, 3, 4], 8);
    const back = ops.rowsToChannels(ops.channelsToRows(x), 2);
    expect(back.shape).toEqual([2, 3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(x.data));
    gradCheck('rowsToChannels', [randomTensor([10, 3], 9, true)], (r) => ops.rowsToChannels(r, 2));
  });
  it('rejects bad input', () => {
    expect(() => ops.rowsToChannels(randomTensor([10, 3], 1), 3)).toThrow(/batch/);
    expect(() => ops.rowsToChannels(randomTensor([10, 3], 1), 0)).toThrow(/batch/);
    expect(() => ops.rowsToChannels(randomTensor([2, 5, 3], 1), 2)).toThrow(/x/);
  });
});
