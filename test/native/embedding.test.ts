// Embedding lookup and scatter-add backward against the reference loops (repeated ids, every
// thread count), the gradient against finite differences, and bad ids named before the addon.
import { afterEach, describe, expect, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { Embedding } from '../../lib/nn/layers.js';
import { embedding } from '../../lib/ops/embedding.js';
import { sum, mul } from '../../lib/ops/elementwise.js';
import { manualSeed } from '../../lib/random.js';
import { setNumThreads } from '../../lib/runtime.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { caught, expectClose, numericGrad, randomArray } from '../helpers.js';

afterEach(() => setNumThreads(2));

describe('embedding kernels', () => {
  for (const [R, V, D] of [[1, 1, 1], [37, 5, 3], [500, 256, 64], [64, 300, 100]])
    it(`R${R} V${V} D${D}: forward and scatter-add match the reference at 1 and 2 threads`, () => {
      const nb = native();
      const table = randomArray(V * D, V + D), dout = randomArray(R * D, R);
      const ids = Int32Array.from({ length: R }, (_, i) => (i * 7 + (i % 3)) % V); // many repeats
      const ref = new Float32Array(R * D), refGrad = randomArray(V * D, 5).map((v) => v * 0.1);
      nb.ref.embeddingForward(ref, table, ids, V, D);
      const start = refGrad.slice();
      nb.ref.embeddingBackward(refGrad, dout, ids, V, D);
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        const out = new Float32Array(R * D), grad = start.slice();
        nb.embeddingForward(out, table, ids, V, D);
        nb.embeddingBackward(grad, dout, ids, V, D);
        expect(Array.from(out)).toEqual(Array.from(ref));
        expectClose(grad, refGrad, 1e-6, 1e-6, 'dtable (accumulated onto a non-zero start)');
      }
    });

  it('the addon names an id out of range', () => {
    const nb = native();
    expect(caught(() => nb.embeddingForward(new Float32Array(4), new Float32Array(6), Int32Array.of(0, 3), 3, 2)).message)
      .toMatch(/embeddingForward.*ids\[1\] in \[0, 3\) but received 3/);
  });
});

describe('ops.embedding and nn.Embedding', () => {
  it('gradient of a weighted sum matches finite differences; output shape follows idsShape', () => {
    const w = new Tensor(randomArray(6 * 4, 3), [6, 4], true);
    const ids = Int32Array.of(0, 5, 2, 2, 0, 0);
    const R = new Tensor(randomArray(6 * 4, 4), [2, 3, 4]);
    const f = () => sum(mul(embedding(ids, w, [2, 3]), R));
    const y = f();
    expect(embedding(ids, w, [2, 3]).shape).toEqual([2, 3, 4]);
    y.backward();
    const num = numericGrad(() => f().item(), w.data, 1e-2);
    expectClose(w.grad!, num, 1e-3, 1e-3, 'dweight');
  });

  it('rejects bad ids and shapes, and the layer initializes N(0, 1) seeded', () => {
    const w = new Tensor(new Float32Array(8), [4, 2]);
    expect(caught(() => embedding(Int32Array.of(1, 4), w)).message).toMatch(/token id in \[0, 4\) for ids\[1\]/);
    expect(caught(() => embedding([0.5], w)).message).toMatch(/ids\[0\]/);
    expect(caught(() => embedding(Int32Array.of(1, 2), w, [3])).message).toMatch(/idsShape/);
    manualSeed(3);
    const a = new Embedding(256, 8);
    manualSeed(3);
    const b = new Embedding(256, 8);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    const m = a.weight.data.reduce((s, v) => s + v, 0) / a.weight.size;
    const sd = Math.sqrt(a.weight.data.reduce((s, v) => s + (v - m) ** 2, 0) / a.weight.size);
    expect(Math.abs(m)).toBeLessThan(0.1);
    expect(Math.abs(sd - 1)).toBeLessThan(0.1);
    expect(a.lookup(new Uint8Array([255, 0])).shape).toEqual([2, 8]);
  });
});
