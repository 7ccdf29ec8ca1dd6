// The causal dilated conv network: no output sees a later input (nor another sequence of the
// batch), the receptive field is what the spec says, every parameter gets a gradient, pooling
// ignores right padding, and bad specs and inputs are named.
import { describe, expect, it } from 'vitest';
import { CausalConvNet } from '../../lib/nn/causal-conv.js';
import { Generator } from '../../lib/random.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { NextToken } from '../../lib/tasks/next-token.js';
import { expectClose } from '../helpers.js';

const bytes = (n: number, seed: number) => Uint8Array.from(new Generator(seed).uniform(n), (u) => Math.floor(u * 256));
const small = () => new CausalConvNet({ channels: 8, dilations: [1, 2, 4] }, { generator: new Generator(1) });

describe('CausalConvNet', () => {
  it('output t depends on inputs t - receptiveField + 1 ... t only, within its own sequence', () => {
    const net = small();
    expect(net.receptiveField).toBe(1 + 2 * (1 + 2 + 4));
    const R = net.receptiveField, N = 2, L = 48, V = 256, t = 20;
    for (const mode of ['train', 'eval'] as const) {
      net.train(mode === 'train');
      const ids = bytes(N * L, 2);
      const before = net.logits(ids, N, L).data;
      ids[t] = (ids[t] + 101) % 256; // sequence 0, position t
      const after = net.logits(ids, N, L).data;
      const changed = (n: number, p: number) => {
        for (let k = 0; k < V; k++) if (before[(n * L + p) * V + k] !== after[(n * L + p) * V + k]) return true;
        return false;
      };
      for (let p = 0; p < t; p++) expect(changed(0, p), `${mode}: position ${p} < ${t} changed`).toBe(false);
      for (let p = t; p < t + R; p++) expect(changed(0, p), `${mode}: position ${p} in the receptive field did not change`).toBe(true);
      for (let p = t + R; p < L; p++) expect(changed(0, p), `${mode}: position ${p} beyond the receptive field changed`).toBe(false);
      for (let p = 0; p < L; p++) expect(changed(1, p), `${mode}: the other sequence changed at ${p}`).toBe(false);
    }
  });

  it('the default spec: 64 channels, dilations 1-32, 127-byte receptive field, 108k parameters', () => {
    const net = new CausalConvNet();
    expect(net.spec).toEqual({ vocab: 256, channels: 64, kernelSize: 3, dilations: [1, 2, 4, 8, 16, 32], dropout: 0 });
    expect(net.receptiveField).toBe(127);
    expect(net.numParameters()).toBe(108032);
    expect(JSON.parse(JSON.stringify(net.spec))).toEqual(net.spec);
  });

  it('every parameter gets a non-zero gradient from the next-token loss', () => {
    const task = new NextToken({ model: small() });
    const images = bytes(3 * 33, 3);
    task.loss({ images, shape: [3, 33], indices: Int32Array.of(0, 1, 2), labels: null }).backward();
    for (const [name, p] of task.model.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.some((v) => v !== 0), `${name}: all-zero gradient`).toBe(true);
      expect(p.grad!.every(Number.isFinite), name).toBe(true);
    }
  });

  it('pooled features ignore right padding; forward is the plain mean', () => {
    const net = small().eval();
    const doc = bytes(10, 4), padded = new Uint8Array(2 * 16);
    padded.set(doc);
    padded.set(bytes(6, 5), 10); // junk after the document
    padded.set(bytes(16, 6), 16); // a second, full-length sequence
    const pooled = net.pooled(padded, 2, 16, [10, 16]);
    expect(pooled.shape).toEqual([2, 8]);
    expectClose(pooled.data.subarray(0, 8), net.pooled(doc, 1, 10).data, 1e-5, 1e-6, 'padded vs alone');
    expectClose(pooled.data.subarray(8), net.pooled(padded.subarray(16), 1, 16).data, 1e-5, 1e-6, 'full length');
    const x = new Tensor(Float32Array.from(padded), [2, 16]);
    expectClose(net.forward(x).data, net.pooled(padded, 2, 16).data, 1e-6, 1e-7, 'forward');
    expectClose(net.clone().logits(doc, 1, 10).data, net.logits(doc, 1, 10).data, 0, 0, 'clone');
  });

  it('dropout: masks drawn from the given generator while training, none in eval mode', () => {
    const plain = small(), dropped = new CausalConvNet({ ...plain.spec, dropout: 0.3 });
    dropped.loadStateDict(new Map([...plain.stateDict()].map(([k, v]) => [k, v instanceof Tensor ? { shape: v.shape, data: v.data } : { shape: [], data: [v.value] }])));
    const ids = bytes(2 * 24, 5);
    const a = dropped.logits(ids, 2, 24, new Generator(7)).data, b = dropped.logits(ids, 2, 24, new Generator(7)).data;
    expectClose(a, b, 0, 0, 'same generator');
    const c = dropped.logits(ids, 2, 24, new Generator(8)).data;
    expect(c.some((v, i) => v !== a[i]), 'another generator draws other masks').toBe(true);
    const p = plain.logits(ids, 2, 24).data;
    expect(a.some((v, i) => Math.abs(v - p[i]) > 1e-4), 'dropout changes the training forward').toBe(true);
    dropped.train(false);
    expectClose(dropped.logits(ids, 2, 24, new Generator(7)).data, p, 0, 0, 'eval mode: the plain network');
    expect(dropped.clone().spec.dropout).toBe(0.3);
    // Causality holds with dropout too: a mask is per activation, never across positions.
    dropped.train(true);
    const changed = ids.slice(); changed[30] ^= 0x55; // sequence 1, position 6
    const d0 = dropped.logits(ids, 2, 24, new Generator(9)).data, d1 = dropped.logits(changed, 2, 24, new Generator(9)).data;
    for (let i = 0; i < 30 * 256; i++) if (d0[i] !== d1[i]) throw new Error(`output row ${Math.floor(i / 256)} before the changed byte moved`);
  });

  it('rejects bad specs and inputs, naming them', () => {
    expect(() => new CausalConvNet({ dropout: 1 })).toThrow(/spec\.dropout/);
    expect(() => new CausalConvNet({ dropout: -0.1 })).toThrow(/spec\.dropout/);
    expect(() => new CausalConvNet({ channels: 0 })).toThrow(/spec\.channels/);
    expect(() => new CausalConvNet({ dilations: [] })).toThrow(/spec\.dilations/);
    expect(() => new CausalConvNet({ dilations: [1, 0] })).toThrow(/spec\.dilations\[1\]/);
    expect(() => new CausalConvNet({ kernelSize: 0 })).toThrow(/spec\.kernelSize/);
    expect(() => new CausalConvNet({ vocab: 1 })).toThrow(/spec\.vocab/);
    expect(() => new CausalConvNet({ width: 8 } as never)).toThrow(/Unknown option "width"/);
    const net = small();
    expect(() => net.logits(bytes(10, 1), 2, 4)).toThrow(/ids/);
    expect(() => net.logits([1, 2] as never, 1, 2)).toThrow(/ids/);
    expect(() => net.logits(Int32Array.of(1, 300), 1, 2)).toThrow(/ids\[1\]/);
    expect(() => net.pooled(bytes(8, 1), 2, 4, [4, 5])).toThrow(/lengths\[1\]/);
    expect(() => net.pooled(bytes(8, 1), 2, 4, [4])).toThrow(/lengths/);
    expect(() => net.forward(new Tensor(Float32Array.of(1, 2.5), [1, 2]))).toThrow(/x\[1\]/);
    expect(() => net.forward(new Tensor(new Float32Array(8), [2, 2, 2]))).toThrow(/x/);
  });
});
