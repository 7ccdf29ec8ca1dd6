// The source-classification probe end to end on the embedded fortunes sample: the rows, a
// bag-of-bytes baseline well above the majority class, features that ignore batch padding, and
// bad input.
import { describe, expect, it } from 'vitest';
import { formatResultsTable } from '../../lib/eval/report.js';
import { CausalConvNet } from '../../lib/nn/causal-conv.js';
import { Generator } from '../../lib/random.js';
import { NextToken } from '../../lib/tasks/next-token.js';
import { fortunesSampleDocuments } from '../../lib/text/fortunes.js';
import { byteHistograms, documentFeatures, sourceProbe } from '../../lib/text/source-probe.js';
import { expectClose } from '../helpers.js';

const docs = fortunesSampleDocuments();
const net = () => new CausalConvNet({ channels: 16 }, { generator: new Generator(4) });

describe('sourceProbe', () => {
  it('runs end to end; bag of bytes beats the majority class', () => {
    const r = sourceProbe(new NextToken({ model: net() }), docs, { name: 'tiny next-token' });
    expect(r.classes).toEqual(['computers', 'food', 'law', 'science', 'songs-poems', 'startrek']);
    expect(r.trainDocuments + r.testDocuments).toBe(939);
    expect(r.testDocuments).toBe(94);
    expect(r.rows.map((row) => row.model)).toEqual(['tiny next-token', 'random init', 'bag of bytes', 'majority class']);
    for (const row of r.rows) {
      expect(row.accuracy).toBeGreaterThanOrEqual(0);
      expect(row.accuracy).toBeLessThanOrEqual(1);
      expect(row.settings.length).toBeGreaterThan(0);
    }
    const acc = Object.fromEntries(r.rows.map((row) => [row.model, row.accuracy]));
    // Six classes, the largest about a quarter of the documents.
    expect(acc['majority class']).toBeLessThan(0.3);
    expect(acc['bag of bytes'], JSON.stringify(acc)).toBeGreaterThan(acc['majority class'] + 0.15);
    expect(formatResultsTable(r.rows, { format: 'plain' })).toContain('bag of bytes');
  });

  it('pooled features do not depend on the batch a document is padded in', () => {
    const m = net();
    const some = docs.bytes.slice(0, 12);
    const batched = documentFeatures(m, some, 128, 5);
    const alone = new Float32Array(12 * 16);
    some.forEach((b, i) => alone.set(documentFeatures(m, [b], 128, 1), i * 16));
    expectClose(batched, alone, 1e-4, 1e-5, 'batched vs one by one');
    const h = byteHistograms(some, 128);
    for (let i = 0; i < 12; i++) expect(h.subarray(i * 256, (i + 1) * 256).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });

  it('rejects bad input, naming it', () => {
    const m = net();
    expect(() => sourceProbe({} as never, docs)).toThrow(/model/);
    expect(() => sourceProbe(m, {} as never)).toThrow(/documents/);
    expect(() => sourceProbe(m, { ...docs, bytes: [new Uint8Array(0), ...docs.bytes.slice(1)] })).toThrow(/documents\.bytes\[0\]/);
    expect(() => sourceProbe(m, { ...docs, heldOut: new Uint8Array(docs.bytes.length) })).toThrow(/held-out/);
    expect(() => sourceProbe(m, docs, { window: 0 })).toThrow(/window/);
    expect(() => sourceProbe(m, docs, { name: '' })).toThrow(/name/);
    expect(() => sourceProbe(m, docs, { windows: 5 } as never)).toThrow(/Unknown option "windows"/);
  });
});
