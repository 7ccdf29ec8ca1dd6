// Ops that allocate their outputs uninitialized (storage.ts's emptyFloat32) must write every
// element. Here emptyFloat32 hands out NaN-filled buffers, as reused heap memory could hold
// anything: an element an op leaves unwritten shows up as NaN. Shapes take each kernel's paths
// (conv with several images per GEMM and with one, bias or none, strided gather; pooling with
// padding; broadcasting).
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../lib/tensor/storage.js', () => ({
  emptyFloat32: (n: number) => new Float32Array(n).fill(Number.NaN),
}));

const { Generator } = await import('../../lib/random.js');
const { randn } = await import('../../lib/tensor/create.js');
const ops = await import('../../lib/ops/index.js');

function finite(name: string, y: { data: Float32Array }) {
  const bad = y.data.findIndex((v) => !Number.isFinite(v));
  expect(bad, `${name}: element ${bad} left unwritten`).toBe(-1);
}

describe('ops write every element of their uninitialized outputs', () => {
  const g = new Generator(3);
  const r = (...shape: number[]) => randn(shape, { generator: g });

  it('convolutions (one and several images per GEMM, bias or none, strided) and transposed', () => {
    const x = r(5, 3, 6, 6), w = r(4, 3, 3, 3), b = r(4);
    finite('conv small planes', ops.conv(x, w, b, { padding: 1 }));
    finite('conv no bias', ops.conv(x, w, null, { padding: 1, stride: 2 }));
    const big = r(2, 2, 40, 40);
    finite('conv one image per GEMM', ops.conv(big, r(3, 2, 3, 3), r(3), { padding: 1 }));
    finite('conv one image, no bias', ops.conv(big, r(3, 2, 3, 3), null, { padding: 1 }));
    finite('pointwise', ops.conv(big, r(3, 2, 1, 1), null));
    finite('conv 3-D', ops.conv(r(2, 2, 4, 5, 5), r(3, 2, 3, 3, 3), r(3), { padding: 1, stride: [1, 2, 2] }));
    finite('convTranspose', ops.convTranspose(r(2, 4, 5, 5), r(4, 3, 3, 3), r(3), { stride: 2, padding: 1, outputPadding: 1 }));
    finite('convTranspose no bias', ops.convTranspose(r(2, 4, 5, 5), r(4, 3, 2, 2), null, { stride: 2 }));
  });

  it('normalization, activations, pooling, upsampling', () => {
    const x = r(4, 3, 5, 7);
    const mean = randn([3], { generator: g }), v = ops.addScalar(ops.square(r(3)), 0.5);
    for (const relu of [false, true]) {
      finite('batchNorm train', ops.batchNorm(x, null, null, r(3), r(3), { relu }));
      finite('batchNorm eval', ops.batchNorm(x, mean, v, r(3), r(3), { training: false, relu }));
    }
    finite('layerNorm', ops.layerNorm(x, [5, 7], r(5, 7), r(5, 7)));
    for (const f of [ops.relu, ops.gelu, ops.sigmoid, ops.tanh]) finite(f.name, f(x));
    finite('leakyRelu', ops.leakyRelu(x, 0.1));
    finite('maxPool', ops.maxPool(x, 3, { stride: 2, padding: 1 }));
    finite('avgPool', ops.avgPool(x, 3, { stride: 2, padding: 1 }));
    finite('upsample nearest', ops.upsample2d(x, { scaleFactor: 2 }));
    finite('upsample bilinear', ops.upsample2d(x, { size: [9, 11], mode: 'bilinear' }));
  });

  it('matmul, linear, concatenation and elementwise ops', () => {
    finite('matmul', ops.matmul(r(7, 5), r(5, 9)));
    finite('linear', ops.linear(r(6, 5), r(4, 5), r(4)));
    finite('linear no bias', ops.linear(r(6, 5), r(4, 5)));
    finite('catChannels', ops.catChannels([r(2, 3, 4, 4), r(2, 1, 4, 4)]));
    finite('add broadcast', ops.add(r(3, 4, 5), r(4, 1)));
    finite('mul', ops.mul(r(3, 4), r(3, 4)));
    finite('exp', ops.exp(r(3, 4)));
  });
});
