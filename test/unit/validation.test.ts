// Argument validation of the public TypeScript API. The project standard: bad input gets a
// TypeError or RangeError from TypeScript (before the addon sees it) whose message names the
// argument, what was expected and what was received; unknown option keys are rejected. Every test
// here asserts the error class and that the message names the argument; `expectArgError` also
// checks the lib/validate.ts format ("Expected <what> for <name> but received <value>") and that
// the message did not come from the addon (addon messages start with "selfsup.<function>:").
//
// The regressions block at the end holds tests for gaps found in review and fixed since; the
// comment on each says what used to happen.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  data, decodeSafetensors, encodeSafetensors, full, Generator, getNumThreads, loadSafetensors, manualSeed, nn, ops,
  optim, rand, randn, setIsa, setNumThreads, Tensor, tensor, zeros,
} from '../../lib/index.js';
import { parseIdx, readIdx } from '../../lib/data/idx.js';
import { caught } from '../helpers.js';

type ErrorClass = typeof TypeError | typeof RangeError | typeof Error;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');


// Error of class `cls` in the standard format, naming `name`, raised by TypeScript (not the addon).
function expectArgError(fn: () => unknown, cls: ErrorClass, name: string, ...extra: RegExp[]): void {
  expect(fn).toThrow(cls);
  const msg = caught(fn).message;
  expect(msg).toMatch(new RegExp(`^Expected .+ for ${esc(name)} but received `, 's'));
  expect(msg).not.toMatch(/^selfsup\./);
  for (const re of extra) expect(msg).toMatch(re);
}

// Error of class `cls` whose message matches every pattern (for messages outside the standard format).
function expectError(fn: () => unknown, cls: ErrorClass, ...patterns: RegExp[]): void {
  expect(fn).toThrow(cls);
  const msg = caught(fn).message;
  expect(msg).not.toMatch(/^selfsup\./);
  for (const re of patterns) expect(msg).toMatch(re);
}

const t = (shape: number[]) => zeros(shape);
const x4 = () => t([1, 3, 8, 8]);
const w4 = () => t([4, 3, 3, 3]);

// ---------------------------------------------------------------------------------------------
describe('Tensor construction', () => {
  it('rejects data that is not a Float32Array', () => {
    expectArgError(() => new Tensor(new Float64Array(4) as unknown as Float32Array, [4]), TypeError, 'data', /Float32Array/);
    expectArgError(() => new Tensor([1, 2, 3, 4] as unknown as Float32Array, [4]), TypeError, 'data');
  });

  it('rejects a data length that does not match the shape', () => {
    expectArgError(() => new Tensor(new Float32Array(5), [2, 3]), RangeError, 'data', /length 6/, /\[2, 3\]/, /Float32Array\(5\)/);
  });

  it('rejects negative, NaN, fractional and infinite shape dims, naming the dim', () => {
    expectArgError(() => new Tensor(new Float32Array(0), [2, -3]), RangeError, 'shape[1]', /-3/);
    expectArgError(() => new Tensor(new Float32Array(0), [NaN]), RangeError, 'shape[0]', /NaN/);
    expectArgError(() => new Tensor(new Float32Array(3), [1.5, 2]), RangeError, 'shape[0]', /1\.5/);
    expectArgError(() => new Tensor(new Float32Array(0), [Infinity]), RangeError, 'shape[0]');
    expectArgError(() => new Tensor(new Float32Array(2), [2, '1' as unknown as number]), TypeError, 'shape[1]');
  });

  it('rejects a shape that is not an array', () => {
    expectArgError(() => new Tensor(new Float32Array(4), 4 as unknown as number[]), TypeError, 'shape');
  });

  it('factory functions check shapes and values', () => {
    expectArgError(() => zeros([-1]), RangeError, 'shape[0]');
    expectArgError(() => zeros([2, 0.5]), RangeError, 'shape[1]');
    expectArgError(() => randn([NaN]), RangeError, 'shape[0]');
    expectArgError(() => full([2], 'one' as unknown as number), TypeError, 'value');
    expectArgError(() => tensor('abc' as unknown as number[]), TypeError, 'values');
    expectArgError(() => tensor(null as unknown as number[]), TypeError, 'values');
    expectArgError(() => tensor([1, 2, 3], [2, 2]), RangeError, 'data', /length 4/);
  });

  it('item() and backward() check their preconditions', () => {
    expectArgError(() => t([2]).item(), RangeError, 'tensor');
    const p = t([3]).requiresGrad_();
    const y = ops.mulScalar(p, 2);
    expectArgError(() => y.backward(), RangeError, 'seed');
    expectArgError(() => y.backward(new Float32Array(2)), RangeError, 'seed', /length 3/);
    expectArgError(() => y.backward([1, 1, 1] as unknown as Float32Array), TypeError, 'seed');
  });
});

// ---------------------------------------------------------------------------------------------
describe('conv / convTranspose', () => {
  it('rejects an input of the wrong rank', () => {
    expectArgError(() => ops.conv(t([3, 8, 8]).data as unknown as Tensor, w4()), TypeError, 'x');
    expectArgError(() => ops.conv(t([8, 8]), w4()), RangeError, 'x', /rank 3 or 4 or 5/, /\[8, 8\]/);
    expectArgError(() => ops.conv(t([1, 1, 1, 1, 1, 1]), w4()), RangeError, 'x');
  });

  it('rejects a weight whose rank differs from the input', () => {
    expectArgError(() => ops.conv(x4(), t([4, 3, 3])), RangeError, 'w', /rank 4/);
  });

  it('rejects a channel mismatch between x and w', () => {
    expectArgError(() => ops.conv(x4(), t([4, 5, 3, 3])), RangeError, 'w', /\[4, 5, 3, 3\]/, /\[1, 3, 8, 8\]/);
    expectArgError(() => ops.conv(t([1, 4, 8, 8]), t([4, 4, 3, 3]), null, { groups: 2 }), RangeError, 'w');
  });

  it('rejects groups that do not divide the channels', () => {
    expectArgError(() => ops.conv(x4(), t([4, 1, 3, 3]), null, { groups: 2 }), RangeError, 'groups', /3 input channels/);
    expectArgError(() => ops.conv(t([1, 4, 8, 8]), t([6, 1, 3, 3]), null, { groups: 4 }), RangeError, 'groups', /6 output channels/);
    expectArgError(() => ops.conv(x4(), w4(), null, { groups: 0 }), RangeError, 'groups');
    expectArgError(() => ops.conv(x4(), w4(), null, { groups: 1.5 }), RangeError, 'groups');
  });

  it('rejects negative padding', () => {
    expectArgError(() => ops.conv(x4(), w4(), null, { padding: -1 }), RangeError, 'padding', /-1/);
    expectArgError(() => ops.conv(x4(), w4(), null, { padding: [1, -2] }), RangeError, 'padding[1]', /-2/);
  });

  it('rejects zero, NaN, fractional and mis-sized stride', () => {
    expectArgError(() => ops.conv(x4(), w4(), null, { stride: 0 }), RangeError, 'stride', /0/);
    expectArgError(() => ops.conv(x4(), w4(), null, { stride: NaN }), RangeError, 'stride', /NaN/);
    expectArgError(() => ops.conv(x4(), w4(), null, { stride: [1, 1.5] }), RangeError, 'stride[1]');
    expectArgError(() => ops.conv(x4(), w4(), null, { stride: [1, 1, 1] }), TypeError, 'stride', /array of 2 integers/);
    expectArgError(() => ops.conv(x4(), w4(), null, { stride: '2' as unknown as number }), TypeError, 'stride');
  });

  it('rejects zero dilation', () => {
    expectArgError(() => ops.conv(x4(), w4(), null, { dilation: 0 }), RangeError, 'dilation');
  });

  it('rejects a kernel larger than the padded input', () => {
    expectArgError(() => ops.conv(t([1, 3, 4, 4]), t([2, 3, 7, 7])), RangeError, 'x', /spatial size >= 7/);
    expectArgError(() => ops.conv(t([1, 3, 4, 4]), t([2, 3, 3, 3]), null, { dilation: 3 }), RangeError, 'x');
    // with padding 1 the same 7x7 kernel still does not fit a 4x4 input (needs >= 5)
    expectArgError(() => ops.conv(t([1, 3, 4, 4]), t([2, 3, 7, 7]), null, { padding: 1 }), RangeError, 'x', />= 5/);
  });

  it('rejects a bias of the wrong shape', () => {
    expectArgError(() => ops.conv(x4(), w4(), t([3])), RangeError, 'b', /\[4\]/);
    expectArgError(() => ops.conv(x4(), w4(), t([1, 4])), RangeError, 'b', /rank 1/);
  });

  it('rejects unknown option keys, listing or suggesting the valid ones', () => {
    expectError(() => ops.conv(x4(), w4(), null, { strides: 2 } as never), TypeError,
      /Unknown option "strides"/, /options/, /stride/);
    expectError(() => ops.conv(x4(), w4(), null, { Stride: 2 } as never), TypeError,
      /Unknown option "Stride"/, /did you mean "stride"\?/);
    expectError(() => ops.conv(x4(), w4(), null, { outputPadding: 1 } as never), TypeError, /Unknown option "outputPadding"/);
    expectArgError(() => ops.conv(x4(), w4(), null, 2 as never), TypeError, 'options');
  });

  it('checks 1-d and 3-d convolutions the same way', () => {
    expectArgError(() => ops.conv(t([1, 2, 5]), t([3, 2, 6])), RangeError, 'x');
    expectArgError(() => ops.conv(t([1, 2, 4, 4, 4]), t([3, 2, 3, 3, 3]), null, { stride: [1, 0, 1] }), RangeError, 'stride[1]');
  });

  it('convTranspose rejects outputPadding >= stride, naming the dim', () => {
    const x = t([1, 4, 3, 3]), w = t([4, 2, 3, 3]);
    expectArgError(() => ops.convTranspose(x, w, null, { stride: 2, outputPadding: 2 }), RangeError, 'outputPadding[0]', /stride \(2\)/);
    expectArgError(() => ops.convTranspose(x, w, null, { stride: [2, 3], outputPadding: [1, 3] }), RangeError, 'outputPadding[1]');
    expectArgError(() => ops.convTranspose(x, w, null, { outputPadding: 1 }), RangeError, 'outputPadding[0]');
    expectArgError(() => ops.convTranspose(x, w, null, { outputPadding: -1 }), RangeError, 'outputPadding');
  });

  it('convTranspose rejects a channel mismatch and unknown options', () => {
    expectArgError(() => ops.convTranspose(t([1, 4, 3, 3]), t([3, 2, 3, 3])), RangeError, 'w');
    expectError(() => ops.convTranspose(t([1, 4, 3, 3]), t([4, 2, 3, 3]), null, { output_padding: 1 } as never), TypeError,
      /Unknown option "output_padding"/, /outputPadding/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('pooling', () => {
  const x = () => t([1, 2, 6, 6]);

  it('rejects kernelSize 0, NaN or of the wrong arity', () => {
    expectArgError(() => ops.maxPool(x(), 0), RangeError, 'kernelSize');
    expectArgError(() => ops.avgPool(x(), NaN), RangeError, 'kernelSize');
    expectArgError(() => ops.maxPool(x(), [2, 0]), RangeError, 'kernelSize[1]');
    expectArgError(() => ops.maxPool(x(), [2]), TypeError, 'kernelSize');
  });

  it('rejects padding larger than half the window', () => {
    expectArgError(() => ops.maxPool(x(), 2, { padding: 2 }), RangeError, 'padding[0]', /kernelSize\/2/);
    expectArgError(() => ops.avgPool(x(), [3, 3], { padding: [1, 2] }), RangeError, 'padding[1]');
    expectArgError(() => ops.maxPool(x(), 2, { padding: -1 }), RangeError, 'padding');
  });

  it('rejects zero stride and a window larger than the input', () => {
    expectArgError(() => ops.maxPool(x(), 2, { stride: 0 }), RangeError, 'stride');
    expectArgError(() => ops.avgPool(x(), 7), RangeError, 'x', /spatial size >= 7/);
  });

  it('rejects inputs of the wrong rank', () => {
    expectArgError(() => ops.maxPool(t([6, 6]), 2), RangeError, 'x', /rank/);
    expectArgError(() => ops.globalAvgPool(t([6, 6])), RangeError, 'x');
    expectArgError(() => ops.avgPool({} as Tensor, 2), TypeError, 'x');
  });

  it('rejects unknown and mistyped options', () => {
    expectError(() => ops.maxPool(x(), 2, { countIncludePad: true } as never), TypeError, /Unknown option "countIncludePad"/);
    expectError(() => ops.avgPool(x(), 2, { ceilMode: true } as never), TypeError, /Unknown option "ceilMode"/);
    expectArgError(() => ops.avgPool(x(), 2, { countIncludePad: 1 as unknown as boolean }), TypeError, 'countIncludePad');
  });
});

// ---------------------------------------------------------------------------------------------
describe('batchNorm / layerNorm', () => {
  const x = () => t([4, 3, 2, 2]);

  it('batchNorm rejects weight, bias and running stats of the wrong length', () => {
    expectArgError(() => ops.batchNorm(x(), null, null, t([4]), null), RangeError, 'weight', /\[3\]/);
    expectArgError(() => ops.batchNorm(x(), null, null, null, t([2])), RangeError, 'bias');
    expectArgError(() => ops.batchNorm(x(), t([2]), t([3]), null, null), RangeError, 'runningMean');
    expectArgError(() => ops.batchNorm(x(), t([3]), t([3, 1]), null, null), RangeError, 'runningVar');
    expectArgError(() => ops.batchNorm(x(), null, null, new Float32Array(3) as unknown as Tensor, null), TypeError, 'weight');
  });

  it('batchNorm rejects eps that is 0, NaN or negative', () => {
    expectArgError(() => ops.batchNorm(x(), null, null, null, null, { eps: 0 }), RangeError, 'eps', /\(0, Infinity\]/);
    expectArgError(() => ops.batchNorm(x(), null, null, null, null, { eps: NaN }), RangeError, 'eps', /NaN/);
    expectArgError(() => ops.batchNorm(x(), null, null, null, null, { eps: -1e-5 }), RangeError, 'eps');
  });

  it('batchNorm rejects momentum outside [0, 1]', () => {
    expectArgError(() => ops.batchNorm(x(), null, null, null, null, { momentum: 1.5 }), RangeError, 'momentum', /\[0, 1\]/);
    expectArgError(() => ops.batchNorm(x(), null, null, null, null, { momentum: -0.1 }), RangeError, 'momentum');
    expectArgError(() => ops.batchNorm(x(), null, null, null, null, { momentum: NaN }), RangeError, 'momentum');
  });

  it('batchNorm rejects a non-boolean training flag, unknown options and bad ranks', () => {
    expectArgError(() => ops.batchNorm(x(), null, null, null, null, { training: 1 as unknown as boolean }), TypeError, 'training');
    expectError(() => ops.batchNorm(x(), null, null, null, null, { epsilon: 1e-3 } as never), TypeError, /Unknown option "epsilon"/, /eps/);
    expectArgError(() => ops.batchNorm(t([4]), null, null, null, null), RangeError, 'x');
  });

  it('batchNorm training needs more than one value per channel; eval needs running stats', () => {
    expectArgError(() => ops.batchNorm(t([1, 3]), null, null, null, null), RangeError, 'x', /more than one value/);
    expectError(() => ops.batchNorm(x(), null, null, null, null, { training: false }), TypeError, /runningMean/, /runningVar/);
  });

  it('layerNorm rejects a normalizedShape that is not the trailing dims of x', () => {
    expectArgError(() => ops.layerNorm(t([2, 3, 4]), [3]), RangeError, 'normalizedShape', /\[2, 3, 4\]/);
    expectArgError(() => ops.layerNorm(t([2, 4]), [2, 4, 1]), RangeError, 'normalizedShape');
    expectArgError(() => ops.layerNorm(t([2, 4]), []), RangeError, 'normalizedShape');
  });

  it('layerNorm rejects weight/bias of the wrong size and a bad eps', () => {
    expectArgError(() => ops.layerNorm(t([2, 4]), [4], t([3])), RangeError, 'weight', /4 elements/);
    expectArgError(() => ops.layerNorm(t([2, 4]), [4], null, t([5])), RangeError, 'bias');
    expectArgError(() => ops.layerNorm(t([2, 4]), [4], null, null, 0), RangeError, 'eps');
    expectArgError(() => ops.layerNorm(t([2, 4]), [4], null, null, NaN), RangeError, 'eps');
  });
});

// ---------------------------------------------------------------------------------------------
describe('matmul / linear', () => {
  it('matmul rejects an inner-dimension mismatch and non-matrices', () => {
    expectArgError(() => ops.matmul(t([2, 3]), t([4, 5])), RangeError, 'b', /3 rows/, /\[4, 5\]/);
    expectArgError(() => ops.matmul(t([2, 3, 1]), t([3, 5])), RangeError, 'a', /rank 2/);
    expectArgError(() => ops.matmul(t([2, 3]), t([3])), RangeError, 'b');
  });

  it('linear rejects an in-features mismatch, a bad bias and a non-Tensor weight', () => {
    expectArgError(() => ops.linear(t([2, 3]), t([5, 4])), RangeError, 'x', /\[N, 4\]/);
    expectArgError(() => ops.linear(t([2, 3]), t([5, 3]), t([4])), RangeError, 'b', /\[5\]/);
    expectArgError(() => ops.linear(t([2, 3]), [[1, 2, 3]] as unknown as Tensor), TypeError, 'w');
  });
});

// ---------------------------------------------------------------------------------------------
describe('crossEntropy and other losses', () => {
  const logits = () => t([2, 3]);

  it('rejects targets out of range, naming the offending index', () => {
    expectArgError(() => ops.crossEntropy(logits(), [0, 3]), RangeError, 'targets[1]', /\[0, 3\)/, /3 of type number/);
    expectArgError(() => ops.crossEntropy(logits(), Int32Array.from([-1, 0])), RangeError, 'targets[0]');
    expectArgError(() => ops.crossEntropy(logits(), [4, 5], { ignoreIndex: 5 }), RangeError, 'targets[0]', /ignoreIndex 5/);
    expect(ops.crossEntropy(logits(), [5, 1], { ignoreIndex: 5 }).size).toBe(1); // control: ignored rows are allowed
  });

  it('rejects targets of the wrong length or type', () => {
    expectArgError(() => ops.crossEntropy(logits(), [0]), RangeError, 'targets', /2 class indices/);
    expectArgError(() => ops.crossEntropy(logits(), [0, 1, 2]), RangeError, 'targets');
    expectArgError(() => ops.crossEntropy(logits(), Float32Array.from([0, 1]) as unknown as Int32Array), TypeError, 'targets');
    expectArgError(() => ops.crossEntropy(logits(), 1 as unknown as number[]), TypeError, 'targets');
  });

  it('rejects labelSmoothing outside [0, 1], a fractional ignoreIndex and unknown options', () => {
    expectArgError(() => ops.crossEntropy(logits(), [0, 1], { labelSmoothing: 1.5 }), RangeError, 'labelSmoothing', /1\.5/);
    expectArgError(() => ops.crossEntropy(logits(), [0, 1], { labelSmoothing: NaN }), RangeError, 'labelSmoothing');
    expectArgError(() => ops.crossEntropy(logits(), [0, 1], { labelSmoothing: -0.1 }), RangeError, 'labelSmoothing');
    expectArgError(() => ops.crossEntropy(logits(), [0, 1], { ignoreIndex: 0.5 }), RangeError, 'ignoreIndex');
    expectError(() => ops.crossEntropy(logits(), [0, 1], { label_smoothing: 0.1 } as never), TypeError,
      /Unknown option "label_smoothing"/, /labelSmoothing/);
  });

  it('rejects logits that are not a matrix', () => {
    expectArgError(() => ops.crossEntropy(t([3]), [0]), RangeError, 'logits');
    expectArgError(() => ops.softmax(t([3])), RangeError, 'x');
  });

  it('mseLoss / l1Loss reject mismatched shapes', () => {
    expectArgError(() => ops.mseLoss(t([2, 3]), t([3, 2])), RangeError, 'target', /\[2, 3\]/);
    expectArgError(() => ops.l1Loss(t([2]), t([3])), RangeError, 'target');
  });
});

// ---------------------------------------------------------------------------------------------
describe('upsample2d / dropout / activations', () => {
  it('upsample2d needs exactly one of size and scaleFactor', () => {
    const x = t([1, 1, 2, 2]);
    expectError(() => ops.upsample2d(x, { size: 4, scaleFactor: 2 }), TypeError, /size/, /scaleFactor/);
    expectError(() => ops.upsample2d(x, {}), TypeError, /size/, /scaleFactor/);
    expectError(() => ops.upsample2d(x, undefined as never), TypeError, /size/, /scaleFactor/);
  });

  it('upsample2d checks size, scaleFactor, mode, alignCorners, rank and option names', () => {
    const x = t([1, 1, 2, 2]);
    expectArgError(() => ops.upsample2d(x, { scaleFactor: 0 }), RangeError, 'scaleFactor');
    expectArgError(() => ops.upsample2d(x, { size: [4, -4] }), RangeError, 'size[1]');
    expectArgError(() => ops.upsample2d(x, { scaleFactor: 2, mode: 'bicubic' as never }), TypeError, 'mode', /nearest, bilinear/);
    expectArgError(() => ops.upsample2d(x, { scaleFactor: 2, alignCorners: 'yes' as never }), TypeError, 'alignCorners');
    expectArgError(() => ops.upsample2d(t([1, 2, 2]), { scaleFactor: 2 }), RangeError, 'x', /rank 4/);
    expectError(() => ops.upsample2d(x, { scale_factor: 2 } as never), TypeError, /Unknown option "scale_factor"/);
  });

  it('dropout rejects p = NaN, p > 1 and p < 0', () => {
    const x = t([8]);
    expectArgError(() => ops.dropout(x, NaN), RangeError, 'p', /NaN/);
    expectArgError(() => ops.dropout(x, 1.5), RangeError, 'p', /\[0, 1\]/);
    expectArgError(() => ops.dropout(x, -0.1), RangeError, 'p');
    expectArgError(() => ops.dropout(new Float32Array(8) as unknown as Tensor, 0.5), TypeError, 'x');
  });

  it('activations check their input and parameters', () => {
    expectArgError(() => ops.relu([1, 2] as unknown as Tensor), TypeError, 'x');
    expectArgError(() => ops.leakyRelu(t([2]), NaN), RangeError, 'negativeSlope');
  });
});

// ---------------------------------------------------------------------------------------------
describe('shape ops and elementwise ops', () => {
  it('reshape rejects incompatible shapes', () => {
    const x = t([3, 4]);
    expectArgError(() => ops.reshape(x, [5, 3]), RangeError, 'shape', /12 elements/);
    expectArgError(() => ops.reshape(x, [-1, 5]), RangeError, 'shape', /12 elements/);
    expectArgError(() => ops.reshape(x, [2, 6.5]), RangeError, 'shape[1]');
    expectArgError(() => ops.reshape(x, 12 as unknown as number[]), TypeError, 'shape');
  });

  it('cat rejects mismatched trailing dims, ranks, non-Tensors and empty lists', () => {
    expectArgError(() => ops.cat([t([2, 3]), t([1, 4])]), RangeError, 'xs[1]', /\[\*, 3\]/, /\[1, 4\]/);
    expectArgError(() => ops.cat([t([2, 3]), t([2, 3, 1])]), RangeError, 'xs[1]');
    expectArgError(() => ops.cat([t([2, 3]), t([2, 3]), t([2, 2])]), RangeError, 'xs[2]');
    expectArgError(() => ops.cat([t([2, 3]), [1, 2, 3] as unknown as Tensor]), TypeError, 'xs[1]');
    expectArgError(() => ops.cat([]), TypeError, 'xs');
  });

  it('sliceRows, flatten, transpose, sum and mean check their integer arguments', () => {
    const x = t([4, 3]);
    expectArgError(() => ops.sliceRows(x, 3, 2), RangeError, 'end');
    expectArgError(() => ops.sliceRows(x, 0, 5), RangeError, 'end');
    expectArgError(() => ops.sliceRows(x, -1, 2), RangeError, 'start');
    expectArgError(() => ops.flatten(x, 2), RangeError, 'startDim');
    expectArgError(() => ops.flatten(x, NaN), RangeError, 'startDim');
    expectArgError(() => ops.transpose(t([1, 2, 3])), RangeError, 'x');
    expectArgError(() => ops.sum(x, 2), RangeError, 'dim');
    expectArgError(() => ops.sum(x, 0.5), RangeError, 'dim');
    expectArgError(() => ops.mean(x, 5), RangeError, 'dim');
  });

  it('binary ops reject shapes that do not broadcast; scalar ops reject NaN', () => {
    expectArgError(() => ops.add(t([2, 3]), t([4])), RangeError, 'b', /broadcastable/);
    expectArgError(() => ops.mul(t([2, 3]), t([2, 2])), RangeError, 'b');
    expectArgError(() => ops.sub({} as Tensor, t([2])), TypeError, 'a');
    expectArgError(() => ops.mulScalar(t([2]), NaN), RangeError, 's');
    expectArgError(() => ops.powScalar(t([2]), '2' as unknown as number), TypeError, 'p');
  });
});

// ---------------------------------------------------------------------------------------------
describe('nn layer constructors', () => {
  it('Conv2d checks channels, kernelSize and groups', () => {
    expectArgError(() => new nn.Conv2d(0, 8, 3), RangeError, 'inChannels', /0/);
    expectArgError(() => new nn.Conv2d(3, -8, 3), RangeError, 'outChannels');
    expectArgError(() => new nn.Conv2d(3, 8, 0), RangeError, 'kernelSize');
    expectArgError(() => new nn.Conv2d(3, 8, [3, 3, 3]), TypeError, 'kernelSize', /array of 2 integers/);
    expectArgError(() => new nn.Conv2d(3, 8, 3, { groups: 2 }), RangeError, 'groups', /inChannels \(3\)/);
    expectArgError(() => new nn.Conv2d(4, 6, 3, { groups: 4 }), RangeError, 'groups', /outChannels \(6\)/);
    expectArgError(() => new nn.Conv2d(3, 8, 3, { stride: 0 }), RangeError, 'stride');
    expectArgError(() => new nn.Conv2d(3, 8, 3, { padding: -1 }), RangeError, 'padding');
    expectArgError(() => new nn.Conv1d(3, 8, 3, { dilation: [1, 1] }), TypeError, 'dilation');
    expectArgError(() => new nn.Conv3d(3, 8, [3, 3, NaN]), RangeError, 'kernelSize[2]');
  });

  it('Conv2d rejects unknown options', () => {
    expectError(() => new nn.Conv2d(3, 8, 3, { padding_mode: 'zeros' } as never), TypeError, /Unknown option "padding_mode"/, /padding/);
    expectError(() => new nn.Conv2d(3, 8, 3, { Groups: 1 } as never), TypeError, /did you mean "groups"/);
  });

  it('Conv2d.forward checks the input rank and channels', () => {
    const m = new nn.Conv2d(3, 8, 3);
    expectArgError(() => m.forward(t([3, 8, 8])), RangeError, 'x', /rank 4/);
    expectArgError(() => m.forward(t([1, 4, 8, 8])), RangeError, 'w');
  });

  it('ConvTranspose2d checks outputPadding and options', () => {
    expectArgError(() => new nn.ConvTranspose2d(4, 2, 3, { outputPadding: -1 }), RangeError, 'outputPadding');
    expectError(() => new nn.ConvTranspose2d(4, 2, 3, { output_padding: 1 } as never), TypeError, /Unknown option "output_padding"/);
    const m = new nn.ConvTranspose2d(4, 2, 3, { stride: 2, outputPadding: 1 });
    expect(m.forward(t([1, 4, 3, 3])).shape).toEqual([1, 2, 8, 8]); // control: a valid configuration works
  });

  it('Linear checks features and options', () => {
    expectArgError(() => new nn.Linear(-1, 3), RangeError, 'inFeatures', /-1/);
    expectArgError(() => new nn.Linear(3, 1.5), RangeError, 'outFeatures');
    expectArgError(() => new nn.Linear(3, NaN), RangeError, 'outFeatures');
    expectArgError(() => new nn.Linear('3' as unknown as number, 3), TypeError, 'inFeatures');
    expectError(() => new nn.Linear(3, 8, { Bias: false } as never), TypeError, /did you mean "bias"/);
  });

  it('BatchNorm checks numFeatures, eps, momentum, flags and options', () => {
    expectArgError(() => new nn.BatchNorm2d(8, { eps: -1 }), RangeError, 'eps');
    expectArgError(() => new nn.BatchNorm2d(8, { eps: 0 }), RangeError, 'eps');
    expectArgError(() => new nn.BatchNorm2d(0), RangeError, 'numFeatures');
    expectArgError(() => new nn.BatchNorm1d(8, { momentum: 2 }), RangeError, 'momentum');
    expectArgError(() => new nn.BatchNorm2d(8, { affine: 'yes' as never }), TypeError, 'affine');
    expectArgError(() => new nn.BatchNorm3d(8, { trackRunningStats: 0 as never }), TypeError, 'trackRunningStats');
    expectError(() => new nn.BatchNorm2d(8, { epsilon: 1e-3 } as never), TypeError, /Unknown option "epsilon"/, /eps/);
    expectArgError(() => new nn.BatchNorm2d(3).forward(t([2, 3])), RangeError, 'x', /rank 4/);
  });

  it('LayerNorm, pooling, Dropout, LeakyReLU, Flatten, Upsample and Sequential check their arguments', () => {
    expectArgError(() => new nn.LayerNorm(0), RangeError, 'normalizedShape');
    expectArgError(() => new nn.LayerNorm([4, -1]), RangeError, 'normalizedShape[1]');
    expectArgError(() => new nn.LayerNorm(4, { eps: 0 }), RangeError, 'eps');
    expectError(() => new nn.LayerNorm(4, { affine: false } as never), TypeError, /Unknown option "affine"/);
    expectArgError(() => new nn.MaxPool2d(0), RangeError, 'kernelSize');
    expectError(() => new nn.MaxPool2d(2, { countIncludePad: true } as never), TypeError, /Unknown option "countIncludePad"/);
    expectError(() => new nn.AvgPool2d(2, { ceil_mode: true } as never), TypeError, /Unknown option "ceil_mode"/);
    expectArgError(() => new nn.Dropout(1.5), RangeError, 'p');
    expectArgError(() => new nn.Dropout(NaN), RangeError, 'p');
    expectArgError(() => new nn.LeakyReLU(NaN), RangeError, 'negativeSlope');
    expectArgError(() => new nn.Flatten(-1), RangeError, 'startDim');
    expectError(() => new nn.Upsample({ scale_factor: 2 } as never), TypeError, /Unknown option "scale_factor"/);
    expectArgError(() => new nn.Sequential(new nn.ReLU(), {} as never), TypeError, '1', /Module/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('optimizers', () => {
  const ps = () => [zeros([3], true), zeros([2], true)];

  it('SGD rejects a NaN, negative or missing lr', () => {
    expectArgError(() => new optim.SGD(ps(), { lr: NaN }), RangeError, 'lr', /NaN/);
    expectArgError(() => new optim.SGD(ps(), { lr: -0.1 }), RangeError, 'lr', /-0\.1/);
    expectArgError(() => new optim.SGD(ps(), {} as never), TypeError, 'lr', /undefined/);
    expectArgError(() => new optim.SGD(ps(), undefined as never), TypeError, 'lr');
  });

  it('SGD rejects nesterov without momentum (or with dampening) and bad momentum/dampening', () => {
    expectError(() => new optim.SGD(ps(), { lr: 0.1, nesterov: true }), RangeError, /nesterov/, /momentum/);
    expectError(() => new optim.SGD(ps(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), RangeError, /dampening/);
    expectArgError(() => new optim.SGD(ps(), { lr: 0.1, momentum: -0.9 }), RangeError, 'momentum');
    expectArgError(() => new optim.SGD(ps(), { lr: 0.1, dampening: 2 }), RangeError, 'dampening');
    expectArgError(() => new optim.SGD(ps(), { lr: 0.1, weightDecay: NaN }), RangeError, 'weightDecay');
    expectArgError(() => new optim.SGD(ps(), { lr: 0.1, momentum: 0.9, nesterov: 'yes' as never }), TypeError, 'nesterov');
  });

  it('SGD rejects unknown options', () => {
    expectError(() => new optim.SGD(ps(), { lr: 0.1, nestrov: true } as never), TypeError, /Unknown option "nestrov"/, /nesterov/);
    expectError(() => new optim.SGD(ps(), { lr: 0.1, weight_decay: 1e-4 } as never), TypeError, /Unknown option "weight_decay"/, /weightDecay/);
  });

  it('optimizers reject empty, non-iterable and non-Tensor params', () => {
    expectArgError(() => new optim.SGD([], { lr: 0.1 }), TypeError, 'params', /at least one parameter/);
    expectArgError(() => new optim.SGD(null as never, { lr: 0.1 }), TypeError, 'params');
    expectArgError(() => new optim.SGD(zeros([3]) as never, { lr: 0.1 }), TypeError, 'params');
    expectArgError(() => new optim.SGD([zeros([3]), new Float32Array(3)] as never, { lr: 0.1 }), TypeError, 'params[1]');
    expectArgError(() => new optim.AdamW([{ data: new Float32Array(3) }] as never), TypeError, 'params[0]');
  });

  it('AdamW rejects betas out of range or of the wrong arity', () => {
    expectArgError(() => new optim.AdamW(ps(), { betas: [1.5, 0.999] }), RangeError, 'betas[0]');
    expectArgError(() => new optim.AdamW(ps(), { betas: [0.9, -0.1] }), RangeError, 'betas[1]');
    expectArgError(() => new optim.AdamW(ps(), { betas: [0.9, NaN] }), RangeError, 'betas[1]');
    expectError(() => new optim.AdamW(ps(), { betas: [1, 0.999] }), RangeError, /betas/, /\[0, 1\)/);
    expectError(() => new optim.AdamW(ps(), { betas: [0.9] as never }), TypeError, /betas/);
  });

  it('AdamW rejects a bad lr, eps, weightDecay and unknown options', () => {
    expectArgError(() => new optim.AdamW(ps(), { lr: NaN }), RangeError, 'lr');
    expectArgError(() => new optim.AdamW(ps(), { eps: -1 }), RangeError, 'eps');
    expectArgError(() => new optim.AdamW(ps(), { weightDecay: -0.01 }), RangeError, 'weightDecay');
    expectError(() => new optim.AdamW(ps(), { amsgrad: true } as never), TypeError, /Unknown option "amsgrad"/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('runtime and random', () => {
  const threads = getNumThreads();
  afterAll(() => setNumThreads(threads));

  it('setNumThreads rejects 0, negative, fractional, NaN and non-numbers', () => {
    expectArgError(() => setNumThreads(0), RangeError, 'threads', /\[1, 1024\]/);
    expectArgError(() => setNumThreads(-2), RangeError, 'threads');
    expectArgError(() => setNumThreads(1.5), RangeError, 'threads');
    expectArgError(() => setNumThreads(NaN), RangeError, 'threads');
    expectArgError(() => setNumThreads(2048), RangeError, 'threads');
    expectArgError(() => setNumThreads('2' as never), TypeError, 'threads');
    expect(getNumThreads()).toBe(threads);
  });

  it('setIsa rejects unknown ISA names', () => {
    expectArgError(() => setIsa('sse9' as never), TypeError, 'isa', /scalar, avx2, avx512/, /"sse9"/);
    expectArgError(() => setIsa(undefined as never), TypeError, 'isa');
  });

  it('Generator rejects negative, fractional, NaN and non-number seeds', () => {
    expectArgError(() => new Generator(-1), RangeError, 'seed', /-1/);
    expectArgError(() => new Generator(1.5), RangeError, 'seed', /1\.5/);
    expectArgError(() => new Generator(NaN), RangeError, 'seed');
    expectArgError(() => new Generator('7' as never), TypeError, 'seed');
    expectArgError(() => manualSeed(-3), RangeError, 'seed');
  });

  it('Generator methods check their arguments', () => {
    const g = new Generator(1);
    expectArgError(() => g.normal(4, 0, -1), RangeError, 'std');
    expectArgError(() => g.uniform(4, NaN), RangeError, 'lo');
    expectArgError(() => g.permutation(-1), RangeError, 'n');
    expectArgError(() => g.permutation(2.5), RangeError, 'n');
    expectArgError(() => g.setState({ seed: 1.5, offset: 0 }), RangeError, 'state.seed');
    expectArgError(() => g.setState({ seed: 1, offset: -1 }), RangeError, 'state.offset');
  });
});

// ---------------------------------------------------------------------------------------------
function stFile(header: unknown, body: Uint8Array = new Uint8Array(0), declaredLength?: number): Buffer {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(declaredLength ?? json.length));
  return Buffer.concat([head, json, body]);
}

describe('safetensors decoding of bad buffers', () => {
  const src = 'weights/model.safetensors';
  const good = () => encodeSafetensors(new Map([['w', { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }]]));

  it('decodes a valid buffer (control)', () => {
    const { tensors } = decodeSafetensors(good(), src);
    expect(Array.from(tensors.get('w')!.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('rejects a buffer shorter than the 8-byte length prefix, naming the source', () => {
    expectError(() => decodeSafetensors(new Uint8Array(5), src), Error, new RegExp(esc(src)), /8-byte/);
    expectError(() => decodeSafetensors(new Uint8Array(0)), Error, /^buffer: /);
  });

  it('rejects a header length past the end of the buffer', () => {
    const b = good();
    expectError(() => decodeSafetensors(b.subarray(0, 20), src), Error, new RegExp(esc(src)), /header length \d+ exceeds/);
    expectError(() => decodeSafetensors(stFile('{}', undefined, 2 ** 40), src), Error, new RegExp(esc(src)), /exceeds/);
  });

  it('rejects a header that is not JSON (garbage bytes)', () => {
    const garbage = Buffer.concat([Buffer.from([16, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('\x00\xff{{not json!!!!')]);
    expectError(() => decodeSafetensors(garbage, src), Error, new RegExp(esc(src)), /not JSON/);
  });

  it('rejects truncated tensor data and unsupported dtypes, naming the tensor', () => {
    const b = good();
    expectError(() => decodeSafetensors(b.subarray(0, b.length - 4), src), Error, new RegExp(esc(src)), /"w"/, /offsets/);
    expectError(() => decodeSafetensors(stFile({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), src),
      Error, new RegExp(esc(src)), /"h"/, /F16/);
    expectError(() => decodeSafetensors(stFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), src),
      Error, new RegExp(esc(src)), /"a"/, /inconsistent offsets/);
  });

  it('loadSafetensors names a missing file', () => {
    expect(() => loadSafetensors('/nonexistent/dir/model.safetensors')).toThrow(/\/nonexistent\/dir\/model\.safetensors/);
  });
});

// ---------------------------------------------------------------------------------------------
function idx(dims: number[], payload?: number[], type = 0x08): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const n = payload ?? new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(7);
  return Buffer.concat([head, Buffer.from(n)]);
}

describe('IDX parsing of bad buffers', () => {
  const src = 'train-images-idx3-ubyte';

  it('parses a valid plain and gzipped file (control)', () => {
    expect(parseIdx(idx([2, 3]), src)).toMatchObject({ dims: [2, 3] });
    const z = parseIdx(zlib.gzipSync(idx([2, 2, 2])), src);
    expect(z.dims).toEqual([2, 2, 2]);
    expect(Array.from(z.data)).toEqual(new Array(8).fill(7));
  });

  it('rejects truncated data, saying how many bytes were promised and present', () => {
    const b = idx([4, 5]);
    expectError(() => parseIdx(b.subarray(0, b.length - 3), src), Error, new RegExp(esc(src)), /truncated IDX data/, /20 bytes/, /17 are present/);
  });

  it('rejects a bad magic number and an empty buffer', () => {
    expectError(() => parseIdx(Buffer.from('GIF89a..........'), src), Error, new RegExp(esc(src)), /bad magic/);
    expectError(() => parseIdx(new Uint8Array(0), src), Error, new RegExp(esc(src)), /not an IDX file/);
  });

  it('rejects a truncated header and an unsupported element type', () => {
    expectError(() => parseIdx(idx([4, 5, 6]).subarray(0, 10), src), Error, new RegExp(esc(src)), /truncated IDX header/);
    expectError(() => parseIdx(idx([2], [0, 0, 0, 0, 0, 0, 0, 0], 0x0d), src), Error, new RegExp(esc(src)), /element type 0xd/);
  });

  it('rejects corrupt and truncated gzip data', () => {
    const z = zlib.gzipSync(idx([10, 10]));
    expectError(() => parseIdx(z.subarray(0, z.length - 10), src), Error, new RegExp(esc(src)), /gzip/);
    const corrupt = Buffer.from(z);
    for (let i = 10; i < corrupt.length - 8; i++) corrupt[i] ^= 0x5a;
    expectError(() => parseIdx(corrupt, src), Error, new RegExp(esc(src)), /corrupt or truncated gzip/);
  });

  it('readIdx names a missing file', () => {
    expectError(() => readIdx('/nonexistent/t10k-labels-idx1-ubyte'), Error, /\/nonexistent\/t10k-labels-idx1-ubyte/, /ENOENT/);
  });
});

describe('fashionMnist options', () => {
  it('rejects a folder that does not exist, naming it', () => {
    expectError(() => data.fashionMnist({ dir: '/nonexistent' }), Error, /\/nonexistent/, /does not exist/);
  });

  it('rejects a folder without the IDX files, naming the folder and the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-fm-'));
    try {
      expectError(() => data.fashionMnist({ dir }), Error, new RegExp(esc(dir)), /train-images-idx3-ubyte/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown options, a bad split and a non-string dir', () => {
    expectError(() => data.fashionMnist({ spilt: 'test' } as never), TypeError, /Unknown option "spilt"/, /split/);
    expectArgError(() => data.fashionMnist({ split: 'val' as never }), TypeError, 'split', /train, test/);
    expectArgError(() => data.fashionMnist({ dir: 42 as never }), TypeError, 'dir');
  });
});

// ---------------------------------------------------------------------------------------------
// Correct behaviour the library does not implement yet. Each of these fails today; the comment
// says what happens instead. Fix lib/ (not the test) to make them pass.
describe('regressions (gaps found in review, now fixed)', () => {
  // lib/ops/loss.ts crossEntropy: a plain array is converted with Int32Array.from before the range
  // check, so 0.5 -> 0, NaN -> 0 and 2**32 + 1 -> 1: the loss is computed for the wrong class.
  it('crossEntropy rejects non-integer, NaN and out-of-int32 targets in a plain array', () => {
    const logits = t([2, 3]);
    expectArgError(() => ops.crossEntropy(logits, [0.5, 1]), RangeError, 'targets[0]');
    expectArgError(() => ops.crossEntropy(logits, [NaN, 1]), RangeError, 'targets[0]');
    expectArgError(() => ops.crossEntropy(logits, [0, 2 ** 32 + 1]), RangeError, 'targets[1]');
  });

  // lib/tensor/create.ts tensor(): elements are not checked, so nested arrays or strings become NaN.
  it('tensor() rejects non-numeric elements', () => {
    expectArgError(() => tensor([[1, 2], [3, 4]] as never), TypeError, 'values[0]');
    expectArgError(() => tensor(['a', 'b'] as never), TypeError, 'values[0]');
  });

  // lib/tensor/create.ts randn/rand: options are not passed through checkOptions.
  it('randn / rand reject unknown options', () => {
    expectError(() => randn([2], { seed: 3 } as never), TypeError, /Unknown option "seed"/);
    expectError(() => rand([2], { requires_grad: true } as never), TypeError, /Unknown option "requires_grad"/);
  });

  // lib/ops/shape.ts cat: rank-0 inputs give "Expected integer ... for shape[0] but received NaN".
  it('cat rejects rank-0 tensors, naming xs', () => {
    expectArgError(() => ops.cat([t([]), t([])]), RangeError, 'xs[0]');
  });

  // lib/ops/shape.ts reshape: two -1 entries give "... for shape[0] but received -12" (a value the
  // caller never passed).
  it('reshape with two -1 entries names shape and the -1s, not an inferred value', () => {
    const msg = caught(() => ops.reshape(t([3, 4]), [-1, -1])).message;
    expect(msg).toMatch(/for shape but received/);
    expect(msg).not.toMatch(/-12/);
  });

  // lib/ops/norm.ts layerNorm: normalizedShape is used without a type check.
  it('layerNorm rejects a normalizedShape that is not an array', () => {
    expectArgError(() => ops.layerNorm(t([2, 4]), 4 as never), TypeError, 'normalizedShape');
    expectArgError(() => ops.layerNorm(t([2, 4]), null as never), TypeError, 'normalizedShape');
  });

  // lib/ops/norm.ts layerNorm: a zero-sized normalized dim makes R = 0/0 = NaN, which reaches the
  // addon ("selfsup.layerNormForward: expected a number for R but received NaN").
  it('layerNorm rejects a zero-sized normalizedShape in TypeScript', () => {
    expectArgError(() => ops.layerNorm(t([2, 0]), [0]), RangeError, 'normalizedShape');
  });

  // lib/ops/conv.ts: zero channels or a zero-sized kernel pass the TS checks; the addon then throws
  // "selfsup.convForward: inconsistent convolution parameters", naming no argument.
  it('conv / convTranspose reject zero channels and zero-sized kernels in TypeScript', () => {
    expectArgError(() => ops.conv(t([1, 0, 4, 4]), t([2, 0, 3, 3])), RangeError, 'x');
    expectArgError(() => ops.conv(t([1, 3, 4, 4]), t([2, 3, 0, 0])), RangeError, 'w');
    expectArgError(() => ops.conv(t([1, 3, 4, 4]), t([0, 3, 3, 3])), RangeError, 'w');
    expectArgError(() => ops.convTranspose(t([1, 3, 4, 4]), t([3, 0, 3, 3])), RangeError, 'w');
  });

  // lib/ops/pool.ts and norm.ts: zero channels reach the addon ("inconsistent pooling parameters",
  // "expected integer in [1, ...] for C but received 0").
  it('pooling and batchNorm reject zero channels in TypeScript', () => {
    expectArgError(() => ops.maxPool(t([1, 0, 4, 4]), 2), RangeError, 'x');
    expectArgError(() => ops.avgPool(t([1, 0, 4, 4]), 2), RangeError, 'x');
    expectArgError(() => ops.batchNorm(t([2, 0, 3]), null, null, null, null), RangeError, 'x');
  });

  // lib/ops/pool.ts globalAvgPool: an empty spatial extent silently gives NaN.
  it('globalAvgPool rejects an input with no spatial positions', () => {
    expectArgError(() => ops.globalAvgPool(t([1, 2, 0, 0])), RangeError, 'x');
  });

  // lib/random.ts Generator.uniform/normal: n is not checked. NaN gives an empty array; -1 throws
  // V8's "Invalid typed array length: -1", which does not name n.
  it('Generator.uniform / normal check n', () => {
    const g = new Generator(1);
    expectArgError(() => g.uniform(NaN), RangeError, 'n');
    expectArgError(() => g.uniform(-1), RangeError, 'n');
    expectArgError(() => g.normal(2.5), RangeError, 'n');
  });

  // lib/ops/activation.ts dropout: `training` and `generator` are not checked; a non-Generator
  // fails with "generator.reserve is not a function".
  it('dropout checks training and generator', () => {
    expectArgError(() => ops.dropout(t([4]), 0.5, 'no' as never), TypeError, 'training');
    expectArgError(() => ops.dropout(t([4]), 0.5, true, {} as never), TypeError, 'generator');
  });

  // lib/nn/layers.ts: `bias` (ConvNd, Linear) and `elementwiseAffine` (LayerNorm) are read with
  // `?? true`, so the string 'false' silently keeps the bias.
  it('layer constructors check boolean options', () => {
    expectArgError(() => new nn.Conv2d(3, 8, 3, { bias: 'false' as never }), TypeError, 'bias');
    expectArgError(() => new nn.Linear(3, 8, { bias: 0 as never }), TypeError, 'bias');
    expectArgError(() => new nn.LayerNorm(4, { elementwiseAffine: 'no' as never }), TypeError, 'elementwiseAffine');
  });

  // lib/nn/layers.ts: these constructors accept values that can never work and only fail at
  // forward() (Conv2d, by contrast, checks stride/padding when constructed).
  it('layer constructors reject configurations that forward() would reject', () => {
    expectArgError(() => new nn.MaxPool2d(2, { stride: 0 }), RangeError, 'stride');
    expectArgError(() => new nn.AvgPool2d(2, { padding: 2 }), RangeError, 'padding[0]');
    expectArgError(() => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, outputPadding: 2 }), RangeError, 'outputPadding[0]');
    expectArgError(() => new nn.LayerNorm([]), RangeError, 'normalizedShape');
    expectError(() => new nn.Upsample({}), TypeError, /size/, /scaleFactor/);
  });

  // lib/io/safetensors.ts decodeSafetensors: the header's structure is trusted.
  //  - a `null` header -> "Cannot read properties of null (reading '__metadata__')"
  //  - a tensor without data_offsets -> "undefined is not iterable"
  //  - a negative shape -> V8 "Invalid typed array length: -4"
  //  - negative data_offsets -> no error: the tensor's bytes are read from the JSON header
  it('decodeSafetensors rejects malformed headers, naming the source', () => {
    const src = 'bad.safetensors';
    const re = new RegExp(`^${esc(src)}: not a valid safetensors file`);
    expectError(() => decodeSafetensors(stFile('null    '), src), Error, re);
    expectError(() => decodeSafetensors(stFile({ a: { dtype: 'F32', shape: [1] } }, new Uint8Array(4)), src), Error, re, /"a"/);
    expectError(() => decodeSafetensors(stFile({ a: null }), src), Error, re, /"a"/);
    expectError(() => decodeSafetensors(stFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [4, 0] } }, new Uint8Array(4)), src), Error, re, /"a"/);
    expectError(() => decodeSafetensors(stFile({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, new Uint8Array(4)), src), Error, re, /"a"/);
  });

  // lib/io/safetensors.ts decodeSafetensors: the buffer argument is not checked; a number or a long
  // string fails inside Buffer.from with a message that does not name the argument.
  it('decodeSafetensors rejects a non-Uint8Array buffer', () => {
    expectArgError(() => decodeSafetensors(12345678 as never), TypeError, 'buf');
    expectArgError(() => decodeSafetensors('0123456789abcdef' as never), TypeError, 'buf');
  });

  // lib/data/fashion-mnist.ts: `labels` is read with `?? true`; the string 'no' loads the labels.
  it('fashionMnist checks the labels flag', () => {
    expectArgError(() => data.fashionMnist({ labels: 'no' as never }), TypeError, 'labels');
  });

  // lib/tensor/tensor.ts accepts a Float32Array over a SharedArrayBuffer, but every native op then
  // fails with a bare `Error: Invalid argument` (node-addon-api cannot take the ArrayBuffer of a
  // SharedArrayBuffer view) that names neither the function nor the argument.
  it('a Tensor over a SharedArrayBuffer either works or is rejected with a clear TypeError', () => {
    const shared = () => { const d = new Float32Array(new SharedArrayBuffer(16)); d.set([-1, 2, -3, 4]); return d; };
    let made: Tensor;
    try {
      made = new Tensor(shared(), [4]);
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      expect((e as Error).message).toMatch(/data/);
      return;
    }
    expect(ops.relu(made).toArray()).toEqual([0, 2, 0, 4]);
  });
});
